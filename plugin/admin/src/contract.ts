/**
 * What the plugin's admin routes and its admin live channel (`/io-admin`) send and accept. The
 * types come from the server's own contract (types only, erased from the bundle), so the two sides
 * cannot drift; this file adds the names the admin code uses.
 */
import type { ContentAction } from '@strapi-live/client/protocol';
import type { AdminServerEvents, ContentTypeSetting, FieldError, MonitoringStats } from '../../server/src/admin/contract';

export type { ContentAction };
export type {
  ChannelInfo,
  ConnectionInfo,
  LimitSettings,
  MonitoredEvent,
  MonitoringStats,
  Settings,
  SettingsInput,
  Source,
} from '../../server/src/admin/contract';

export const CONTENT_ACTIONS: readonly ContentAction[] = ['create', 'update', 'delete'];

export type ContentTypeSettings = ContentTypeSetting;
export type Totals = MonitoringStats['totals'];
/** Server → admin events on the `/io-admin` namespace. */
export type MonitorEvents = AdminServerEvents;

/** Strapi's 400 ValidationError body. */
export interface ValidationErrorBody {
  error: { status: 400; name: 'ValidationError'; message: string; details?: { errors?: FieldError[] } };
}
