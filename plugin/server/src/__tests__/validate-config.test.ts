import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/validate-config';

describe('validateConfig', () => {
  it("accepts the seed's advanced configuration as written", () => {
    const config = validateConfig({
      contentTypes: [
        { uid: 'api::article.article', actions: ['create', 'update'], populate: ['author', 'category'] },
        { uid: 'api::comment.comment', actions: ['create', 'delete'] },
        'api::category.category',
      ],
      socket: { serverOptions: { cors: { origin: 'http://localhost:3000', methods: ['GET', 'POST'] }, pingTimeout: 60000 } },
      events: [{ name: 'connection', handler: () => {} }],
      hooks: { init: () => {} },
    });
    expect(config.contentTypes.map((t) => [t.uid, [...t.actions]])).toEqual([
      ['api::article.article', ['create', 'update']],
      ['api::comment.comment', ['create', 'delete']],
      ['api::category.category', ['create', 'update', 'delete']],
    ]);
    expect(config.contentTypes[0]?.populate).toEqual(['author', 'category']);
  });

  it('accepts an empty config', () => {
    expect(validateConfig(undefined).contentTypes).toEqual([]);
  });

  it.each([
    [{ contentTypes: 'api::article.article' }, '"contentTypes" must be an array'],
    [{ contentTypes: ['article'] }, '"contentTypes[0].uid" must be a content-type uid'],
    [{ contentTypes: [{ uid: 'api::a.a', actions: ['publish'] }] }, '"contentTypes[0].actions[0]" must be one of create, update, delete (got "publish")'],
    [{ contentTypes: [{ uid: 'api::a.a', populate: 3 }] }, '"contentTypes[0].populate" must be a populate value'],
    [{ contentTypes: [{ uid: 'api::a.a', populate: true }] }, `"contentTypes[0].populate" must be a populate value (a relation name, an array of names, '*' or an object); for every relation use '*' (got boolean true)`],
    [{ contentTypes: [{ uid: 'api::a.a', action: ['create'] }] }, '"contentTypes[0].action" must be absent'],
    [{ contentTypes: ['api::a.a', 'api::a.a'] }, '"contentTypes[1].uid" must be listed once'],
    [{ socket: { options: {} } }, '"socket.options" must be absent: socket takes serverOptions'],
    [{ socket: { serverOptions: [] } }, '"socket.serverOptions" must be an object'],
    [{ events: [{ name: 'x' }] }, '"events[0].handler" must be a function'],
    [{ hooks: { init: 'yes' } }, '"hooks.init" must be a function'],
    [{ contentType: [] }, '"contentType" must be absent: the known keys are'],
    [{ maxSubscriptionsPerSocket: 0 }, '"maxSubscriptionsPerSocket" must be a positive integer'],
    [{ redis: 'redis://127.0.0.1:6379' }, '"redis" must be an object'],
    [{ redis: { url: 'http://127.0.0.1:6379' } }, '"redis.url" must be a Redis URL'],
    [{ redis: { url: 'redis://:secret@[bad' } }, '"redis.url" must be a Redis URL'],
    [{ redis: { url: 'redis://127.0.0.1', adapter: 'kafka' } }, '"redis.adapter" must be one of redis-streams, redis (got "kafka")'],
    [{ redis: { url: 'redis://127.0.0.1', keyPrefix: 'a b' } }, '"redis.keyPrefix" must be letters'],
    [{ redis: { url: 'redis://127.0.0.1', host: 'x' } }, '"redis.host" must be absent: redis takes url, adapter, keyPrefix, clientOptions'],
    [{ limits: { messagesPerSecond: 0 } }, '"limits.messagesPerSecond" must be a positive number (got number 0)'],
    [{ limits: { messageBurst: 1.5 } }, '"limits.messageBurst" must be a positive integer'],
    [{ limits: { connectionsPerIp: -1 } }, '"limits.connectionsPerIp" must be a non-negative integer'],
    [{ limits: { rate: 5 } }, '"limits.rate" must be absent: limits takes messagesPerSecond, messageBurst, disconnectAfterRefused, connectionsPerIp, liveQueriesPerNode, maxBufferedBytes, liveQueriesPerPrincipal'],
    [{ security: { requireAuthentication: 'yes' } }, '"security.requireAuthentication" must be true or false'],
    [{ security: { trustProxy: 'loopback' } }, '"security.trustProxy" must be true, false or the number of proxies in front of Strapi'],
    [{ security: { ipAllowList: '10.0.0.1' } }, '"security.ipAllowList" must be an array of addresses'],
    [{ security: { ipDenyList: ['evil.example.com'] } }, '"security.ipDenyList[0]" must be an IP address or an IPv4 range'],
    [{ security: { draftView: 'admins' } }, `"security.draftView" must be 'rest', 'authenticated', 'none' or { action: 'update' } (got "admins")`],
    [{ security: { draftView: { permission: 'x' } } }, '"security.draftView" must be'],
  ])('refuses %j naming the key', (config, message) => {
    expect(() => validateConfig(config)).toThrow(message);
  });

  it('resolves limits and security with their defaults', () => {
    expect(validateConfig({}).guard).toEqual({
      messagesPerSecond: 50,
      messageBurst: 150,
      disconnectAfterRefused: 150,
      connectionsPerIp: 0,
      liveQueriesPerNode: 50_000,
      maxBufferedBytes: 16 * 1024 * 1024,
      liveQueriesPerPrincipal: 1_000,
      requireAuthentication: false,
      trustedHops: 0,
      ipAllowList: undefined,
      ipDenyList: [],
      draftView: 'rest',
    });
    expect(validateConfig({ maxSubscriptionsPerSocket: 500, security: { trustProxy: 2, ipAllowList: ['10.0.0.0/8'] } }).guard).toMatchObject({
      messageBurst: 550,
      trustedHops: 2,
      ipAllowList: ['10.0.0.0/8'],
    });
  });

  it('resolves redis with its defaults, and never shows a password in an error', () => {
    expect(validateConfig({ redis: { url: 'redis://127.0.0.1:6379' } }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      adapter: 'redis-streams',
      keyPrefix: 'strapi-io',
      clientOptions: {},
    });
    expect(() => validateConfig({ redis: { url: 'http://user:hunter2@host:6379' } })).toThrow(/got "http:\/\/user:\*\*\*@host:6379/);
  });
});
