// Field ownership (`metadata.managedFields`), as structured-merge-diff tracks it: every manager
// owns a set of leaf fields in FieldsV1 form (`f:spec` / `f:replicas`, keyed list items as
// `k:{"name":"web"}`). Updates move the fields they change to their manager; server-side apply
// checks the applied fields against other managers' and answers 409 on a conflict unless forced,
// and removes fields its manager applied before but no longer does.
//
// Simplifications: keyed lists use the strategic-merge keys (containers by name, env by name…);
// other lists are owned as a whole.
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import { StatusError, type Cause } from '../api/errors.js';
import { patchSchemaFor, type PatchSchema } from '../api/patch/index.js';
import { rfc3339 } from '../clock.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A leaf field: its FieldsV1 path tokens, and its value as JSON for comparisons. */
interface Leaf {
  segs: string[];
  value: string;
}

/** Metadata fields owned like content; the rest of metadata is the server's. */
const OWNED_METADATA = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

/** Leaf fields of the object (or part: `scope`), keyed by their joined path. */
export function leaves(obj: unknown, kind: string, scope: 'main' | 'status' = 'main'): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  if (!isObject(obj)) return out;
  const schema = patchSchemaFor(kind);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'main' && k === 'status') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (k === 'metadata') {
      if (!isObject(v)) continue;
      for (const [mk, mv] of Object.entries(v)) {
        if (OWNED_METADATA.has(mk)) walk(mv, [`f:metadata`, `f:${mk}`], `metadata.${mk}`, schema, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], k, schema, out);
  }
  return out;
}

function walk(
  value: unknown,
  segs: string[],
  path: string,
  schema: PatchSchema,
  out: Map<string, Leaf>,
  depth = 0,
): void {
  if (depth > 64) return;
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) walk(v, [...segs, `f:${k}`], `${path}.${k}`, schema, out, depth + 1);
    return;
  }
  const meta = schema.get(path);
  if (Array.isArray(value) && meta?.mergeKey && value.every((i) => isObject(i) && i[meta.mergeKey!] !== undefined)) {
    for (const item of value as Record<string, unknown>[]) {
      const key = `k:${JSON.stringify({ [meta.mergeKey]: item[meta.mergeKey] })}`;
      const itemSegs = [...segs, key];
      for (const [k, v] of Object.entries(item))
        walk(v, [...itemSegs, `f:${k}`], `${path}.${k}`, schema, out, depth + 1);
    }
    return;
  }
  out.set(segs.join('\u0001'), { segs, value: JSON.stringify(value) });
}

export function toFieldsV1(paths: Iterable<string[]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const segs of paths) {
    let node = root;
    for (const [i, s] of segs.entries()) {
      if (!isObject(node[s])) node[s] = {};
      node = node[s] as Record<string, unknown>;
      if (s.startsWith('k:') && i < segs.length - 1) node['.'] = {};
    }
  }
  return root;
}

export function fromFieldsV1(tree: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isObject(tree)) return out;
  const children = Object.keys(tree).filter((k) => k !== '.');
  if (children.length === 0 && prefix.length > 0) out.push(prefix);
  for (const k of children) fromFieldsV1(tree[k], [...prefix, k], out);
  return out;
}

