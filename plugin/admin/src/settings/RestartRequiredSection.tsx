import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { Section } from '../components/Section';

/** A value as it appears in config/plugins: JSON for objects and lists, `not set` for nothing. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/**
 * The settings this page cannot change while the server runs (the Socket.IO server is built with
 * them at start-up): shown with their effective values, read from the config file.
 */
export function RestartRequiredSection({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  return (
    <Section
      title="Connection options"
      description="Read at start-up from config/plugins: change them in the file, then restart Strapi."
      aside={<Badge variant="warning">Needs a restart</Badge>}
      testId="io-settings-restart-required"
    >
      {entries.length === 0 ? (
        <Typography textColor="neutral600">None set.</Typography>
      ) : (
        <Flex tag="dl" direction="column" alignItems="stretch" gap={3}>
          {entries.map(([key, value]) => (
            <Flex key={key} gap={4} alignItems="flex-start" data-key={key}>
              <Box tag="dt" width="30%">
                <Typography fontWeight="semiBold">{key}</Typography>
              </Box>
              <Box tag="dd" flex="1">
                <Typography tag="pre" variant="omega" textColor="neutral800" style={{ whiteSpace: 'pre-wrap', margin: 0, fontFamily: 'monospace' }}>
                  {formatValue(value)}
                </Typography>
              </Box>
              <Badge variant="neutral">From config file</Badge>
            </Flex>
          ))}
        </Flex>
      )}
    </Section>
  );
}
