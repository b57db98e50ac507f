// System-owned metadata: uid, timestamps, generation, managed fields, generated names.
import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject, ObjectMeta } from '../api/types.js';
import { rfc3339 } from '../clock.js';
import { isObject } from '../api/types.js';

// Kubernetes' generated-name alphabet: no vowels (no words) and no look-alike characters
// (apiserver/pkg/storage/names, utilrand.String).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHANUMS[randomInt(ALPHANUMS.length)];
  return s;
}

export function newUid(): string {
  return randomUUID();
}

/** True when anything outside metadata and status differs — what bumps `generation`. */
export function specChanged(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(withoutMetaStatus(a)) !== JSON.stringify(withoutMetaStatus(b));
}

function withoutMetaStatus(o: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** Kinds whose objects carry `metadata.generation` (those with a desired state to observe). */
export function hasGeneration(obj: KubeObject): boolean {
  return obj.spec !== undefined || obj.kind === 'Pod';
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/**
 * The field set of a request body in FieldsV1 form (`f:<name>` per map key, `.` for the node).
 * Lists are treated as atomic, a simplification of structured-merge-diff's keyed lists.
 */
export function fieldSet(value: unknown, depth = 0): Record<string, unknown> {
  if (!isObject(value) || depth > 64) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (depth === 0 && k === 'metadata' && isObject(v)) {
      const meta: Record<string, unknown> = {};
      for (const mk of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
        if (v[mk] !== undefined) meta[`f:${mk}`] = fieldSet(v[mk], depth + 2);
      }
      if (Object.keys(meta).length > 0) out['f:metadata'] = meta;
      continue;
    }
    out[`f:${k}`] = isObject(v) ? { '.': {}, ...fieldSet(v, depth + 1) } : {};
  }
  return out;
}

export function recordManager(
  meta: ObjectMeta,
  entry: Omit<ManagedFieldsEntry, 'time' | 'fieldsType'>,
  now: number,
): void {
  const list = (meta.managedFields ?? []) as ManagedFieldsEntry[];
  const rest = list.filter(
    (e) =>
      !(
        e.manager === entry.manager &&
        e.operation === entry.operation &&
        (e.subresource ?? '') === (entry.subresource ?? '')
      ),
  );
  const full: ManagedFieldsEntry = { ...entry, time: rfc3339(now), fieldsType: 'FieldsV1' };
  if (!full.subresource) delete full.subresource;
  meta.managedFields = [...rest, full] as ObjectMeta['managedFields'];
}
