/**
 * The differential test: seeded random documents × seeded random filters, the matcher's verdict on
 * each (filter, document) pair against `strapi.documents(uid).findMany({ filters })` on the running
 * database. Every pair the matcher decides must agree; a filter the database rejects must not be
 * decided at all; a compiled index must never exclude a document the database returns. On a
 * disagreement it shrinks the filter (re-asking the database) and reports the smallest one it found
 * with the document's state and both verdicts.
 */
import type { Core } from '@strapi/strapi';
import { dialectOf, modelsOf } from '../../../model-info';
import type { Dialect, ModelLookup } from '../../../model-info';
import { attributeAtPath, compileFilter, indexKeyOf, loadStates, stateQuery } from '../../index';
import type { CompiledFilter, DocumentState } from '../../index';
import { isRecord } from '../../normalize';
import { FIXED_FILTERS } from './fixed-filters';
import { createRandom } from './random';
import { createFilterGenerator } from './random-filters';
import type { Pools } from './random-filters';
import { seedContent } from './seed-data';

interface View {
  uid: string;
  status: 'published' | 'draft';
  filters: number;
}

export interface ViewReport {
  view: string;
  filters: number;
  rejectedByDatabase: number;
  inMemoryFilters: number;
  pairs: number;
  decided: number;
  undecided: number;
  decidedFromSingleQueryStates: number;
  /** Filters the matcher declares decisive (matched after the commit, never inside the write). */
  decisiveFilters: number;
  indexed: number;
  mismatches: Mismatch[];
}

export interface Mismatch {
  kind: 'verdict' | 'rejected-but-decided' | 'index' | 'single-query-verdict' | 'decisive-but-undecided';
  filter: unknown;
  /** What the filter reads. */
  paths: readonly (readonly string[])[];
  documentId: string;
  state: DocumentState | undefined;
  matcher: boolean | undefined;
  database: boolean | string;
}

export interface DifferentialReport {
  dialect: Dialect;
  seed: number;
  views: ViewReport[];
  operators: Map<string, { filters: number; decided: number }>;
  evaluationMicros: number;
}

type Documents = {
  findMany(params: Record<string, unknown>): Promise<{ documentId: string }[]>;
};

const OPERATOR = /^\$/;

function operatorsIn(filter: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(filter)) filter.forEach((item) => operatorsIn(item, found));
  else if (isRecord(filter)) {
    for (const [key, value] of Object.entries(filter)) {
      if (OPERATOR.test(key)) found.add(key);
      operatorsIn(value, found);
    }
  }
  return found;
}

function valuesAt(state: unknown, path: readonly string[], from = 0): unknown[] {
  if (state === null || state === undefined) return [];
  if (Array.isArray(state)) return state.flatMap((item) => valuesAt(item, path, from));
  if (from === path.length) return [state];
  if (typeof state !== 'object') return [];
  return valuesAt((state as Record<string, unknown>)[path[from]!], path, from + 1);
}

async function pools(strapi: Core.Strapi, models: ModelLookup, uids: string[]): Promise<Pools> {
  const values = new Map<string, unknown[]>();
  for (const uid of uids) {
    const attributes = Object.entries(models(uid)?.attributes ?? {})
      .filter(([, attribute]) => !['relation', 'component', 'media', 'dynamiczone'].includes(attribute.type))
      .map(([name]) => name);
    const rows = (await strapi.db.query(uid as never).findMany({ select: ['id', 'documentId', ...attributes] } as never)) as Record<string, unknown>[];
    for (const name of ['id', 'documentId', ...attributes]) values.set(`${uid}.${name}`, rows.map((row) => row[name]));
  }
  return (uid, attribute) => values.get(`${uid}.${attribute}`) ?? [];
}

