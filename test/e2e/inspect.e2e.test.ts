// Understanding what runs (web mode, real Docker): a terminal into a pod where `echo hi` prints hi;
// breaking its readiness endpoint from that terminal turns its probe timeline red and its Ready
// flips; a pod with an impossible nodeSelector shows the scheduler's reasons per node; a CronJob
// run now appears in its history of runs; the node is cordoned (and uncordoned) from the Nodes
// view, and a simulated node is added to and removed from the playground.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests } from '../../src-main/engine/apiserver/apply.js';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { InspectPage } from './pages/inspect-page.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, SCREENSHOTS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();
const NS = 'default';

const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: probed
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: kubedesk-test/busybox:1
      imagePullPolicy: Never
      command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
      readinessProbe:
        httpGet: { path: /cgi-bin/health, port: 8080 }
        periodSeconds: 1
        failureThreshold: 1
---
apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector: { disktype: quantum }
  containers:
    - name: main
      image: kubedesk-test/busybox:1
      imagePullPolicy: Never
      command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: crashy
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: kubedesk-test/busybox:1
      imagePullPolicy: Never
      command: ["sh", "-c", "echo boom: config missing; exit 3"]
---
apiVersion: v1
kind: Pod
metadata:
  name: never-pulled
spec:
  containers:
    - name: main
      image: kubedesk-test/absent:1
      imagePullPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "0 0 1 1 *"
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
            - name: once
              image: kubedesk-test/busybox:1
              imagePullPolicy: Never
              command: ["echo", "done"]
