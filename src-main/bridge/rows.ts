// Table rows as `kubectl get` prints them, computed in main from the registry's printer columns so
// the renderer shows exactly kubectl's cells without knowing any kind.
import { kindByResource, type KindInfo } from '../engine/api/registry.js';
import { notFound } from '../engine/api/errors.js';
import type { KubeObject } from '../engine/api/types.js';
import type { ResourceRef, TableColumn, TableRow } from '../ipc/contract.js';

export function columnsOf(info: KindInfo): TableColumn[] {
  return info.columns.map(({ name, type, description, priority }) => ({ name, type, description, priority }));
}

export function rowKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : (name ?? '');
}

/**
 * What a list needs of an object, like Kubernetes' PartialObjectMetadata plus the two fields list
 * views read (a pod's phase, an event's time): no spec, no annotations, no managedFields. A list of
 * 10,000 pods crosses the bridge as ~2 MB instead of ~12 MB.
 */
export function summaryOf(obj: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp, deletionTimestamp, labels, ownerReferences } =
    obj.metadata;
  const summary: KubeObject = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp, deletionTimestamp, labels, ownerReferences },
  };
  const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
  if (phase !== undefined) summary.status = { phase };
  const record = obj as Record<string, unknown>;
  for (const key of ['lastTimestamp', 'eventTime', 'type'] as const) {
    if (record[key] !== undefined) (summary as Record<string, unknown>)[key] = record[key];
  }
  return summary;
}

export function rowOf(info: KindInfo, obj: KubeObject, now: number, summary = false): TableRow {
  const cells = info.columns.map((column) => {
    try {
      return column.cell(obj, now);
    } catch {
      return '<error>'; // a half-written object must not take the whole table down
    }
  });
  return { key: rowKey(obj), cells, object: (summary ? summaryOf(obj) : obj) as TableRow['object'] };
}

/** The registry entry for a reference, or the API server's 404 for an unknown resource. */
export function kindOf(ref: ResourceRef): KindInfo {
  const info = kindByResource(ref.group, ref.resource);
  if (!info) throw notFound(ref.group, ref.resource, ref.name ?? '');
  return info;
}
