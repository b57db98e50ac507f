// Where the HPA controller reads pod usage from: the resource metrics API (metrics.k8s.io) in
// Kubernetes, the node agents' samplers here. The controller only sees this interface, so tests
// inject a fake and production passes `metricsFromNodeAgents`.
import type { Selector } from '../../api/selectors/index.js';
import { parseQuantity } from '../../api/quantity.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { PodMetrics } from '../../node/metrics.js';

/** One pod's usage, summed over its containers (metricsclient.PodMetric). */
export interface PodMetricSample {
  podName: string;
  cpuMillis: number;
  memoryBytes: number;
  /** When the sample was taken (epoch ms). */
  timestamp: number;
  /** The interval the sample averages over; default DEFAULT_METRIC_WINDOW_MS. */
  windowMs?: number;
}

export interface MetricsSource {
  /** Usage of the pods in `namespace` that `selector` matches; pods without a sample are left out. */
  podMetrics(namespace: string, selector: Selector): PodMetricSample[] | Promise<PodMetricSample[]>;
}

/** metrics-server's default window. */
export const DEFAULT_METRIC_WINDOW_MS = 15_000;

/** Anything with the node agent's `io.metrics` (NodeAgent satisfies it). */
export interface MetricsAgent {
  io: { metrics(namespace?: string, pod?: string): { pods: PodMetrics[] } };
}

/** A MetricsSource over every node agent's metrics (the metrics.k8s.io PodMetrics they serve). */
export function metricsFromNodeAgents(store: ObjectStore, agents: () => Iterable<MetricsAgent>): MetricsSource {
  return {
    podMetrics(namespace, selector) {
      const wanted = new Set(
        store
          .list('/pods', namespace)
          .filter((p) => selector.matches(p.metadata.labels))
          .map((p) => p.metadata.name!),
      );
      const out: PodMetricSample[] = [];
      for (const agent of agents()) {
        for (const pm of agent.io.metrics(namespace).pods) {
          if (!wanted.has(pm.metadata.name)) continue;
          out.push(sampleOf(pm));
        }
      }
      return out;
    },
  };
}

/** Sum a PodMetrics' containers into one sample. */
export function sampleOf(pm: PodMetrics): PodMetricSample {
  let cpuMillis = 0;
  let memoryBytes = 0;
  for (const c of pm.containers) {
    cpuMillis += parseQuantity(c.usage.cpu)?.milli ?? 0;
    memoryBytes += parseQuantity(c.usage.memory)?.value ?? 0;
  }
  const windowSeconds = parseFloat(pm.window);
  return {
    podName: pm.metadata.name,
    cpuMillis,
    memoryBytes,
    timestamp: Date.parse(pm.timestamp),
    windowMs: Number.isFinite(windowSeconds) ? windowSeconds * 1000 : DEFAULT_METRIC_WINDOW_MS,
  };
}
