import { useState } from 'react';
import { Button, Flex } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import type { ExportFormat } from './use-monitoring-actions';

/** CSV and JSON downloads of the connection list, as the server writes them. */
export function ExportButtons({ onExport }: { onExport: (format: ExportFormat) => Promise<void> }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    try {
      await onExport(format);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Flex gap={2}>
      {(['csv', 'json'] as const).map((format) => (
        <Button key={format} variant="secondary" startIcon={<Download />} loading={busy === format} onClick={() => run(format)}>
          Export {format.toUpperCase()}
        </Button>
      ))}
    </Flex>
  );
}
