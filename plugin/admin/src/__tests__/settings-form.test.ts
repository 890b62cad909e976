import { describe, expect, it } from 'vitest';
import type { Settings } from '../contract';
import { contentTypeField, limitField, placeServerErrors, toDraft, toInput } from '../settings/settings-form';

const settings: Settings = {
  contentTypes: [
    { uid: 'api::article.article', displayName: 'Article', kind: 'collectionType', enabled: true, actions: ['create', 'update', 'delete'], populate: ['category'] },
    { uid: 'api::comment.comment', displayName: 'Comment', kind: 'collectionType', enabled: true, actions: ['create'], populate: null },
  ],
  security: { requireAuthentication: false },
  limits: { messagesPerSecond: 50, messageBurst: 150, maxSubscriptionsPerSocket: 100, connectionsPerIp: 0, liveQueriesPerPrincipal: 1000 },
  restartRequired: {},
  sources: {},
};

describe('the settings form', () => {
  it('sends nothing for an untouched draft, even with actions ticked off and on in another order', () => {
    const draft = toDraft(settings);
    expect(draft.contentTypes[0]!.populateText).toBe('["category"]');
    draft.contentTypes[0]!.actions = ['delete', 'update', 'create'];
    expect(toInput(draft, settings)).toEqual({ ok: true, input: {} });
  });

  it('sends only the content types and limits that changed, so the rest keeps coming from the file', () => {
    const draft = toDraft(settings);
    draft.contentTypes[0]!.actions = ['create', 'delete'];
    draft.limits.messageBurst = 10;
    expect(toInput(draft, settings)).toEqual({
      ok: true,
      input: { contentTypes: [{ ...settings.contentTypes[0], actions: ['create', 'delete'] }], limits: { messageBurst: 10 } },
    });
  });

  it('refuses JSON that does not parse and an empty number before anything is sent', () => {
    const draft = toDraft(settings);
    draft.contentTypes[1]!.populateText = '["author",';
    draft.limits.connectionsPerIp = undefined;
    const checked = toInput(draft, settings);
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual([contentTypeField('api::comment.comment', 'populate'), limitField('connectionsPerIp')].sort());
  });

  it("places the server's errors on the fields they name, by index in what was sent or by uid", () => {
    const sent = { contentTypes: [settings.contentTypes[1]!] };
    const { fields, other } = placeServerErrors(
      [
        { path: ['contentTypes', '0', 'populate'], message: 'no such relation' },
        { path: ['contentTypes', 'api::article.article', 'actions', '1'], message: 'not an action' },
        { path: ['limits', 'messageBurst'], message: 'too small' },
        { path: ['security', 'requireAuthentication'], message: 'must be true or false' },
        { path: ['contentTypes', '0', 'uid'], message: 'unknown type' },
        { path: [], message: 'The body must be an object' },
      ],
      sent,
    );
    expect(fields).toEqual({
      [contentTypeField('api::comment.comment', 'populate')]: 'no such relation',
      [contentTypeField('api::article.article', 'actions')]: 'not an action',
      [limitField('messageBurst')]: 'too small',
      'security/requireAuthentication': 'must be true or false',
    });
    expect(other).toEqual(['contentTypes.0.uid: unknown type', 'The body must be an object']);
  });
});