/** All combinations of smaller filters: drop a key, replace a group by a member, drop an array item. */
function* smaller(node: unknown): Generator<unknown> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield [...node.slice(0, i), ...node.slice(i + 1)];
    for (let i = 0; i < node.length; i++) for (const item of smaller(node[i])) yield node.map((old, j) => (j === i ? item : old));
    return;
  }
  if (!isRecord(node)) return;
  const keys = Object.keys(node);
  for (const key of keys) {
    const value = node[key];
    if (keys.length > 1) yield Object.fromEntries(keys.filter((other) => other !== key).map((other) => [other, node[other]]));
    if (isRecord(value) && keys.length === 1 && /^\$(and|or|not)$/.test(key)) yield value;
    if (Array.isArray(value) && /^\$(and|or)$/.test(key)) for (const item of value) if (isRecord(item)) yield item;
    for (const item of smaller(value)) yield { ...node, [key]: item };
  }
}

const seeded = new WeakSet<object>();

export interface DifferentialOptions {
  seed: number;
  filtersPerView: number;
  /** The matcher under test; `compileFilter` unless a test swaps in a broken one to see the harness fail. */
  compile?: typeof compileFilter;
}

export async function runDifferential(strapi: Core.Strapi, options: DifferentialOptions): Promise<DifferentialReport> {
  const models = modelsOf(strapi);
  const dialect = dialectOf(strapi);
  const compile = options.compile ?? compileFilter;
  const random = createRandom(options.seed);
  // Content is seeded once per app; a second run on the same app draws other filters only.
  if (!seeded.has(strapi)) {
    await seedContent(strapi, random);
    seeded.add(strapi);
  }
  const uids = ['api::article.article', 'api::category.category', 'api::comment.comment', 'api::probe.probe'];
  const generator = createFilterGenerator(random, models, await pools(strapi, models, uids));
  const views: View[] = [
    { uid: 'api::article.article', status: 'published', filters: options.filtersPerView },
    { uid: 'api::article.article', status: 'draft', filters: Math.round(options.filtersPerView / 3) },
    { uid: 'api::category.category', status: 'published', filters: options.filtersPerView },
    { uid: 'api::comment.comment', status: 'published', filters: options.filtersPerView },
    { uid: 'api::probe.probe', status: 'published', filters: Math.round(options.filtersPerView * 1.5) },
  ];
  const operators = new Map<string, { filters: number; decided: number }>();
  const reports: ViewReport[] = [];
  let evaluations = 0;
  let evaluationTime = 0;

  for (const view of views) {
    const documents = strapi.documents(view.uid as never) as unknown as Documents;
    const ask = async (filters: unknown): Promise<Set<string> | string> => {
      try {
        const found = await documents.findMany({ filters, status: view.status, fields: ['documentId'] });
        return new Set(found.map((document) => document.documentId));
      } catch (error) {
        return (error as Error).message;
      }
    };
    const filters = [...(FIXED_FILTERS[view.uid] ?? []), ...Array.from({ length: view.filters }, () => generator.filter(view.uid))];
    const compiled = filters.map((filter) => compile(filter, view.uid, models, dialect));
    const paths = [...new Map(compiled.flatMap((filter) => filter.paths).map((path) => [path.join('.'), path])).values()];
    const where = { publishedAt: view.status === 'published' ? { $notNull: true } : { $null: true } };
    const states = await loadStates(strapi.db, view.uid, where, paths, models);
    const singleQueryStates = (await strapi.db.query(view.uid as never).findMany({ where, ...stateQuery(paths, view.uid, models) } as never)) as DocumentState[];
    const singleById = new Map(singleQueryStates.map((state) => [state.id, state]));

    const results: (Set<string> | string)[] = [];
    for (let i = 0; i < filters.length; i += 8) results.push(...(await Promise.all(filters.slice(i, i + 8).map(ask))));

    const report: ViewReport = {
      view: `${view.uid} (${view.status})`,
      filters: filters.length,
      rejectedByDatabase: 0,
      inMemoryFilters: 0,
      pairs: 0,
      decided: 0,
      undecided: 0,
      decidedFromSingleQueryStates: 0,
      decisiveFilters: 0,
      indexed: 0,
      mismatches: [],
    };
    const mismatch = (entry: Omit<Mismatch, 'paths'>) => {
      if (report.mismatches.length < 20) report.mismatches.push({ ...entry, paths: compileFilter(entry.filter as Record<string, unknown>, view.uid, models, dialect).paths });
    };

    filters.forEach((filter, i) => {
      const matcher: CompiledFilter = compiled[i]!;
      const result = results[i]!;
      if (typeof result === 'string') report.rejectedByDatabase += 1;
      if (matcher.inMemory) report.inMemoryFilters += 1;
      if (matcher.decisive) report.decisiveFilters += 1;
      if (matcher.index) report.indexed += 1;
      const used = operatorsIn(filter);
      for (const operator of used) {
        const entry = operators.get(operator) ?? { filters: 0, decided: 0 };
        entry.filters += 1;
        operators.set(operator, entry);
      }
      for (const state of states) {
        const documentId = state.documentId as string;
        const started = performance.now();
        const verdict = matcher.matches(state);
        evaluationTime += performance.now() - started;
        evaluations += 1;
        report.pairs += 1;
        if (typeof result === 'string') {
          if (verdict !== undefined) mismatch({ kind: 'rejected-but-decided', filter, documentId, state, matcher: verdict, database: result });
          report.undecided += 1;
          continue;
        }
        const expected = result.has(documentId);
        // A decisive filter is matched only after the write commits: it must never need the database.
        if (verdict === undefined && matcher.decisive) mismatch({ kind: 'decisive-but-undecided', filter, documentId, state, matcher: verdict, database: expected });
        if (verdict === undefined) report.undecided += 1;
        else {
          report.decided += 1;
          for (const operator of used) operators.get(operator)!.decided += 1;
          if (verdict !== expected) mismatch({ kind: 'verdict', filter, documentId, state, matcher: verdict, database: expected });
        }
        const single = singleById.get(state.id);
        const singleVerdict = single ? matcher.matches(single) : undefined;
        if (singleVerdict !== undefined) {
          report.decidedFromSingleQueryStates += 1;
          if (singleVerdict !== expected) mismatch({ kind: 'single-query-verdict', filter, documentId, state: single, matcher: singleVerdict, database: expected });
        }
        if (expected && matcher.index) {
          const attribute = attributeAtPath(view.uid, matcher.index.path, models);
          const keys = attribute ? valuesAt(state, matcher.index.path).map((value) => indexKeyOf(attribute, value)) : [];
          if (!keys.some((key) => key !== undefined && matcher.index!.keys.includes(key))) {
            mismatch({ kind: 'index', filter, documentId, state, matcher: false, database: true });
          }
        }
      }
    });

    // Shrink the first verdict disagreement: a smaller filter that still disagrees on that document.
    const first = report.mismatches.find((entry) => entry.kind === 'verdict' || entry.kind === 'single-query-verdict');
    if (first) {
      const state = first.state!;
      let current = first.filter;
      let budget = 300;
      let shrunk = true;
      while (shrunk && budget > 0) {
        shrunk = false;
        for (const candidate of smaller(current)) {
          if (--budget <= 0) break;
          if (!isRecord(candidate)) continue;
          const verdict = compile(candidate, view.uid, models, dialect).matches(state);
          if (verdict === undefined) continue;
          const result = await ask(candidate);
          if (typeof result === 'string' || result.has(first.documentId) === verdict) continue;
          current = candidate;
          shrunk = true;
          break;
        }
      }
      const smallest = compile(current as Record<string, unknown>, view.uid, models, dialect);
      report.mismatches.unshift({ ...first, filter: current, paths: smallest.paths, matcher: smallest.matches(state) });
    }
    reports.push(report);
  }
  return { dialect, seed: options.seed, views: reports, operators, evaluationMicros: (evaluationTime * 1000) / Math.max(1, evaluations) };
}