`;

describe.skipIf(!executablePath)('a person inspects pods, jobs and nodes (web mode, Docker)', () => {
  let web: WebMode;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;
  let view: InspectPage;
  let problems: string[];
  let skipReason: string | null = null;

  const needCluster = (ctx: { skip: () => void }) => {
    if (skipReason) {
      console.warn(`*** SKIPPED: ${skipReason}`);
      ctx.skip();
    }
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebMode();
    if (!web.cluster) skipReason = 'no Docker engine, so there is no node agent to run, probe or exec into pods';
    else {
      const results = await applyManifests(web.engine.api, MANIFESTS, { namespace: NS, fieldManager: 'e2e' });
      for (const r of results) if (r.error) throw new Error(`setup failed: ${r.error.message}`);
    }
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    shell = new ShellPage(page);
    view = new InspectPage(page);
    await shell.login(web.ui.loginUrl());
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('opens a terminal into a running pod: echo hi prints hi', async (ctx) => {
    needCluster(ctx);
    await view.openObject('', 'pods', NS, 'probed', 'summary');
    await view.main.getByRole('article', { name: 'Container web' }).getByText('Running').waitFor({ timeout: 30_000 });
    await view.tab('Terminal').click();
    const term = await view.openTerminal('sh');
    await expect.poll(() => view.terminalText(term), { timeout: 15_000 }).toMatch(/[#$] *$/m);
    await view.type(term, 'echo hi');
    await expect.poll(() => view.terminalText(term), { timeout: 10_000 }).toMatch(/^hi\s*$/m);
    // Keystroke to echo on screen, through the WebSocket bridge, the engine and Docker's exec
    // (measured from here, so it includes Playwright's own round trips: an upper bound).
    const line = async () =>
      (await view.terminalText(term))
        .split('\n')
        .filter((l) => l.startsWith('/ #'))
        .at(-1) ?? '';
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const started = performance.now();
      await page.keyboard.type('x');
      await expect.poll(async () => (await line()).trimEnd().endsWith('x'.repeat(i)), { interval: 2 }).toBe(true);
      latencies.push(performance.now() - started);
    }
    await page.keyboard.press('Control+U');
    latencies.sort((a, b) => a - b);
    const median = latencies[10];
    console.log(
      `terminal keystroke → echo: median ${median.toFixed(1)} ms, max ${latencies[19].toFixed(1)} ms (20 keys)`,
    );
    expect(median).toBeLessThan(250);
    // Paste from the clipboard into the session.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((6+1))'));
    await view.main.getByRole('button', { name: 'Paste' }).click();
    await expect.poll(() => line(), { timeout: 10_000 }).toMatch(/echo pasted-\$\(\(6\+1\)\) *$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => view.terminalText(term), { timeout: 10_000 }).toMatch(/^pasted-7\s*$/m);
    // The terminal's size follows the window: the process's `stty size` before and after a resize.
    const sizes = async (): Promise<string[]> =>
      [...(await view.terminalText(term)).matchAll(/^size=(\d+x\d+)\s*$/gm)].map((m) => m[1]);
    const askSize = 'echo size=$(stty size | tr " " x)';
    await view.type(term, askSize);
    await expect.poll(async () => (await sizes()).length, { timeout: 10_000 }).toBe(1);
    const [before] = await sizes();
    const sizeLabel = view.main.getByLabel('Terminal size').last();
    const shown = await sizeLabel.textContent();
    await page.setViewportSize({ width: 1000, height: 700 });
    await expect.poll(() => sizeLabel.textContent()).not.toBe(shown);
    const [cols, rows] = (await sizeLabel.textContent())!.split('×');
    await view.type(term, askSize);
    await expect.poll(async () => (await sizes()).at(-1), { timeout: 10_000 }).toBe(`${rows}x${cols}`);
    expect(`${rows}x${cols}`).not.toBe(before);
    await page.setViewportSize({ width: 1280, height: 860 });
    // A second session in its own tab.
    await view.openTerminal('sh');
    await expect(view.main.getByRole('tab', { name: /web: \/bin\/sh/ }).count()).resolves.toBe(2);
    await shell.screenshot('terminal');
  });

  it('shows the probe timeline: green while healthy, red points and Ready flipping once /tmp/fail exists', async (ctx) => {
    needCluster(ctx);
    await view.tab('Probes').click();
    await expect.poll(() => view.points('web', 'success').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    const article = view.probesOf('web');
    await article.getByText('Ready', { exact: true }).first().waitFor({ timeout: 15_000 });
    await expect(view.probeSummary('web').textContent()).resolves.toMatch(/readiness passing for .* — last: HTTP 200/);

    // Break the health endpoint from a terminal, as a person would.
    await view.tab('Terminal').click();
    const term = view.main.getByRole('application', { name: /^Terminal: / }).last();
    await view.type(term, 'touch /tmp/fail');
    await view.tab('Probes').click();
    await expect.poll(() => view.points('web', 'failure').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const red = await view
      .points('web', 'failure')
      .first()
      .evaluate((c) => getComputedStyle(c).fill);
    expect(red).toMatch(/^rgb\((19[0-9]|2[0-9][0-9]), /); // the --bad colour, red in both themes
    await article.getByText('Not ready', { exact: true }).first().waitFor({ timeout: 15_000 });
    await expect(view.probeSummary('web').textContent()).resolves.toMatch(/readiness failing for .* — last: HTTP 503/);
    await expect(view.timeline('web').locator('[data-marker="not-ready"]').count()).resolves.toBeGreaterThan(0);
    // Hover a red point: its HTTP status and output.
    await view.points('web', 'failure').last().hover();
    await expect(view.main.getByText('failing: /tmp/fail exists').count()).resolves.toBeGreaterThan(0);
    await shell.screenshot('probe-timeline');
    // The same in the dark theme: the tokens switch, failures stay red.
    await page.emulateMedia({ colorScheme: 'dark' });
    const darkRed = await view
      .points('web', 'failure')
      .first()
      .evaluate((c) => getComputedStyle(c).fill);
    expect(darkRed).toBe('rgb(255, 123, 114)');
    await shell.screenshot('probe-timeline-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('ends the terminal sessions with a message when the pod is deleted', async (ctx) => {
    needCluster(ctx);
    await view.tab('Terminal').click();
    await web.engine.api.delete(
      { group: '', resource: 'pods', namespace: NS, name: 'probed' },
      { gracePeriodSeconds: 0 },
    );
    const term = view.main.getByRole('application', { name: /^Terminal: / }).first();
    await expect
      .poll(() => view.terminalText(term), { timeout: 20_000 })
      .toMatch(/── .*(pod was deleted|exited|ended).* ──/);
    await shell.screenshot('terminal-ended');
  });

  it('explains why a pod is Pending: the scheduler’s reasons per node', async (ctx) => {
    needCluster(ctx);
    await view.openObject('', 'pods', NS, 'stuck');
    await view.main.getByRole('heading', { name: 'Why Pending' }).waitFor();
    const table = view.schedulerTable();
    await table.waitFor({ timeout: 15_000 });
    const row = table.getByRole('row').filter({ hasText: 'kubedesk' });
    await expect(row.textContent()).resolves.toMatch(/NodeAffinity.*didn't match Pod's node affinity\/selector/);
    await expect(view.main.getByText(/0\/1 nodes are available/).count()).resolves.toBeGreaterThan(0);
    await shell.screenshot('why-pending');
  });

  it('explains a CrashLoopBackOff: the next restart counts down, the previous logs one click away', async (ctx) => {
    needCluster(ctx);
    await view.openObject('', 'pods', NS, 'crashy');
    const why = view.main.getByRole('region', { name: 'Why container main is waiting' });
    await why.getByText('CrashLoopBackOff').waitFor({ timeout: 40_000 });
    await expect(why.textContent()).resolves.toContain('exit code 3');
    await why
      .getByRole('timer')
      .getByText(/next restart in \d+ s|restarting now/)
      .waitFor();
    await why.getByRole('button', { name: 'Show previous logs' }).click();
    await why.getByText('boom: config missing').waitFor({ timeout: 10_000 });
    await shell.screenshot('crashloop');
  });

  it('says so when the pull policy is Never and the image is absent', async (ctx) => {
    needCluster(ctx);
    await view.openObject('', 'pods', NS, 'never-pulled');
    const why = view.main.getByRole('region', { name: 'Why container main is waiting' });
    await why.getByText('ErrImageNeverPull').waitFor({ timeout: 20_000 });
    await why.getByText(/pull policy is Never and the image kubedesk-test\/absent:1 is absent/).waitFor();
  });

  it('runs a CronJob now and sees the Job in its runs, completing', async (ctx) => {
    needCluster(ctx);
    await view.openObject('batch', 'cronjobs', NS, 'tick');
    await view.main.getByText('No runs yet.').waitFor();
    await view.main.getByRole('button', { name: 'Run now' }).click();
    const runs = view.runs('tick');
    await runs.waitFor();
    const row = runs.getByRole('row').filter({ hasText: /tick-manual-/ });
    await expect(row.getByText('manual', { exact: true }).count()).resolves.toBe(1);
    await row.getByRole('cell', { name: 'Complete' }).waitFor({ timeout: 45_000 });
    await expect(row.textContent()).resolves.toContain('1/1');
    // The Job itself: its completions and its pod, Succeeded.
    const jobName = (await row.getByRole('link').first().textContent())!.trim();
    await row.getByRole('link', { name: jobName }).click();
    await shell.mainHeading(jobName).waitFor();
    const completions = view.main.getByRole('progressbar', { name: 'Completions' });
    await expect(completions.getAttribute('value')).resolves.toBe('1');
    await expect(completions.getAttribute('max')).resolves.toBe('1');
    const jobPods = view.main.getByRole('table', { name: `Pods of ${jobName}` });
    await jobPods.getByRole('cell', { name: 'Succeeded' }).waitFor({ timeout: 15_000 });
    await shell.screenshot('job-detail');
    await page.goBack();
    await view.main.getByRole('heading', { level: 2, name: 'tick', exact: true }).waitFor();
    await view.main.getByRole('button', { name: 'Suspend' }).click();
    await view.main.getByRole('button', { name: 'Resume' }).waitFor();
    await view.main.getByText('Suspended', { exact: true }).waitFor();
    await shell.screenshot('cronjob-runs');
  });

  it('cordons and uncordons the node, and adds and removes a simulated node (playground)', async (ctx) => {
    needCluster(ctx);
    await shell.navigation.getByRole('link', { name: 'Nodes & playground' }).click();
    await shell.mainHeading('Nodes').waitFor();
    const node = view.node('kubedesk');
    await node.waitFor();
    await node.getByRole('meter', { name: 'cpu requested of allocatable' }).waitFor();
    await node.getByRole('button', { name: 'Cordon' }).click();
    await node.getByText('SchedulingDisabled').waitFor();
    const stored = await web.engine.api.get({ group: '', resource: 'nodes', name: 'kubedesk' });
    expect((stored.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    await shell.screenshot('nodes-cordoned');
    await node.getByRole('button', { name: 'Uncordon' }).click();
    await node.getByRole('button', { name: 'Cordon' }).waitFor();

    const form = view.main.getByRole('form', { name: 'Add a simulated node' });
    await form.getByRole('textbox', { name: 'Name' }).fill('sim-e2e');
    await form.getByRole('textbox', { name: 'Taint' }).fill('dedicated=play:NoSchedule');
    await form.getByRole('button', { name: 'Add node' }).click();
    const sim = view.node('sim-e2e');
    await sim.getByText('Ready', { exact: true }).waitFor({ timeout: 20_000 });
    await sim.getByText('dedicated=play:NoSchedule').waitFor();
    await shell.screenshot('nodes-playground');
    await sim.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await sim.waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('drains a node from its page, with confirmation: its pods are evicted', async (ctx) => {
    needCluster(ctx);
    await view.node('kubedesk').getByRole('link', { name: 'kubedesk' }).click();
    await shell.mainHeading('kubedesk').waitFor();
    const node = view.node('kubedesk');
    const pods = node.getByRole('table', { name: 'Pods on kubedesk' });
    await pods.getByRole('link', { name: 'crashy' }).waitFor();
    await shell.screenshot('node-detail');
    await node.getByRole('button', { name: 'Drain' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Drain node kubedesk?' }).waitFor();
    await expect(dialog.textContent()).resolves.toContain('default/crashy');
    await dialog.getByRole('button', { name: 'Drain' }).click();
    await node.getByText(/Drained: \d+ pod\(s\) evicted/).waitFor({ timeout: 20_000 });
    await node.getByText('SchedulingDisabled').waitFor();
    await pods.getByRole('link', { name: 'crashy' }).waitFor({ state: 'detached', timeout: 20_000 });
    await node.getByRole('button', { name: 'Uncordon' }).click();
    await node.getByRole('button', { name: 'Cordon' }).waitFor();
  });

  it('raised no page errors', () => {
    expect(problems).toEqual([]);
  });
});
