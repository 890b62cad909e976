/**
 * SQL's three-valued logic plus "unknown to us". A WHERE clause evaluates each row to TRUE, FALSE or
 * NULL, and only TRUE selects; the matcher adds UNDECIDED for a value it cannot reproduce (a
 * collation, a type it does not model): some definite SQL value it does not know. Keeping NULL apart
 * from FALSE matters under NOT (`NOT NULL` is NULL, so `$not: { body: 'x' }` skips null bodies).
 */
export const FALSE = 0;
export const TRUE = 1;
export const NULL = 2;
export const UNDECIDED = 3;
export type Tri = typeof FALSE | typeof TRUE | typeof NULL | typeof UNDECIDED;

// FALSE dominates AND; an undecided operand could be FALSE, so it beats NULL and TRUE.
const AND: readonly Tri[] = [FALSE, FALSE, FALSE, FALSE, FALSE, TRUE, NULL, UNDECIDED, FALSE, NULL, NULL, UNDECIDED, FALSE, UNDECIDED, UNDECIDED, UNDECIDED];
const OR: readonly Tri[] = [FALSE, TRUE, NULL, UNDECIDED, TRUE, TRUE, TRUE, TRUE, NULL, TRUE, NULL, UNDECIDED, UNDECIDED, TRUE, UNDECIDED, UNDECIDED];
const NOT: readonly Tri[] = [TRUE, FALSE, NULL, UNDECIDED];

export const and = (a: Tri, b: Tri): Tri => AND[a * 4 + b]!;
export const or = (a: Tri, b: Tri): Tri => OR[a * 4 + b]!;
export const not = (a: Tri): Tri => NOT[a]!;
export const fromBoolean = (value: boolean): Tri => (value ? TRUE : FALSE);