export function formatReport(report: DifferentialReport): string {
  const lines = [`matcher differential on ${report.dialect}, seed ${report.seed} (rerun with MATCHER_SEED=${report.seed})`];
  const pad = (value: unknown, width: number) => String(value).padStart(width);
  lines.push(`${'view'.padEnd(36)}${pad('filters', 8)}${pad('rejected', 9)}${pad('inMemory', 9)}${pad('indexed', 8)}${pad('pairs', 8)}${pad('decided', 8)}${pad('undecided', 10)}${pad('single', 8)}`);
  const total = { filters: 0, rejected: 0, inMemory: 0, indexed: 0, pairs: 0, decided: 0, undecided: 0, single: 0, decisive: 0 };
  for (const view of report.views) {
    lines.push(
      `${view.view.padEnd(36)}${pad(view.filters, 8)}${pad(view.rejectedByDatabase, 9)}${pad(view.inMemoryFilters, 9)}${pad(view.indexed, 8)}${pad(view.pairs, 8)}${pad(view.decided, 8)}${pad(view.undecided, 10)}${pad(view.decidedFromSingleQueryStates, 8)}`,
    );
    total.filters += view.filters;
    total.rejected += view.rejectedByDatabase;
    total.inMemory += view.inMemoryFilters;
    total.indexed += view.indexed;
    total.pairs += view.pairs;
    total.decided += view.decided;
    total.undecided += view.undecided;
    total.single += view.decidedFromSingleQueryStates;
    total.decisive += view.decisiveFilters;
  }
  lines.push(
    `${'total'.padEnd(36)}${pad(total.filters, 8)}${pad(total.rejected, 9)}${pad(total.inMemory, 9)}${pad(total.indexed, 8)}${pad(total.pairs, 8)}${pad(total.decided, 8)}${pad(total.undecided, 10)}${pad(total.single, 8)}`,
  );
  lines.push(`decisive filters (matched after the commit) ${total.decisive} of ${total.filters}`);
  lines.push(`pairs compared ${total.pairs}, decided in memory ${total.decided} (${((100 * total.decided) / Math.max(1, total.pairs)).toFixed(1)}%), undecided (database) ${total.undecided}; ${report.evaluationMicros.toFixed(2)} µs per evaluation`);
  lines.push(
    'decided pairs per operator: ' +
      [...report.operators.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operator, { filters, decided }]) => `${operator} ${decided}/${filters}f`)
        .join(', '),
  );
  return lines.join('\n');
}

