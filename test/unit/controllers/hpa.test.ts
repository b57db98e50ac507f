import { afterEach, describe, expect, it } from 'vitest';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { HorizontalPodAutoscalerController } from '../../../src-main/engine/controllers/hpa/hpa-controller.js';
import type { MetricsSource, PodMetricSample } from '../../../src-main/engine/controllers/hpa/metrics-source.js';
import { resourceUtilizationReplicas } from '../../../src-main/engine/controllers/hpa/replica-calculator.js';
import { events, get, harness, pods, podsRef, type Harness } from './helpers.js';

const hpaRef = (name?: string, subresource?: string) => ({
  group: 'autoscaling',
  resource: 'horizontalpodautoscalers',
  namespace: 'default',
  name,
  subresource,
});

/** A metrics API that reports `cpuMillis` for every running pod (or a per-pod override). */
class FakeMetrics implements MetricsSource {
  cpuMillis = 0;
  perPod = new Map<string, number>();
  constructor(private h: Harness) {}
  podMetrics(namespace: string, selector: { matches(l?: Record<string, string>): boolean }): PodMetricSample[] {
    return pods(this.h, namespace)
      .filter((p) => selector.matches(p.metadata.labels) && (p.status as { phase?: string })?.phase === 'Running')
      .map((p) => ({
        podName: p.metadata.name!,
        cpuMillis: this.perPod.get(p.metadata.name!) ?? this.cpuMillis,
        memoryBytes: 10 * 2 ** 20,
        timestamp: this.h.clock.now(),
      }));
  }
}

function deployment(name: string, replicas: number): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: 'app:1', resources: { requests: { cpu: '200m' } } }] },
      },
    },
  };
}

function hpa(name: string, o: Partial<HorizontalPodAutoscaler['spec']> = {}): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
      ...o,
    },
  } as KubeObject;
}

/**
 * The test builds its own controller over the harness' informers; once startControllers can
 * start the HPA and node lifecycle controllers itself, they must stay off here (the object is
 * widened so this compiles before and after those options exist).
 */
const OWN_CONTROLLERS_ONLY: object = { hpa: false, nodeLifecycle: false };

interface Setup {
  h: Harness;
  ctl: HorizontalPodAutoscalerController;
  metrics: FakeMetrics;
  settle(): Promise<void>;
  /** What a kubelet reports: every pod Running and Ready, started 10 minutes ago. */
  runAll(): Promise<void>;
  replicas(name: string): number;
  status(name: string): HorizontalPodAutoscaler['status'] & object;
  advance(ms: number): Promise<void>;
}

let current: Setup | null = null;

async function setup(): Promise<Setup> {
  const h = await harness(OWN_CONTROLLERS_ONLY);
  const metrics = new FakeMetrics(h);
  const ctl = new HorizontalPodAutoscalerController(
    { api: h.api, clock: h.clock, informers: h.ctrl.informers, recorder: (c) => new EventRecorder(h.api, c) },
    metrics,
  );
  h.ctrl.informers.start();
  ctl.start();
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await h.settle();
      await ctl.whenIdle();
      await h.engine.store.flush();
    }
  };
  const s: Setup = {
    h,
    ctl,
    metrics,
    settle,
    async runAll() {
      await settle();
      const since = rfc3339(h.clock.now() - 10 * 60_000);
      for (const p of pods(h)) {
        if (p.metadata.deletionTimestamp || (p.status as { phase?: string })?.phase === 'Running') continue;
        const body = deepCopy(p);
        body.status = {
          phase: 'Running',
          startTime: since,
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }],
        };
        await h.api.update(podsRef('default', p.metadata.name, 'status'), body);
      }
      await settle();
    },
    replicas: (name) => (get(h, `apps/deployments/default/${name}`)!.spec as { replicas: number }).replicas,
    status: (name) =>
      get(h, `autoscaling/horizontalpodautoscalers/default/${name}`)!.status as HorizontalPodAutoscaler['status'] &
        object,
    async advance(ms) {
      for (let t = 0; t < ms; t += 15_000) {
        h.clock.advance(Math.min(15_000, ms - t));
        await settle();
      }
    },
  };
  current = s;
  return s;
}

