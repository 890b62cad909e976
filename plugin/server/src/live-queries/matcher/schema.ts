/**
 * What the matcher reads of the models: attributes with Strapi's implicit `id` and `documentId`,
 * and which to-one relations can hold more than one row.
 */
import type { AttributeInfo, ModelInfo, ModelLookup } from '../model-info';

export const ID: AttributeInfo = { type: 'increments' };
export const DOCUMENT_ID: AttributeInfo = { type: 'string' };

/** Content types have a documentId; components (`category.name` uids) do not. */
export const isContentType = (uid: string) => uid.includes('::');

/** An attribute of a model, with the `id` and `documentId` every content type has. */
export function attributeOf(model: ModelInfo | undefined, name: string): AttributeInfo | undefined {
  if (name === 'id') return ID;
  if (!model) return undefined;
  if (Object.prototype.hasOwnProperty.call(model.attributes, name)) return model.attributes[name];
  if (name === 'documentId' && isContentType(model.uid)) return DOCUMENT_ID;
  return undefined;
}

export const isRelation = (attribute: AttributeInfo) => attribute.type === 'relation' && typeof attribute.target === 'string';

/**
 * A to-one relation from a type without draft & publish to one with it links a document to both the
 * draft and the published row of the target (Strapi's `getRelationTargetStatus`), and a SQL join
 * sees both, while `populate` returns only the first. Unknown draft & publish counts as possible.
 */
export function isVersioned(source: ModelInfo | undefined, attribute: AttributeInfo, models: ModelLookup): boolean {
  if (!isRelation(attribute) || attribute.many) return false;
  const target = models(attribute.target!);
  return source?.draftAndPublish !== true && target?.draftAndPublish !== false;
}

/** The attribute a path ends on, relative to `uid`: what `indexKeyOf` needs for a document's values at it. */
export function attributeAtPath(uid: string, path: readonly string[], models: ModelLookup): AttributeInfo | 'id' | 'documentId' | undefined {
  let model = models(uid);
  for (let i = 0; i < path.length; i++) {
    const name = path[i]!;
    if (i === path.length - 1) {
      if (name === 'id' || name === 'documentId') return name;
      const attribute = attributeOf(model, name);
      return attribute && !isRelation(attribute) ? attribute : undefined;
    }
    const attribute = attributeOf(model, name);
    if (!attribute || !isRelation(attribute)) return undefined;
    model = models(attribute.target!);
  }
  return undefined;
}
