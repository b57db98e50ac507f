// The scaling charts' data units: replica history from watch events, step series over a time
// window, per-pod and total metric series, the HPA target line and decision markers.
import { describe, expect, it } from 'vitest';
import type { KubeObject, ScalingDecision } from '../../../src-main/ipc/contract.js';
import {
  cpuTargetPerPod,
  decisionMarkers,
  explainDecision,
  metricSeries,
  rangeStart,
  ReplicaHistory,
  replicaSampleOf,
  stepSeries,
} from '../../../src-renderer/src/lib/charts/series.js';

const deployment = (replicas: number, status: Record<string, number>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas }, status }) as KubeObject;

describe('replica history from watch events', () => {
  it('reads desired from spec and current/ready/available from status, DaemonSets from their own fields', () => {
    expect(replicaSampleOf(deployment(3, { replicas: 2, readyReplicas: 1, availableReplicas: 1 }), 5)).toEqual({
      t: 5,
      desired: 3,
      current: 2,
      ready: 1,
      available: 1,
    });
    const ds = {
      kind: 'DaemonSet',
      metadata: {},
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, numberAvailable: 0 },
    } as unknown as KubeObject;
    expect(replicaSampleOf(ds, 1)).toMatchObject({ desired: 2, current: 2, ready: 1, available: 0 });
  });

  it('records a sample only when a count changes, ignores samples from the past, and stays bounded', () => {
    const h = new ReplicaHistory(3);
    expect(h.push({ t: 1, desired: 1, current: 1, ready: 1, available: 1 })).toBe(true);
    expect(h.push({ t: 2, desired: 1, current: 1, ready: 1, available: 1 })).toBe(false);
    expect(h.push({ t: 0, desired: 3, current: 1, ready: 1, available: 1 })).toBe(false);
    for (let i = 3; i <= 6; i++) h.push({ t: i, desired: i, current: 1, ready: 1, available: 1 });
    expect(h.samples.map((s) => s.t)).toEqual([4, 5, 6]);
  });
});

describe('replica history merged with main’s recording', () => {
  it('puts earlier samples from main before the live ones, in time order, without repeats', () => {
    const h = new ReplicaHistory();
    h.push({ t: 50, desired: 3, current: 3, ready: 3, available: 3 });
    h.merge([
      { t: 10, desired: 1, current: 1, ready: 1, available: 1 },
      { t: 20, desired: 3, current: 1, ready: 1, available: 1 },
      { t: 40, desired: 3, current: 3, ready: 3, available: 3 },
      { t: 50, desired: 3, current: 3, ready: 3, available: 3 },
    ]);
    expect(h.samples.map((s) => s.t)).toEqual([10, 20, 40]);
    expect(h.push({ t: 60, desired: 2, current: 3, ready: 3, available: 3 })).toBe(true);
  });
});

describe('step series over a window', () => {
  const samples = [
    { t: 100, desired: 1, current: 1, ready: 1, available: 1 },
    { t: 200, desired: 3, current: 1, ready: 1, available: 1 },
    { t: 300, desired: 3, current: 3, ready: 3, available: 3 },
  ];

  it('carries the value in force at the window start and the last value to now', () => {
    expect(stepSeries(samples, 'desired', 150, 400)).toEqual([
      { x: 150, y: 1 },
      { x: 200, y: 3 },
      { x: 300, y: 3 },
      { x: 400, y: 3 },
    ]);
    expect(stepSeries(samples, 'ready', 350, 400)).toEqual([
      { x: 350, y: 3 },
      { x: 400, y: 3 },
    ]);
  });

  it('starts at the first sample when nothing was seen before the window, and is empty with no samples', () => {
    expect(stepSeries(samples, 'current', 0, 250)).toEqual([
      { x: 100, y: 1 },
      { x: 200, y: 1 },
      { x: 250, y: 1 },
    ]);
    expect(stepSeries([], 'current', 0, 250)).toEqual([]);
  });

  it('ranges: 5 min and 1 h back from now, or since the object was created', () => {
    const now = Date.parse('2026-01-01T01:00:00Z');
    expect(rangeStart('5m', now, undefined)).toBe(now - 300_000);
    expect(rangeStart('1h', now, undefined)).toBe(now - 3_600_000);
    expect(rangeStart('all', now, '2026-01-01T00:59:00Z')).toBe(now - 60_000);
  });
});

