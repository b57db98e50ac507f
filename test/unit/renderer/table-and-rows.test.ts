import { describe, expect, it } from 'vitest';
import type { TableColumn, TableRow } from '../../../src-main/ipc/contract.js';
import { humanDuration } from '../../../src-renderer/src/lib/format.js';
import { applyWatchMessage } from '../../../src-renderer/src/lib/rows.js';
import { listHref, objectHref, parseRoute } from '../../../src-renderer/src/lib/routes.js';
import { StreamRegistry } from '../../../src-renderer/src/lib/stream-registry.js';
import { filterRows, sortRows, visibleColumns } from '../../../src-renderer/src/lib/table.js';
import { lineOfField, splitFieldPath, toYaml } from '../../../src-renderer/src/lib/yaml.js';

const col = (name: string, type: TableColumn['type'] = 'string', priority: 0 | 1 = 0): TableColumn => ({
  name,
  type,
  priority,
  description: '',
});
const row = (
  name: string,
  cells: (string | number)[],
  created = '2026-01-01T00:00:00Z',
  namespace = 'dev',
): TableRow => ({
  key: `${namespace}/${name}`,
  cells: [name, ...cells],
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, creationTimestamp: created } },
});
const columns = [col('NAME'), col('RESTARTS', 'integer'), col('AGE'), col('IP', 'string', 1)];
const rows = [
  row('web-10', [3, '5m', '10.0.0.2'], '2026-01-01T00:05:00Z'),
  row('web-9', [12, '1h', '10.0.0.1'], '2026-01-01T00:00:00Z'),
  row('db-0', [0, '10s', '10.0.0.3'], '2026-01-01T00:10:00Z', 'prod'),
];

describe('table sorting and filtering', () => {
  it('sorts names naturally, so web-9 comes before web-10', () => {
    expect(sortRows(rows, columns, { column: 0, descending: false }).map((r) => r.cells[0])).toEqual([
      'db-0',
      'web-9',
      'web-10',
    ]);
  });

  it('sorts numbers as numbers and ages by creation time, youngest first', () => {
    expect(sortRows(rows, columns, { column: 1, descending: true }).map((r) => r.cells[1])).toEqual([12, 3, 0]);
    expect(sortRows(rows, columns, { column: 2, descending: false }).map((r) => r.cells[0])).toEqual([
      'db-0',
      'web-10',
      'web-9',
    ]);
  });

  it('filters by every term, in any cell or the namespace, ignoring case', () => {
    expect(filterRows(rows, 'WEB 10.0.0.1').map((r) => r.cells[0])).toEqual(['web-9']);
    expect(filterRows(rows, 'prod').map((r) => r.cells[0])).toEqual(['db-0']);
    expect(filterRows(rows, '  ')).toBe(rows);
  });

  it('shows wide columns only on demand', () => {
    expect(visibleColumns(columns, false)).toEqual([0, 1, 2]);
    expect(visibleColumns(columns, true)).toEqual([0, 1, 2, 3]);
  });
});

describe('watch messages applied to a table', () => {
  it('a SYNC replaces everything and changes add, modify and delete by key', () => {
    let state = applyWatchMessage(new Map(), { type: 'SYNC', columns, rows: [rows[0], rows[1]], resourceVersion: '5' });
    expect([...state.keys()]).toEqual(['dev/web-10', 'dev/web-9']);
    const before = state;
    state = applyWatchMessage(state, {
      type: 'CHANGES',
      changes: [
        { type: 'ADDED', row: rows[2] },
        { type: 'MODIFIED', row: { ...rows[0], cells: ['web-10', 4, '5m', ''] } },
        { type: 'DELETED', row: rows[1] },
      ],
    });
    expect([...state.keys()]).toEqual(['dev/web-10', 'prod/db-0']);
    expect(state.get('dev/web-10')!.cells[1]).toBe(4);
    expect(before.size).toBe(2); // never mutated in place
  });
});

describe('ref-counted streams', () => {
  it('shares one stream per key and stops it when the last holder releases', () => {
    const stopped: string[] = [];
    const registry = new StreamRegistry((key) => ({ key, stop: () => stopped.push(key) }));
    const a = registry.acquire('pods');
    const b = registry.acquire('pods');
    expect(a.value).toBe(b.value);
    expect(registry.holders('pods')).toBe(2);
    a.release();
    a.release(); // a second release by the same holder is ignored
    expect(stopped).toEqual([]);
    b.release();
    expect(stopped).toEqual(['pods']);
    expect(registry.size).toBe(0);
    const c = registry.acquire('pods');
    expect(c.value).not.toBe(a.value);
  });
});

describe('routes', () => {
  it('round-trips list and object links, core group included', () => {
    expect(parseRoute(listHref('apps', 'deployments'))).toEqual({
      view: 'list',
      group: 'apps',
      resource: 'deployments',
    });
    const href = objectHref({ group: '', resource: 'nodes', name: 'kubedesk' }, 'yaml');
    expect(parseRoute(href)).toEqual({
      view: 'object',
      group: '',
      resource: 'nodes',
      namespace: undefined,
      name: 'kubedesk',
      tab: 'yaml',
    });
    expect(parseRoute('#/whatever/%E0%A4%A')).toEqual({ view: 'overview' });
  });
});

describe('YAML helpers', () => {
  it('splits field paths with indexes and keys', () => {
    expect(splitFieldPath('spec.template.spec.containers[0].image')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
    expect(splitFieldPath('metadata.labels[app.kubernetes.io/name]')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
  });

  it('finds the line of a failing field, or of its deepest existing parent', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: -1\n  template:\n    spec:\n      containers:\n        - name: a\n          image: " x"\n';
    expect(lineOfField(text, 'spec.replicas')).toBe(4);
    expect(lineOfField(text, 'spec.template.spec.containers[0].image')).toBe(9);
    expect(lineOfField(text, 'spec.selector')).toBe(3);
    expect(lineOfField(text, 'nothing')).toBeNull();
  });

  it('leaves managedFields out of the YAML view', () => {
    expect(toYaml({ metadata: { name: 'a', managedFields: [{ manager: 'x' }] } })).toBe('metadata:\n  name: a\n');
  });

  it('formats durations as kubectl does', () => {
    expect([5_000, 125_000, 600_000, 3 * 3600_000 + 60_000, 50 * 3600_000, 400 * 86400_000].map(humanDuration)).toEqual(
      ['5s', '2m5s', '10m', '3h1m', '2d2h', '400d'],
    );
  });
});
