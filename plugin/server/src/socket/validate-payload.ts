import { AckError } from './ack';

const MAX_UID_LENGTH = 200;
const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `{ uid, id }` of an entity subscription; `id` is a documentId or a row id. A string of
 * digits is a row id, as a number is: ids taken from a URL arrive as strings, and Strapi's
 * documentIds are never all digits. `id` may be absent (single types have one entry); the
 * subscription says whether its type allows that.
 */
const MAX_ROW_ID = 2_147_483_647;

export function readEntityPayload(payload: unknown): { uid: string; id: string | number | undefined } {
  if (!isPlainObject(payload)) {
    throw new AckError('INVALID_PAYLOAD', 'Expected an object { uid, id } where id is the documentId');
  }
  const { uid, id } = payload;
  if (typeof uid !== 'string' || uid === '' || uid.length > MAX_UID_LENGTH) {
    throw new AckError('INVALID_PAYLOAD', "uid must be a content-type uid such as 'api::article.article'");
  }
  if (id === undefined) return { uid, id: undefined };
  if (typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id))) {
    const rowId = Number(id);
    // Row ids are the database's integer keys (32-bit on PostgreSQL and MySQL): a larger one cannot
    // exist, and PostgreSQL would refuse the query rather than find nothing.
    if (!Number.isSafeInteger(rowId) || rowId < 1 || rowId > MAX_ROW_ID) {
      throw new AckError('INVALID_PAYLOAD', `A numeric id must be a positive integer of at most ${MAX_ROW_ID}`);
    }
    return { uid, id: rowId };
  }
  if (typeof id !== 'string' || !DOCUMENT_ID.test(id)) {
    throw new AckError('INVALID_PAYLOAD', 'id must be a documentId (letters, digits, _ and -, at most 64) or a positive integer');
  }
  return { uid, id };
}
