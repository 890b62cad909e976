import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { CONTENT_ACTIONS } from '../contract';
import type { Totals } from '../contract';

/** Events sent since the server started, per content type and action (all nodes' own counts). */
export function EventTotalsTable({ totals }: { totals: Totals }) {
  const rows = Object.entries(totals).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return <Typography textColor="neutral600">No content event sent yet.</Typography>;
  return (
    <Table colCount={CONTENT_ACTIONS.length + 2} rowCount={rows.length + 1} data-testid="io-event-totals">
      <Thead>
        <Tr>
          <Th>
            <Typography variant="sigma">Content type</Typography>
          </Th>
          {CONTENT_ACTIONS.map((action) => (
            <Th key={action}>
              <Typography variant="sigma">{action}</Typography>
            </Th>
          ))}
          <Th>
            <Typography variant="sigma">total</Typography>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map(([uid, counts]) => (
          <Tr key={uid} data-uid={uid}>
            <Td>
              <Typography>{uid}</Typography>
            </Td>
            {CONTENT_ACTIONS.map((action) => (
              <Td key={action} data-action={action}>
                <Typography>{counts[action]}</Typography>
              </Td>
            ))}
            <Td>
              <Typography fontWeight="bold">{CONTENT_ACTIONS.reduce((sum, action) => sum + counts[action], 0)}</Typography>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
