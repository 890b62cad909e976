/**
 * The Socket.IO namespace of the admin panel's live channel. Not a client namespace: the client
 * authentication, limits and content events of the plugin never apply to it.
 */
export const ADMIN_NAMESPACE = '/io-admin';
