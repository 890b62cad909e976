import { useEffect, useLayoutEffect, useRef } from 'react';
import type { ContentEventHandler, ContentEventListener, ContentEventName, CustomEventName, ExplicitTypeEvent, StrapiDocument } from '@strapi-live/client';
import { useLiveClient } from './context';

const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/**
 * Calls `handler` for every `event` the server sends to this connection (`article:create`,
 * `article:update`, `article:delete`, `io:error`, or an app's own event). The latest `handler` is
 * the one called, and a new one does not resubscribe: an inline arrow function is fine. Nothing
 * happens during server rendering.
 *
 * Once a live query is subscribed, the server sends a connection only its subscriptions' events.
 *
 * @example
 * useLiveEvent('article:create', (article, meta) => toast(`New: ${article.title} (${meta.documentId})`));
 */
export function useLiveEvent<const TEvent extends ContentEventName>(event: TEvent, handler: ContentEventHandler<TEvent>): void;
export function useLiveEvent<TDocument extends StrapiDocument = never>(event: ExplicitTypeEvent<TDocument>, handler: ContentEventListener<TDocument>): void;
export function useLiveEvent<const TEvent extends string>(event: CustomEventName<TEvent>, handler: (...args: any[]) => void): void;
export function useLiveEvent(event: string, handler: (...args: any[]) => void): void {
  const client = useLiveClient();
  const latest = useRef(handler);
  useIsomorphicLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => client.on(event, (...args: unknown[]) => latest.current(...args)), [client, event]);
}
