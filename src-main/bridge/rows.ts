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

export function rowOf(info: KindInfo, obj: KubeObject, now: number): TableRow {
  const cells = info.columns.map((column) => {
    try {
      return column.cell(obj, now);
    } catch {
      return '<error>'; // a half-written object must not take the whole table down
    }
  });
  return { key: rowKey(obj), cells, object: obj as TableRow['object'] };
}

/** The registry entry for a reference, or the API server's 404 for an unknown resource. */
export function kindOf(ref: ResourceRef): KindInfo {
  const info = kindByResource(ref.group, ref.resource);
  if (!info) throw notFound(ref.group, ref.resource, ref.name ?? '');
  return info;
}
