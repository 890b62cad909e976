/**
 * An in-memory matcher for Strapi's REST filter syntax that gives the answer
 * `strapi.documents(uid).findMany({ filters })` gives, on SQLite and PostgreSQL, or says it cannot
 * (`undefined`: ask the database). It mirrors the Document Service's filter normalization and the
 * query layer's `processWhere`/`applyWhere`, then evaluates with SQL's three-valued logic and join
 * semantics (a to-many relation matches when any related row does). Proven against the databases by
 * `__tests__/differential*.test.ts`.
 *
 * Use: `compileFilter(filters, uid, modelsOf(strapi), dialectOf(strapi))` once per query;
 * `loadStates(strapi.db, uid, where, compiled.paths, models)` for the states; then
 * `compiled.matches(state)` gives true, false, or undefined (the database decides).
 */
export { compileFilter } from './compile';
export type { CompiledFilter, DocumentState } from './compile';
export type { EqualityIndex } from './equality-index';
export { indexKeyOf } from './index-key';
export { attributeAtPath } from './schema';
export { loadStates, stateQuery } from './state-query';
export type { StatePopulate, StateQuery, StateReader } from './state-query';
