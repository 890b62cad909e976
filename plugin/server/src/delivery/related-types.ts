/**
 * Which watched types hold a relation to each type: a reader of those may show the related
 * document inside theirs (REST `populate`), so when it changes they are told
 * (`io:related { uid, documentId, locale }`) and re-read what shows it. No Strapi here: the
 * models are passed in.
 */
export function relatedTypes(
  watchedUids: Iterable<string>,
  attributesOf: (uid: string) => Record<string, { type?: string; target?: string }> | undefined,
): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const parent of watchedUids) {
    for (const attribute of Object.values(attributesOf(parent) ?? {})) {
      if (attribute.type !== 'relation' || typeof attribute.target !== 'string') continue;
      const list = parents.get(attribute.target) ?? [];
      if (!list.includes(parent)) list.push(parent);
      parents.set(attribute.target, list);
    }
  }
  return parents;
}
