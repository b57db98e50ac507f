// The node agent — KubeDesk's kubelet. Wiring only: the Node heartbeat, a pod watch feeding a
// work queue keyed by pod uid (one serialised worker per pod), runtime events and a periodic
// resync as triggers, probes, metrics, and crash-only recovery at start. The sync itself lives in
// pod-worker.ts, termination in termination.ts.
import os from 'node:os';
import path from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Engine } from '../index.js';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import type { WatchHandle } from '../apiserver/api-server.js';
import type { TimerHandle } from '../clock.js';
import { WorkQueue } from '../controllers/workqueue.js';
import { LABEL_CLUSTER, LABEL_POD_UID, type ContainerRuntime } from '../runtime/types.js';
import type { AgentContext, PodState } from './agent-context.js';
import type { PodNetwork } from '../network/cluster-network.js';
import { newPodState } from './agent-context.js';
import { Backoff } from './backoff.js';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_NODE_NAME,
  DEFAULT_SANDBOX_IMAGE,
  DEFAULT_STATS_INTERVAL_MS,
  EventReason,
  RESYNC_MS,
} from './constants.js';
import { ImageManager } from './images.js';
import { MetricsSampler } from './metrics.js';
import { NodeStatusManager } from './node-status.js';
import { createPodIO, type PodIO } from './pod-io.js';
import { PodSync } from './pod-worker.js';
import { ProbeManager } from './probe-manager.js';
import { recover, type RecoveryResult } from './recovery.js';
import { removePodResources, terminatePod } from './termination.js';
import { VolumeManager } from './volumes.js';
import { errorMessage } from './util.js';

export interface NodeAgentOptions {
  /** Default `kubedesk`. */
  nodeName?: string;
  /** Labels every container and sandbox, so that several clusters can share one engine. */
  clusterId: string;
  /** Where configMap/secret/emptyDir/downwardAPI volume files live (default: a temp dir per cluster). */
  dataDir?: string;
  /** Default `registry.k8s.io/pause:3.10`. */
  sandboxImage?: string;
  heartbeatMs?: number;
  statsIntervalMs?: number;
  /** Runtime network pods join (the cluster network); default: the runtime's. */
  network?: string;
  /** The cluster network and DNS for new sandboxes (overrides `network`). */
  podNetwork?: () => PodNetwork;
  /** Safety-net resync period of every pod (default 10 s). */
  resyncMs?: number;
}

export class NodeAgent {
  readonly nodeName: string;
  readonly io: PodIO;
  readonly nodeStatus: NodeStatusManager;
  /** What the last start adopted and removed (for logs and tests). */
  lastRecovery: RecoveryResult | null = null;
  #engine: Engine;
  #runtime: ContainerRuntime;
  #ctx: AgentContext;
  #dataDir: string;
  #queue: WorkQueue;
  #pods = new Map<string, PodState>();
  #watches: WatchHandle[] = [];
  #stopEvents: (() => void) | null = null;
  #resync: TimerHandle | null = null;
  #resyncMs: number;
  #sampler: MetricsSampler;
  #running = false;