describe('metric series', () => {
  const histories = {
    a: [
      { timestamp: 1000, cpuCores: 0.1, memoryBytes: 1048576 },
      { timestamp: 2000, cpuCores: 0.2, memoryBytes: 2097152 },
    ],
    b: [{ timestamp: 2000, cpuCores: 0.05, memoryBytes: 1048576 }],
    c: [{ timestamp: 1500, cpuCores: 0.5, memoryBytes: 1048576 }],
  };

  it('sums every pod’s latest fresh sample into the total, in millicores', () => {
    const s = metricSeries(histories, 'cpu', 0, 5000, { staleMs: 600 });
    // At 2000, c's sample from 1500 is 500 ms old: fresh under 600 ms, stale under 400 ms.
    expect(s.total).toEqual([
      { x: 1000, y: 100 },
      { x: 1500, y: 600 },
      { x: 2000, y: 750 },
    ]);
    const stale = metricSeries(histories, 'cpu', 0, 5000, { staleMs: 400 });
    expect(stale.total.at(-1)).toEqual({ x: 2000, y: 250 });
  });

  it('draws only the busiest pods one by one and counts the rest as hidden; memory in MiB', () => {
    const s = metricSeries(histories, 'memory', 0, 5000, { maxPods: 2 });
    expect(s.perPod.map((p) => p.pod)).toEqual(['a', 'b']);
    expect(s.hiddenPods).toBe(1);
    expect(s.perPod[0].points).toEqual([
      { x: 1000, y: 1 },
      { x: 2000, y: 2 },
    ]);
  });

  it('leaves out samples before the window and after now', () => {
    const s = metricSeries(histories, 'cpu', 1500, 1999);
    expect(s.total.map((p) => p.x)).toEqual([1500]);
    expect(s.perPod.find((p) => p.pod === 'a')?.points).toEqual([]);
  });
});

describe('HPA target line and decisions', () => {
  const hpa = (target: Record<string, unknown>) =>
    ({
      kind: 'HorizontalPodAutoscaler',
      metadata: {},
      spec: { metrics: [{ type: 'Resource', resource: { name: 'cpu', target } }] },
    }) as unknown as KubeObject;
  const template = (cpu?: string) => ({
    spec: {
      containers: [
        { resources: { requests: (cpu ? { cpu } : {}) as Record<string, string> } },
        { resources: { requests: { cpu: '0.1' } } },
      ],
    },
  });

  it('a Utilization target is that share of the pod’s summed CPU request; AverageValue is the value', () => {
    expect(cpuTargetPerPod(hpa({ type: 'Utilization', averageUtilization: 50 }), template('300m'))).toBe(200);
    expect(cpuTargetPerPod(hpa({ type: 'AverageValue', averageValue: '250m' }), template())).toBe(250);
    expect(cpuTargetPerPod(hpa({ type: 'Utilization', averageUtilization: 50 }), template())).toBeNull();
    expect(cpuTargetPerPod(undefined, template('1'))).toBeNull();
  });

  it('marks decisions inside the window at their new count and explains them', () => {
    const decisions: ScalingDecision[] = [
      { time: 10, from: 1, to: 2, reason: 'old', metrics: [] },
      {
        time: 100,
        from: 2,
        to: 4,
        reason: 'cpu resource utilization (percentage of request) above target',
        metrics: [
          {
            metric: 'cpu resource utilization (percentage of request)',
            currentUtilization: 180,
            targetUtilization: 50,
          },
        ],
      },
    ];
    const m = decisionMarkers(decisions, 50, 200);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ x: 100, y: 4, from: 2, to: 4 });
    expect(m[0].explanation).toEqual([
      'Scaled up 2 → 4 replicas',
      'Reason: cpu resource utilization (percentage of request) above target',
      'cpu resource utilization (percentage of request): 180% (target 50%)',
    ]);
    expect(explainDecision({ time: 0, from: 4, to: 1, reason: 'All metrics below target', metrics: [] })[0]).toBe(
      'Scaled down 4 → 1 replicas',
    );
  });
});
