/**
 * String operations as the databases perform them, not as JavaScript does: SQLite's LOWER() and
 * LIKE fold ASCII letters only, its BINARY collation orders by UTF-8 bytes (code points, where
 * JavaScript's `<` compares UTF-16 units), and Strapi turns operator values into LIKE patterns with
 * a template string and escapes `%`, `_` and `\`, so a pattern always matches its value literally.
 */

/** SQLite's LOWER() without ICU: A-Z only. */
export function asciiLower(value: string): string {
  return /[A-Z]/.test(value) ? value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()) : value;
}

export const isAscii = (value: string): boolean => /^[\x00-\x7f]*$/.test(value);

/** Order of SQLite's BINARY collation (memcmp of UTF-8) and of PostgreSQL's "C": code points. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate pair encodes a code point above U+FFFF: above every unit that is not one.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export type LikeMode = 'contains' | 'startsWith' | 'endsWith';

/** Whether `text` matches Strapi's LIKE pattern for `needle` (already folded by the caller when the dialect folds). */
export function likeMatches(text: string, needle: string, mode: LikeMode): boolean {
  if (mode === 'contains') return text.includes(needle);
  if (mode === 'startsWith') return text.startsWith(needle);
  return text.endsWith(needle);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether the drivers send this string as it is: a lone surrogate becomes U+FFFD in UTF-8. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

/**
 * What Strapi interpolates into a LIKE pattern or `LOWER(?)`: `${value}`. Undefined for values whose
 * text we do not reproduce (objects, broken UTF-16).
 */
export function templateText(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return isWellFormed(value) ? value : undefined;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${value}`;
    default:
      return undefined;
  }
}
