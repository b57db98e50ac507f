// Pure helpers of the node lifecycle controller: the taints a node's conditions call for
// (TaintNodesByCondition and the NoExecute tainting pass of pkg/controller/nodelifecycle) and
// the taint eviction decision for one pod (pkg/controller/tainteviction: getMinTolerationTime).
import type { Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { toleratesTaint } from '../../scheduler/filters.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE } from '../../scheduler/node-info.js';

export { TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE };

/** Taint keys this controller owns: it adds and removes them; every other taint is left alone. */
const MANAGED = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE]);

export type NoExecuteMode = 'apply' | 'keep' | 'remove';

export function readyCondition(node: KubeObject): NodeCondition | undefined {
  return ((node as Node).status?.conditions ?? []).find((c) => c.type === 'Ready');
}

/**
 * The node's taints with the managed ones brought in line with its state: Ready=False →
 * not-ready, Ready=Unknown → unreachable (both NoSchedule and NoExecute), and unschedulable →
 * unschedulable:NoSchedule. A taint already present keeps its timeAdded; a new NoExecute taint
 * is stamped `now` (evictions count from it).
 *
 * `noExecute` follows the zone's disruption state: `apply` normally; `keep` (the node's zone is
 * fully disrupted: add no new NoExecute taint, keep those already there); `remove` (every zone is
 * fully disrupted, so the control plane is more likely cut off than the nodes dead:
 * markNodeAsReachable takes the NoExecute taints off).
 */
export function desiredTaints(node: KubeObject, now: string, noExecute: NoExecuteMode = 'apply'): Taint[] {
  const current = (node as Node).spec?.taints ?? [];
  const ready = readyCondition(node)?.status;
  const want: Taint[] = [];
  const condKey = ready === 'False' ? TAINT_NOT_READY : ready === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  if (condKey) {
    want.push({ key: condKey, effect: 'NoSchedule' });
    const present = current.some((t) => t.key === condKey && t.effect === 'NoExecute');
    if (noExecute === 'apply' || (noExecute === 'keep' && present)) {
      want.push({ key: condKey, effect: 'NoExecute', timeAdded: now });
    }
  }
  if ((node as Node).spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const out = current.filter((t) => !MANAGED.has(t.key) || want.some((w) => sameTaint(w, t)));
  for (const w of want) {
    if (out.some((t) => sameTaint(t, w))) continue;
    const taint: Taint = { key: w.key, effect: w.effect };
    if (w.timeAdded) taint.timeAdded = w.timeAdded;
    out.push(taint);
  }
  return out;
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintsEqual(a: readonly Taint[], b: readonly Taint[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * When a pod on a node with `taints` must be evicted, in epoch ms: `now` when some NoExecute
 * taint is not tolerated, `start` + the shortest tolerationSeconds of the tolerations in use
 * otherwise, and Infinity when they tolerate forever. `start` is when the taints were added.
 */
export function evictionTime(pod: KubeObject, taints: readonly Taint[], start: number, now: number): number {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return Infinity;
  const tolerations = (pod as Pod).spec?.tolerations ?? [];
  const used = [];
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return now;
    used.push(...matching);
  }
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return start + min;
}

/** GetZoneKey: region and zone labels, the failure domain disruption is judged in. */
export function zoneOf(node: KubeObject): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return `${region}:\u0000:${zone}`;
}

/**
 * ComputeZoneState, reduced to what changes tainting: a zone with nodes but none Ready is in
 * FullDisruption. Returns the fully disrupted zones and whether every zone is.
 */
export function disruptedZones(nodes: readonly KubeObject[]): { zones: Set<string>; all: boolean } {
  const ready = new Map<string, number>();
  const total = new Map<string, number>();
  for (const n of nodes) {
    const z = zoneOf(n);
    total.set(z, (total.get(z) ?? 0) + 1);
    if (readyCondition(n)?.status === 'True') ready.set(z, (ready.get(z) ?? 0) + 1);
  }
  const zones = new Set<string>();
  for (const z of total.keys()) if (!ready.get(z)) zones.add(z);
  return { zones, all: total.size > 0 && zones.size === total.size };
}