/** `.spec.template.spec.containers[name="web"].image` — how Kubernetes names a field in conflicts. */
export function displayPath(segs: string[]): string {
  return segs
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      const obj = JSON.parse(s.slice(2)) as Record<string, unknown>;
      return `[${Object.entries(obj)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

function entriesOf(obj: KubeObject): ManagedFieldsEntry[] {
  return ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]).filter((e) => e && typeof e.manager === 'string');
}

function ownedSet(e: ManagedFieldsEntry): Set<string> {
  return new Set(fromFieldsV1(e.fieldsV1).map((s) => s.join('\u0001')));
}

interface OwnershipUpdate {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  now: number;
}

/**
 * Record an Update: the fields that changed between `old` and `next` now belong to `manager` and
 * are taken from everyone else. On create (`old` undefined) the manager owns everything it set.
 */
export function recordUpdate(
  old: KubeObject | undefined,
  next: KubeObject,
  u: OwnershipUpdate,
  requested?: unknown,
): void {
  const scope = u.subresource === 'status' ? 'status' : 'main';
  // On create the manager owns what it sent, not what defaulting added.
  const after = leaves(requested ?? next, next.kind, scope);
  const before = old ? leaves(old, old.kind, scope) : new Map<string, Leaf>();
  const changed = new Set<string>();
  for (const [k, l] of after) if (before.get(k)?.value !== l.value) changed.add(k);
  const entries = old ? entriesOf(old) : [];
  const mine = entries.find((e) => sameEntry(e, u));
  const owned = mine ? ownedSet(mine) : new Set<string>();
  for (const k of changed) owned.add(k);
  for (const k of owned) if (!after.has(k) && scope === 'main') owned.delete(k);
  const others = entries
    .filter((e) => !sameEntry(e, u))
    .map((e) => {
      const set = ownedSet(e);
      for (const k of changed) set.delete(k);
      return { ...e, fieldsV1: toFieldsV1([...set].map((k) => k.split('\u0001'))), size: set.size };
    })
    .filter((e) => e.size > 0)
    .map(({ size: _size, ...e }) => e);
  const entry: ManagedFieldsEntry = {
    manager: u.manager,
    operation: u.operation,
    apiVersion: next.apiVersion,
    time: rfc3339(u.now),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1([...owned].map((k) => k.split('\u0001'))),
  };
  if (u.subresource) entry.subresource = u.subresource;
  const list = owned.size > 0 ? [...others, entry] : others;
  next.metadata.managedFields = list as KubeObject['metadata']['managedFields'];
  if (list.length === 0) delete next.metadata.managedFields;
}

function sameEntry(e: ManagedFieldsEntry, u: { manager: string; operation: string; subresource?: string }): boolean {
  return e.manager === u.manager && e.operation === u.operation && (e.subresource ?? '') === (u.subresource ?? '');
}

/**
 * Server-side apply checks: the fields of `applied` that another manager owns with a different
 * live value are conflicts (409 unless `force`). Returns the fields the manager applied before
 * and no longer does, which the caller removes when no one else owns them.
 */
export function checkApply(
  live: KubeObject,
  applied: KubeObject,
  manager: string,
  force: boolean,
): { removed: string[][]; appliedKeys: Set<string>; conflictKeys: Set<string> } {
  const appliedLeaves = leaves(applied, live.kind);
  const liveLeaves = leaves(live, live.kind);
  const conflicts: { manager: string; apiVersion: string; segs: string[] }[] = [];
  const entries = entriesOf(live);
  for (const e of entries) {
    if (e.manager === manager && e.operation === 'Apply') continue;
    if (e.subresource) continue;
    for (const k of ownedSet(e)) {
      const a = appliedLeaves.get(k);
      if (a && liveLeaves.get(k)?.value !== a.value)
        conflicts.push({ manager: e.manager, apiVersion: e.apiVersion, segs: a.segs });
    }
  }
  if (conflicts.length > 0 && !force) {
    const n = conflicts.length;
    const causes: Cause[] = conflicts.map((c) => ({
      type: 'FieldManagerConflict',
      field: displayPath(c.segs),
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    }));
    const list = conflicts
      .map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${displayPath(c.segs)}`)
      .join('\n- ');
    throw new StatusError(
      409,
      'Conflict',
      `Apply failed with ${n} conflict${n > 1 ? 's' : ''}: ${n > 1 ? '\n- ' : ''}${list}`,
      {
        name: live.metadata.name,
        kind: live.kind,
        causes,
      },
    );
  }
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  const othersOwn = new Set<string>();
  for (const e of entries) if (e !== previous) for (const k of ownedSet(e)) othersOwn.add(k);
  const removed: string[][] = [];
  if (previous) {
    for (const k of ownedSet(previous)) {
      if (!appliedLeaves.has(k) && !othersOwn.has(k) && liveLeaves.has(k)) removed.push(k.split('\u0001'));
    }
  }
  const conflictKeys = new Set(conflicts.map((c) => c.segs.join('\u0001')));
  return { removed, appliedKeys: new Set(appliedLeaves.keys()), conflictKeys };
}

/** Delete the field at FieldsV1 path `segs` from `obj` (in place). */
export function removePath(obj: Record<string, unknown>, segs: string[]): void {
  let node: unknown = obj;
  const parents: { container: unknown; key: string | number }[] = [];
  for (const s of segs) {
    if (s.startsWith('f:')) {
      if (!isObject(node)) return;
      parents.push({ container: node, key: s.slice(2) });
      node = node[s.slice(2)];
    } else {
      if (!Array.isArray(node)) return;
      const key = JSON.parse(s.slice(2)) as Record<string, unknown>;
      const idx = node.findIndex((i) => isObject(i) && Object.entries(key).every(([k, v]) => i[k] === v));
      if (idx < 0) return;
      parents.push({ container: node, key: idx });
      node = node[idx];
    }
  }
  const last = parents.pop();
  if (!last) return;
  if (Array.isArray(last.container)) last.container.splice(last.key as number, 1);
  else delete (last.container as Record<string, unknown>)[last.key as string];
}

/**
 * Make `manager`'s Apply entry exactly the applied fields. Fields applied with the same value as
 * another manager's stay shared; conflicting ones (only possible with force) are taken over.
 */
export function recordApply(
  next: KubeObject,
  manager: string,
  appliedKeys: Set<string>,
  taken: Set<string>,
  now: number,
): void {
  const entries = entriesOf(next)
    .filter((e) => !(e.manager === manager && e.operation === 'Apply' && !e.subresource))
    .map((e) => {
      const set = ownedSet(e);
      for (const k of taken) set.delete(k);
      return { e: { ...e, fieldsV1: toFieldsV1([...set].map((k) => k.split('\u0001'))) }, size: set.size };
    })
    .filter((x) => x.size > 0)
    .map((x) => x.e);
  entries.push({
    manager,
    operation: 'Apply',
    apiVersion: next.apiVersion,
    time: rfc3339(now),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1([...appliedKeys].map((k) => k.split('\u0001'))),
  });
  next.metadata.managedFields = entries as KubeObject['metadata']['managedFields'];
}
