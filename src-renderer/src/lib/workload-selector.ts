// The label selector string (`app=web,tier=front`) of a workload's `spec.selector.matchLabels`, for
// watching its pods or ReplicaSets; null when it has none.
import type { KubeObject } from '../../../src-main/ipc/contract';

export function workloadSelector(object: KubeObject | undefined): string | null {
  const m = (object?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector
    ?.matchLabels;
  return m
    ? Object.entries(m)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : null;
}
