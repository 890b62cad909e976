import { onScopeDispose, toValue, watch } from 'vue';
import type { MaybeRefOrGetter } from 'vue';
import type { ContentEventHandler, ContentEventListener, ContentEventName, CustomEventName, ExplicitTypeEvent, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './plugin';
import { isServerRendering } from './use-observer';

/**
 * Calls `handler` for every `event` the server sends to this connection (`article:create`,
 * `io:error`, an app's own event). `event` may be a ref or getter: a new name moves the listener.
 * The listener is removed when the component (effect scope) is disposed; nothing is listened to
 * during server rendering.
 *
 * Once a live query is subscribed, the server sends a connection only its subscriptions' events.
 *
 * @example
 * useLiveEvent('article:create', (article, meta) => toast(`New: ${article.title} (${meta.documentId})`));
 */
export function useLiveEvent<const TEvent extends ContentEventName>(event: MaybeRefOrGetter<TEvent>, handler: ContentEventHandler<TEvent>): void;
export function useLiveEvent<TDocument extends StrapiDocument = never>(
  event: MaybeRefOrGetter<ExplicitTypeEvent<TDocument>>,
  handler: ContentEventListener<TDocument>,
): void;
export function useLiveEvent<const TEvent extends string>(event: MaybeRefOrGetter<CustomEventName<TEvent>>, handler: (...args: any[]) => void): void;
export function useLiveEvent(event: MaybeRefOrGetter<string>, handler: (...args: any[]) => void): void {
  const client = useLiveClient();
  if (isServerRendering()) return;
  let off: (() => void) | undefined;
  watch(
    () => toValue(event),
    (name) => {
      off?.();
      off = client.on(name, handler);
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    off?.();
    off = undefined;
  });
}
