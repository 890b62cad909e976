import { ConfigError } from './validate-config';

/** The part of a Strapi attribute that populate cares about. */
export interface SchemaAttribute {
  type: string;
  relation?: string;
  target?: string;
  component?: string;
  components?: string[];
  private?: boolean;
}

/** The part of a Strapi content-type or component schema that populate cares about. */
export interface Schema {
  uid: string;
  modelType?: string;
  attributes: Record<string, SchemaAttribute>;
  options?: { privateAttributes?: string[] };
}

export interface PopulateSchemaContext {
  /** Content types and components by uid, as `strapi.getModel`. */
  getModel(uid: string): Schema | undefined;
  /** The app's `api.responses.privateAttributes`: private in every model. */
  privateAttributes?: readonly string[];
}

const POPULATABLE = ['relation', 'media', 'component', 'dynamiczone'];
const NESTED_QUERY_KEYS = ['populate', 'fields', 'filters', 'sort', 'count'];
const FRAGMENT_KEYS = ['on', 'populate', 'count'];
// Strapi's parseType accepts these as booleans (an object-form value like `{ category: 'true' }`).
const BOOLEAN_LIKE: readonly unknown[] = ['true', 't', '1', 1, 'false', 'f', '0', 0];

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isMorphTo = (attribute: SchemaAttribute) => attribute.type === 'relation' && attribute.relation?.startsWith('morphTo') === true;
const isPolymorphic = (attribute: SchemaAttribute) => attribute.type === 'dynamiczone' || isMorphTo(attribute);
const isBooleanLike = (value: unknown) => typeof value === 'boolean' || BOOLEAN_LIKE.includes(value);
const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : value === null ? 'null' : `${typeof value} ${String(value)}`);

/**
 * Checks a content type's `populate` against its schema the way Strapi 5.54's REST validator
 * (`?populate=`) and Document Service check it, and fails with a message that names the config key,
 * the name and the type it was looked up in. Without this, a wrong name boots fine and every event
 * of that type then fails on the server (`ValidationError: Invalid key author`), so clients get
 * nothing. It is a walk of the schema, not a call into Strapi, so the message can say what is
 * wrong; bootstrap also asks Strapi's own validator afterwards.
 *
 * Accepted: `'*'`; a name, a comma-separated string or an array of names, each a relation, media,
 * component or dynamic zone, with dot paths through relations and components (`'category.articles'`);
 * the object form `{ category: true }`, `{ category: { populate, fields, filters, sort, count } }`,
 * and for dynamic zones and morph-to relations `{ blocks: { on: { 'shared.quote': true } } }`.
 * Refused as REST refuses them: scalar fields (`'title'`; fields are always sent), private
 * attributes, a dot path into media or a morph-to relation, `true`/`false` in place of a populate
 * value (Strapi's query converter throws on them). Stricter than REST in one place: a fragment (`on`)
 * for a component the dynamic zone does not allow, which REST ignores silently.
 *
 * Called at start-up as `checkPopulate({ category: { fields: ['name'] } }, 'api::article.article',
 * context, 'contentTypes[0].populate')`; it throws a `ConfigError` naming the key.
 */
export function checkPopulate(populate: unknown, uid: string, context: PopulateSchemaContext, key: string): void {
  const schema = context.getModel(uid);
  if (!schema) throw new ConfigError(`"${key}" belongs to ${uid}, which is not a content type of this app`);
  new PopulateWalker(context, key).populate(populate, schema, '');
}

class PopulateWalker {
  constructor(
    private readonly context: PopulateSchemaContext,
    /** The config key of the whole populate value, e.g. `contentTypes[1].populate`. */
    private readonly key: string,
  ) {}

  /** The key of a position inside the populate value, e.g. `contentTypes[1].populate.category.fields`. */
  private at(path: string): string {
    return path ? `${this.key}.${path}` : this.key;
  }

  private fail(message: string): never {
    throw new ConfigError(message);
  }

  private isPrivate(schema: Schema, name: string): boolean {
    return (
      schema.attributes[name]?.private === true ||
      schema.options?.privateAttributes?.includes(name) === true ||
      this.context.privateAttributes?.includes(name) === true
    );
  }

  private model(uid: string, path: string): Schema {
    const model = this.context.getModel(uid);
    if (!model) this.fail(`"${this.at(path)}" leads to ${uid}, which is not a content type or component of this app`);
    return model;
  }

  /**
   * The attribute `name` of `schema`, which must be one populate can follow. `named` is what the
   * config wrote (a dot path may name more than this one segment).
   */
  private populatable(schema: Schema, name: string, path: string, named: string): SchemaAttribute {
    const attribute = Object.prototype.hasOwnProperty.call(schema.attributes, name) ? schema.attributes[name] : undefined;
    const what = named === name ? `names "${name}", which` : `names "${named}", whose "${name}"`;
    if (!attribute || !POPULATABLE.includes(attribute.type)) {
      const hint = attribute
        ? `; it is a ${attribute.type} field, and fields are always sent`
        : this.populatableNames(schema).length
          ? ` (it can populate: ${this.populatableNames(schema).join(', ')})`
          : ` (it has nothing to populate)`;
      this.fail(`"${this.at(path)}" ${what} is not a relation, media, component or dynamic zone of ${schema.uid}${hint}`);
    }
    if (this.isPrivate(schema, name)) {
      this.fail(`"${this.at(path)}" ${what} is private in ${schema.uid}: Strapi refuses to populate it and no reader would receive it`);
    }
    return attribute;
  }

