// Following a pod's logs in web mode: open the pod, open its logs, see lines arrive live, search
// and land on a highlighted line, pause (lines keep arriving and are counted) and resume with
// nothing lost. The cluster runs a node agent on the simulated runtime, whose containers print
// rate-modelled log lines, so this needs no Docker.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentLogSource } from '../../src-main/bridge/agent-logs.js';
import { BridgeHandler } from '../../src-main/bridge/handler.js';
import type { SimulatedRuntime } from '../../src-main/engine/runtime/index.js';
import { startCluster, type Cluster } from '../../src-main/server/cluster.js';
import { startWebUi, type WebUi } from '../../src-main/server/web-ui.js';
import { attachWsBridge, type WsBridge } from '../../src-main/server/ws-bridge.js';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { RENDERER_DIR } from './global-setup.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, SCREENSHOTS } from './web-mode.js';

const executablePath = chromiumPathOrSkip();
const NS = 'default';
const LINES_PER_SECOND = 40;

/** A chatty app: mostly info, with warnings, errors and debug lines, and one needle to search for. */
function logLine(n: number): string {
  const at = `2026-11-22T10:00:${String(n % 60).padStart(2, '0')}Z`;
  if (n === 12) return `${at} ERROR payment 4242 declined: card expired`;
  if (n % 11 === 0) return `${at} level=error msg="upstream timeout" route=/api/orders attempt=${n}`;
  if (n % 7 === 0) return `${at} WARN cache miss ratio high (${n % 100}%)`;
  if (n % 5 === 0) return `${at} DEBUG gc pause 0.${n % 9}ms heap=${(n * 37) % 512}MiB`;
  return `${at} INFO GET /api/items/${n} 200 ${(n * 13) % 90}ms`;
}

/** The logs view: its toolbar, search and the virtualised lines. */
class LogsPage {
  constructor(readonly page: Page) {}

  get lines() {
    return this.page.getByRole('log', { name: 'Log lines' });
  }

  line(seq: number) {
    return this.lines.locator(`[data-seq="${seq}"]`);
  }

  async lineCount(): Promise<number> {
    const status = this.page.getByRole('status').filter({ hasText: /[\d,]+ lines/ });
    const text = (await status.first().textContent()) ?? '';
    return Number(/([\d,]+) lines/.exec(text)?.[1].replace(/,/g, '') ?? NaN);
  }

  async search(query: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search the log' }).fill(query);
  }
}

