// Defaulting: fills the fields Kubernetes' defaulters fill, on a fresh copy the apiserver owns.
// Runs after decoding and before validation, as in the real API server.
import type { KubeObject } from '../types.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaultHPAv1, defaultHPAv2 } from './autoscaling.js';
import { defaultCronJob, defaultJob } from './batch.js';
import {
  defaultEndpoints,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultSecret,
  defaultService,
} from './core.js';
import { defaultPod } from './pod.js';
import { defaultEndpointSlice } from './discovery.js';

export { defaultPodSpec, imageTag } from './pod.js';
export { defaultJobSpec } from './batch.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Defaulter = (obj: any) => void;

const DEFAULTERS: Record<string, Defaulter> = {
  'v1/Pod': defaultPod,
  'v1/Service': defaultService,
  'v1/Secret': defaultSecret,
  'v1/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  'v1/PersistentVolume': defaultPersistentVolume,
  'v1/Namespace': defaultNamespace,
  'v1/Node': defaultNode,
  'v1/Endpoints': defaultEndpoints,
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': defaultReplicaSet,
  'apps/v1/DaemonSet': defaultDaemonSet,
  'apps/v1/StatefulSet': defaultStatefulSet,
  'batch/v1/Job': defaultJob,
  'batch/v1/CronJob': defaultCronJob,
  'autoscaling/v2/HorizontalPodAutoscaler': defaultHPAv2,
  'autoscaling/v1/HorizontalPodAutoscaler': defaultHPAv1,
  'discovery.k8s.io/v1/EndpointSlice': defaultEndpointSlice,
};

/** Apply the defaults for `obj`'s apiVersion and kind, in place. Unknown kinds are left alone. */
export function applyDefaults(obj: KubeObject): void {
  DEFAULTERS[`${obj.apiVersion}/${obj.kind}`]?.(obj);
}
