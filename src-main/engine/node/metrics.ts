// Resource usage, as metrics-server serves it from the kubelet's summary API: every
// statsIntervalMs each running container's cumulative CPU time and working set are sampled;
// CPU cores come from the delta between two samples. The latest sample is served in
// metrics.k8s.io/v1beta1 PodMetrics / NodeMetrics shape, and a bounded series is kept per pod
// (1 h at 5 s = 720 points) for the UI's charts.
import type { Clock, TimerHandle } from '../clock.js';
import { rfc3339 } from '../clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import {
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
} from '../runtime/types.js';

export const METRICS_HISTORY_POINTS = 720;

export interface Usage {
  cpu: string;
  memory: string;
}

export interface PodMetrics {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'PodMetrics';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  timestamp: string;
  window: string;
  containers: { name: string; usage: Usage }[];
}

export interface NodeMetrics {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'NodeMetrics';
  metadata: { name: string; creationTimestamp: string };
  timestamp: string;
  window: string;
  usage: Usage;
}

export interface MetricsPoint {
  /** ms since epoch */
  timestamp: number;
  cpuCores: number;
  memoryBytes: number;
}

interface PodSample {
  namespace: string;
  name: string;
  uid: string;
  timestamp: number;
  containers: Map<string, { cpuCores: number; memoryBytes: number }>;
}

/** `12m` (millicores, rounded up so that any use shows) — metrics-server would print nanocores. */
export function formatCpu(cores: number): string {
  return `${Math.ceil(cores * 1000 - 1e-9)}m`;
}

export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

export class MetricsSampler {
  #runtime: ContainerRuntime;
  #clock: Clock;
  #clusterId: string;
  #nodeName: string;
  #intervalMs: number;
  #timer: TimerHandle | null = null;
  #prev = new Map<string, { cpu: number; ts: number }>();
  #latest = new Map<string, PodSample>();
  #history = new Map<string, MetricsPoint[]>();
  #stopped = true;

  constructor(
    runtime: ContainerRuntime,
    clock: Clock,
    opts: { clusterId: string; nodeName: string; intervalMs: number },
  ) {
    this.#runtime = runtime;
    this.#clock = clock;
    this.#clusterId = opts.clusterId;
    this.#nodeName = opts.nodeName;
    this.#intervalMs = opts.intervalMs;
  }

  start(): void {
    this.#stopped = false;
    const tick = () => {
      if (this.#stopped) return;
      void this.sample()
        .catch(() => undefined)
        .finally(() => {
          if (!this.#stopped) this.#timer = this.#clock.setTimer(tick, this.#intervalMs);
        });
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  /** Take one sample of every running container. */
  async sample(): Promise<void> {
    const containers = await this.#runtime.listContainers({ [LABEL_CLUSTER]: this.#clusterId });
    const now = this.#clock.now();
    const pods = new Map<string, PodSample>();
    const seen = new Set<string>();
    for (const c of containers) {
      if (c.state !== 'running' || c.labels[LABEL_ROLE] === 'sandbox') continue;
      const stats = await this.#runtime.stats(c.id).catch(() => null);
      if (!stats) continue;
      seen.add(c.id);
      const prev = this.#prev.get(c.id);
      this.#prev.set(c.id, { cpu: stats.cpuUsageNanos, ts: stats.timestamp });
      const dtNs = prev ? (stats.timestamp - prev.ts) * 1e6 : 0;
      const cpuCores = prev && dtNs > 0 ? Math.max(0, (stats.cpuUsageNanos - prev.cpu) / dtNs) : 0;
      const uid = c.labels[LABEL_POD_UID];
      let pod = pods.get(uid);
      if (!pod) {
        pod = {
          uid,
          namespace: c.labels[LABEL_POD_NAMESPACE],
          name: c.labels[LABEL_POD_NAME],
          timestamp: now,
          containers: new Map(),
        };
        pods.set(uid, pod);
      }
      pod.containers.set(c.labels[LABEL_CONTAINER_NAME], { cpuCores, memoryBytes: stats.memoryWorkingSetBytes });
    }
    for (const id of [...this.#prev.keys()]) if (!seen.has(id)) this.#prev.delete(id);
    this.#latest = pods;
    for (const p of pods.values()) {
      const key = `${p.namespace}/${p.name}`;
      let ring = this.#history.get(key);
      if (!ring) this.#history.set(key, (ring = []));
      let cpu = 0;
      let mem = 0;
      for (const u of p.containers.values()) {
        cpu += u.cpuCores;
        mem += u.memoryBytes;
      }
      ring.push({ timestamp: now, cpuCores: cpu, memoryBytes: mem });
      if (ring.length > METRICS_HISTORY_POINTS) ring.splice(0, ring.length - METRICS_HISTORY_POINTS);
    }
  }

  metrics(namespace?: string, pod?: string): { pods: PodMetrics[]; node: NodeMetrics } {
    const now = rfc3339(this.#clock.now());
    const window = `${Math.round(this.#intervalMs / 1000)}s`;
    const pods: PodMetrics[] = [];
    let cpu = 0;
    let mem = 0;
    let ts = this.#clock.now();
    for (const p of this.#latest.values()) {
      ts = p.timestamp;
      for (const u of p.containers.values()) {
        cpu += u.cpuCores;
        mem += u.memoryBytes;
      }
      if (namespace && p.namespace !== namespace) continue;
      if (pod && p.name !== pod) continue;
      pods.push({
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'PodMetrics',
        metadata: { name: p.name, namespace: p.namespace, creationTimestamp: now },
        timestamp: rfc3339(p.timestamp),
        window,
        containers: [...p.containers].map(([name, u]) => ({
          name,
          usage: { cpu: formatCpu(u.cpuCores), memory: formatMemory(u.memoryBytes) },
        })),
      });
    }
    pods.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
    return {
      pods,
      node: {
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'NodeMetrics',
        metadata: { name: this.#nodeName, creationTimestamp: now },
        timestamp: rfc3339(ts),
        window,
        usage: { cpu: formatCpu(cpu), memory: formatMemory(mem) },
      },
    };
  }

  history(namespace: string, pod: string): MetricsPoint[] {
    return [...(this.#history.get(`${namespace}/${pod}`) ?? [])];
  }

  forget(namespace: string, pod: string): void {
    this.#history.delete(`${namespace}/${pod}`);
  }
}
