import { Field, Flex, Toggle } from '@strapi/design-system';
import { Section } from '../components/Section';
import type { Source } from '../contract';
import { REQUIRE_AUTHENTICATION_FIELD } from './settings-form';
import type { FieldErrors } from './settings-form';
import { SourceBadge } from './SourceBadge';

interface SecuritySectionProps {
  requireAuthentication: boolean;
  source: Source | undefined;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (requireAuthentication: boolean) => void;
}

export function SecuritySection({ requireAuthentication, source, errors, disabled, onChange }: SecuritySectionProps) {
  const error = errors[REQUIRE_AUTHENTICATION_FIELD];
  return (
    <Section title="Security" description="Who may open a socket. Applied at once: sockets without credentials are refused from their next connection." testId="io-settings-security">
      <Flex gap={4} alignItems="flex-start">
        <Field.Root name={REQUIRE_AUTHENTICATION_FIELD} error={error} hint="Refuse sockets without a users-permissions JWT or an API token (no Public role)">
          <Field.Label>Require authentication</Field.Label>
          <Toggle
            onLabel="Required"
            offLabel="Not required"
            checked={requireAuthentication}
            disabled={disabled}
            onChange={(event) => onChange(event.currentTarget.checked)}
          />
          <Field.Error />
          <Field.Hint />
        </Field.Root>
        <SourceBadge source={source} />
      </Flex>
    </Section>
  );
}