  constructor(engine: Engine, runtime: ContainerRuntime, opts: NodeAgentOptions) {
    this.#engine = engine;
    this.#runtime = runtime;
    this.nodeName = opts.nodeName ?? DEFAULT_NODE_NAME;
    this.#dataDir = opts.dataDir ?? path.join(os.tmpdir(), `kubedesk-node-${opts.clusterId}`);
    this.#resyncMs = opts.resyncMs ?? RESYNC_MS;
    const clock = engine.clock;
    const probes = new ProbeManager(clock, runtime, {
      onChange: (uid) => this.#queue.add(uid),
      onFailedAttempt: (pod, container, type, message) => {
        const probe = type[0].toUpperCase() + type.slice(1);
        void this.#ctx.recorder.event(
          pod as KubeObject,
          'Warning',
          EventReason.Unhealthy,
          `${probe} probe failed: ${message}`,
          `spec.containers{${container}}`,
        );
      },
      onKill: (uid, container, containerId, probe) => {
        this.#pods.get(uid)?.kills.set(container, { containerId, probe });
        this.#queue.add(uid);
      },
    });
    this.#ctx = {
      api: engine.api,
      runtime,
      clock,
      recorder: engine.recorder('kubelet', this.nodeName),
      nodeName: this.nodeName,
      clusterId: opts.clusterId,
      sandboxImage: opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE,
      ...(opts.network ? { network: opts.network } : {}),
      ...(opts.podNetwork ? { podNetwork: opts.podNetwork } : {}),
      images: new ImageManager(runtime, clock),
      volumes: new VolumeManager(this.#dataDir, runtime, opts.clusterId),
      probes,
      backoff: new Backoff(clock),
      sandboxBackoff: new Backoff(clock, 1_000, 60_000),
    };
    // Like the kubelet's one goroutine per pod: a pod waiting out its termination grace period
    // must not hold up other pods' starts, so the pool is wide (syncs are I/O-bound).
    this.#queue = new WorkQueue((uid) => this.#syncPod(uid), clock, {
      workers: 128,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      onError: (uid, err) => {
        const s = this.#pods.get(uid);
        console.error(
          `node ${this.nodeName}: syncing pod ${s ? `${s.namespace}/${s.name}` : uid} failed: ${errorMessage(err)}`,
        );
      },
    });
    this.nodeStatus = new NodeStatusManager(engine.api, runtime, clock, {
      nodeName: this.nodeName,
      heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      dataDir: this.#dataDir,
      onReadyChange: (ready) => {
        if (ready) for (const uid of this.#pods.keys()) this.#queue.add(uid);
      },
    });
    this.#sampler = new MetricsSampler(runtime, clock, {
      clusterId: opts.clusterId,
      nodeName: this.nodeName,
      intervalMs: opts.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS,
    });
    this.io = createPodIO(this.#ctx, this.#sampler);
  }

  /** Register the node, adopt what the runtime already runs, and start the pod workers. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.nodeStatus.start();
    const pods = await this.#engine.api.list(
      { group: '', resource: 'pods' },
      { fieldSelector: `spec.nodeName=${this.nodeName}` },
    );
    const uids = new Set(pods.items.map((p) => p.metadata.uid!));
    if (this.nodeStatus.ready) {
      try {
        this.lastRecovery = await recover(this.#ctx, uids, this.#dataDir);
      } catch (err) {
        console.error(`node ${this.nodeName}: recovery failed: ${errorMessage(err)}`);
      }
    }
    this.#stopEvents = this.#runtime.watchEvents((e) => {
      if (e.labels[LABEL_CLUSTER] !== this.#ctx.clusterId) return;
      const uid = e.labels[LABEL_POD_UID];
      if (uid && this.#pods.has(uid)) this.#queue.add(uid);
    });
    this.#watches.push(
      this.#engine.api.watch(
        { group: '', resource: 'pods' },
        { fieldSelector: `spec.nodeName=${this.nodeName}` },
        (e) => this.#onPod(e.type, e.object),
      ),
    );
    // ConfigMap / Secret changes reach env (on the next start) and projected volumes (in place).
    for (const resource of ['configmaps', 'secrets']) {
      this.#watches.push(
        this.#engine.api.watch(
          { group: '', resource },
          { resourceVersion: String(this.#engine.store.resourceVersion) },
          (e) => {
            const ns = e.object.metadata.namespace;
            for (const [uid, s] of this.#pods) if (s.namespace === ns) this.#queue.add(uid);
          },
        ),
      );
    }
    const resync = () => {
      for (const uid of this.#pods.keys()) this.#queue.add(uid);
      this.#resync = this.#engine.clock.setTimer(resync, this.#resyncMs);
    };
    this.#resync = this.#engine.clock.setTimer(resync, this.#resyncMs);
    this.#sampler.start();
  }

  /** Stop the agent; containers keep running (the next start adopts them). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const w of this.#watches) w.stop();
    this.#watches = [];
    this.#stopEvents?.();
    this.#stopEvents = null;
    this.#resync?.cancel();
    this.nodeStatus.stop();
    this.#sampler.stop();
    this.#ctx.probes.stop();
    this.#queue.shutDown();
    await this.#queue.whenIdle();
    await this.nodeStatus.whenIdle();
  }

  /** Stop the agent and every container of this cluster (the pods restart on the next start). */
  async stopCluster(graceSeconds = 10): Promise<void> {
    await this.stop();
    const containers = await this.#runtime.listContainers({ [LABEL_CLUSTER]: this.#ctx.clusterId });
    await Promise.all(
      containers
        .filter((c) => c.state === 'running')
        .map((c) => this.#runtime.stopContainer(c.id, graceSeconds).catch(() => undefined)),
    );
    for (const s of await this.#runtime.listSandboxes({ [LABEL_CLUSTER]: this.#ctx.clusterId })) {
      if (s.state === 'ready') await this.#runtime.stopSandbox(s.id, 0).catch(() => undefined);
    }
  }

  /** Resolves when no pod sync is queued or running (tests). */
  async whenIdle(): Promise<void> {
    await this.nodeStatus.whenIdle();
    await this.#queue.whenIdle();
  }

  /** Sync one pod now (tests, and the UI's "retry now"). */
  resync(namespace: string, name: string): void {
    for (const [uid, s] of this.#pods) if (s.namespace === namespace && s.name === name) this.#queue.add(uid);
  }

  #onPod(type: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    if (type === 'ADDED' || type === 'MODIFIED') {
      if (!this.#pods.has(uid)) this.#pods.set(uid, newPodState(obj.metadata.namespace!, obj.metadata.name!));
    }
    if (this.#pods.has(uid)) this.#queue.add(uid);
  }

  async #syncPod(uid: string): Promise<void> {
    const state = this.#pods.get(uid);
    if (!state) return;
    let pod: (Pod & KubeObject) | null = null;
    try {
      pod = (await this.#engine.api.get({
        group: '',
        resource: 'pods',
        namespace: state.namespace,
        name: state.name,
      })) as Pod & KubeObject;
      if (pod.metadata.uid !== uid || pod.spec?.nodeName !== this.nodeName) pod = null;
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) throw err;
    }
    if (!this.nodeStatus.ready && pod) {
      // The runtime is down: nothing can be done until the heartbeat sees it back.
      return;
    }
    if (!pod) {
      // Gone from the store (force-deleted, or deleted after it finished): remove what is left.
      await removePodResources(this.#ctx, uid, 1);
      this.#sampler.forget(state.namespace, state.name);
      this.#pods.delete(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      await terminatePod(this.#ctx, pod, state);
      this.#sampler.forget(state.namespace, state.name);
      return;
    }
    const next = await new PodSync(this.#ctx, pod, state).run();
    if (Number.isFinite(next)) this.#queue.addAfter(uid, next);
  }
}

export type { PodIO, LogRequest, LogReader, ExecRequest } from './pod-io.js';
export type { ProbeRecord } from './probe-manager.js';
export type { PodMetrics, NodeMetrics, MetricsPoint } from './metrics.js';
export { HOST_PORTS_ANNOTATION, KUBELET_VERSION } from './constants.js';
export { START_DOCKER_HINT } from './node-status.js';
