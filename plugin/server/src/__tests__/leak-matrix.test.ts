/**
 * The leak matrix: every kind of reader (Public, two roles, read-only / full-access / custom API
 * tokens) on every kind of socket (broadcast, entity subscriptions, collection subscriptions in the
 * published and the draft view) receives the events of every kind of write on every example type
 * (drafts never published, private fields, relations to a type the reader may not read...), and
 * every event is checked against REST, asked over HTTP with the same credentials:
 *
 * - create / update: REST serves that document in that view to that reader (through `find` for the
 *   broadcast and collection subscriptions, with the subscription's filters; `findOne` for entity
 *   subscriptions), and the payload equals what REST returns (deep, after JSON). A key REST does
 *   not return (a private field, a relation the reader may not read) is a leak.
 * - delete: the reader may read the type, and REST served it the document in that view just
 *   before (a draft that was never published is never deleted for a published-view reader).
 * - no event at all for a type REST refuses the reader; no draft outside a draft-view subscription.
 *
 * Then the same checks across connection state recovery after each kind of access change made
 * while the socket was away: whatever it gets when it comes back must be what it may read now.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import type { Socket } from 'socket.io-client';
import { useExampleApp, contentEvents, createApiToken, createRole, createUser, setRolePermissions, settle } from 'example-strapi-app/testing';
import type { ExampleApp, Received } from 'example-strapi-app/testing';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const COMMENT = 'api::comment.comment';
type Uid = typeof ARTICLE | typeof CATEGORY | typeof COMMENT;
type View = 'published' | 'draft';

/** The example's types as REST serves them; `populate` is the io config's (examples/strapi-app/config/plugins.ts). */
const TYPES: Record<Uid, { singular: string; plural: string; draftAndPublish: boolean; populate?: string | Record<string, unknown> }> = {
  [ARTICLE]: { singular: 'article', plural: 'articles', draftAndPublish: true, populate: { category: true, author: { populate: ['avatar'] } } },
  [CATEGORY]: { singular: 'category', plural: 'categories', draftAndPublish: false },
  [COMMENT]: { singular: 'comment', plural: 'comments', draftAndPublish: false },
};
const UIDS = Object.keys(TYPES) as Uid[];
const viewsOf = (uid: Uid): View[] => (TYPES[uid].draftAndPublish ? ['published', 'draft'] : ['published']);

/** Every private value written contains this: it must never be in anything a socket receives. */
const SECRET = 'SECRET-';
const secret = (name: string) => `${SECRET}${name}-${Math.random().toString(36).slice(2, 8)}`;

const example = useExampleApp({ seed: false });
let app: ExampleApp;

beforeAll(async () => {
  app = example.app;
});

// ---------------------------------------------------------------------------------------------
// REST, the oracle
// ---------------------------------------------------------------------------------------------

interface Principal {
  name: string;
  /** Handshake auth; none for Public. */
  auth?: { strategy: 'jwt' | 'api-token'; token: string };
}

type Doc = Record<string, unknown>;

/** `filters[title][$startsWith]=LM`-style query string of a nested object. */
function query(value: unknown, prefix = '', out: string[] = []): string[] {
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) query(inner, prefix ? `${prefix}[${key}]` : key, out);
  } else out.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
  return out;
}

async function rest(principal: Principal, path: string): Promise<{ status: number; body: { data?: unknown } }> {
  const headers: Record<string, string> = principal.auth ? { authorization: `Bearer ${principal.auth.token}` } : {};
  const response = await fetch(`${app.url}${path}`, { headers });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as { data?: unknown } };
}

function listPath(uid: Uid, view: View, filters?: Record<string, unknown>): string {
  const type = TYPES[uid];
  const params = {
    pagination: { pageSize: 100 },
    ...(type.populate ? { populate: type.populate } : {}),
    ...(type.draftAndPublish && view === 'draft' ? { status: 'draft' } : {}),
    ...(filters && Object.keys(filters).length > 0 ? { filters } : {}),
  };
  return `/api/${type.plural}?${query(params).join('&')}`;
}

function onePath(uid: Uid, documentId: string, view: View = 'published'): string {
  const type = TYPES[uid];
  const params = { ...(type.populate ? { populate: type.populate } : {}), ...(type.draftAndPublish && view === 'draft' ? { status: 'draft' } : {}) };
  const search = query(params).join('&');
  return `/api/${type.plural}/${documentId}${search ? `?${search}` : ''}`;
}

interface Listing {
  status: number;
  docs: Map<string, Doc>;
}

/**
 * What REST answers one principal at one moment, each read made once: lists (`find`) per type,
 * view and filters, and single documents (`findOne`).
 */
class Oracle {
  private readonly lists = new Map<string, Promise<Listing>>();
  private readonly ones = new Map<string, Promise<{ status: number; doc?: Doc }>>();
  constructor(readonly principal: Principal) {}

