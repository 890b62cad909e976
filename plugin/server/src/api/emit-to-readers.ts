import type { Core } from '@strapi/strapi';
import type { AccessControl } from '../auth/access-control';
import type { IoServer } from '../socket/create-server';
import { rooms } from '../subscriptions/rooms';

/** What `strapi.$io.emit` sends: `<singularName>:<event>`, to readers of `schema`, sanitized for each. */
export interface ReadersEmit {
  event: string;
  schema: string;
  data: unknown;
}

/**
 * `strapi.$io.emit` on this node: once per principal group of this node's sockets that may read the
 * type, sanitized for that group. Each node runs it for its own sockets (the call is passed on to
 * the other nodes), as it does for content events.
 */
export async function emitToReaders(strapi: Core.Strapi, io: IoServer, access: AccessControl, { event, schema, data }: ReadersEmit): Promise<void> {
  const model = strapi.getModel(schema as never) as { info?: { singularName?: string } } | undefined;
  if (!model?.info?.singularName) throw new Error(`$io.emit: unknown content type "${schema}"`);
  const name = `${model.info.singularName}:${event}`;
  for (const groupKey of access.groupKeys()) {
    if (!(await access.canRead(groupKey, schema, 'find'))) continue;
    const payload = await access.sanitize(groupKey, schema, data);
    io.local.to(rooms.group(groupKey)).emit(name, payload);
  }
}
