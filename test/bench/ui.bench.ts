// Issue 6 numbers, in Chromium against web mode: the Pods list with 10,000 pods while 100 pods/s
// change status — first paint, filter keystroke → update, and long tasks while scrolling.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src-main/engine/index.js';
import { BridgeHandler } from '../../src-main/bridge/handler.js';
import { startWebUi } from '../../src-main/server/web-ui.js';
import { attachWsBridge } from '../../src-main/server/ws-bridge.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { BENCH_CHROMIUM, launchBenchBrowser, usedHeapMiB } from './browser.js';
import { report, percentile } from './report.js';

const N = 10_000;

export async function benchUi(): Promise<void> {
  console.log('\n## Pods list in Chromium, 10,000 pods, 100 status changes/s (issue 6)');
  if (!BENCH_CHROMIUM || !existsSync('out/renderer/index.html')) {
    console.log('  SKIPPED: needs Chromium and a built renderer (npm run build)');
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-ui-'));
  const engine = await Engine.start({ dataDir: dir, historySize: 50_000 });
  const ref = { group: '', resource: 'pods', namespace: 'default' };
  for (let i = 0; i < N; i += 500) {
    await Promise.all(
      Array.from({ length: 500 }, (_, k) =>
        engine.api.create(ref, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `pod-${String(i + k).padStart(5, '0')}`, labels: { app: `a${(i + k) % 20}` } },
          spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
        } as KubeObject),
      ),
    );
  }
  const ui = await startWebUi({ rendererDir: 'out/renderer' });
  const bridge = attachWsBridge(ui, new BridgeHandler({ engine, version: 'bench' }));
  const browser = await launchBenchBrowser();
  // 100 status changes per second for the whole measurement.
  let churn = true;
  let n = 0;
  const churner = (async () => {
    while (churn) {
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, () => {
          const name = `pod-${String(n++ % N).padStart(5, '0')}`;
          return engine.api
            .patch({ ...ref, name, subresource: 'status' }, 'merge', {
              status: { phase: n % 2 ? 'Running' : 'Pending' },
            })
            .catch(() => undefined);
        }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t))));
    }
  })();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(ui.loginUrl());
    await page.getByRole('navigation').waitFor();
    await page.evaluate(() => {
      (window as unknown as { __long: number[] }).__long = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) (window as unknown as { __long: number[] }).__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const t0 = performance.now();
    await page.getByRole('navigation').getByRole('link', { name: 'Pods', exact: true }).click();
    await page.getByRole('link', { name: 'pod-00000', exact: true }).waitFor({ timeout: 60_000 });
    const firstPaint = performance.now() - t0;

    // Baseline, same run: the bridge's first SYNC of the same list reaching the page and parsed,
    // with nothing rendered — the transport floor under first paint. Whole objects for comparison.
    const syncMs = (summary: boolean) =>
      page.evaluate(async (summary) => {
        const ws = new WebSocket(`ws://${location.host}/api/ws`);
        await new Promise((r) => (ws.onopen = r));
        const t = performance.now();
        const done = new Promise<number>((resolve) => {
          ws.onmessage = (e) => {
            const data = JSON.parse(String(e.data)) as { subscription?: { message?: { type?: string } } };
            if (data.subscription?.message?.type === 'SYNC') resolve(performance.now() - t);
          };
        });
        ws.send(
          JSON.stringify({
            id: 1,
            channel: 'kubedesk:subscribe',
            args: {
              id: 'bench',
              topic: 'watch',
              args: { ref: { group: '', resource: 'pods', namespace: 'default' }, summary },
            },
          }),
        );
        const ms = await done;
        ws.close();
        return ms;
      }, summary);

    const filterTimes: number[] = [];
    const box = page.getByRole('searchbox', { name: /Filter .* by text/ });
    for (const [text, expect] of [
      ['pod-0999', 'pod-09999'],
      ['pod-0500', 'pod-05000'],
      ['pod-0123', 'pod-01234'],
      ['', 'pod-00000'],
    ] as const) {
      const t = performance.now();
      await box.fill(text);
      await page.getByRole('link', { name: expect, exact: true }).waitFor();
      filterTimes.push(performance.now() - t);
    }
    await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
    const table = page.getByRole('main').getByRole('table').first();
    await table.hover();
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 1500);
      await page.waitForTimeout(50);
    }
    const longTasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const heap = await usedHeapMiB(page);
    const syncSummary = await syncMs(true);
    const syncWhole = await syncMs(false);
    report({
      name: 'Pods list first paint with 10,000 pods (click → first row shown)',
      value: firstPaint,
      unit: 'ms',
      baseline: { name: 'the bridge SYNC of the same list reaching the page, nothing rendered', value: syncSummary },
      target: { text: '≤ 500 ms', met: firstPaint <= 500 },
    });
    report({
      name: 'bridge SYNC of the list with whole objects (what rows carried before summaries)',
      value: syncWhole,
      unit: 'ms',
      baseline: { name: 'with summary rows', value: syncSummary },
    });
    report({
      name: 'filter keystroke → list updated, p50 / max',
      value: percentile(filterTimes, 50),
      unit: 'ms',
      target: { text: '≤ 100 ms', met: Math.max(...filterTimes) <= 100 },
    });
    report({
      name: `scrolling 60,000 px: long tasks over 50 ms (${longTasks.length} long tasks, longest ${Math.round(Math.max(0, ...longTasks))} ms)`,
      value: longTasks.filter((d) => d > 50).length,
      unit: 'long tasks',
      target: { text: 'none over 50 ms', met: longTasks.every((d) => d <= 50) },
    });
    report({ name: 'renderer JS heap with 10,000 pods listed', value: heap, unit: 'MiB' });
    report({
      name: 'main-process RSS with 10,000 pods and one UI session',
      value: process.memoryUsage().rss / 1024 / 1024,
      unit: 'MiB',
    });
  } finally {
    churn = false;
    await churner;
    await browser.close();
    bridge.close();
    await ui.close();
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