  private populatableNames(schema: Schema): string[] {
    return Object.entries(schema.attributes)
      .filter(([name, attribute]) => POPULATABLE.includes(attribute.type) && !this.isPrivate(schema, name))
      .map(([name]) => name);
  }

  /** A populate value: `'*'`, names (string, comma string, array) or the object form. */
  populate(value: unknown, schema: Schema, path: string): void {
    if (value === '*') return;
    if (typeof value === 'string') return this.names(value.split(','), schema, path);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item !== 'string') this.fail(`"${this.at(path)}[${i}]" must be a name (got ${show(item)})`);
      });
      return this.names((value as string[]).flatMap((item) => item.split(',')), schema, path);
    }
    if (isPlainObject(value)) {
      for (const [name, sub] of Object.entries(value)) this.entry(name, sub, schema, path);
      return;
    }
    this.fail(`"${this.at(path)}" must be '*', a name, an array of names or an object (got ${show(value)}); '*' populates every relation`);
  }

  private names(items: string[], schema: Schema, path: string): void {
    for (const item of items.map((name) => name.trim()).filter(Boolean)) {
      if (item === '*') this.fail(`"${this.at(path)}" lists '*' among names: give '*' alone, or only names`);
      this.dotPath(item.split('.').map((segment) => segment.trim()), schema, path, item);
    }
  }

  /** `category.articles`: each segment but the last must lead somewhere (a relation or a component). */
  private dotPath(segments: string[], schema: Schema, path: string, named: string): void {
    const [head, ...rest] = segments;
    if (head === undefined || head === '') this.fail(`"${this.at(path)}" names "${named}", which has an empty segment`);
    const attribute = this.populatable(schema, head, path, named);
    if (rest.length === 0) return;
    if (attribute.type === 'media') {
      this.fail(`"${this.at(path)}" names "${named}", but a dot path cannot go into media "${head}" of ${schema.uid}; use { ${head}: { populate: ... } }`);
    }
    if (isMorphTo(attribute)) {
      this.fail(`"${this.at(path)}" names "${named}", but a dot path cannot go into the polymorphic relation "${head}" of ${schema.uid}; use { ${head}: { on: ... } }`);
    }
    if (attribute.type === 'dynamiczone') return this.dynamicZonePath(attribute, rest, schema, path, named, head);
    const target = attribute.type === 'component' ? attribute.component : attribute.target;
    this.dotPath(rest, this.model(target ?? '', path), path, named);
  }

  /**
   * A dot path through a dynamic zone continues in whichever of its components has the next
   * segment (Strapi's own rule, which takes any attribute as the last segment).
   */
  private dynamicZonePath(attribute: SchemaAttribute, rest: string[], schema: Schema, path: string, named: string, zone: string): void {
    const [next, ...after] = rest as [string, ...string[]];
    const candidates = (attribute.components ?? []).map((uid) => this.context.getModel(uid)).filter((model) => model?.attributes[next]);
    if (candidates.length === 0) {
      this.fail(
        `"${this.at(path)}" names "${named}", but no component of the dynamic zone "${zone}" of ${schema.uid} has "${next}" (components: ${(attribute.components ?? []).join(', ')})`,
      );
    }
    if (after.length === 0) return;
    let firstError: unknown;
    for (const component of candidates as Schema[]) {
      try {
        this.dotPath(rest, component, path, named);
        return;
      } catch (error) {
        firstError ??= error;
      }
    }
    throw firstError;
  }

  /** One `name: value` of the object form at `parentPath`. */
  private entry(name: string, value: unknown, schema: Schema, parentPath: string): void {
    const path = parentPath ? `${parentPath}.${name}` : name;
    const attribute = this.populatable(schema, name, parentPath, name);
    if (isBooleanLike(value) || value === '*') {
      if (value === '*' && attribute.type === 'dynamiczone') {
        this.fail(`"${this.at(path)}" must be true or { on: { ... } } for the dynamic zone "${name}" of ${schema.uid} (got "*")`);
      }
      return;
    }
    if (!isPlainObject(value)) {
      this.fail(`"${this.at(path)}" must be true, '*' or an object { populate, fields, filters, sort, count } (got ${show(value)})`);
    }
    if (isPolymorphic(attribute)) return this.fragment(attribute, value, schema, name, path);
    if ('on' in value) {
      this.fail(`"${this.at(path)}.on": fragments (on) are for dynamic zones and polymorphic relations, and "${name}" of ${schema.uid} is a ${attribute.type}`);
    }
    const target = attribute.type === 'component' ? attribute.component : attribute.type === 'media' ? 'plugin::upload.file' : attribute.target;
    this.nestedQuery(value, this.model(target ?? '', path), path);
  }

  /** `{ on: { 'shared.quote': ... }, populate: '*', count }` of a dynamic zone or morph-to relation. */
  private fragment(attribute: SchemaAttribute, value: Record<string, unknown>, schema: Schema, name: string, path: string): void {
    for (const key of Object.keys(value)) {
      if (!FRAGMENT_KEYS.includes(key)) {
        this.fail(`"${this.at(`${path}.${key}`)}" is not an option of the ${attribute.type === 'dynamiczone' ? 'dynamic zone' : 'polymorphic relation'} "${name}" of ${schema.uid}: use on, populate ('*') or count`);
      }
    }
    if (value.populate !== undefined && value.populate !== null && value.populate !== '*') {
      this.fail(`"${this.at(`${path}.populate`)}" must be '*' for "${name}" of ${schema.uid}; choose per component with { on: { ... } } (got ${show(value.populate)})`);
    }
    if (value.count !== undefined && !isBooleanLike(value.count)) this.fail(`"${this.at(`${path}.count`)}" must be true or false (got ${show(value.count)})`);
    if (value.on === undefined) return;
    if (!isPlainObject(value.on)) this.fail(`"${this.at(`${path}.on`)}" must be an object of component uids (got ${show(value.on)})`);
    for (const [uid, sub] of Object.entries(value.on)) {
      const subPath = `${path}.on.${uid}`;
      if (attribute.type === 'dynamiczone' && !(attribute.components ?? []).includes(uid)) {
        this.fail(`"${this.at(subPath)}" names ${uid}, which the dynamic zone "${name}" of ${schema.uid} does not allow (components: ${(attribute.components ?? []).join(', ')})`);
      }
      const model = this.model(uid, subPath);
      if (isBooleanLike(sub) || sub === '*') continue;
      if (!isPlainObject(sub)) this.fail(`"${this.at(subPath)}" must be true, '*' or an object { populate, fields, filters, sort, count } (got ${show(sub)})`);
      this.nestedQuery(sub, model, subPath);
    }
  }

  /** `{ populate, fields, filters, sort, count }` applied to a relation, component or media. */
  private nestedQuery(query: Record<string, unknown>, schema: Schema, path: string): void {
    for (const [key, value] of Object.entries(query)) {
      const keyPath = `${path}.${key}`;
      if (!NESTED_QUERY_KEYS.includes(key)) {
        this.fail(`"${this.at(keyPath)}" is not a populate option: use ${NESTED_QUERY_KEYS.join(', ')}`);
      }
      if (key === 'populate') this.populate(value, schema, keyPath);
      else if (key === 'fields') this.fields(value, schema, keyPath);
      else if (key === 'count' && !isBooleanLike(value)) this.fail(`"${this.at(keyPath)}" must be true or false (got ${show(value)})`);
      else if (key === 'sort') this.nestedSort(value, keyPath);
      // filters (and the rest of sort) are left to Strapi's own validator, which bootstrap runs next.
    }
  }

  /**
   * Strapi's validator accepts a sort of populated documents by a related document's field
   * (`{ articles: { sort: 'category.name' } }`), but its query layer cannot run it: every read
   * fails (REST answers 500), so every event of the type would. Refused here, at start-up.
   */
  private nestedSort(value: unknown, path: string): void {
    const entries = Array.isArray(value) ? value : [value];
    for (const entry of entries) {
      const through =
        typeof entry === 'string'
          ? entry.split(',').find((part) => part.split(':')[0]!.includes('.'))
          : isPlainObject(entry)
            ? Object.keys(entry).find((key) => key.includes('.') || isPlainObject(entry[key]))
            : undefined;
      if (through !== undefined) {
        this.fail(`"${this.at(path)}" sorts by "${through.trim()}", a field of a related document: Strapi cannot sort populated documents that way (its reads fail); sort by their own fields`);
      }
    }
  }

  private fields(value: unknown, schema: Schema, path: string): void {
    if (value === '*') return;
    const names = typeof value === 'string' ? value.split(',') : Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
    if (!names) this.fail(`"${this.at(path)}" must be a field name or an array of field names (got ${show(value)})`);
    for (const name of names.map((item) => item.trim()).filter(Boolean)) {
      // Every document has these, though the schema's attributes do not list them (REST accepts them).
      if (name === 'id' || name === 'documentId') continue;
      const attribute = schema.attributes[name];
      if (!attribute || POPULATABLE.includes(attribute.type)) {
        this.fail(`"${this.at(path)}" names "${name}", which is not a field of ${schema.uid}${attribute ? ` (it is a ${attribute.type}: populate it instead)` : ''}`);
      }
      if (this.isPrivate(schema, name)) this.fail(`"${this.at(path)}" names "${name}", which is private in ${schema.uid}`);
    }
  }
}
