/** A relation of a watched type: documents of `parent` show the target inside them under `attribute`. */
export interface RelationLink {
  parent: string;
  attribute: string;
}

/**
 * Which watched types hold a relation to each type, and through which attribute: a reader of those
 * may show the related document inside theirs (REST `populate`), so when it changes they are told
 * (`io:related`) and re-read what shows it. No Strapi here: the models are passed in.
 */
export function relatedTypes(
  watchedUids: Iterable<string>,
  attributesOf: (uid: string) => Record<string, { type?: string; target?: string; private?: boolean }> | undefined,
): Map<string, RelationLink[]> {
  const links = new Map<string, RelationLink[]>();
  for (const parent of watchedUids) {
    for (const [attribute, definition] of Object.entries(attributesOf(parent) ?? {})) {
      if (definition.type !== 'relation' || typeof definition.target !== 'string') continue;
      // What REST never shows populated: private relations, and Strapi's own links between the
      // locales of a document (every type has `localizations`, even one that is not localized).
      if (definition.private === true || attribute === 'localizations') continue;
      const list = links.get(definition.target) ?? [];
      list.push({ parent, attribute });
      links.set(definition.target, list);
    }
  }
  return links;
}
