// Issue 6 numbers for the log view, in Chromium against web mode: 1,000,000 lines appended at
// 10,000 lines/s with follow on. Checks that every line arrives in order (none dropped), counts long
// tasks over 50 ms while the lines stream in, and reports the renderer heap beside the idle UI's
// heap and the size of the lines themselves.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src-main/engine/index.js';
import { BridgeHandler } from '../../src-main/bridge/handler.js';
import type { LogSource } from '../../src-main/bridge/session.js';
import { startWebUi } from '../../src-main/server/web-ui.js';
import { attachWsBridge } from '../../src-main/server/ws-bridge.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';
import { BENCH_CHROMIUM, launchBenchBrowser, usedHeapMiB } from './browser.js';
import { report } from './report.js';

const TOTAL = Number(process.env.KUBEDESK_BENCH_LOG_LINES ?? 1_000_000);
const PER_SECOND = 10_000;
const TICK_MS = 50;

/** Line n (1-based) of the synthetic log: numbered so the page can check order, mixed severities. */
function line(n: number): string {
  const level = n % 13 === 0 ? 'ERROR' : n % 7 === 0 ? 'WARN' : 'INFO';
  return `2026-11-22T10:00:00.000Z ${level} line ${n} GET /api/items/${n % 997} 200 ${(n * 13) % 90}ms`;
}

/** Emits TOTAL lines at PER_SECOND, paced by the wall clock, then ends the stream. */
function pacedSource(progress: { sent: number; done: number }): LogSource {
  return {
    async stream(_request, onLines, signal) {
      const start = performance.now();
      while (progress.sent < TOTAL && !signal.aborted) {
        const due = Math.min(TOTAL, Math.floor(((performance.now() - start) / 1000) * PER_SECOND));
        if (due > progress.sent) {
          const lines: string[] = [];
          for (let n = progress.sent + 1; n <= due; n++) lines.push(line(n));
          progress.sent = due;
          onLines({ lines });
        }
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
      progress.done = performance.now() - start;
    },
  };
}

export async function benchLogsView(): Promise<void> {
  console.log(
    `\n## Log view in Chromium: ${TOTAL.toLocaleString()} lines at ${PER_SECOND.toLocaleString()} lines/s (issue 6)`,
  );
  if (!BENCH_CHROMIUM || !existsSync('out/renderer/index.html')) {
    console.log('  SKIPPED: needs Chromium and a built renderer (npm run build)');
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-logs-'));
  const engine = await Engine.start({ dataDir: dir });
  const ref = { group: '', resource: 'pods', namespace: 'default' };
  await engine.api.create(ref, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'chatty' },
    spec: { nodeName: 'bench', containers: [{ name: 'app', image: 'chatty:1' }] },
  } as KubeObject);
  const startedAt = new Date().toISOString();
  await engine.api.patch({ ...ref, name: 'chatty', subresource: 'status' }, 'merge', {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: 'chatty:1',
          imageID: 'sim://chatty:1',
          containerID: 'sim://chatty-app-1',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt } },
        },
      ],
    },
  });
  const progress = { sent: 0, done: 0 };
  const ui = await startWebUi({ rendererDir: 'out/renderer' });
  const bridge = attachWsBridge(ui, new BridgeHandler({ engine, version: 'bench', logs: pacedSource(progress) }));
  const browser = await launchBenchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(ui.loginUrl());
    await page.getByRole('navigation').waitFor();
    const idleHeap = await usedHeapMiB(page);
    await page.evaluate(() => (location.hash = '#/object/core/pods/default/chatty/logs'));
    const log = page.getByRole('log', { name: 'Log lines' });
    await log.waitFor({ timeout: 30_000 });
    // Long tasks from here on: the view is open and following while lines stream in.
    await page.evaluate(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });

    // Wait for the stream to finish, then for the page to show every line.
    const status = page.getByRole('status').filter({ hasText: /[\d,]+ lines/ });
    const shownCount = async () =>
      Number(/([\d,]+) lines/.exec((await status.first().textContent()) ?? '')?.[1].replace(/,/g, '') ?? NaN);
    const deadline = Date.now() + (TOTAL / PER_SECOND) * 1000 + 60_000;
    while ((progress.done === 0 || (await shownCount()) < TOTAL) && Date.now() < deadline) {
      await page.waitForTimeout(500);
    }
    const shown = await shownCount();
    const longTasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const droppedText = await page.getByText(/older lines dropped/).count();
    // Following: the last lines on screen are the last lines sent, each in its place.
    const visible = await log
      .locator('[data-seq]')
      .evaluateAll((els) => els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), text: e.textContent ?? '' })));
    const inOrder = visible.every(({ seq, text }) => text.includes(`line ${seq + 1} `));
    const lastShown = Math.max(...visible.map((v) => v.seq)) + 1;
    const heap = await usedHeapMiB(page);
    const linesMiB =
      (Array.from({ length: 1000 }, (_, i) => line(i + 1).length).reduce((a, b) => a + b) * TOTAL) / 1000 / 1024 / 1024;

    if (!inOrder || lastShown !== TOTAL) {
      console.log(
        `  on screen at the end: lines ${visible[0]?.seq + 1}–${lastShown}, first text "${visible[0]?.text}"`,
      );
    }
    report({
      name: `lines shown after the stream (sent ${progress.sent.toLocaleString()} in ${(progress.done / 1000).toFixed(1)} s)`,
      value: shown,
      unit: 'lines',
      target: {
        text: `all ${TOTAL.toLocaleString()}, in order, none dropped`,
        met: shown === TOTAL && droppedText === 0 && inOrder && lastShown === TOTAL,
      },
    });
    report({
      name: `long tasks over 50 ms while following (${longTasks.length} long tasks, longest ${Math.round(Math.max(0, ...longTasks))} ms)`,
      value: longTasks.filter((d) => d > 50).length,
      unit: 'long tasks',
      target: { text: 'none over 50 ms', met: longTasks.every((d) => d <= 50) },
    });
    report({
      name: `renderer JS heap holding ${TOTAL.toLocaleString()} lines (their text alone: ${linesMiB.toFixed(0)} MiB)`,
      value: heap,
      unit: 'MiB',
      baseline: { name: 'the same page idle, before opening the logs', value: idleHeap },
    });
  } finally {
    await browser.close();
    bridge.close();
    await ui.close();
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