afterEach(async () => {
  current?.ctl.stop();
  await current?.h.stop();
  current = null;
});

function condition(s: Setup, type: string, name = 'web') {
  return s.status(name).conditions?.find((c) => c.type === type);
}

describe('HorizontalPodAutoscaler controller', () => {
  it('doubles replicas within one sync at 2× target CPU and waits out 300 s before scaling down', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 200; // 100% of the 200m request against a 50% target
    await s.h.api.create(hpaRef(), hpa('web'));
    await s.settle();

    expect(s.replicas('web')).toBe(4);
    expect(events(s.h, 'SuccessfulRescale').map((e) => e.message)).toEqual([
      'New size: 4; reason: cpu resource utilization (percentage of request) above target',
    ]);
    expect(s.status('web')).toMatchObject({ currentReplicas: 2, desiredReplicas: 4 });
    expect(s.status('web').lastScaleTime).toBe(rfc3339(s.h.clock.now()));
    expect(condition(s, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'SucceededRescale' });
    expect(condition(s, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });

    await s.runAll();
    s.metrics.cpuMillis = 20; // 10%: the metric now asks for 1
    await s.advance(15_000);
    expect(s.replicas('web')).toBe(4);
    expect(condition(s, 'AbleToScale')).toMatchObject({ status: 'True', reason: 'ScaleDownStabilized' });
    expect(s.status('web').currentMetrics?.[0]?.resource?.current).toMatchObject({
      averageUtilization: 10,
      averageValue: '20m',
    });

    await s.advance(285_000 - 15_000);
    expect(s.replicas('web')).toBe(4);
    await s.advance(15_000); // 300 s after the scale-up recommendation
    expect(s.replicas('web')).toBe(1);
    expect(events(s.h, 'SuccessfulRescale').map((e) => e.message)).toContain(
      'New size: 1; reason: All metrics below target',
    );
  });

  it('leaves the count alone while the ratio is within the 0.1 tolerance', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 108; // 54% against 50%: ratio 1.08
    await s.h.api.create(hpaRef(), hpa('web'));
    await s.settle();
    await s.advance(30_000);
    expect(s.replicas('web')).toBe(2);
    expect(events(s.h, 'SuccessfulRescale')).toEqual([]);
    expect(s.status('web')).toMatchObject({ currentReplicas: 2, desiredReplicas: 2 });
    expect(s.status('web').lastScaleTime).toBeUndefined();
    expect(condition(s, 'AbleToScale')).toMatchObject({ reason: 'ReadyForNewScale' });
    expect(condition(s, 'ScalingLimited')).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
  });

  it('clamps to maxReplicas with ScalingLimited=True TooManyReplicas', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 200;
    await s.h.api.create(hpaRef(), hpa('web', { maxReplicas: 3 }));
    await s.settle();
    expect(s.replicas('web')).toBe(3);
    expect(condition(s, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
  });

  it('clamps to minReplicas with ScalingLimited=True TooFewReplicas', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 10;
    await s.h.api.create(
      hpaRef(),
      hpa('web', { minReplicas: 2, behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } }),
    );
    await s.settle();
    expect(s.replicas('web')).toBe(2);
    expect(condition(s, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooFewReplicas' });
    expect(events(s.h, 'SuccessfulRescale')).toEqual([]);
  });

  it('scales a target below minReplicas up to it', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 1));
    await s.runAll();
    await s.h.api.create(hpaRef(), hpa('web', { minReplicas: 3 }));
    await s.settle();
    expect(s.replicas('web')).toBe(3);
    expect(events(s.h, 'SuccessfulRescale')[0]?.message).toBe(
      'New size: 3; reason: Current number of replicas below Spec.MinReplicas',
    );
  });

  it('adds at most what the scale-up policy allows per period', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 400; // 4× target: wants 8
    await s.h.api.create(
      hpaRef(),
      hpa('web', { behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }),
    );
    await s.settle();
    expect(s.replicas('web')).toBe(3);
    expect(condition(s, 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    await s.runAll();
    await s.advance(45_000);
    expect(s.replicas('web')).toBe(3);
    await s.advance(15_000);
    expect(s.replicas('web')).toBe(4);
  });

  it('records every rescale in a bounded history with its metric values', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    s.metrics.cpuMillis = 200;
    const t0 = s.h.clock.now();
    await s.h.api.create(hpaRef(), hpa('web'));
    await s.settle();
    expect(s.ctl.history('default', 'web')).toEqual([
      {
        time: t0,
        from: 2,
        to: 4,
        reason: 'cpu resource utilization (percentage of request) above target',
        metrics: [
          {
            metric: 'cpu resource utilization (percentage of request)',
            currentUtilization: 100,
            targetUtilization: 50,
            currentAverageValue: 200,
          },
        ],
      },
    ]);
    expect(s.ctl.history('default', 'other')).toEqual([]);
  });

  it('reports ScalingActive=False FailedGetResourceMetric when no pod has metrics', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.settle(); // pods stay Pending: nothing to measure
    await s.h.api.create(hpaRef(), hpa('web'));
    await s.settle();
    expect(s.replicas('web')).toBe(2);
    expect(condition(s, 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
  });

  it('scales on an AverageValue target (millicores per pod)', async () => {
    const s = await setup();
    await s.h.api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, deployment('web', 2));
    await s.runAll();
    const [a, b] = pods(s.h).map((p) => p.metadata.name!);
    s.metrics.perPod.set(a, 300);
    s.metrics.perPod.set(b, 300);
    s.metrics.cpuMillis = 0;
    await s.h.api.create(
      hpaRef(),
      hpa('web', {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '100m' } } },
        ],
      }),
    );
    await s.settle();
    expect(s.replicas('web')).toBe(6);
    expect(events(s.h, 'SuccessfulRescale')[0]?.message).toBe('New size: 6; reason: cpu resource above target');
  });
});

