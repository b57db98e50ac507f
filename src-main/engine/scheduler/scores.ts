// Score plugins of the default profile that KubeDesk implements, with upstream weights:
// NodeResourcesFit (LeastAllocated, weight 1), NodeResourcesBalancedAllocation (1),
// NodeAffinity preferred terms (2, normalized to 0–100), TaintToleration PreferNoSchedule (3,
// normalized and reversed), PodTopologySpread (2) and InterPodAffinity (2) — those two computed by
// their own modules and passed in. Each plugin scores 0–100 (MaxNodeScore).
import { matchTerm, tolerated } from './filters.js';
import type { NodeInfo, PodInfo } from './node-info.js';

export const MAX_NODE_SCORE = 100;

export const WEIGHTS = {
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
  NodeAffinity: 2,
  TaintToleration: 3,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
} as const;

export type PluginScores = Record<keyof typeof WEIGHTS, number>;

function leastAllocated(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated over cpu and memory (weight 1 each), using non-zero requests. */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastAllocated(node.nonZeroCpu + pod.nonZeroCpu, node.allocatable.milliCpu);
  const mem = leastAllocated(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
  return Math.floor((cpu + mem) / 2);
}

/** BalancedAllocation: 100 × (1 − standard deviation of the cpu and memory fractions). */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const a = node.allocatable;
  if (a.milliCpu === 0 || a.memory === 0) return 0;
  const cpu = Math.min(1, (node.requested.milliCpu + pod.requests.milliCpu) / a.milliCpu);
  const mem = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
  const std = Math.abs((cpu - mem) / 2);
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

/** Sum of the weights of the preferred node-affinity terms the node matches (before normalizing). */
export function preferredAffinityRaw(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  for (const t of pod.preferredTerms) if (t.weight && matchTerm(t.preference, node.labels, node.name)) sum += t.weight;
  return sum;
}

/** Count of PreferNoSchedule taints the pod does not tolerate (before normalizing). */
export function intolerablePreferNoSchedule(pod: PodInfo, node: NodeInfo): number {
  let n = 0;
  for (const t of node.preferNoScheduleTaints) if (!tolerated(pod.tolerations, t)) n++;
  return n;
}

/** helper.DefaultNormalizeScore */
export function normalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) max = Math.max(max, s);
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.floor((MAX_NODE_SCORE * scores[i]) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}

export interface NodeScores {
  total: number[];
  fit: number[];
  balanced: number[];
  affinity: number[];
  taints: number[];
  spread: number[] | undefined;
  podAffinity: number[] | undefined;
}

/** Normalized scores of the pod-to-pod plugins, by feasible-node index; undefined when skipped. */
export interface PodToPodScores {
  spread?: number[];
  podAffinity?: number[];
}

/** Score feasible nodes: per-plugin normalized scores and the weighted total, by index. */
export function scoreNodes(pod: PodInfo, nodes: readonly NodeInfo[], extra: PodToPodScores = {}): NodeScores {
  const n = nodes.length;
  const fit = new Array<number>(n);
  const balanced = new Array<number>(n);
  const affinity = new Array<number>(n);
  const taints = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    fit[i] = leastAllocatedScore(pod, nodes[i]);
    balanced[i] = balancedAllocationScore(pod, nodes[i]);
    affinity[i] = pod.preferredTerms.length > 0 ? preferredAffinityRaw(pod, nodes[i]) : 0;
    taints[i] = nodes[i].preferNoScheduleTaints.length > 0 ? intolerablePreferNoSchedule(pod, nodes[i]) : 0;
  }
  normalize(affinity, false);
  normalize(taints, true);
  const total = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    total[i] =
      fit[i] * WEIGHTS.NodeResourcesFit +
      balanced[i] * WEIGHTS.NodeResourcesBalancedAllocation +
      affinity[i] * WEIGHTS.NodeAffinity +
      taints[i] * WEIGHTS.TaintToleration;
  }
  const { spread, podAffinity } = extra;
  if (spread) for (let i = 0; i < n; i++) total[i] += spread[i] * WEIGHTS.PodTopologySpread;
  if (podAffinity) for (let i = 0; i < n; i++) total[i] += podAffinity[i] * WEIGHTS.InterPodAffinity;
  return { total, fit, balanced, affinity, taints, spread, podAffinity };
}

export function pluginScoresAt(s: NodeScores, i: number): PluginScores {
  return {
    NodeResourcesFit: s.fit[i],
    NodeResourcesBalancedAllocation: s.balanced[i],
    NodeAffinity: s.affinity[i],
    TaintToleration: s.taints[i],
    PodTopologySpread: s.spread?.[i] ?? 0,
    InterPodAffinity: s.podAffinity?.[i] ?? 0,
  };
}
