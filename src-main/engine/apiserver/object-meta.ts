// System-owned metadata: uid, timestamps, generation, managed fields, generated names.
import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject } from '../api/types.js';

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
