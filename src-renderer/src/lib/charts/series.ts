// The scaling charts' data, built from what the renderer sees: replica counts recorded from the
// workload's watch, pod CPU/memory samples from the node agents, and the HPA's decisions. Pure
// functions (unit-tested in test/unit/renderer/chart-series.test.ts); Chart.js only draws them.
import type { KubeObject, MetricsSample, ScalingDecision } from '../../../../src-main/ipc/contract';

export interface XY {
  x: number;
  y: number;
}

export interface ReplicaSample {
  /** Epoch ms when the counts were seen. */
  t: number;
  desired: number;
  current: number;
  ready: number;
  available: number;
}

export type ReplicaKey = Exclude<keyof ReplicaSample, 't'>;
export const REPLICA_KEYS: readonly ReplicaKey[] = ['desired', 'current', 'ready', 'available'];

/** The counts `kubectl get` shows, read from any scalable workload's spec and status. */
export function replicaSampleOf(object: KubeObject, t: number): ReplicaSample {
  const spec = (object.spec ?? {}) as { replicas?: number };
  const s = (object.status ?? {}) as Record<string, number | undefined>;
  if (object.kind === 'DaemonSet') {
    return {
      t,
      desired: s.desiredNumberScheduled ?? 0,
      current: s.currentNumberScheduled ?? 0,
      ready: s.numberReady ?? 0,
      available: s.numberAvailable ?? 0,
    };
  }
  return {
    t,
    desired: spec.replicas ?? 1,
    current: s.replicas ?? 0,
    ready: s.readyReplicas ?? 0,
    available: s.availableReplicas ?? 0,
  };
}

const sameCounts = (a: ReplicaSample, b: ReplicaSample) =>
  a.desired === b.desired && a.current === b.current && a.ready === b.ready && a.available === b.available;

/**
 * Replica counts over time, one sample per change (a watch event that changes no count adds
 * nothing). Bounded: the oldest samples go first.
 */
export class ReplicaHistory {
  #samples: ReplicaSample[] = [];
  constructor(readonly limit = 5000) {}

