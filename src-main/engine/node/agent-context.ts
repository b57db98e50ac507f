// What the node agent's parts share: the API, the runtime, the clock, and the per-pod memory the
// kubelet also keeps only in memory (waiting reasons, condemned containers). All of it can be
// rebuilt from the store and the runtime, so a restart loses nothing that matters.
import type { ApiServer } from '../apiserver/api-server.js';
import type { Clock } from '../clock.js';
import type { EventRecorder } from '../controllers/events.js';
import type { ContainerRuntime } from '../runtime/types.js';
import type { PodNetwork } from '../network/cluster-network.js';
import type { Backoff } from './backoff.js';
import type { ProbeType } from './constants.js';
import type { ImageManager } from './images.js';
import type { ProbeManager } from './probe-manager.js';
import type { VolumeManager } from './volumes.js';

export interface AgentContext {
  api: ApiServer;
  runtime: ContainerRuntime;
  clock: Clock;
  recorder: EventRecorder;
  nodeName: string;
  clusterId: string;
  sandboxImage: string;
  network?: string;
  /** The cluster network and DNS for new sandboxes (docker runtime with a ClusterNetwork). */
  podNetwork?: () => PodNetwork;
  images: ImageManager;
  volumes: VolumeManager;
  probes: ProbeManager;
  /** CrashLoopBackOff per `<pod uid>/<container>`. */
  backoff: Backoff;
  /** Sandbox creation retries per pod uid. */
  sandboxBackoff: Backoff;
}

export interface PodState {
  namespace: string;
  name: string;
  /** Why a container is not running, when that is the agent's doing (back-off, pull, config). */
  waiting: Map<string, { reason: string; message?: string }>;
  /** Containers a liveness/startup probe condemned, by container name. */
  kills: Map<string, { containerId: string; probe: ProbeType }>;
  /** When the agent first saw the pod's deletion (grace is counted from there). */
  terminatingSince?: number;
  /** The attempt the next container of a name gets when its predecessors went with an old sandbox. */
  nextAttempt: Map<string, number>;
  /** When sandbox creation last failed (retried after a back-off). */
  sandboxFailedAt?: number;
}

export function newPodState(namespace: string, name: string): PodState {
  return { namespace, name, waiting: new Map(), kills: new Map(), nextAttempt: new Map() };
}
