// meta.k8s.io/v1 Table responses (what `kubectl get` asks for), built from the kind registry's
// printer columns. Each row carries the object as PartialObjectMetadata by default, or the whole
// object with includeObject=Object (kubectl sends that for -o wide and custom columns).
import type { KubeObject } from '../../engine/api/types.js';
import type { KindInfo } from '../../engine/api/registry.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** True when the Accept header asks for a Table (kubectl: `application/json;as=Table;v=v1;g=meta.k8s.io,…`). */
export function wantsTable(accept: string | undefined): 'v1' | 'v1beta1' | null {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const v = params.get('v');
      if (v === 'v1' || v === 'v1beta1') return v;
    }
  }
  return null;
}

export function tableFor(
  info: KindInfo,
  objects: KubeObject[],
  opts: {
    now: number;
    includeObject?: IncludeObject;
    version?: 'v1' | 'v1beta1';
    resourceVersion?: string;
    continue?: string;
    noHeaders?: boolean;
  },
): Record<string, unknown> {
  const include = opts.includeObject ?? 'Metadata';
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  const columns = info.columns;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version ?? 'v1'}`,
    metadata,
    columnDefinitions: opts.noHeaders
      ? []
      : columns.map((c) => ({
          name: c.name === 'NAME' ? 'Name' : titleCase(c.name),
          type: c.type === 'date' ? 'string' : c.type,
          format: c.format ?? '',
          description: c.description,
          priority: c.priority,
        })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => safeCell(() => c.cell(o, opts.now))),
      object: rowObject(o, include),
    })),
  };
}

function safeCell(fn: () => string | number | boolean): string | number | boolean {
  try {
    return fn();
  } catch {
    return '<unknown>';
  }
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/**
 * Table column names as the server sends them: kubectl upper-cases them for display, so the wire
 * form is `Name`, `Ready`, `Status`, `Restarts`, `Age`, `Nominated Node`, `Port(s)`…
 */
function titleCase(header: string): string {
  return header
    .split(' ')
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join(' ');
}
