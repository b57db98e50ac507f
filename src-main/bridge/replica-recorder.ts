// Replica counts over time for the scaling charts, recorded in main from the store's watch of
// Deployments, StatefulSets and DaemonSets, so a chart opened later still shows what happened
// before (back to the workload's creation while this process runs). In memory and bounded: at
// most SAMPLES_PER_WORKLOAD per workload (oldest dropped), forgotten when the workload is deleted.
import type { KubeObject } from '../engine/api/types.js';
import type { ReplicaCount } from '../ipc/contract.js';

export const SAMPLES_PER_WORKLOAD = 2000;
export const RECORDED_RESOURCES = ['apps/deployments', 'apps/statefulsets', 'apps/daemonsets'] as const;

/** The counts `kubectl get` shows for a workload, from its spec and status. */
export function replicaCountOf(object: KubeObject, t: number): ReplicaCount {
  const s = (object.status ?? {}) as Record<string, number | undefined>;
  if (object.kind === 'DaemonSet') {
    return {
      t,
      desired: s['desiredNumberScheduled'] ?? 0,
      current: s['currentNumberScheduled'] ?? 0,
      ready: s['numberReady'] ?? 0,
      available: s['numberAvailable'] ?? 0,
    };
  }
  return {
    t,
    desired: (object.spec as { replicas?: number } | undefined)?.replicas ?? 1,
    current: s['replicas'] ?? 0,
    ready: s['readyReplicas'] ?? 0,
    available: s['availableReplicas'] ?? 0,
  };
}

interface WatchableStore {
  readonly resourceVersion: number;
  list(resource: string): KubeObject[];
  watch(
    resource: string,
    sinceRv: number,
    filter: object,
    cb: (e: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }) => void,
  ): () => void;
}

export class ReplicaRecorder {
  readonly #samples = new Map<string, ReplicaCount[]>();
  readonly #stops: (() => void)[] = [];

  constructor(
    private readonly store: WatchableStore,
    private readonly now: () => number,
  ) {}

  start(): this {
    const rv = this.store.resourceVersion;
    for (const resource of RECORDED_RESOURCES) {
      for (const o of this.store.list(resource)) this.#record(resource, o);
      this.#stops.push(
        this.store.watch(resource, rv, {}, (e) => {
          if (e.type === 'DELETED') this.#samples.delete(keyOf(resource, e.object));
          else this.#record(resource, e.object);
        }),
      );
    }
    return this;
  }

  stop(): void {
    for (const s of this.#stops.splice(0)) s();
  }

  /** Oldest first; a copy. `resource` is `apps/deployments`, `apps/statefulsets` or `apps/daemonsets`. */
  history(resource: string, namespace: string, name: string): ReplicaCount[] {
    return [...(this.#samples.get(`${resource}/${namespace}/${name}`) ?? [])];
  }

  #record(resource: string, object: KubeObject): void {
    const key = keyOf(resource, object);
    let list = this.#samples.get(key);
    if (!list) this.#samples.set(key, (list = []));
    const sample = replicaCountOf(object, this.now());
    const last = list.at(-1);
    if (
      last &&
      last.desired === sample.desired &&
      last.current === sample.current &&
      last.ready === sample.ready &&
      last.available === sample.available
    ) {
      return;
    }
    list.push(sample);
    if (list.length > SAMPLES_PER_WORKLOAD) list.splice(0, list.length - SAMPLES_PER_WORKLOAD);
  }
}

function keyOf(resource: string, o: KubeObject): string {
  return `${resource}/${o.metadata.namespace}/${o.metadata.name}`;
}
