import { randomBytes } from 'node:crypto';

/**
 * Event ids are `<node>-<sequence>`: unique across nodes, and ordered within the node that
 * committed the write (the sequence is zero-padded base 36, so ids of one node sort as strings).
 */
export function createEventIds(): () => string {
  const node = randomBytes(4).toString('hex');
  let sequence = 0;
  return () => `${node}-${(sequence++).toString(36).padStart(10, '0')}`;
}
