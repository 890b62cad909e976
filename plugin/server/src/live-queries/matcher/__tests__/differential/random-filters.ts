/**
 * Seeded random REST filters over a type's attributes and relations: every operator, values drawn
 * from the stored data and bent (case, substrings, neighbours, other formats, wrong types), nested
 * `$and` / `$or` / `$not`, relation paths several hops deep, relation shorthands, and now and then a
 * filter Strapi rejects (which the matcher must then refuse to decide).
 */
import type { ModelLookup } from '../../../model-info';
import type { Random } from './random';
import { LEVELS, WORDS } from './seed-data';

/** Existing values of an attribute of a type (all rows, drafts included): `pools(uid, attribute)`. */
export type Pools = (uid: string, attribute: string) => readonly unknown[];

const OPERATORS = [
  '$eq', '$eqi', '$ne', '$nei', '$lt', '$lte', '$gt', '$gte', '$in', '$notIn', '$contains', '$notContains', '$containsi', '$notContainsi',
  '$startsWith', '$startsWithi', '$endsWith', '$endsWithi', '$null', '$notNull', '$between', '$not',
];
const SKIPPED_ATTRIBUTES = new Set(['createdBy', 'updatedBy', 'localizations']);
const SPECIAL_TEXT = ['', '%', '_', '\\', 'null', '%a', 'a_', 'ß', 'SS', 'É', 'é', 'e', '🎉', 'İ', 'i', 'I', ' ', '5', 'A', 'a'];

const swapCase = (value: string) => [...value].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

