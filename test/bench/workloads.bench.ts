// Issue 7 numbers, in Chromium against web mode on the simulated runtime (`npm run bench -- workloads`):
//  1. the Scaling view with 200 pods: every chart redraws at least once per second, no long task
//     over 50 ms (baseline: the same view on a 1-pod workload, same run);
//  2. a 50-replica rollout in the Rollout view: how far the status text shown lags the engine's
//     status (baseline: the same status reaching an in-process bridge watch, no browser).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BridgeHandler } from '../../src-main/bridge/handler.js';
import { agentLogSource } from '../../src-main/bridge/agent-logs.js';
import { clusterWorkloadSource } from '../../src-main/bridge/workload-source.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import { startWebUi } from '../../src-main/server/web-ui.js';
import { attachWsBridge } from '../../src-main/server/ws-bridge.js';
import { rolloutStatus } from '../../src-renderer/src/lib/rollout/status.js';
import { BENCH_CHROMIUM, launchBenchBrowser } from './browser.js';
import { percentile, report } from './report.js';

const deployments = { group: 'apps', resource: 'deployments', namespace: 'default' };

function deployment(name: string, replicas: number, image = 'app:v1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image, command: ['sleep', 'infinity'], resources: { requests: { cpu: '10m' } } }],
        },
      },
    },
  } as KubeObject;
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function available(cluster: Cluster, name: string, n: number): Promise<void> {
  await until(`${name} to have ${n} available replicas`, async () => {
    const d = await cluster.engine.api.get({ ...deployments, name });
    const s = (d.status ?? {}) as { availableReplicas?: number; updatedReplicas?: number; replicas?: number };
    return s.availableReplicas === n && s.updatedReplicas === n && s.replicas === n;
  });
}

/** Counts canvas redraws (Chart.js clears the canvas before each draw) and long tasks. */
const INSTRUMENT = () => {
  const w = window as unknown as { __draws: Map<HTMLCanvasElement, number[]>; __long: number[] };
  w.__draws = new Map();
  w.__long = [];
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (...args: [number, number, number, number]) {
    const list = w.__draws.get(this.canvas) ?? [];
    list.push(performance.now());
    w.__draws.set(this.canvas, list);
    return clear.apply(this, args);
  };
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) w.__long.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
};

interface ChartWindow {
  charts: number;
  /** Over all charts: the longest gap between two redraws of one chart, ms. */
  maxGap: number;
  /** Redraws per second, the slowest chart. */
  minRate: number;
  longTasks: number[];
}

