import type { ReactNode } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

interface SectionProps {
  title: string;
  /** One line under the title: what the section controls and when it applies. */
  description?: ReactNode;
  /** Shown at the right of the title (a source badge, a status). */
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
}

/** A white card with a title, as Strapi's own settings pages lay out their sections. */
export function Section({ title, description, aside, children, testId }: SectionProps) {
  return (
    <Box tag="section" background="neutral0" hasRadius shadow="tableShadow" paddingTop={6} paddingBottom={6} paddingLeft={7} paddingRight={7} data-testid={testId}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2">
              {title}
            </Typography>
            {description && (
              <Typography variant="pi" textColor="neutral600">
                {description}
              </Typography>
            )}
          </Flex>
          {aside}
        </Flex>
        {children}
      </Flex>
    </Box>
  );
}