  list(uid: Uid, view: View, filters?: Record<string, unknown>): Promise<Listing> {
    const path = listPath(uid, view, filters);
    let listing = this.lists.get(path);
    if (!listing) {
      listing = rest(this.principal, path).then(({ status, body }) => {
        const data = status === 200 && Array.isArray(body.data) ? (body.data as Doc[]) : [];
        if (data.length >= 100) throw new Error(`${path}: more than one page; the oracle would miss documents`);
        return { status, docs: new Map(data.map((doc) => [doc.documentId as string, doc])) };
      });
      this.lists.set(path, listing);
    }
    return listing;
  }

  one(uid: Uid, documentId: string): Promise<{ status: number; doc?: Doc }> {
    const path = onePath(uid, documentId);
    let one = this.ones.get(path);
    if (!one) {
      one = rest(this.principal, path).then(({ status, body }) => ({ status, ...(status === 200 ? { doc: body.data as Doc } : {}) }));
      this.ones.set(path, one);
    }
    return one;
  }

  /** Reads every type in every view now, so that this oracle is "REST just before" for the next write. */
  async snapshot(): Promise<void> {
    await Promise.all(UIDS.flatMap((uid) => viewsOf(uid).map((view) => this.list(uid, view))));
  }
}

/** Keys (at any depth) the payload has and REST's document does not: what leaked. */
function extraKeys(payload: unknown, restDoc: unknown, path = ''): string[] {
  if (payload === null || typeof payload !== 'object') return [];
  if (restDoc === null || typeof restDoc !== 'object') return Object.keys(payload).map((key) => `${path}${key}`);
  if (Array.isArray(payload)) return payload.flatMap((item, i) => extraKeys(item, (restDoc as unknown[])[i], `${path}${i}.`));
  const extra: string[] = [];
  for (const [key, value] of Object.entries(payload)) {
    if (!(key in restDoc)) extra.push(`${path}${key}`);
    else extra.push(...extraKeys(value, (restDoc as Doc)[key], `${path}${key}.`));
  }
  return extra;
}

// ---------------------------------------------------------------------------------------------
// Sockets and the check of each event
// ---------------------------------------------------------------------------------------------

type Kind = 'broadcast' | 'entity' | 'collection' | 'draft';
interface Subscription {
  uid: Uid;
  status: View;
  filters: Record<string, unknown>;
}

interface Probe {
  principal: Principal;
  kind: Kind;
  socket: Socket;
  received: Received[];
  /** Collection subscriptions the server acknowledged, by id. */
  subscriptions: Map<string, Subscription>;
  /** Entity subscriptions the server acknowledged (`uid documentId`). */
  entities: Set<string>;
  /** How many of `received` were checked already. */
  checked: number;
  stats: { create: number; update: number; delete: number; leaks: number };
}

interface Verdicts {
  checked: number;
  leaks: string[];
  /** Payloads with exactly REST's keys but other values (stale): not a leak, counted apart. */
  differs: string[];
}

const names = new Map<string, string>();
const label = (documentId: string) => names.get(documentId) ?? documentId;

/**
 * Checks the events a socket received since the last check. `now` is REST after the write(s),
 * `before` REST just before them (deletes are checked against it; without it, only the right to
 * read the type is).
 */
