import type { ContentAction, ContentTypeSettings, LimitSettings, Settings, SettingsInput } from '../contract';

/**
 * The settings form, apart from React: what the admin edits (a draft), what gets sent (only the
 * sections that changed, so an untouched section keeps coming from the file), and where each
 * refusal of the server is shown (field errors keyed by a path).
 */

export interface ContentTypeDraft extends Omit<ContentTypeSettings, 'populate'> {
  /** JSON as typed; empty means no populate. Parsed at save, so a typo is a field error, not a crash. */
  populateText: string;
}

export type LimitKey = keyof LimitSettings;
export const LIMIT_KEYS: readonly LimitKey[] = ['messagesPerSecond', 'messageBurst', 'maxSubscriptionsPerSocket', 'connectionsPerIp', 'liveQueriesPerPrincipal'];

export interface SettingsDraft {
  contentTypes: ContentTypeDraft[];
  requireAuthentication: boolean;
  /** `undefined` while the field is empty. */
  limits: Record<LimitKey, number | undefined>;
}

/** Field error messages by field key (see the `*Field` helpers below). */
export type FieldErrors = Record<string, string>;

export const contentTypeField = (uid: string, field: 'enabled' | 'actions' | 'populate') => `contentTypes/${uid}/${field}`;
export const limitField = (key: LimitKey) => `limits/${key}`;
export const REQUIRE_AUTHENTICATION_FIELD = 'security/requireAuthentication';

const formatPopulate = (populate: unknown) => (populate === null || populate === undefined ? '' : JSON.stringify(populate));

export function toDraft(settings: Settings): SettingsDraft {
  return {
    contentTypes: settings.contentTypes.map(({ populate, ...contentType }) => ({ ...contentType, populateText: formatPopulate(populate) })),
    requireAuthentication: settings.security.requireAuthentication,
    limits: { ...settings.limits },
  };
}

export type DraftCheck = { ok: true; input: SettingsInput } | { ok: false; errors: FieldErrors };

/**
 * What to send for this draft, or the errors the browser can see on its own (JSON that does not
 * parse, an empty number). Only changed sections are sent: saving one limit must not turn every
 * other setting into an admin override.
 */
export function toInput(draft: SettingsDraft, saved: Settings): DraftCheck {
  const errors: FieldErrors = {};
  const contentTypes: ContentTypeSettings[] = draft.contentTypes.map(({ populateText, ...contentType }) => {
    let populate: unknown = null;
    if (populateText.trim() !== '') {
      try {
        populate = JSON.parse(populateText);
      } catch (error) {
        errors[contentTypeField(contentType.uid, 'populate')] = `Not valid JSON: ${(error as Error).message}`;
      }
    }
    return { ...contentType, actions: sortActions(contentType.actions), populate };
  });
  for (const key of LIMIT_KEYS) {
    if (draft.limits[key] === undefined) errors[limitField(key)] = 'Enter a number';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const input: SettingsInput = {};
  // Only the types that changed: an omitted type stays as it is, and keeps its source.
  const savedByUid = new Map(saved.contentTypes.map((contentType) => [contentType.uid, contentType]));
  const changedTypes = contentTypes.filter((contentType) => !sameSettings(contentType, savedByUid.get(contentType.uid)));
  if (changedTypes.length > 0) input.contentTypes = changedTypes;
  if (draft.requireAuthentication !== saved.security.requireAuthentication) {
    input.security = { requireAuthentication: draft.requireAuthentication };
  }
  // Only the limits that changed, for the same reason (the server takes any subset of them).
  const changedLimits = LIMIT_KEYS.filter((key) => draft.limits[key] !== saved.limits[key]);
  if (changedLimits.length > 0) input.limits = Object.fromEntries(changedLimits.map((key) => [key, draft.limits[key]])) as unknown as LimitSettings;
  return { ok: true, input };
}

/** Whether a content type's editable settings are those saved. */
function sameSettings(edited: ContentTypeSettings, saved: ContentTypeSettings | undefined): boolean {
  return (
    saved !== undefined &&
    edited.enabled === saved.enabled &&
    sortActions(edited.actions).join() === sortActions(saved.actions).join() &&
    JSON.stringify(edited.populate ?? null) === JSON.stringify(saved.populate ?? null)
  );
}

/** Actions in one order, so that ticking and unticking a box is not a change. */
function sortActions(actions: ContentAction[]): ContentAction[] {
  const order: ContentAction[] = ['create', 'update', 'delete'];
  return order.filter((action) => actions.includes(action));
}

/** A ValidationError entry; a content type is named by its index in what was sent, or by its uid. */
export interface ServerFieldError {
  path: (string | number)[];
  message: string;
}

/**
 * Places the server's ValidationError entries on fields. A content type is named in a path by its
 * index in what was sent (or by its uid); a deeper path (inside populate) lands on that field. What
 * matches no field is returned apart, to be shown above the form.
 */
export function placeServerErrors(serverErrors: ServerFieldError[], sent: SettingsInput): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  const place = (key: string, message: string) => {
    fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
  };
  for (const { path, message } of serverErrors) {
    const [section, second, third] = path.map(String);
    if (section === 'contentTypes' && second !== undefined) {
      const uid = /^\d+$/.test(second) ? sent.contentTypes?.[Number(second)]?.uid : second;
      if (uid && (third === 'enabled' || third === 'actions' || third === 'populate')) {
        place(contentTypeField(uid, third), message);
        continue;
      }
    }
    if (section === 'limits' && second && (LIMIT_KEYS as readonly string[]).includes(second)) {
      place(limitField(second as LimitKey), message);
      continue;
    }
    if (section === 'security' && second === 'requireAuthentication') {
      place(REQUIRE_AUTHENTICATION_FIELD, message);
      continue;
    }
    other.push(path.length > 0 ? `${path.join('.')}: ${message}` : message);
  }
  return { fields, other };
}
