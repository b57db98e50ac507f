// Small pure helpers shared by the node agent's modules.
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';

/** Structural equality of JSON data (key order ignored, undefined members ignored). */
export function isJsonEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .filter((k) => o[k] !== undefined)
          .map((k) => [k, o[k]]),
      );
    }
    return value;
  });
}

export function asPod(obj: KubeObject): Pod & KubeObject {
  return obj as Pod & KubeObject;
}

/** `name_namespace(uid)`, as the kubelet's format.Pod prints a pod in messages. */
export function podDesc(pod: Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

/** A container's `fieldPath` for events (`spec.containers{web}`), as ref.GetReference builds it. */
export function containerFieldPath(pod: Pod, name: string): string {
  const init = (pod.spec?.initContainers ?? []).some((c) => c.name === name);
  return init ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
