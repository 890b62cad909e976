/**
 * What the snippets assume the reader's app already has: its session, its render and toast
 * functions, an element to mount on, the variables earlier blocks of the same README defined.
 * Loosely typed on purpose: a snippet is checked against our packages, not against these.
 */
import type { QueryClient } from '@tanstack/query-core';
import type { LiveClient } from '@strapi-live/client';

declare global {
  const session: { token: string | null; jwt: string; freshToken(): Promise<string> };
  const url: string;
  const el: HTMLElement;
  const live: LiveClient;
  const queryClient: QueryClient;
  function render(...values: unknown[]): void;
  function toast(message: string): void;
  function banner(message: string | null): void;
  function showLogin(): void;
  function showError(message: string): void;
}
