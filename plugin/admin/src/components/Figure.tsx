import { Flex, Typography } from '@strapi/design-system';

interface FigureProps {
  label: string;
  value: string | number;
  testId: string;
}

/** One big number with its label (connections, events per second). */
export function Figure({ label, value, testId }: FigureProps) {
  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography variant="sigma" textColor="neutral600">
        {label}
      </Typography>
      <Typography variant="alpha" tag="p" data-testid={testId}>
        {value}
      </Typography>
    </Flex>
  );
}

/** Events per second as a short number: one decimal below 10. */
export const formatRate = (rate: number) => (rate < 10 ? rate.toFixed(1) : Math.round(rate).toString());
