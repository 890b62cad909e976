import { Field, Flex, Grid, NumberInput } from '@strapi/design-system';
import { Section } from '../components/Section';
import type { Source } from '../contract';
import { LIMIT_KEYS, limitField } from './settings-form';
import type { FieldErrors, LimitKey, SettingsDraft } from './settings-form';
import { SourceBadge } from './SourceBadge';

const LABELS: Record<LimitKey, { label: string; hint: string }> = {
  messagesPerSecond: { label: 'Messages per second', hint: 'Client messages a socket may send each second' },
  messageBurst: { label: 'Message burst', hint: 'Messages allowed at once above that rate' },
  maxSubscriptionsPerSocket: { label: 'Subscriptions per socket', hint: 'Entity and collection subscriptions one socket may hold' },
  connectionsPerIp: { label: 'Connections per IP address', hint: 'Open sockets from one address on each node; 0 for no cap' },
  liveQueriesPerPrincipal: { label: 'Live queries per principal', hint: 'Collection subscriptions one user or API token may hold over all its sockets' },
};

interface LimitsSectionProps {
  limits: SettingsDraft['limits'];
  sources: Record<string, Source>;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (key: LimitKey, value: number | undefined) => void;
}

export function LimitsSection({ limits, sources, errors, disabled, onChange }: LimitsSectionProps) {
  return (
    <Section title="Limits" description="What one client may use. Applied at once to every socket, connected or not." testId="io-settings-limits">
      <Grid.Root gap={5}>
        {LIMIT_KEYS.map((key) => (
          <Grid.Item key={key} col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root name={limitField(key)} error={errors[limitField(key)]} hint={LABELS[key].hint}>
              <Flex justifyContent="space-between">
                <Field.Label>{LABELS[key].label}</Field.Label>
                <SourceBadge source={sources[`limits.${key}`]} />
              </Flex>
              <NumberInput value={limits[key]} disabled={disabled} onValueChange={(value) => onChange(key, value)} />
              <Field.Error />
              <Field.Hint />
            </Field.Root>
          </Grid.Item>
        ))}
      </Grid.Root>
    </Section>
  );
}