async function checkEvents(probe: Probe, now: Oracle, before: Oracle | undefined, where: string, verdicts: Verdicts): Promise<void> {
  const fresh = probe.received.slice(probe.checked);
  probe.checked = probe.received.length;
  const who = `${probe.principal.name}/${probe.kind}`;
  for (const packet of fresh) {
    if (JSON.stringify(packet.args).includes(SECRET)) {
      verdicts.leaks.push(`${who} ${packet.event} [${where}]: carries a private field's value`);
      probe.stats.leaks += 1;
    }
  }
  for (const { event, args } of contentEvents(fresh)) {
    verdicts.checked += 1;
    const [singular, action] = event.split(':') as [string, 'create' | 'update' | 'delete'];
    probe.stats[action] += 1;
    const payload = args[0] as Doc;
    const meta = args[1] as { uid: Uid; documentId: string; status?: View; subscription?: string; action: string };
    const documentId = meta.documentId;
    const problem = await (async (): Promise<string | undefined> => {
      const type = TYPES[meta.uid];
      if (!type || type.singular !== singular) return `event name does not match meta.uid ${meta.uid}`;
      if (meta.action !== action) return `meta.action ${meta.action} is not the event's`;
      if (payload?.documentId !== documentId) return `payload documentId ${String(payload?.documentId)} is not meta's`;
      const view: View = meta.status ?? 'published';
      if (!type.draftAndPublish && view !== 'published') return `status ${view} for a type without drafts`;

      // Which channel it came through, and so which REST read it must agree with.
      let channel: 'find' | 'findOne' = 'find';
      let filters: Record<string, unknown> | undefined;
      if (meta.subscription !== undefined) {
        const subscription = probe.subscriptions.get(meta.subscription);
        if (!subscription) return `subscription ${meta.subscription} is not one this socket holds`;
        if (subscription.uid !== meta.uid) return `subscription ${meta.subscription} is on ${subscription.uid}`;
        if (subscription.status !== view) return `a ${view} event on a ${subscription.status}-view subscription`;
        filters = subscription.filters;
      } else if (probe.entities.size > 0) {
        if (!probe.entities.has(`${meta.uid} ${documentId}`)) return 'a document this socket did not subscribe to';
        channel = 'findOne';
      }
      if (meta.subscription === undefined && view !== 'published') return 'a draft outside a draft-view subscription';

      if (channel === 'findOne') {
        const one = await now.one(meta.uid, documentId);
        if (one.status === 401 || one.status === 403) return `REST findOne answers ${one.status}`;
        if (action === 'delete') {
          const listed = before && (await before.list(meta.uid, 'published'));
          if (listed && listed.status === 200 && !listed.docs.has(documentId)) return 'delete of a document REST did not serve this reader just before';
          return undefined;
        }
        if (one.status !== 200 || !one.doc) return `REST findOne answers ${one.status} for this document`;
        return compare(payload, one.doc);
      }
      const all = await now.list(meta.uid, view);
      if (all.status !== 200) return `REST find answers ${all.status} for ${type.plural}${view === 'draft' ? ' (status=draft)' : ''}`;
      if (action === 'delete') {
        if (before && !(await before.list(meta.uid, view)).docs.has(documentId)) return `delete of a document REST did not serve this reader (${view} view) just before`;
        return undefined;
      }
      const restDoc = all.docs.get(documentId);
      if (!restDoc) return `REST does not serve this document in the ${view} view`;
      if (filters && !(await now.list(meta.uid, view, filters)).docs.has(documentId)) return `outside the subscription's filters ${JSON.stringify(filters)}`;
      return compare(payload, restDoc);
    })();
    if (problem === undefined) continue;
    const line = `${who} ${event} ${label(documentId)}${meta.subscription ? ` (subscription ${meta.subscription})` : ''} [${where}]: ${problem}`;
    if (problem.startsWith('differs')) verdicts.differs.push(line);
    else {
      verdicts.leaks.push(line);
      probe.stats.leaks += 1;
    }
  }
}

function compare(payload: unknown, restDoc: Doc): string | undefined {
  const sent = JSON.parse(JSON.stringify(payload)) as unknown;
  if (isDeepStrictEqual(sent, restDoc)) return undefined;
  const extra = extraKeys(sent, restDoc);
  if (extra.length > 0) return `keys REST does not return to this reader: ${extra.join(', ')}`;
  return `differs from REST: sent ${JSON.stringify(sent).slice(0, 300)}, REST ${JSON.stringify(restDoc).slice(0, 300)}`;
}

function probeOf(principal: Principal, kind: Kind, socket: Socket, received: Received[]): Probe {
  return { principal, kind, socket, received, subscriptions: new Map(), entities: new Set(), checked: 0, stats: { create: 0, update: 0, delete: 0, leaks: 0 } };
}

/** Subscribes a probe to a document; the ack must be what REST findOne says. */
async function subscribeEntity(probe: Probe, uid: Uid, documentId: string, acks: string[]): Promise<void> {
  const ack = (await probe.socket.emitWithAck('subscribe-entity', { uid, id: documentId })) as { success: boolean; error?: { code: string } };
  const { status } = await rest(probe.principal, onePath(uid, documentId));
  const expected = status === 200 ? 'success' : status === 403 ? 'FORBIDDEN' : `REST ${status}`;
  const got = ack.success ? 'success' : ack.error!.code;
  if (got !== expected) acks.push(`${probe.principal.name}: subscribe-entity ${uid} ${label(documentId)} answered ${got}, REST findOne ${status}`);
  if (ack.success) probe.entities.add(`${uid} ${documentId}`);
}

