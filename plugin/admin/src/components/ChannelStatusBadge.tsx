import { Status, Typography } from '@strapi/design-system';
import type { ChannelStatus } from '../live/monitor-state';

const LOOK: Record<ChannelStatus, { variant: 'success' | 'warning' | 'danger'; label: string }> = {
  live: { variant: 'success', label: 'Live' },
  connecting: { variant: 'warning', label: 'Connecting…' },
  refused: { variant: 'danger', label: 'Refused' },
};

/** Whether the numbers on screen are being pushed right now. */
export function ChannelStatusBadge({ status, error }: { status: ChannelStatus; error: string | null }) {
  const { variant, label } = LOOK[status];
  return (
    <Status variant={variant} size="S" data-testid="io-channel-status" data-status={status} title={error ?? undefined}>
      <Typography tag="span" variant="omega" fontWeight="bold">
        {label}
      </Typography>
    </Status>
  );
}
