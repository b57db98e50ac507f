// The Node object and its heartbeat, as the kubelet's node status manager and node lease
// controller do (pkg/kubelet/kubelet_node_status.go, pkg/kubelet/nodestatus/setters.go,
// component-helpers/apimachinery/lease): register the Node, post its status when it changes (and
// at least every 5 min), and renew the Lease `kube-node-lease/<node>` on every heartbeat.
// When the runtime does not answer, Ready turns False with a message saying how to start it;
// the next heartbeat that reaches it turns the node Ready again.
import { statfs } from 'node:fs/promises';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { rfc3339, rfc3339Micro, type Clock, type TimerHandle } from '../clock.js';
import type { ContainerRuntime, RuntimeInfo } from '../runtime/types.js';
import {
  KUBELET_VERSION,
  LEASE_DURATION_SECONDS,
  MAX_PODS,
  NODE_LEASE_NAMESPACE,
  NODE_STATUS_REPORT_MS,
} from './constants.js';
import { isJsonEqual } from './util.js';

/** What the user should do when the engine is down (shown in the Ready condition). */
export const START_DOCKER_HINT =
  'Start Docker (Docker Desktop, `sudo systemctl start docker`, or `dockerd &`); the node turns Ready by itself once Docker answers.';

/** Memory the kubelet keeps back from allocatable: the default hard eviction threshold memory.available<100Mi. */
const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;

export interface NodeStatusOptions {
  nodeName: string;
  heartbeatMs: number;
  dataDir: string;
  onReadyChange?: (ready: boolean) => void;
}