/** Subscribes a probe to a collection query; the ack must be what REST find says of the same query. */
async function subscribeQuery(probe: Probe, subscription: Subscription, acks: string[]): Promise<void> {
  const { uid, status: view, filters } = subscription;
  const ack = (await probe.socket.emitWithAck('subscribe', {
    uid,
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
    ...(TYPES[uid].draftAndPublish ? { status: view } : {}),
  })) as { success: boolean; id?: string; error?: { code: string } };
  const { status } = await rest(probe.principal, listPath(uid, view, filters));
  const expected = status === 200 ? 'success' : status === 403 ? 'FORBIDDEN' : status === 400 ? 'INVALID_QUERY' : `REST ${status}`;
  const got = ack.success ? 'success' : ack.error!.code;
  if (got !== expected) acks.push(`${probe.principal.name}: subscribe ${uid} ${view} ${JSON.stringify(filters)} answered ${got}, REST find ${status}`);
  if (ack.success) probe.subscriptions.set(ack.id!, subscription);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (text: string | number, width: number) => String(text).padEnd(width);

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

describe('leak matrix', () => {
  it('every event every principal receives, on every kind of socket, is what REST serves it', async () => {
    const { strapi } = app;
    const articles = strapi.documents(ARTICLE);
    const categories = strapi.documents(CATEGORY);
    const comments = strapi.documents(COMMENT);

    // Role A reads articles and categories; role B articles only (the populated category must go).
    const roleA = await createRole(strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${CATEGORY}.find`, `${CATEGORY}.findOne`]);
    const roleB = await createRole(strapi, [`${ARTICLE}.find`, `${ARTICLE}.findOne`]);
    const userA = await createUser(strapi, { roleId: roleA.id });
    const userB = await createUser(strapi, { roleId: roleB.id });
    const readOnly = await createApiToken(strapi, 'read-only');
    const fullAccess = await createApiToken(strapi, 'full-access');
    const custom = await createApiToken(strapi, 'custom', [`${ARTICLE}.find`]);
    const principals: Principal[] = [
      { name: 'public' },
      { name: 'role A', auth: { strategy: 'jwt', token: userA.jwt } },
      { name: 'role B', auth: { strategy: 'jwt', token: userB.jwt } },
      { name: 'read-only', auth: { strategy: 'api-token', token: readOnly.accessKey } },
      { name: 'full-access', auth: { strategy: 'api-token', token: fullAccess.accessKey } },
      { name: 'custom', auth: { strategy: 'api-token', token: custom.accessKey } },
    ];

    // What the entity subscriptions watch, written before anyone listens.
    const doc: Record<string, string> = {};
    const named = (key: string, documentId: string) => {
      doc[key] = documentId;
      names.set(documentId, key);
      return documentId;
    };
    named('K1', (await categories.create({ data: { name: 'LM news', slug: 'lm-news' } })).documentId);
    named('K2', (await categories.create({ data: { name: 'LM other', slug: 'lm-other' } })).documentId);
    named('E', (await articles.create({ data: { title: 'LM entity', internalNotes: secret('E'), category: doc.K1 }, status: 'published' })).documentId);
    named('M', (await comments.create({ data: { text: 'LM comment', article: doc.E } as never })).documentId);
    await strapi.$io.idle();

    const acks: string[] = [];
    const probes: Probe[] = [];
    for (const principal of principals) {
      for (const kind of ['broadcast', 'entity', 'collection', 'draft'] as Kind[]) {
        const { socket, received } = await example.listen(principal.auth);
        const probe = probeOf(principal, kind, socket, received);
        probes.push(probe);
        if (kind === 'entity') {
          await subscribeEntity(probe, ARTICLE, doc.E!, acks);
          await subscribeEntity(probe, CATEGORY, doc.K1!, acks);
          await subscribeEntity(probe, COMMENT, doc.M!, acks);
        } else if (kind === 'collection') {
          await subscribeQuery(probe, { uid: ARTICLE, status: 'published', filters: { title: { $startsWith: 'LM' } } }, acks);
          // Through a relation: refused where REST refuses the filter (readers without category).
          await subscribeQuery(probe, { uid: ARTICLE, status: 'published', filters: { category: { slug: { $eq: 'lm-news' } } } }, acks);
          await subscribeQuery(probe, { uid: CATEGORY, status: 'published', filters: {} }, acks);
          await subscribeQuery(probe, { uid: COMMENT, status: 'published', filters: {} }, acks);
        } else if (kind === 'draft') {
          // Only where REST serves ?status=draft (in Strapi 5: to every reader with find).
          await subscribeQuery(probe, { uid: ARTICLE, status: 'draft', filters: { title: { $startsWith: 'LM' } } }, acks);
        }
      }
    }

    const oracles = () => new Map(principals.map((principal) => [principal, new Oracle(principal)]));
    let before = oracles();
    await Promise.all([...before.values()].map((oracle) => oracle.snapshot()));
    const verdicts: Verdicts = { checked: 0, leaks: [], differs: [] };

    // One write per step, each delivered and read back before the next.
    const steps: [string, () => Promise<unknown>][] = [
      ['article: create a draft that is never published (private field, category)', async () =>
        named('D1', (await articles.create({ data: { title: 'LM draft only', internalNotes: secret('D1'), category: doc.K1 } })).documentId)],
      ['article: edit the never-published draft', () => articles.update({ documentId: doc.D1!, data: { title: 'LM draft only, edited', internalNotes: secret('D1') } })],
      ['article: create published (private field, category)', async () =>
        named('P1', (await articles.create({ data: { title: 'LM published', internalNotes: secret('P1'), category: doc.K1 }, status: 'published' })).documentId)],
      ['article: edit the draft of a published document', () => articles.update({ documentId: doc.P1!, data: { title: 'LM published, draft edit', internalNotes: secret('P1') } })],
      ['article: publish the edit', () => articles.publish({ documentId: doc.P1! })],
      ['article: edit the draft again', () => articles.update({ documentId: doc.P1!, data: { title: 'LM published, unpublished edit', internalNotes: secret('P1') } })],
      ['article: discard the draft', () => articles.discardDraft({ documentId: doc.P1! })],
      ['article: unpublish', () => articles.unpublish({ documentId: doc.P1! })],
      ['article: publish again', () => articles.publish({ documentId: doc.P1! })],
      ['article: update and publish, moving it to category K2', () => articles.update({ documentId: doc.P1!, data: { title: 'LM published, moved', category: doc.K2 }, status: 'published' })],
      ['article: create published, outside the filters, no category', async () =>
        named('X1', (await articles.create({ data: { title: 'Outside', internalNotes: secret('X1') }, status: 'published' })).documentId)],
      ['article: update and publish the entity-subscribed one', () => articles.update({ documentId: doc.E!, data: { title: 'LM entity, edited', internalNotes: secret('E') }, status: 'published' })],
      ['article: unpublish the entity-subscribed one', () => articles.unpublish({ documentId: doc.E! })],
      ['article: publish the entity-subscribed one', () => articles.publish({ documentId: doc.E! })],
      ['category: rename K1 (its articles leave the category subscription)', () => categories.update({ documentId: doc.K1!, data: { slug: 'lm-news-renamed' } })],
      ['category: rename K1 back (they enter it again)', () => categories.update({ documentId: doc.K1!, data: { slug: 'lm-news' } })],
      ['category: create', async () => named('K3', (await categories.create({ data: { name: 'LM third', slug: 'lm-third' } })).documentId)],
      ['category: update', () => categories.update({ documentId: doc.K3!, data: { name: 'LM third, renamed' } })],
      ['category: delete', () => categories.delete({ documentId: doc.K3! })],
      ['comment: create (relation to an article)', async () => named('N1', (await comments.create({ data: { text: 'LM new comment', article: doc.P1 } as never })).documentId)],
      ['comment: update', () => comments.update({ documentId: doc.N1!, data: { text: 'LM new comment, edited' } })],
      ['comment: update the entity-subscribed one', () => comments.update({ documentId: doc.M!, data: { text: 'LM comment, edited' } })],
      ['comment: delete', () => comments.delete({ documentId: doc.N1! })],
      ['article: delete the never-published draft', () => articles.delete({ documentId: doc.D1! })],
      ['article: edit the draft of a published document, then...', () => articles.update({ documentId: doc.P1!, data: { title: 'LM published, last draft', internalNotes: secret('P1') } })],
      ['article: ...delete it (published and draft)', () => articles.delete({ documentId: doc.P1! })],
      ['article: delete the one outside the filters', () => articles.delete({ documentId: doc.X1! })],
    ];

    for (const [name, write] of steps) {
      await write();
      await strapi.$io.idle();
      await settle(strapi, ...probes.map(({ socket }) => socket));
      const now = oracles();
      for (const probe of probes) await checkEvents(probe, now.get(probe.principal)!, before.get(probe.principal), name, verdicts);
      await Promise.all([...now.values()].map((oracle) => oracle.snapshot()));
      before = now;
    }

    // The report.
    const rows = probes.map(({ principal, kind, stats, subscriptions, entities }) =>
      [pad(principal.name, 12), pad(kind, 10), pad(`${subscriptions.size + entities.size}`, 5), pad(stats.create, 7), pad(stats.update, 7), pad(stats.delete, 7), stats.leaks].join(' '),
    );
    console.log(
      [
        `leak matrix: ${verdicts.checked} events checked against REST over ${steps.length} writes, ${principals.length} principals x 4 socket kinds; ` +
          `${verdicts.leaks.length} leaks, ${verdicts.differs.length} stale payloads, ${acks.length} acks unlike REST`,
        [pad('principal', 12), pad('socket', 10), pad('subs', 5), pad('create', 7), pad('update', 7), pad('delete', 7), 'leaks'].join(' '),
        ...rows,
      ].join('\n'),
    );

    expect(acks, 'subscriptions answered unlike REST').toEqual([]);
    expect(verdicts.leaks, 'leaks').toEqual([]);
    expect(verdicts.differs, 'payloads unlike REST').toEqual([]);

    // Not vacuous: every socket that may read something heard something, and each kind of event went out.
    const total = (probe: Probe) => probe.stats.create + probe.stats.update + probe.stats.delete;
    for (const probe of probes) expect(total(probe), `${probe.principal.name}/${probe.kind} received nothing`).toBeGreaterThan(0);
    const fullBroadcast = probes.find((probe) => probe.principal.name === 'full-access' && probe.kind === 'broadcast')!;
    expect(new Set(contentEvents(fullBroadcast.received).map(({ event }) => event))).toEqual(
      new Set(UIDS.flatMap((uid) => ['create', 'update', 'delete'].map((action) => `${TYPES[uid].singular}:${action}`))),
    );
    for (const probe of probes.filter(({ kind }) => kind === 'draft')) {
      expect(contentEvents(probe.received).some(({ args }) => (args[1] as { status: string }).status === 'draft'), `${probe.principal.name} drafts`).toBe(true);
    }
    expect(verdicts.checked).toBeGreaterThan(300);

    // The oracle itself: forged events of each kind of leak must each be called one.
    const find = (name: string, kind: Kind) => probes.find((probe) => probe.principal.name === name && probe.kind === kind)!;
    const forge = (of: Probe, packets: Received[]): Probe => ({ ...of, received: packets, checked: 0, stats: { create: 0, update: 0, delete: 0, leaks: 0 } });
    const meta = (uid: Uid, documentId: string, action: string, extra: object = {}) => ({ uid, documentId, action, status: 'published', eventId: 'forged', ...extra });
    const restE = {
      public: (await before.get(principals[0]!)!.list(ARTICLE, 'published')).docs.get(doc.E!)!,
      roleB: (await before.get(principals[2]!)!.list(ARTICLE, 'published')).docs.get(doc.E!)!,
    };
    const forged: Verdicts = { checked: 0, leaks: [], differs: [] };
    const cases: [Probe, Received][] = [
      [find('public', 'broadcast'), { event: 'comment:update', args: [{ documentId: doc.M, text: 'x' }, meta(COMMENT, doc.M!, 'update')] }],
      [find('public', 'broadcast'), { event: 'article:update', args: [{ ...restE.public, internalNotes: 'x' }, meta(ARTICLE, doc.E!, 'update')] }],
      [find('role B', 'broadcast'), { event: 'article:update', args: [{ ...restE.roleB, category: { name: 'x' } }, meta(ARTICLE, doc.E!, 'update')] }],
      [find('role A', 'broadcast'), { event: 'article:update', args: [{ ...restE.public, title: 'a draft title' }, meta(ARTICLE, doc.E!, 'update', { status: 'draft' })] }],
      [find('read-only', 'broadcast'), { event: 'article:delete', args: [{ documentId: doc.D1, locale: null }, meta(ARTICLE, doc.D1!, 'delete')] }],
      [find('role A', 'collection'), { event: 'article:update', args: [restE.public, meta(ARTICLE, doc.E!, 'update', { subscription: '99' })] }],
    ];
    for (const [probe, packet] of cases) await checkEvents(forge(probe, [packet]), before.get(probe.principal)!, before.get(probe.principal), 'forged', forged);
    expect(forged.leaks, 'the oracle must call each forged event a leak').toHaveLength(cases.length);
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------
// Across a reconnect with recovery, after each kind of access change
// ---------------------------------------------------------------------------------------------

type Outcome = 'refused' | 'recovered' | 'new session' | 'recovered, then new session';

interface Scenario {
  name: string;
  /** Creates the principal; returns it and the access change to make while its sockets are away. */
  setup(): Promise<{ principal: Principal; change(): Promise<void> }>;
  /** Outcomes that are right for it (all of them leak-free; credentials that are gone must be refused). */
  outcomes: Outcome[];
}

const READS_ALL = [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${CATEGORY}.find`, `${CATEGORY}.findOne`, `${COMMENT}.find`, `${COMMENT}.findOne`];
const ANY: Outcome[] = ['recovered', 'new session', 'recovered, then new session'];

const scenarios: Scenario[] = [
  {
    name: 'no access change (control: what was missed is replayed)',
    outcomes: ['recovered'],
    async setup() {
      const role = await createRole(app.strapi, READS_ALL);
      const user = await createUser(app.strapi, { roleId: role.id });
      return { principal: { name: 'control user', auth: { strategy: 'jwt', token: user.jwt } }, change: async () => {} };
    },
  },
  {
    name: 'API token revoked',
    outcomes: ['refused'],
    async setup() {
      const token = await createApiToken(app.strapi, 'read-only');
      return {
        principal: { name: 'revoked token', auth: { strategy: 'api-token', token: token.accessKey } },
        change: () => app.strapi.service('admin::api-token').revoke(token.id) as Promise<void>,
      };
    },
  },
  {
    name: 'API token regenerated',
    outcomes: ['refused'],
    async setup() {
      const token = await createApiToken(app.strapi, 'full-access');
      return {
        principal: { name: 'regenerated token', auth: { strategy: 'api-token', token: token.accessKey } },
        change: async () => {
          await (app.strapi.service('admin::api-token') as unknown as { regenerate(id: number): Promise<unknown> }).regenerate(token.id);
        },
      };
    },
  },
  {
    name: 'user blocked',
    outcomes: ['refused'],
    async setup() {
      const role = await createRole(app.strapi, READS_ALL);
      const user = await createUser(app.strapi, { roleId: role.id });
      return {
        principal: { name: 'blocked user', auth: { strategy: 'jwt', token: user.jwt } },
        change: async () => {
          await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: user.id }, data: { blocked: true } });
        },
      };
    },
  },
  {
    name: 'user moved to a role without find on article',
    outcomes: ANY,
    async setup() {
      const role = await createRole(app.strapi, READS_ALL);
      const commentsOnly = await createRole(app.strapi, [`${COMMENT}.find`, `${COMMENT}.findOne`, `${CATEGORY}.find`]);
      const user = await createUser(app.strapi, { roleId: role.id });
      return {
        principal: { name: 'moved user', auth: { strategy: 'jwt', token: user.jwt } },
        change: async () => {
          await app.strapi.db.query('plugin::users-permissions.user').update({ where: { id: user.id }, data: { role: commentsOnly.id } });
        },
      };
    },
  },
  {
    name: 'find on article removed from the role (findOne kept)',
    outcomes: ANY,
    async setup() {
      const role = await createRole(app.strapi, READS_ALL);
      const user = await createUser(app.strapi, { roleId: role.id });
      return {
        principal: { name: 'role -find', auth: { strategy: 'jwt', token: user.jwt } },
        change: () => setRolePermissions(app.strapi, role.id, READS_ALL.filter((action) => action !== `${ARTICLE}.find`)),
      };
    },
  },
  {
    name: 'find on category (the populated relation) removed from the role',
    outcomes: ANY,
    async setup() {
      const role = await createRole(app.strapi, READS_ALL);
      const user = await createUser(app.strapi, { roleId: role.id });
      return {
        principal: { name: 'role -category', auth: { strategy: 'jwt', token: user.jwt } },
        change: () => setRolePermissions(app.strapi, role.id, READS_ALL.filter((action) => !action.startsWith(CATEGORY))),
      };
    },
  },
  {
    name: "custom token's permissions narrowed",
    outcomes: ANY,
    async setup() {
      const token = await createApiToken(app.strapi, 'custom', READS_ALL);
      return {
        principal: { name: 'narrowed token', auth: { strategy: 'api-token', token: token.accessKey } },
        change: async () => {
          await (app.strapi.service('admin::api-token') as unknown as { update(id: number, attributes: object): Promise<unknown> }).update(token.id, {
            permissions: [`${ARTICLE}.find`, `${COMMENT}.find`],
          });
        },
      };
    },
  },
];

/** Drops the transport as a network failure would (the session stays recoverable), and waits until the server saw it go. */
async function drop(socket: Socket): Promise<void> {
  const id = socket.id!;
  socket.io.reconnection(false);
  const gone = new Promise((resolve) => socket.once('disconnect', resolve));
  socket.io.engine.close();
  await gone;
  await expect.poll(() => app.strapi.$io.server.of('/').sockets.has(id)).toBe(false);
}

/**
 * Reconnects (reconnection on, as a client would have it) and reports how it ended: refused at
 * connect_error, recovered, or a new session (the server may also close a recovered one so that it
 * comes back with a new session).
 */
async function comeBack(socket: Socket): Promise<Outcome> {
  const log: string[] = [];
  const onConnect = () => log.push(socket.recovered ? 'recovered' : 'new session');
  const onError = () => log.push('refused');
  const onDisconnect = () => log.push('disconnect');
  socket.on('connect', onConnect);
  socket.on('connect_error', onError);
  socket.on('disconnect', onDisconnect);
  socket.io.reconnection(true);
  socket.io.reconnectionDelay(50);
  socket.io.reconnectionDelayMax(100);
  socket.connect();
  try {
    await expect.poll(() => log.length, { timeout: 10_000 }).toBeGreaterThan(0);
    if (log[0] === 'refused') return 'refused';
    // Let a session the server gives up on close and come back, then make sure it is quiet.
    for (let round = 0; round < 20; round++) {
      await sleep(150);
      if (!socket.connected) continue;
      await app.strapi.$io.idle();
      await socket.timeout(5_000).emitWithAck('io:ping');
      if (socket.connected && log[log.length - 1] !== 'disconnect') break;
    }
    if (!socket.connected) throw new Error(`did not come back: ${log.join(', ')}`);
    const connects = log.filter((entry) => entry === 'recovered' || entry === 'new session');
    if (connects[0] === 'recovered' && connects.length > 1) return 'recovered, then new session';
    return connects[0] as Outcome;
  } finally {
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
    socket.off('disconnect', onDisconnect);
  }
}

describe('leaks across a reconnect with recovery, after each kind of access change', () => {
  it('a socket that comes back gets nothing its principal may no longer read', async () => {
    const { strapi } = app;
    const articles = strapi.documents(ARTICLE);
    const comments = strapi.documents(COMMENT);
    const category = (await strapi.documents(CATEGORY).create({ data: { name: 'Recovery', slug: 'recovery' } })).documentId;
    names.set(category, 'recovery category');
    const table: string[] = [];
    const verdicts: Verdicts = { checked: 0, leaks: [], differs: [] };
    const wrongOutcomes: string[] = [];
    let replayed = 0;

    for (const [n, scenario] of scenarios.entries()) {
      const prefix = `LMR${n}`;
      const entity = (await articles.create({ data: { title: `${prefix} entity`, internalNotes: secret(prefix), category }, status: 'published' })).documentId;
      names.set(entity, `${prefix} entity`);
      await strapi.$io.idle();
      const { principal, change } = await scenario.setup();
      const acks: string[] = [];
      const probes: Probe[] = [];
      for (const kind of ['broadcast', 'entity', 'collection'] as Kind[]) {
        const { socket, received } = await example.listen(principal.auth);
        const probe = probeOf(principal, kind, socket, received);
        probes.push(probe);
        if (kind === 'entity') await subscribeEntity(probe, ARTICLE, entity, acks);
        if (kind === 'collection') {
          await subscribeQuery(probe, { uid: ARTICLE, status: 'published', filters: { title: { $startsWith: prefix } } }, acks);
          await subscribeQuery(probe, { uid: COMMENT, status: 'published', filters: {} }, acks);
        }
      }
      expect(acks, scenario.name).toEqual([]);
      const sockets = probes.map(({ socket }) => socket);

      // One event each before going away, so that each holds a recovery offset.
      let before = new Oracle(principal);
      await before.snapshot();
      await articles.update({ documentId: entity, data: { title: `${prefix} entity, first` }, status: 'published' });
      await strapi.$io.idle();
      await settle(strapi, ...sockets);
      let now = new Oracle(principal);
      for (const probe of probes) {
        expect(contentEvents(probe.received).length, `${scenario.name}: ${probe.kind} got an event before the drop`).toBeGreaterThan(0);
        await checkEvents(probe, now, before, `${scenario.name}, before the drop`, verdicts);
      }

      for (const socket of sockets) await drop(socket);
      // Written while away, readable when written: what the server keeps for recovery.
      names.set((await articles.create({ data: { title: `${prefix} away`, internalNotes: secret(prefix), category }, status: 'published' })).documentId, `${prefix} away`);
      await articles.update({ documentId: entity, data: { title: `${prefix} entity, away`, internalNotes: secret(prefix) }, status: 'published' });
      names.set((await comments.create({ data: { text: `${prefix} away comment` } })).documentId, `${prefix} away comment`);
      await strapi.$io.idle();
      // The access change, then its effects on the server (rechecks run after the write commits).
      await change();
      await sleep(50);
      await strapi.$io.idle();

      const outcomes: Outcome[] = [];
      for (const probe of probes) {
        const outcome = await comeBack(probe.socket);
        outcomes.push(outcome);
        if (outcome === 'new session' || outcome === 'recovered, then new session') {
          // A new session holds no subscription: it is on the broadcast.
          probe.subscriptions.clear();
          probe.entities.clear();
        }
        if (!scenario.outcomes.includes(outcome)) wrongOutcomes.push(`${scenario.name}: ${probe.kind} socket ${outcome}`);
      }
      // Ended subscriptions (io:subscription-ended) no longer count as held.
      for (const probe of probes) {
        for (const { event, args } of probe.received) {
          if (event === 'io:subscription-ended') probe.subscriptions.delete((args[0] as { id: string }).id);
        }
      }
      const connected = sockets.filter((socket) => socket.connected);
      // Written after it came back: what it gets live now.
      names.set((await articles.create({ data: { title: `${prefix} after`, internalNotes: secret(prefix), category }, status: 'published' })).documentId, `${prefix} after`);
      names.set((await comments.create({ data: { text: `${prefix} after comment` } })).documentId, `${prefix} after comment`);
      await strapi.$io.idle();
      if (connected.length > 0) await settle(strapi, ...connected);

      if (n === 0) {
        for (const probe of probes) {
          const missed = contentEvents(probe.received).filter(({ args }) => String((args[0] as Doc).title ?? '').endsWith('entity, away'));
          expect(missed.length, `control: the ${probe.kind} socket is replayed the update it missed`).toBeGreaterThan(0);
        }
      }
      // Everything since the drop, against REST with the same credentials now (after the change).
      now = new Oracle(principal);
      const checkedBefore = verdicts.checked;
      const leaksBefore = verdicts.leaks.length;
      for (const probe of probes) await checkEvents(probe, now, undefined, `${scenario.name}, after coming back`, verdicts);
      replayed += verdicts.checked - checkedBefore;
      table.push(
        [pad(scenario.name, 64), pad(outcomes.join(' / '), 48), pad(verdicts.checked - checkedBefore, 8), verdicts.leaks.length - leaksBefore].join(' '),
      );
      for (const socket of sockets) socket.close();
    }

    console.log(
      [
        `recovery: ${verdicts.checked} events checked (${replayed} after coming back) over ${scenarios.length} access changes x 3 socket kinds; ` +
          `${verdicts.leaks.length} leaks, ${verdicts.differs.length} stale payloads`,
        [pad('access change', 64), pad('outcome (broadcast / entity / collection)', 48), pad('checked', 8), 'leaks'].join(' '),
        ...table,
      ].join('\n'),
    );
    expect(verdicts.leaks, 'leaks after coming back').toEqual([]);
    expect(wrongOutcomes, 'credentials that are gone must be refused').toEqual([]);
  }, 90_000);
});
