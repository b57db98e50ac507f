// What `kubectl rollout status` says for a workload, and the per-ReplicaSet progress the rollout
// view draws. Follows kubectl's status viewers (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
// rollout_status.go): a spec change not yet observed, then updated / old / available counts.
import type { KubeObject } from '../../../../src-main/ipc/contract';

export interface RolloutStatus {
  message: string;
  /** The rollout finished (what makes `kubectl rollout status` exit 0). */
  done: boolean;
  /** It cannot finish by itself (progress deadline exceeded, or no rollout status for the strategy). */
  failed: boolean;
}

type Status = Record<string, unknown> & { conditions?: { type: string; reason?: string }[] };
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function rolloutStatus(object: KubeObject): RolloutStatus {
  const spec = (object.spec ?? {}) as {
    replicas?: number;
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  const status = (object.status ?? {}) as Status;
  const name = object.metadata.name ?? '';
  const generation = object.metadata.generation ?? 0;
  const observed = num(status['observedGeneration']);
  const waiting = (message: string): RolloutStatus => ({ message, done: false, failed: false });
  switch (object.kind) {
    case 'Deployment': {
      if (generation > observed) return waiting('Waiting for deployment spec update to be observed...');
      const progressing = status.conditions?.find((c) => c.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return { message: `deployment "${name}" exceeded its progress deadline`, done: false, failed: true };
      }
      const desired = spec.replicas ?? 1;
      const updated = num(status['updatedReplicas']);
      const replicas = num(status['replicas']);
      const available = num(status['availableReplicas']);
      if (updated < desired) {
        return waiting(
          `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
        );
      }
      if (replicas > updated) {
        return waiting(
          `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`,
        );
      }
      if (available < updated) {
        return waiting(
          `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`,
        );
      }
      return { message: `deployment "${name}" successfully rolled out`, done: true, failed: false };
    }
    case 'DaemonSet': {
      if (spec.updateStrategy?.type && spec.updateStrategy.type !== 'RollingUpdate') {
        return {
          message: 'rollout status is only available for RollingUpdate strategy type',
          done: false,
          failed: true,
        };
      }
      if (generation > observed) return waiting('Waiting for daemon set spec update to be observed...');
      const desired = num(status['desiredNumberScheduled']);
      const updated = num(status['updatedNumberScheduled']);
      const available = num(status['numberAvailable']);
      if (updated < desired) {
        return waiting(
          `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
        );
      }
      if (available < desired) {
        return waiting(
          `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
        );
      }
      return { message: `daemon set "${name}" successfully rolled out`, done: true, failed: false };
    }
    case 'StatefulSet': {
      if (spec.updateStrategy?.type && spec.updateStrategy.type !== 'RollingUpdate') {
        return {
          message: 'rollout status is only available for RollingUpdate strategy type',
          done: false,
          failed: true,
        };
      }
      if (observed === 0 || generation > observed)
        return waiting('Waiting for statefulset spec update to be observed...');
      const desired = spec.replicas ?? 1;
      const ready = num(status['readyReplicas']);
      const updated = num(status['updatedReplicas']);
      if (ready < desired) return waiting(`Waiting for ${desired - ready} pods to be ready...`);
      const partition = spec.updateStrategy?.rollingUpdate?.partition;
      if (partition !== undefined && partition > 0) {
        if (updated < desired - partition) {
          return waiting(
            `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`,
          );
        }
        return {
          message: `partitioned roll out complete: ${updated} new pods have been updated...`,
          done: true,
          failed: false,
        };
      }
      const updateRevision = String(status['updateRevision'] ?? '');
      const currentRevision = String(status['currentRevision'] ?? '');
      if (updateRevision !== currentRevision) {
        return waiting(
          `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
        );
      }
      return {
        message: `statefulset rolling update complete ${num(status['currentReplicas'])} pods at revision ${currentRevision}...`,
        done: true,
        failed: false,
      };
    }
    default:
      return { message: `no rollout status for ${object.kind}`, done: false, failed: true };
  }
}

export interface ReplicaSetProgress {
  name: string;
  revision: number;
  /** The ReplicaSet whose template is the Deployment's current one. */
  isNew: boolean;
  desired: number;
  current: number;
  ready: number;
  available: number;
  images: string[];
}

/** The Deployment's ReplicaSets that hold or want pods (plus the new one), newest revision first. */
export function replicaSetProgress(deployment: KubeObject, replicaSets: readonly KubeObject[]): ReplicaSetProgress[] {
  const uid = deployment.metadata.uid;
  const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const deploymentRevision = Number(deployment.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? NaN);
  const owned = replicaSets.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid));
  const newest = Math.max(0, ...owned.map(revisionOf));
  return owned
    .map((rs) => {
      const spec = (rs.spec ?? {}) as {
        replicas?: number;
        template?: { spec?: { containers?: { image?: string }[] } };
      };
      const s = (rs.status ?? {}) as Record<string, number | undefined>;
      const revision = revisionOf(rs);
      return {
        name: rs.metadata.name ?? '',
        revision,
        isNew: revision === (Number.isNaN(deploymentRevision) ? newest : deploymentRevision),
        desired: spec.replicas ?? 0,
        current: s['replicas'] ?? 0,
        ready: s['readyReplicas'] ?? 0,
        available: s['availableReplicas'] ?? 0,
        images: (spec.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      };
    })
    .filter((p) => p.isNew || p.desired > 0 || p.current > 0)
    .sort((a, b) => b.revision - a.revision);
}