describe('replica calculator', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const longAgo = rfc3339(now - 10 * 60_000);
  const pod = (name: string, o: { ready?: boolean; startedAgoMs?: number } = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'main', image: 'app:1', resources: { requests: { cpu: '100m' } } }] },
    status: {
      phase: 'Running',
      startTime: o.startedAgoMs === undefined ? longAgo : rfc3339(now - o.startedAgoMs),
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: o.startedAgoMs === undefined ? longAgo : rfc3339(now - o.startedAgoMs),
        },
      ],
    },
  });
  const sample = (podName: string, cpuMillis: number): PodMetricSample => ({
    podName,
    cpuMillis,
    memoryBytes: 0,
    timestamp: now,
  });

  it('counts a pod without metrics as using its full request when scaling down, which can cancel the scale-down', () => {
    const r = resourceUtilizationReplicas(2, 50, 'cpu', [pod('a'), pod('b')], [sample('a', 10)], now);
    // a alone: 10% → 1 replica; with b at 100%: 55%, the direction flips, so keep 2.
    expect(r.replicas).toBe(2);
  });

  it('leaves out the CPU sample of a pod that is still initialising and not ready', () => {
    const r = resourceUtilizationReplicas(
      2,
      50,
      'cpu',
      [pod('a'), pod('b', { ready: false, startedAgoMs: 20_000 })],
      [sample('a', 50), sample('b', 500)],
      now,
    );
    expect(r).toMatchObject({ replicas: 2, utilization: 50 });
  });

  it('scales up in proportion outside the tolerance', () => {
    const r = resourceUtilizationReplicas(
      3,
      50,
      'cpu',
      [pod('a'), pod('b'), pod('c')],
      ['a', 'b', 'c'].map((n) => sample(n, 80)),
      now,
    );
    expect(r).toMatchObject({ replicas: 5, utilization: 80 });
  });
});
