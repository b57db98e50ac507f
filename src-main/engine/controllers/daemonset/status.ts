// DaemonSet status (updateDaemonSetStatus / storeDaemonSetStatus in pkg/controller/daemon):
// per node, the oldest daemon pod decides ready, available and updated.
import type { DaemonSetStatus } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../api/types.js';
import { isPodAvailable, isPodReady } from '../framework/util.js';
import { isPodUpdated, nodeShouldRunDaemonPod, type DaemonSetObj } from './eligibility.js';
import { byCreationAndPhase } from './placement.js';

export function calculateStatus(
  ds: DaemonSetObj,
  nodes: readonly KubeObject[],
  byNode: ReadonlyMap<string, KubeObject[]>,
  hash: string,
  now: number,
): DaemonSetStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const pods = (byNode.get(node.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    const scheduled = pods.length > 0;
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...pods].sort(byCreationAndPhase)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash)) updated++;
  }
  const status: Record<string, unknown> = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
  };
  // The rest are `omitempty` upstream.
  if (ds.metadata.generation) status.observedGeneration = ds.metadata.generation;
  if (updated) status.updatedNumberScheduled = updated;
  if (available) status.numberAvailable = available;
  if (desired - available) status.numberUnavailable = desired - available;
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions?.length) status.conditions = ds.status.conditions;
  return status as unknown as DaemonSetStatus;
}