export class NodeStatusManager {
  #api: ApiServer;
  #runtime: ContainerRuntime;
  #clock: Clock;
  #opts: NodeStatusOptions;
  #timer: TimerHandle | null = null;
  #info: RuntimeInfo | null = null;
  #lastPost = 0;
  #ready: boolean | null = null;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(api: ApiServer, runtime: ContainerRuntime, clock: Clock, opts: NodeStatusOptions) {
    this.#api = api;
    this.#runtime = runtime;
    this.#clock = clock;
    this.#opts = opts;
  }

  get ready(): boolean {
    return this.#ready === true;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.heartbeat();
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  /** Resolves when the heartbeat in flight (if any) is done. */
  whenIdle(): Promise<void> {
    return this.#running;
  }

  /** One heartbeat: probe the runtime, post the node status when due, renew the lease. */
  heartbeat(): Promise<void> {
    this.#running = this.#running
      .then(() => this.#beat())
      .catch((err: unknown) => {
        console.error(`node ${this.#opts.nodeName}: heartbeat failed: ${(err as Error).message}`);
      });
    return this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimer(() => {
      void this.heartbeat().then(() => this.#schedule());
    }, this.#opts.heartbeatMs);
  }

  async #beat(): Promise<void> {
    const down = await this.#runtimeDown();
    const node = await this.#ensureNode();
    const status = await this.#status(node, down);
    const now = this.#clock.now();
    const current = (node.status ?? {}) as Record<string, unknown>;
    if (
      !isJsonEqual(withoutHeartbeats(current), withoutHeartbeats(status)) ||
      now - this.#lastPost >= NODE_STATUS_REPORT_MS
    ) {
      await this.#api.update(
        { group: '', resource: 'nodes', name: this.#opts.nodeName, subresource: 'status' },
        { ...node, status },
      );
      this.#lastPost = now;
    }
    const ready = down === null;
    if (ready !== this.#ready) {
      this.#ready = ready;
      this.#opts.onReadyChange?.(ready);
    }
    await this.#renewLease();
  }

  /** null when the runtime answers, else the reason it does not. */
  async #runtimeDown(): Promise<string | null> {
    try {
      if (!(await this.#runtime.ping()))
        return `container runtime is down: ${this.#runtime.type} does not answer. ${START_DOCKER_HINT}`;
      this.#info = await this.#runtime.info();
      return null;
    } catch (err) {
      const msg = (err as Error).message;
      const hint = /start/i.test(msg) ? '' : ` ${START_DOCKER_HINT}`;
      return `container runtime is down: ${msg}${hint}`;
    }
  }

  async #ensureNode(): Promise<KubeObject> {
    const ref = { group: '', resource: 'nodes', name: this.#opts.nodeName };
    const labels = this.#labels();
    try {
      const node = await this.#api.get(ref);
      const have = node.metadata.labels ?? {};
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) return node;
      return await this.#api.update(ref, { ...node, metadata: { ...node.metadata, labels: { ...have, ...labels } } });
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404)) throw err;
    }
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.#opts.nodeName, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
      spec: {},
    };
    return this.#api.create(ref, node);
  }

  #labels(): Record<string, string> {
    const os = this.#info?.os ?? process.platform;
    const arch = goArch(this.#info?.architecture ?? process.arch);
    return {
      'beta.kubernetes.io/arch': arch,
      'beta.kubernetes.io/os': os,
      'kubernetes.io/arch': arch,
      'kubernetes.io/hostname': this.#opts.nodeName,
      'kubernetes.io/os': os,
      'node-role.kubernetes.io/control-plane': '',
    };
  }

  async #status(node: KubeObject, down: string | null): Promise<Record<string, unknown>> {
    const info = this.#info;
    const old = (node.status ?? {}) as {
      conditions?: NodeCondition[];
      capacity?: Record<string, string>;
      allocatable?: Record<string, string>;
      nodeInfo?: Record<string, string>;
    };
    const now = rfc3339(this.#clock.now());
    const conditions = [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      down === null
        ? cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
        : cond('Ready', 'False', 'KubeletNotReady', down),
    ].map((c) => {
      const prev = old.conditions?.find((p) => p.type === c.type);
      return {
        ...c,
        lastHeartbeatTime: now,
        lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now,
      };
    });
    let capacity = old.capacity;
    let allocatable = old.allocatable;
    let nodeInfo = old.nodeInfo;
    if (info) {
      const disk = await diskBytes(this.#opts.dataDir);
      capacity = {
        cpu: String(info.cpus),
        'ephemeral-storage': `${Math.floor(disk / 1024)}Ki`,
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${Math.floor(info.memoryBytes / 1024)}Ki`,
        pods: String(MAX_PODS),
      };
      allocatable = {
        ...capacity,
        // nodefs.available<10% is the default hard eviction threshold for ephemeral storage.
        'ephemeral-storage': String(Math.floor(disk * 0.9)),
        memory: `${Math.floor(Math.max(0, info.memoryBytes - EVICTION_MEMORY_BYTES) / 1024)}Ki`,
      };
      nodeInfo = {
        architecture: goArch(info.architecture),
        bootID: '',
        containerRuntimeVersion: info.runtimeVersion,
        kernelVersion: info.kernelVersion,
        kubeProxyVersion: '',
        kubeletVersion: KUBELET_VERSION,
        machineID: '',
        operatingSystem: info.os,
        osImage: info.osImage,
        systemUUID: '',
      };
    }
    return {
      ...(node.status as object),
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: info?.hostname ?? this.#opts.nodeName },
      ],
      ...(capacity ? { capacity, allocatable } : {}),
      conditions,
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      ...(nodeInfo ? { nodeInfo } : {}),
    };
  }

  async #renewLease(): Promise<void> {
    const name = this.#opts.nodeName;
    const ref = { group: 'coordination.k8s.io', resource: 'leases', namespace: NODE_LEASE_NAMESPACE, name };
    const renewTime = rfc3339Micro(this.#clock.now());
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const lease = await this.#api.get(ref);
        await this.#api.update(ref, {
          ...lease,
          spec: {
            ...(lease.spec as object),
            holderIdentity: name,
            leaseDurationSeconds: LEASE_DURATION_SECONDS,
            renewTime,
          },
        });
        return;
      } catch (err) {
        if (!isStatusError(err)) throw err;
        if (err.code === 409) continue;
        if (err.code !== 404) throw err;
      }
      const node = await this.#api.get({ group: '', resource: 'nodes', name });
      try {
        await this.#api.create(ref, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name,
            namespace: NODE_LEASE_NAMESPACE,
            // The lease belongs to its node, so it goes when the node does (as the kubelet sets it).
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
          },
          spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
        });
        return;
      } catch (err) {
        if (!(isStatusError(err) && err.code === 409)) throw err;
      }
    }
  }
}

function cond(type: string, status: string, reason: string, message: string) {
  return { type, status, reason, message };
}

function withoutHeartbeats(status: Record<string, unknown>): unknown {
  const conditions = (status.conditions as Record<string, unknown>[] | undefined)?.map((c) => ({
    ...c,
    lastHeartbeatTime: undefined,
  }));
  return { ...status, conditions };
}

/** Go's GOARCH names, which Kubernetes uses (`amd64`, `arm64`). */
export function goArch(arch: string): string {
  const map: Record<string, string> = {
    x86_64: 'amd64',
    x64: 'amd64',
    aarch64: 'arm64',
    armv7l: 'arm',
    ia32: '386',
    i386: '386',
  };
  return map[arch] ?? arch;
}

async function diskBytes(dir: string): Promise<number> {
  try {
    const s = await statfs(dir);
    return s.blocks * s.bsize;
  } catch {
    return 0;
  }
}