export function createFilterGenerator(random: Random, models: ModelLookup, pools: Pools) {
  const existing = (uid: string, attribute: string) => pools(uid, attribute).filter((value) => value !== null && value !== undefined);

  function stringValue(uid: string, attribute: string): unknown {
    const values = existing(uid, attribute) as string[];
    const base = values.length > 0 ? String(random.pick(values)) : random.pick(WORDS);
    switch (random.int(12)) {
      case 0:
      case 1:
      case 2:
        return base;
      case 3:
        return random.pick([base.toUpperCase(), base.toLowerCase(), swapCase(base)]);
      case 4: {
        const start = random.int(base.length + 1);
        return base.slice(start, start + 1 + random.int(4));
      }
      case 5:
        return base.slice(0, 1 + random.int(Math.max(1, base.length)));
      case 6:
        return base.slice(-1 - random.int(Math.max(1, base.length)));
      case 7:
        return random.pick(WORDS);
      case 8:
        return random.pick(SPECIAL_TEXT);
      case 9:
        return random.pick([5, 10, true, 0, null]);
      case 10:
        return random.pick(LEVELS).toUpperCase();
      default:
        return `${base.slice(0, 2)}${random.pick(['%', '_', ''])}`;
    }
  }

  function numberValue(uid: string, attribute: string, type: string): unknown {
    const values = existing(uid, attribute);
    const base = values.length > 0 ? random.pick(values) : 0;
    const numeric = typeof base === 'string' ? Number(base) : (base as number);
    switch (random.int(10)) {
      case 0:
      case 1:
      case 2:
        return base;
      case 3:
        return String(base);
      case 4:
        return type === 'biginteger' ? (BigInt(String(base)) + BigInt(random.pick([1, -1]))).toString() : numeric + random.pick([1, -1, 0.5, 0.01]);
      case 5:
        return random.pick([0, -1, 1, 2147483647, 2147483648, 9007199254740993, 1e20, 0.1]);
      case 6:
        return random.pick([' 5 ', '1e1', '0x10', '', 'abc', '5.0', '-0', '007', true, '9223372036854775808']);
      case 7:
        return random.pick([null, 10, 42, 100.5]);
      default:
        return Math.round(numeric);
    }
  }

  function dateTimeValue(uid: string, attribute: string, type: string): unknown {
    const values = existing(uid, attribute);
    const raw = values.length > 0 ? random.pick(values) : '2024-06-01T00:00:00.000Z';
    const ms = type === 'timestamp' ? Number(raw) : Date.parse(String(raw));
    const iso = new Date(ms).toISOString();
    switch (random.int(11)) {
      case 0:
      case 1:
        return iso;
      case 2:
        return new Date(ms + random.pick([1, -1, 1000, -60000])).toISOString();
      case 3:
        return iso.slice(0, 10);
      case 4:
        return iso.slice(0, 19);
      case 5:
        return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
      case 6:
        return iso.replace('Z', '+00:00');
      case 7: {
        const shifted = new Date(ms + 2 * 3600000).toISOString();
        return `${shifted.slice(0, 23)}+02:00`;
      }
      case 8:
        return random.pick(['abc', ms, String(ms), '2024', '2024-13-01', '2024-02-30T00:00:00Z', '2024-01-01T24:00:00Z', '20240101']);
      case 9:
        return random.pick(['2024-06-01', '1999-01-01T00:00:00Z', '2030-01-01T00:00:00.000Z', null]);
      default:
        return iso.slice(0, 21) + 'Z';
    }
  }

  function dateValue(uid: string, attribute: string): unknown {
    const values = existing(uid, attribute) as string[];
    const base = values.length > 0 ? random.pick(values) : '2024-06-01';
    switch (random.int(7)) {
      case 0:
      case 1:
        return base;
      case 2:
        return `${base.slice(0, 8)}${String(Math.min(28, Number(base.slice(8)) + 1)).padStart(2, '0')}`;
      case 3:
        return `${base}T10:00:00Z`;
      case 4:
        return random.pick(['2024-02-30', 'abc', 20240101, '2024-1-1', '1999-12-31']);
      default:
        return base.slice(0, 4) + '-06-15';
    }
  }

  function timeValue(uid: string, attribute: string): unknown {
    const values = existing(uid, attribute) as string[];
    const base = values.length > 0 ? random.pick(values) : '12:00:00.000';
    switch (random.int(7)) {
      case 0:
      case 1:
        return base;
      case 2:
        return base.slice(0, 8);
      case 3:
        return `${base.slice(0, 8)}.5`;
      case 4:
        return random.pick(['12:00', 'abc', '24:00:00', '00:00:00', '23:59:59.999']);
      default:
        return `${base.slice(0, 6)}00`;
    }
  }

  function booleanValue(): unknown {
    return random.pick([true, false, true, false, 'true', 'false', 't', 'f', '1', '0', 1, 0, 'yes', '', null]);
  }

  function idValue(uid: string): unknown {
    const ids = existing(uid, 'id') as number[];
    const id = ids.length > 0 ? random.pick(ids) : 1;
    return random.pick([id, id, String(id), id + 1, 0, 99999, '1', random.chance(0.2) ? 'abc' : id, random.chance(0.2) ? 1.5 : id]);
  }

  function valueFor(uid: string, attribute: string, type: string): unknown {
    if (attribute === 'id') return idValue(uid);
    if (random.chance(0.03)) return null;
    switch (type) {
      case 'integer':
      case 'biginteger':
      case 'float':
      case 'decimal':
        return numberValue(uid, attribute, type);
      case 'boolean':
        return booleanValue();
      case 'datetime':
      case 'timestamp':
        return dateTimeValue(uid, attribute, type);
      case 'date':
        return dateValue(uid, attribute);
      case 'time':
        return timeValue(uid, attribute);
      case 'enumeration':
        return random.chance(0.8) ? random.pick(LEVELS) : random.pick(LEVELS).toLowerCase();
      case 'json':
        return random.pick(['x', 5, '{"a":1}']);
      default:
        return stringValue(uid, attribute);
    }
  }

  function operatorCondition(uid: string, attribute: string, type: string, depth = 0): unknown {
    const value = () => valueFor(uid, attribute, type);
    const operator = random.pick(OPERATORS);
    switch (operator) {
      case '$in':
      case '$notIn': {
        if (random.chance(0.05)) return { [operator]: value() };
        const values = Array.from({ length: random.int(4) }, value);
        if (random.chance(0.1)) values.push(null);
        return { [operator]: values };
      }
      case '$between': {
        if (random.chance(0.05)) return { $between: [value()] };
        const bounds = [value(), value()];
        return { $between: random.chance(0.5) ? bounds : bounds.reverse() };
      }
      case '$null':
      case '$notNull':
        return { [operator]: random.pick([true, false, true, false, 'true', 'false', 1, 0]) };
      case '$not':
        if (depth < 2 && random.chance(0.6)) return { $not: operatorCondition(uid, attribute, type, depth + 1) };
        return { $not: random.chance(0.8) ? value() : [value(), value()] };
      default:
        // A list on a one-value operator means "any of them" to Strapi.
        if (random.chance(0.08)) return { [operator]: Array.from({ length: random.int(3) }, value) };
        return { [operator]: value() };
    }
  }

  function attributeCondition(uid: string, attribute: string, type: string): unknown {
    switch (random.int(10)) {
      case 0:
        return valueFor(uid, attribute, type);
      case 1:
        return Array.from({ length: random.int(3) }, () => valueFor(uid, attribute, type));
      case 2:
        return { ...(operatorCondition(uid, attribute, type) as object), ...(operatorCondition(uid, attribute, type) as object) };
      default:
        return operatorCondition(uid, attribute, type);
    }
  }

  function relationCondition(uid: string, target: string, depth: number): unknown {
    const id = () => idValue(target);
    switch (random.int(14)) {
      case 0:
        return id();
      case 1:
        return [id(), id()];
      case 2:
        return null;
      case 3:
        return { [random.pick(['$null', '$notNull'])]: random.pick([true, false]) };
      case 4:
        return { $in: [id(), id()] };
      case 5:
        return { [random.pick(['$eq', '$ne', '$not', '$gt', '$lte'])]: id() };
      case 6:
        return { [random.pick(['$and', '$or'])]: [node(target, depth + 1), node(target, depth + 1)] };
      case 7:
        // Rejected by Strapi: the matcher must not decide it.
        return random.pick([{ $not: node(target, depth + 1) }, { ...(node(target, depth + 1) as object), $or: [node(target, depth + 1)] }]);
      default:
        return node(target, depth + 1);
    }
  }

  const attributesOf = (uid: string) =>
    Object.entries(models(uid)?.attributes ?? {}).filter(([name, attribute]) => !SKIPPED_ATTRIBUTES.has(name) && attribute.type !== 'component' && attribute.type !== 'media');

  function condition(uid: string, depth: number): [string, unknown] {
    const attributes = attributesOf(uid);
    const relations = attributes.filter(([, attribute]) => attribute.type === 'relation');
    if (depth < 3 && relations.length > 0 && random.chance(0.3)) {
      const [name, attribute] = random.pick(relations);
      return [name, relationCondition(uid, attribute.target!, depth)];
    }
    const scalars: [string, string][] = [
      ...attributes.filter(([, attribute]) => attribute.type !== 'relation').map(([name, attribute]): [string, string] => [name, attribute.type]),
      ['id', 'increments'],
      ['documentId', 'string'],
      ['documentId', 'string'],
    ];
    const [name, type] = random.pick(scalars);
    return [name, attributeCondition(uid, name, type)];
  }

  function node(uid: string, depth = 0): unknown {
    if (depth < 3 && random.chance(0.3)) {
      const operator = random.pick(['$and', '$or', '$or', '$not']);
      if (operator === '$not') return { $not: node(uid, depth + 1) };
      const items = Array.from({ length: random.chance(0.05) ? 0 : 1 + random.int(3) }, () => node(uid, depth + 1));
      const group: Record<string, unknown> = { [operator]: items };
      // A sibling key next to the group, sometimes a relation whose own group replaces this one.
      if (random.chance(0.3)) Object.assign(group, Object.fromEntries([condition(uid, depth + 1)]));
      return group;
    }
    const entries = Array.from({ length: 1 + random.int(random.chance(0.3) ? 3 : 1) }, () => condition(uid, depth));
    return Object.fromEntries(entries);
  }

  return { filter: (uid: string) => node(uid) as Record<string, unknown> };
}