/** The part of a state a filter reads, so a failure shows what matters. */
function pruned(state: unknown, paths: readonly (readonly string[])[]): unknown {
  if (Array.isArray(state)) return state.map((item) => pruned(item, paths));
  if (!isRecord(state)) return state;
  const result: Record<string, unknown> = { id: state.id, documentId: state.documentId };
  for (const [key, value] of Object.entries(state)) {
    const below = paths.filter((path) => path[0] === key).map((path) => path.slice(1));
    if (below.length === 0) continue;
    result[key] = below.some((path) => path.length === 0) ? value : pruned(value, below);
  }
  return result;
}

export function describeMismatches(report: DifferentialReport): string | undefined {
  const all = report.views.flatMap((view) => view.mismatches.map((mismatch) => ({ view: view.view, ...mismatch })));
  if (all.length === 0) return undefined;
  const show = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item), 2);
  return all
    .slice(0, 3)
    .map(
      (mismatch) =>
        `${mismatch.kind} on ${mismatch.view}, seed ${report.seed}, ${report.dialect}\n` +
        `filter: ${show(mismatch.filter)}\ndocument ${mismatch.documentId} (what the filter reads): ${show(pruned(mismatch.state, mismatch.paths))}\n` +
        `matcher: ${String(mismatch.matcher)}, database: ${String(mismatch.database)}`,
    )
    .join('\n\n');
}
