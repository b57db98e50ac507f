// Applying a watch's messages to a table: a keyed map, replaced (not mutated) so Svelte sees one
// change per batch. Pure, unit-tested.
import type { TableRow, WatchMessage } from '../../../src-main/ipc/contract';

export function applyWatchMessage(current: Map<string, TableRow>, message: WatchMessage): Map<string, TableRow> {
  if (message.type === 'SYNC') return new Map(message.rows.map((r) => [r.key, r]));
  const next = new Map(current);
  for (const change of message.changes) {
    if (change.type === 'DELETED') next.delete(change.row.key);
    else next.set(change.row.key, change.row);
  }
  return next;
}