  /**
   * Adds samples recorded elsewhere (main's recorder, from before this view opened), keeping time
   * order and dropping samples that repeat the counts before them.
   */
  merge(samples: readonly ReplicaSample[]): void {
    const all = [...samples, ...this.#samples].sort((a, b) => a.t - b.t);
    const out: ReplicaSample[] = [];
    for (const s of all) {
      const last = out.at(-1);
      if (!last || !sameCounts(last, s)) out.push(s);
    }
    this.#samples = out.slice(-this.limit);
  }

  /** Records `sample`; returns whether anything changed. Samples older than the last are ignored. */
  push(sample: ReplicaSample): boolean {
    const last = this.#samples.at(-1);
    if (last && (sample.t < last.t || sameCounts(last, sample))) return false;
    this.#samples.push(sample);
    if (this.#samples.length > this.limit) this.#samples.splice(0, this.#samples.length - this.limit);
    return true;
  }

  get samples(): readonly ReplicaSample[] {
    return this.#samples;
  }
}

export type TimeRange = '5m' | '1h' | 'all';
export const RANGE_MS: Record<Exclude<TimeRange, 'all'>, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** Where the x axis starts: `now` minus the range, or the object's creation for "since created". */
export function rangeStart(range: TimeRange, now: number, createdAt: string | undefined): number {
  if (range === 'all') {
    const t = createdAt ? Date.parse(createdAt) : NaN;
    return Number.isNaN(t) ? now - RANGE_MS['1h'] : Math.min(t, now);
  }
  return now - RANGE_MS[range];
}

/**
 * One count as a step line over [start, now]: the value in force at `start` (if one was seen by
 * then), each change inside the window, and the current value carried to `now`. Drawn with
 * Chart.js `stepped: 'after'` (a value holds until the next point).
 */
export function stepSeries(samples: readonly ReplicaSample[], key: ReplicaKey, start: number, now: number): XY[] {
  const out: XY[] = [];
  let before: ReplicaSample | undefined;
  for (const s of samples) {
    if (s.t <= start) {
      before = s;
      continue;
    }
    if (s.t > now) break;
    if (out.length === 0 && before) out.push({ x: start, y: before[key] });
    out.push({ x: s.t, y: s[key] });
  }
  if (out.length === 0 && before) out.push({ x: start, y: before[key] });
  const last = out.at(-1);
  if (last && last.x < now) out.push({ x: now, y: last.y });
  return out;
}

export type MetricKind = 'cpu' | 'memory';

/** CPU in millicores, memory in MiB: the units the axes show. */
export function metricValue(sample: MetricsSample, kind: MetricKind): number {
  return kind === 'cpu' ? sample.cpuCores * 1000 : sample.memoryBytes / (1024 * 1024);
}

export interface MetricSeries {
  /** The busiest pods' lines (by their latest value), at most `maxPods`. */
  perPod: { pod: string; points: XY[] }[];
  /** Pods with samples that are not drawn one by one. */
  hiddenPods: number;
  /** The sum over all pods; a pod counts at a time while its last sample is at most `staleMs` old. */
  total: XY[];
}

export function metricSeries(
  histories: Readonly<Record<string, readonly MetricsSample[]>>,
  kind: MetricKind,
  start: number,
  now: number,
  opts: { maxPods?: number; staleMs?: number } = {},
): MetricSeries {
  const maxPods = opts.maxPods ?? 8;
  const staleMs = opts.staleMs ?? 30_000;
  const pods = Object.entries(histories)
    .map(([pod, samples]) => ({
      pod,
      samples: samples.filter((s) => s.timestamp <= now),
    }))
    .filter((p) => p.samples.length > 0);
  const latest = (p: { samples: MetricsSample[] }) => metricValue(p.samples.at(-1)!, kind);
  const busiest = [...pods].sort((a, b) => latest(b) - latest(a) || (a.pod < b.pod ? -1 : 1)).slice(0, maxPods);
  const perPod = busiest
    .map((p) => ({
      pod: p.pod,
      points: p.samples.filter((s) => s.timestamp >= start).map((s) => ({ x: s.timestamp, y: metricValue(s, kind) })),
    }))
    .sort((a, b) => (a.pod < b.pod ? -1 : 1));

  // Total: at every sample time in the window, each pod's latest sample no older than staleMs.
  const times = [...new Set(pods.flatMap((p) => p.samples.map((s) => s.timestamp)))]
    .filter((t) => t >= start)
    .sort((a, b) => a - b);
  const cursor = pods.map(() => -1);
  const total: XY[] = [];
  for (const t of times) {
    let sum = 0;
    pods.forEach((p, i) => {
      while (cursor[i] + 1 < p.samples.length && p.samples[cursor[i] + 1].timestamp <= t) cursor[i]++;
      const s = p.samples[cursor[i]];
      if (s && t - s.timestamp <= staleMs) sum += metricValue(s, kind);
    });
    total.push({ x: t, y: Math.round(sum * 100) / 100 });
  }
  return { perPod, hiddenPods: pods.length - busiest.length, total };
}

/** CPU quantity (`250m`, `0.5`, `1`) in millicores; NaN when it is not one. */
export function millicores(q: string | number | undefined): number {
  if (q === undefined) return NaN;
  const s = String(q).trim();
  if (s.endsWith('m')) return Number(s.slice(0, -1));
  return Number(s) * 1000;
}

interface HpaSpec {
  metrics?: {
    type?: string;
    resource?: { name?: string; target?: { type?: string; averageUtilization?: number; averageValue?: string } };
  }[];
}

interface PodTemplate {
  spec?: { containers?: { resources?: { requests?: Record<string, string | number> } }[] };
}

/**
 * The HPA's CPU target as millicores per pod, for the target line: a Utilization target is a
 * percentage of the pod's CPU request (the sum over its containers), an AverageValue target is
 * the value itself. Null when the HPA has no CPU target or the request is missing.
 */
export function cpuTargetPerPod(hpa: KubeObject | undefined, template: PodTemplate | undefined): number | null {
  const spec = hpa?.spec as HpaSpec | undefined;
  const metric = spec?.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const target = metric?.resource?.target;
  if (!target) return null;
  if (target.type === 'AverageValue' && target.averageValue !== undefined) {
    const v = millicores(target.averageValue);
    return Number.isNaN(v) ? null : v;
  }
  if (target.averageUtilization === undefined) return null;
  let request = 0;
  for (const c of template?.spec?.containers ?? []) {
    const r = millicores(c.resources?.requests?.['cpu']);
    if (Number.isNaN(r)) return null;
    request += r;
  }
  return request > 0 ? (request * target.averageUtilization) / 100 : null;
}

export interface DecisionMarker extends XY {
  from: number;
  to: number;
  /** Lines for the tooltip: what changed, why, and the metric values behind it. */
  explanation: string[];
}

/** One line per metric: `cpu resource utilization (percentage of request): 180% (target 50%)`. */
export function describeMetric(m: ScalingDecision['metrics'][number]): string {
  if (m.currentUtilization !== undefined) {
    return `${m.metric}: ${m.currentUtilization}%${m.targetUtilization !== undefined ? ` (target ${m.targetUtilization}%)` : ''}`;
  }
  if (m.currentAverageValue !== undefined) {
    const target = m.targetAverageValue !== undefined ? ` (target ${m.targetAverageValue})` : '';
    return `${m.metric}: ${m.currentAverageValue}${target}`;
  }
  return m.metric;
}

export function explainDecision(d: ScalingDecision): string[] {
  const verb = d.to > d.from ? 'Scaled up' : d.to < d.from ? 'Scaled down' : 'Kept';
  return [`${verb} ${d.from} → ${d.to} replicas`, `Reason: ${d.reason}`, ...d.metrics.map(describeMetric)];
}

/** The HPA's decisions inside [start, now], as points at their new replica count. */
export function decisionMarkers(decisions: readonly ScalingDecision[], start: number, now: number): DecisionMarker[] {
  return decisions
    .filter((d) => d.time >= start && d.time <= now)
    .map((d) => ({ x: d.time, y: d.to, from: d.from, to: d.to, explanation: explainDecision(d) }));
}

/** `HH:MM:SS` for the time axis (local time, as the user's clock shows). */
export function timeLabel(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
