// Kubernetes shapes as they cross the contract. Types only (erased from the preload bundle), taken
// from `kubernetes-types` like the engine's, with the body left open because every kind crosses.
import type { ObjectMeta, Status } from 'kubernetes-types/meta/v1';

export type { ObjectMeta, Status };

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}
