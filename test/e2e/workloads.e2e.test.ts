// Issue 7's dashboards through a person's hands, on a real engine with real Docker: deploy from the
// form (with a Service and an HPA), roll to a new image, compare the two revisions, pause and
// resume, undo to revision 1 and see the old image back, manage the HPA, and scale 1 → 3 while the
// replica chart rises. Screenshots of each view are kept.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensureTestImage } from '../fixtures/images.js';
import { DeployPage, type DeployInput } from './pages/deploy-page.js';
import { RolloutPage } from './pages/rollout-page.js';
import { ScalingPage } from './pages/scaling-page.js';
import { YamlEditorPage } from './pages/yaml-editor.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, SCREENSHOTS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();
const V1 = 'kubedesk-test/busybox:1';
const V2 = 'kubedesk-test/busybox:2';
const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'shop' };

const input = (image: string, changeCause: string): DeployInput => ({
  image,
  name: 'shop',
  namespace: 'default',
  pullPolicy: 'Never',
  command: 'httpd -f -p 8080 -h /www',
  port: 8080,
  changeCause,
  resourcePreset: 'small',
  readiness: { path: '/cgi-bin/health', port: 8080 },
  service: true,
  hpa: { min: 1, max: 3, cpu: 80 },
});

describe.skipIf(!executablePath)('a person deploys, rolls out, rolls back and scales (web mode)', () => {
  let web: WebMode;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;
  let rollout: RolloutPage;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebMode();
    const docker = await dockerOrSkip();
    if (docker) await ensureTestImage(docker, V2);
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    shell = new ShellPage(page);
    rollout = new RolloutPage(page);
    await shell.login(web.ui.loginUrl());
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  const needsCluster = () => {
    if (!web.cluster) {
      console.warn('SKIPPED: no Docker engine, so pods never run and rollouts never finish');
      return false;
    }
    return true;
  };

  it('deploys from the form with a Service and an HPA, the YAML following the form, and lands on the rollout', async () => {
    const form = new DeployPage(page);
    await form.open();
    await form.fill(input(V1, 'first version'));
    // Local images are suggested as the image is typed.
    await expect(page.locator(`datalist#local-images option[value="${V1}"]`).count()).resolves.toBe(1);
    const yaml = await form.preview().textContent();
    expect(yaml).toContain('kind: HorizontalPodAutoscaler');
    expect(yaml).toContain('kind: Service');
    expect(yaml).toContain(`image: ${V1}`);
    expect(yaml).toContain('path: /cgi-bin/health');
    await shell.screenshot('deploy-form');
    await form.deploy();
    await page.waitForURL(/#\/object\/apps\/deployments\/default\/shop\/rollout$/);
    await shell.mainHeading('shop').waitFor();
    const svc = await web.engine.api.get({ group: '', resource: 'services', namespace: 'default', name: 'shop' });
    expect((svc.spec as { ports: { port: number; targetPort: number }[] }).ports).toEqual([
      expect.objectContaining({ port: 80, targetPort: 8080 }),
    ]);
    await web.engine.api.get({
      group: 'autoscaling',
      resource: 'horizontalpodautoscalers',
      namespace: 'default',
      name: 'shop',
    });
    if (!needsCluster()) return;
    await rollout.waitForStatus('deployment "shop" successfully rolled out');
    await shell.screenshot('rollout-first');
  });

  it('shows a field error from the server at the field, changing nothing', async () => {
    const form = new DeployPage(page);
    await form.open();
    await form.fill({ ...input(V1, 'bad'), name: 'Bad_Name', hpa: undefined, service: false });
    // The YAML is editable too, and the form follows it.
    const editor = new YamlEditorPage(page, 'Deployment YAML');
    await editor.replace((await editor.text()).replace('replicas: 1', 'replicas: 2'));
    await expect(form.form.getByRole('spinbutton', { name: 'Replicas' }).inputValue()).resolves.toBe('2');
    await form.deploy();
    const error = page.getByRole('alert').filter({ hasText: 'metadata.name' });
    await error.waitFor();
    const nameBox = form.form.getByRole('textbox', { name: 'Name', exact: true });
    await expect(nameBox.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(nameBox.getAttribute('aria-describedby')).resolves.toBe('err-name');
    await shell.screenshot('deploy-form-field-error');
  });

  it('rolls to a new image and shows two revisions and their diff', async () => {
    if (!needsCluster()) return;
    const form = new DeployPage(page);
    await form.open();
    await form.fill(input(V2, 'second version'));
    await form.deploy();
    await page.waitForURL(/\/rollout$/);
    await rollout.waitForStatus('deployment "shop" successfully rolled out');
    await rollout.revisionRow(2).waitFor();
    await expect(rollout.revisionRow(1).textContent()).resolves.toContain('first version');
    await expect(rollout.revisionRow(2).textContent()).resolves.toContain(V2);
    const diff = rollout.diff(1, 2);
    await diff.waitFor();
    await expect(diff.getByRole('list', { name: 'Changed fields' }).textContent()).resolves.toMatch(
      /spec\.containers\[shop\]\.image.*busybox:1.*busybox:2/s,
    );
    await shell.screenshot('rollout-diff');
  });

  it('pauses and resumes the rollout with confirmation', async () => {
    if (!needsCluster()) return;
    await rollout.act('Pause', 'Pause');
    await page.getByRole('main').getByText('Paused', { exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Undo' }).isDisabled()).resolves.toBe(true);
    expect(((await web.engine.api.get(ref)).spec as { paused?: boolean }).paused).toBe(true);
    await shell.screenshot('rollout-paused');
    await rollout.act('Resume', 'Resume');
    await page.getByRole('main').getByRole('button', { name: 'Pause', exact: true }).waitFor();
    expect(((await web.engine.api.get(ref)).spec as { paused?: boolean }).paused).toBe(false);
  });

  it('undoes to revision 1 and the old image is back', async () => {
    if (!needsCluster()) return;
    await rollout.act(page.getByRole('button', { name: 'Roll back to revision 1' }), 'Roll back');
    await page.getByText('deployment.apps/shop rolled back').waitFor();
    await rollout.revisionRow(3).waitFor();
    await expect(rollout.revisionRow(3).textContent()).resolves.toMatch(
      /current.*\(was 1\).*first version.*busybox:1/s,
    );
    await rollout.waitForStatus('deployment "shop" successfully rolled out');
    const d = await web.engine.api.get(ref);
    expect(JSON.stringify(d.spec)).toContain(V1);
    await page.getByRole('progressbar', { name: /\(new\): 1 of 1 ready/ }).waitFor();
    await expect(page.getByRole('main').getByText(`revision 3 · new · ${V1}`).isVisible()).resolves.toBe(true);
    await page.getByRole('list').filter({ hasText: 'ScalingReplicaSet' }).first().waitFor();
    await shell.screenshot('rollout-undone');
  });

  it('edits and deletes the HPA, then scales from 1 to 3 and the chart rises', async () => {
    if (!needsCluster()) return;
    await page.getByRole('tab', { name: 'Scaling' }).click();
    const scaling = new ScalingPage(page);
    await scaling.hpa.getByText('1 to 3 replicas').waitFor();
    await scaling.replicaChart(/Replicas now: desired 1, current 1, ready 1, available 1/).waitFor();
    await scaling.hpa.getByRole('button', { name: 'Edit HPA' }).click();
    await scaling.hpa.getByRole('spinbutton', { name: 'Max replicas' }).fill('5');
    await scaling.hpa.getByRole('button', { name: 'Save HPA' }).click();
    await scaling.hpa.getByText('1 to 5 replicas').waitFor();
    await shell.screenshot('scaling-hpa');
    await scaling.hpa.getByRole('button', { name: 'Delete HPA' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await scaling.hpa.getByRole('button', { name: 'Add HPA' }).waitFor();

    await scaling.scaleTo(3);
    await scaling.replicaChart(/Replicas now: desired 3/).waitFor();
    await scaling
      .replicaChart(/Replicas now: desired 3, current 3, ready 3, available 3/)
      .waitFor({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        await shell.screenshot('scaling-chart-failed');
        throw e;
      });
    // The chart's own data: the desired line went from 1 to 3.
    const desired = await page.evaluate(() => {
      const canvas = document.querySelector('[aria-label^="Replicas now"] canvas') as HTMLCanvasElement & {
        $chartjs?: unknown;
      };
      return canvas ? canvas.width > 0 : false;
    });
    expect(desired).toBe(true);
    await shell.screenshot('scaling-chart');
    // The charts follow the OS theme (colours re-read from the app's tokens).
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(1200);
    await shell.screenshot('scaling-chart-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect([...new Set(problems)]).toEqual([]);
  }, 120_000);
});