describe.skipIf(!executablePath)('a person follows a pod’s logs (web mode, simulated runtime)', () => {
  let dataDir: string;
  let cluster: Cluster;
  let ui: WebUi;
  let bridge: WsBridge;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;
  let logs: LogsPage;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(path.join(tmpdir(), 'kubedesk-e2e-logs-'));
    cluster = await startCluster({ dataDir, runtime: 'simulated', apiPort: 0 });
    const runtime = cluster.runtime as SimulatedRuntime;
    // No registry is reachable: the sandbox and app images are "already on the node".
    for (const image of ['registry.k8s.io/pause:3.10', 'chatty:1', 'chatty:2']) runtime.addImage(image);
    runtime.setImageBehaviour('chatty', { logLinesPerSecond: LINES_PER_SECOND, logLine });
    ui = await startWebUi({ rendererDir: RENDERER_DIR });
    bridge = attachWsBridge(
      ui,
      new BridgeHandler({ engine: cluster.engine, version: 'e2e', logs: agentLogSource(cluster.agent.io) }),
    );
    await cluster.engine.api.create(
      { group: '', resource: 'pods', namespace: NS },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'shop', namespace: NS, labels: { app: 'shop' } },
        spec: {
          nodeName: cluster.agent.nodeName,
          containers: [
            { name: 'app', image: 'chatty:1' },
            { name: 'sidecar', image: 'chatty:2' },
          ],
        },
      },
    );
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => problems.push(error.message));
    shell = new ShellPage(page);
    logs = new LogsPage(page);
    await shell.login(ui.loginUrl());
  });

  afterAll(async () => {
    await browser?.close();
    bridge?.close();
    await ui?.close();
    await cluster?.stopCluster();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens the logs from the pod’s detail and sees lines arrive live', async () => {
    await shell.chooseNamespace(NS);
    await shell.go('Pods');
    await page.getByRole('main').getByRole('link', { name: 'shop', exact: true }).click();
    await shell.mainHeading('shop').waitFor();
    await page.getByRole('article', { name: 'Container app' }).getByRole('link', { name: 'Logs of app' }).click();
    await page.getByRole('tab', { name: 'Logs', selected: true }).waitFor();
    await logs.lines
      .getByText(/INFO GET \/api\/items\/\d+ 200/)
      .first()
      .waitFor({ timeout: 15_000 });
    const first = await logs.lineCount();
    await expect.poll(() => logs.lineCount(), { timeout: 10_000 }).toBeGreaterThan(first + 10);
    await page.getByText('Following').waitFor();
    // Only the rows in view (plus overscan) are in the DOM.
    await expect(logs.lines.locator('[data-seq]').count()).resolves.toBeLessThan(80);
  });

  it('colours lines by severity', async () => {
    const shown = await logs.lines
      .locator('[data-seq]')
      .evaluateAll((rows) => rows.map((r) => ({ seq: Number((r as HTMLElement).dataset['seq']), cls: r.className })));
    const expected = (seq: number) => {
      const text = logLine(seq + 1);
      return /ERROR|level=error/.test(text)
        ? 'error'
        : / WARN /.test(text)
          ? 'warn'
          : / DEBUG /.test(text)
            ? 'debug'
            : 'info';
    };
    expect(shown.length).toBeGreaterThan(10);
    for (const { seq, cls } of shown) expect(cls.split(' ')).toContain(expected(seq));
  });

  it('searches and lands on the highlighted matching line', async () => {
    await logs.search('payment \\d+ declined');
    await page.getByText('No matches').waitFor();
    await page.getByRole('checkbox', { name: 'Regex' }).check();
    await page.getByText('1 match', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Next match' }).click();
    await page.getByText('1 of 1 match').waitFor();
    const hit = logs.line(11); // n = 12, the needle
    await expect(hit.getAttribute('class')).resolves.toMatch(/\bcurrent\b/);
    await expect(hit.locator('mark').textContent()).resolves.toBe('payment 4242 declined');
    await shell.screenshot('logs');
  });

  it('pauses without losing lines and resumes with all of them', async () => {
    await page.getByRole('button', { name: /Pause/ }).click();
    await page.getByText('Paused', { exact: true }).waitFor();
    const frozen = await logs.lineCount();
    const resume = page.getByRole('button', { name: /new lines? — resume/ });
    await resume.waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => Number(/([\d,]+) new/.exec((await resume.textContent()) ?? '')?.[1]), {
        timeout: 10_000,
      })
      .toBeGreaterThan(20);
    expect(await logs.lineCount()).toBe(frozen);
    await shell.screenshot('logs-paused');
    await resume.click();
    await page.getByRole('button', { name: 'Jump to end' }).click();
    await page.getByText('Following').waitFor();
    const total = await logs.lineCount();
    expect(total).toBeGreaterThan(frozen + 20);
    // Every line arrived once, in order: the newest shown is line number `total`, generated as n = total.
    await expect(logs.line(total - 1).textContent()).resolves.toContain(logLine(total).slice(21));
    const seqs = await logs.lines
      .locator('[data-seq]')
      .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset['seq'])));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it('merges all containers by arrival, each line prefixed with its container', async () => {
    await page.getByRole('combobox', { name: 'Container' }).selectOption({ label: 'All containers' });
    await logs.lines.getByText('[sidecar] ').first().waitFor({ timeout: 10_000 });
    await logs.lines.getByText('[app] ').first().waitFor();
    expect(problems).toEqual([]);
  });

  it('jumps to the pod from the command palette and lists shortcuts with ?', async () => {
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox', { name: 'Go to or run' }).fill('shop');
    await palette.getByRole('option', { name: /^shop/ }).first().waitFor();
    await shell.screenshot('command-palette');
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'Summary', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'shop', level: 2 }).click();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await shell.screenshot('help-overlay');
    await page.keyboard.press('Escape');
  });
});
