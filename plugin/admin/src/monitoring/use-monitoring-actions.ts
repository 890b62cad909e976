import { useCallback } from 'react';
import { isFetchError, useFetchClient } from '@strapi/strapi/admin';

export type ExportFormat = 'csv' | 'json';

const CONNECTIONS_ROUTE = '/io/monitoring/connections';

/** The file name the server suggests (Content-Disposition), else a dated one. */
function fileName(headers: Headers | undefined, format: ExportFormat): string {
  const disposition = headers?.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1] ? decodeURIComponent(match[1]) : `socket-connections-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.${format}`;
}

/** Hands a downloaded file to the browser, as a link with `download` would. */
function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export const errorMessage = (error: unknown) => (isFetchError(error) ? (error.response?.data.error.message ?? error.message) : String(error));

/**
 * The monitoring page's two writes on the admin API. The export goes through the fetch client,
 * not a plain link, because the route needs the admin's Authorization header.
 */
export function useMonitoringActions() {
  const { get, del } = useFetchClient();

  const disconnect = useCallback(
    async (socketId: string): Promise<boolean> => {
      const { data } = await del<{ data: { disconnected: boolean } }>(`${CONNECTIONS_ROUTE}/${encodeURIComponent(socketId)}`);
      return data.data.disconnected;
    },
    [del],
  );

  const exportConnections = useCallback(
    async (format: ExportFormat): Promise<void> => {
      const { data, headers } = await get(`${CONNECTIONS_ROUTE}/export`, { params: { format }, responseType: 'blob' });
      saveFile(data, fileName(headers, format));
    },
    [get],
  );

  return { disconnect, exportConnections };
}
