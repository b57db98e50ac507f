// Which daemon pods to create and delete so that each node runs what it should
// (DaemonSetsController.manage and podsShouldBeOnNode in pkg/controller/daemon). Pure: it takes
// the nodes, the DaemonSet's pods grouped by target node and the current hash, and returns a plan.
import type { KubeObject } from '../../api/types.js';
import { isPodAvailable, isPodReady, podPhase, timeOf } from '../framework/util.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/controller-revision.js';
import { nodeShouldRunDaemonPod, targetNodeName, type DaemonSetObj } from './eligibility.js';

export interface Plan {
  /** Nodes that get a new daemon pod. */
  nodesNeedingPods: string[];
  podsToDelete: KubeObject[];
}

/** Pods grouped by the node they run on or are pinned to (getNodesToDaemonPods). */
export function groupByNode(pods: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    // A finished pod that is already being deleted is gone as far as placement is concerned.
    const phase = podPhase(pod);
    if (pod.metadata.deletionTimestamp && (phase === 'Succeeded' || phase === 'Failed')) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(pod);
  }
  return out;
}

/** podByCreationTimestampAndPhase: running before pending, then oldest first. */
export function byCreationAndPhase(a: KubeObject, b: KubeObject): number {
  const ra = podPhase(a) === 'Running' ? 0 : 1;
  const rb = podPhase(b) === 'Running' ? 0 : 1;
  if (ra !== rb) return ra - rb;
  const d = (timeOf(a.metadata.creationTimestamp) || 0) - (timeOf(b.metadata.creationTimestamp) || 0);
  if (d !== 0) return d;
  return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
}

export function allowsSurge(ds: DaemonSetObj): boolean {
  const s = ds.spec?.updateStrategy;
  if ((s?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const surge = s?.rollingUpdate?.maxSurge;
  return surge !== undefined && surge !== 0 && surge !== '0' && surge !== '0%';
}

/**
 * podsShouldBeOnNode for one node. A node that should run the pod and has none gets one; failed
 * pods are deleted (the next pass replaces them); extra pods are pruned to the oldest — or, when
 * surge is allowed, to one old and one new pod while the new one is not yet available.
 */
function planNode(
  ds: DaemonSetObj,
  node: KubeObject,
  pods: readonly KubeObject[],
  hash: string,
  now: number,
  plan: Plan,
): void {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const exists = pods.length > 0;
  if (shouldRun && !exists) {
    plan.nodesNeedingPods.push(node.metadata.name!);
    return;
  }
  if (shouldContinueRunning) {
    const running: KubeObject[] = [];
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const phase = podPhase(pod);
      if (phase === 'Failed' || phase === 'Succeeded') {
        plan.podsToDelete.push(pod);
        continue;
      }
      running.push(pod);
    }
    if (running.length <= 1) return;
    running.sort(byCreationAndPhase);
    if (!allowsSurge(ds)) {
      plan.podsToDelete.push(...running.slice(1));
      return;
    }
    let oldestNew: KubeObject | undefined;
    let oldestOld: KubeObject | undefined;
    for (const pod of running) {
      const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
      if (isNew && !oldestNew) oldestNew = pod;
      else if (!isNew && !oldestOld) oldestOld = pod;
      else plan.podsToDelete.push(pod);
    }
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))) {
      plan.podsToDelete.push(oldestOld);
    }
    return;
  }
  if (exists) for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push(pod);
}

/**
 * manage: plan every node; pods pinned to a node that no longer exists are deleted too
 * (upstream leaves bound ones to the pod garbage collector, which KubeDesk folds in here).
 */
export function planPlacement(
  ds: DaemonSetObj,
  nodes: readonly KubeObject[],
  byNode: ReadonlyMap<string, KubeObject[]>,
  hash: string,
  now: number,
): Plan {
  const plan: Plan = { nodesNeedingPods: [], podsToDelete: [] };
  const names = new Set<string>();
  for (const node of nodes) {
    names.add(node.metadata.name!);
    planNode(ds, node, byNode.get(node.metadata.name!) ?? [], hash, now, plan);
  }
  for (const [node, pods] of byNode) {
    if (names.has(node)) continue;
    for (const pod of pods) if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push(pod);
  }
  return plan;
}
