// Shapes shared by the whole engine. Object types come from `kubernetes-types`; this module only
// adds the generic envelope the API machinery works with before it knows the kind.
import type { ObjectMeta, Status, StatusCause, OwnerReference } from 'kubernetes-types/meta/v1';

export type { ObjectMeta, Status, StatusCause, OwnerReference };

/** `ObjectMeta` with its system fields writable — only the API machinery sets those. */
export type MutableObjectMeta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

/** Any Kubernetes object as the API machinery sees it: typed envelope, untyped body. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: MutableObjectMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** A partially-typed object, as decoded from a manifest before validation. */
export type Unstructured = Record<string, unknown>;

/** A list envelope (`PodList`, `List`…). */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy of JSON data. Objects in the store are shared and must never be mutated in place. */
export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}
