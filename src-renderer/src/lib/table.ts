// Sorting and text filtering of table rows, pure (unit-tested). Sorting compares cells by the
// column's type; ages (and events' LAST SEEN) sort by time, newest first, not by the text "5m" vs "10s".
import type { TableColumn, TableRow } from '../../../src-main/ipc/contract';

export interface SortState {
  column: number;
  descending: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortRows(rows: TableRow[], columns: TableColumn[], sort: SortState | null): TableRow[] {
  if (!sort || !columns[sort.column]) return rows;
  const column = columns[sort.column];
  const sign = sort.descending ? -1 : 1;
  const keyOf = (row: TableRow): string | number => {
    if (column.name === 'AGE') return -Date.parse(row.object.metadata.creationTimestamp ?? '') || 0;
    if (column.name === 'LAST SEEN') {
      const o = row.object as Record<string, unknown>;
      return -Date.parse(String(o['lastTimestamp'] ?? o['eventTime'] ?? row.object.metadata.creationTimestamp)) || 0;
    }
    const cell = row.cells[sort.column];
    return typeof cell === 'number' ? cell : String(cell ?? '');
  };
  return [...rows].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return c * sign || collator.compare(a.key, b.key);
  });
}

/** Rows where every whitespace-separated term appears in some cell or the namespace (any case). */
export function filterRows(rows: TableRow[], text: string): TableRow[] {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return rows;
  return rows.filter((row) => {
    const haystack = [row.object.metadata.namespace ?? '', ...row.cells.map(String)].join('\u0000').toLowerCase();
    return terms.every((t) => haystack.includes(t));
  });
}

/** The columns to show: priority 0, plus priority 1 in the wide view. */
export function visibleColumns(columns: TableColumn[], wide: boolean): number[] {
  return columns.flatMap((c, i) => (c.priority === 0 || wide ? [i] : []));
}
