// The DaemonSet RollingUpdate strategy (rollingUpdate in pkg/controller/daemon/update.go). Pure:
// it returns which old pods to delete and which nodes get a surge pod; the controller acts.
//
// Without surge (the default, maxUnavailable 1): an old pod that is not available is replaced at
// once, it costs nothing; available old pods are deleted only while fewer than maxUnavailable
// nodes lack an available pod. With 5 nodes, maxUnavailable 2 and every pod available, the first
// pass deletes two old pods; the manage pass recreates them with the new hash, and no third pod
// goes until one of the two new pods is available.
//
// With surge (maxUnavailable 0): a new pod is started beside the old one on up to maxSurge nodes;
// the old pod is deleted once its replacement is available.
import type { KubeObject } from '../../api/types.js';
import { scaledValue } from '../deployment/util.js';
import { isPodAvailable } from '../framework/util.js';
import { isPodUpdated, nodeShouldRunDaemonPod, type DaemonSetObj } from './eligibility.js';

export interface RollingPlan {
  podsToDelete: KubeObject[];
  nodesToSurge: string[];
}

/**
 * updatedDesiredNodeCounts: desired = nodes that should run the pod (each gets an entry in
 * `byNode`, empty when it has no pod yet); both budgets round up; 0/0 becomes unavailable 1.
 */
export function desiredNodeCounts(
  ds: DaemonSetObj,
  nodes: readonly KubeObject[],
  byNode: Map<string, KubeObject[]>,
): { maxSurge: number; maxUnavailable: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name!)) byNode.set(node.metadata.name!, []);
  }
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  const maxUnavailable = scaledValue(ru?.maxUnavailable ?? 1, desired, true);
  const maxSurge = scaledValue(ru?.maxSurge ?? 0, desired, true);
  return maxUnavailable === 0 && maxSurge === 0 ? { maxSurge, maxUnavailable: 1 } : { maxSurge, maxUnavailable };
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, else `ok` is false. */
function updatedPodsOnNode(
  pods: readonly KubeObject[],
  hash: string,
): { ok: boolean; newPod?: KubeObject; oldPod?: KubeObject } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { ok: true, newPod, oldPod };
}

export function planRollingUpdate(
  ds: DaemonSetObj,
  nodes: readonly KubeObject[],
  byNode: ReadonlyMap<string, KubeObject[]>,
  hash: string,
  now: number,
): RollingPlan {
  const counts = new Map(byNode);
  const { maxSurge, maxUnavailable } = desiredNodeCounts(ds, nodes, counts);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: KubeObject) => isPodAvailable(p, minReady, now);
  const names = [...counts.keys()].sort();

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowedReplacement: KubeObject[] = [];
    const candidates: KubeObject[] = [];
    for (const node of names) {
      const { ok, newPod, oldPod } = updatedPodsOnNode(counts.get(node)!, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        // The manage pass creates or prunes here; count the node as unavailable meanwhile.
        numUnavailable++;
      } else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        allowedReplacement.push(oldPod!);
      } else if (numUnavailable < maxUnavailable) {
        candidates.push(oldPod!);
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...allowedReplacement, ...candidates.slice(0, remaining)], nodesToSurge: [] };
  }

  const podsToDelete: KubeObject[] = [];
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  let numSurge = 0;
  for (const node of names) {
    const { ok, newPod, oldPod } = updatedPodsOnNode(counts.get(node)!, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) allowedNew.push(node);
      else if (numSurge < maxSurge) candidateNew.push(node);
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    podsToDelete.push(oldPod);
  }
  const remaining = Math.min(Math.max(0, maxSurge - numSurge), candidateNew.length);
  return { podsToDelete, nodesToSurge: [...allowedNew, ...candidateNew.slice(0, remaining)] };
}