async function watchCharts(page: Page, seconds: number): Promise<ChartWindow> {
  await page.evaluate(() => {
    const w = window as unknown as { __draws: Map<HTMLCanvasElement, number[]>; __long: number[] };
    w.__draws.clear();
    w.__long = [];
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(seconds * 1000);
  return page.evaluate(
    ({ t0, seconds }) => {
      const w = window as unknown as { __draws: Map<HTMLCanvasElement, number[]>; __long: number[] };
      const now = performance.now();
      let maxGap = 0;
      let minRate = Infinity;
      for (const times of w.__draws.values()) {
        const pts = [t0, ...times, now];
        for (let i = 1; i < pts.length; i++) maxGap = Math.max(maxGap, pts[i] - pts[i - 1]);
        minRate = Math.min(minRate, times.length / seconds);
      }
      return { charts: w.__draws.size, maxGap, minRate, longTasks: [...w.__long] };
    },
    { t0, seconds },
  );
}

export async function benchWorkloads(): Promise<void> {
  console.log('\n## Workload dashboards in Chromium, simulated runtime (issue 7)');
  if (!BENCH_CHROMIUM || !existsSync('out/renderer/index.html')) {
    console.log('  SKIPPED: needs Chromium and a built renderer (npm run build)');
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-workloads-'));
  const cluster = await startCluster({ dataDir: dir, runtime: 'simulated', apiPort: 0, simulatedNodes: 3 });
  const ui = await startWebUi({ rendererDir: 'out/renderer' });
  const handler = new BridgeHandler({
    engine: cluster.engine,
    version: 'bench',
    logs: agentLogSource(cluster.agent.io),
    workloads: clusterWorkloadSource(cluster),
  });
  const bridge = attachWsBridge(ui, handler);
  const browser = await launchBenchBrowser();
  const api = cluster.engine.api;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(INSTRUMENT);
    await page.goto(ui.loginUrl());
    await page.getByRole('navigation').waitFor();
    const base = page.url().replace(/#.*$/, '');

    // ---- 1. charts with 200 pods (baseline: 1 pod) ----
    {
      await api.create(deployments, deployment('one', 1));
      await api.create(deployments, deployment('load', 200));
      await api.create({ group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: 'default' }, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'load' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'load' },
          minReplicas: 200,
          maxReplicas: 200,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          ],
        },
      } as KubeObject);
      await available(cluster, 'one', 1);
      await available(cluster, 'load', 200);

      await page.goto(`${base}#/object/apps/deployments/default/one/scaling`);
      await page.getByRole('img', { name: /Replicas now: desired 1/ }).waitFor();
      await page.waitForTimeout(3000);
      const small = await watchCharts(page, 10);

      await page.goto(`${base}#/object/apps/deployments/default/load/scaling`);
      await page.getByRole('img', { name: /Replicas now: desired 200/ }).waitFor({ timeout: 60_000 });
      await page
        .getByRole('img', { name: /CPU: \d+m in total over 200 pods/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await page.waitForTimeout(3000);
      // Keep the workload moving meanwhile: one pod replaced every second.
      let churn = true;
      const churner = (async () => {
        while (churn) {
          const pods = await api.list(
            { group: '', resource: 'pods', namespace: 'default' },
            { labelSelector: 'app=load' },
          );
          const victim = pods.items[Math.floor(Math.random() * pods.items.length)];
          if (victim)
            await api.delete({ group: '', resource: 'pods', namespace: 'default', name: victim.metadata.name });
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
      const big = await watchCharts(page, 15);
      churn = false;
      await churner;
      await page.screenshot({ path: 'test-results/bench-scaling-200.png' });
      const over50 = big.longTasks.filter((d) => d > 50);
      report({
        name: `Scaling view, 200 pods: slowest chart's redraws per second (${big.charts} charts, longest gap ${Math.round(big.maxGap)} ms)`,
        value: big.minRate,
        unit: 'redraws/s',
        baseline: { name: '1-pod workload', value: small.minRate },
        target: { text: '≥ 1 per second, no gap over 1 s', met: big.minRate >= 1 && big.maxGap <= 1100 },
      });
      report({
        name: `Scaling view, 200 pods, one pod replaced per second: long tasks over 50 ms in 15 s (longest ${Math.round(Math.max(0, ...big.longTasks))} ms)`,
        value: over50.length,
        unit: 'long tasks',
        baseline: { name: '1-pod workload', value: small.longTasks.filter((d) => d > 50).length },
        target: { text: 'none over 50 ms', met: over50.length === 0 },
      });

      await api.delete({ ...deployments, name: 'load' });
    }
    // ---- 2. a 50-replica rollout, live ----
    const roll = deployment('roll', 50);
    // Five new pods at a time, none unavailable, each counted available after 1 s: ten steps over
    // several seconds, so the UI has many intermediate states to keep up with.
    Object.assign(roll.spec as object, {
      minReadySeconds: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 5, maxUnavailable: 0 } },
    });
    await api.create(deployments, roll);
    await available(cluster, 'roll', 50);
    await page.goto(`${base}#/object/apps/deployments/default/roll/rollout`);
    const output = page.getByRole('status', { name: 'Rollout status text' });
    await output.filter({ hasText: 'successfully rolled out' }).waitFor({ timeout: 60_000 });
    await page.evaluate(() => {
      const w = window as unknown as { __shown: { t: number; text: string }[] };
      w.__shown = [];
      const el = document.querySelector('output[aria-label="Rollout status text"]')!;
      new MutationObserver(() => w.__shown.push({ t: Date.now(), text: el.textContent ?? '' })).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    // What the engine says, when: every change of the Deployment's rollout status message.
    const engineSeen: { t: number; text: string }[] = [];
    const bridgeSeen: { t: number; text: string }[] = [];
    const stopWatch = cluster.engine.store.watch('apps/deployments', cluster.engine.store.resourceVersion, {}, (e) => {
      if (e.object.metadata.name !== 'roll') return;
      const text = rolloutStatus(e.object).message;
      if (engineSeen.at(-1)?.text !== text) engineSeen.push({ t: Date.now(), text });
    });
    // Baseline: the same statuses reaching a bridge session in this process (no browser, no DOM).
    const session = handler.openSession((m) => {
      if (!('message' in m) || !('changes' in m.message)) return;
      for (const c of m.message.changes) {
        const text = rolloutStatus(c.row.object).message;
        if (bridgeSeen.at(-1)?.text !== text) bridgeSeen.push({ t: Date.now(), text });
      }
    });
    await session.open({
      id: 'bench',
      topic: 'watch',
      args: { ref: { ...deployments, name: 'roll' } },
    });
    // A copy: ApiServer.get hands out the stored object itself (mutating it would change the store
    // behind the write path, and the update would then look like no change at all).
    const current = structuredClone(await api.get({ ...deployments, name: 'roll' }));
    const spec = current.spec as { template: { spec: { containers: { image: string }[] } } };
    spec.template.spec.containers[0].image = 'app:v2';
    await api.update({ ...deployments, name: 'roll' }, current);
    await until('the 50-replica rollout', async () => {
      const d = await api.get({ ...deployments, name: 'roll' });
      return (
        rolloutStatus(d).done &&
        (d.metadata.generation ?? 0) <= ((d.status as { observedGeneration?: number })?.observedGeneration ?? 0)
      );
    });
    await output.filter({ hasText: 'successfully rolled out' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    stopWatch();
    session.dispose();
    const shown = await page.evaluate(() => (window as unknown as { __shown: { t: number; text: string }[] }).__shown);
    await page.screenshot({ path: 'test-results/bench-rollout-50.png' });
    const uiLag = lags(engineSeen, shown);
    const duration = (engineSeen.at(-1)?.t ?? 0) - (engineSeen[0]?.t ?? 0);
    const bridgeLag = lags(engineSeen, bridgeSeen);
    report({
      name: `50-replica rollout over ${(duration / 1000).toFixed(1)} s: UI status behind the engine, max (p50 ${Math.round(percentile(uiLag, 50))} ms, ${engineSeen.length} engine states, ${new Set(shown.map((s) => s.text)).size} shown)`,
      value: Math.max(0, ...uiLag),
      unit: 'ms',
      baseline: { name: 'in-process bridge watch, max', value: Math.max(0, ...bridgeLag) },
      target: { text: '≤ 1000 ms', met: Math.max(0, ...uiLag) <= 1000 },
    });
    if (errors.length) console.log(`  page errors: ${[...new Set(errors)].join(' | ')}`);
  } finally {
    await browser.close();
    bridge.close();
    await ui.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * For each engine state i (time t_i), how long until the observer showed state i or a later one.
 * An observed text maps to the latest engine state with that text at or before it was seen.
 */
function lags(engine: { t: number; text: string }[], observed: { t: number; text: string }[]): number[] {
  const index = (o: { t: number; text: string }) => {
    for (let j = engine.length - 1; j >= 0; j--) if (engine[j].text === o.text && engine[j].t <= o.t + 5) return j;
    return -1;
  };
  const seen = observed.map((o) => ({ t: o.t, j: index(o) }));
  return engine.map((e, i) => {
    const first = seen.find((s) => s.j >= i && s.t >= e.t - 5);
    return first ? Math.max(0, first.t - e.t) : Infinity;
  });
}
