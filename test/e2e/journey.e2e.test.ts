// A person's path through web mode: create a namespace, apply a Deployment (with a ConfigMap and a
// Secret) from the YAML editor, see them listed, edit a label from the YAML view (meeting a
// validation error at its field first), and delete the Deployment with confirmation.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { DetailPage } from './pages/detail-page.js';
import { ListPage } from './pages/list-page.js';
import { ShellPage } from './pages/shell-page.js';
import { YamlEditorPage } from './pages/yaml-editor.js';
import { CHROMIUM_ARGS, SCREENSHOTS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();
const NS = 'e2e-dev';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: kubedesk-test/busybox:1
          imagePullPolicy: Never
          command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  LOG_LEVEL: debug
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: hunter2
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels:
    app: solo
spec:
  nodeName: kubedesk
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: kubedesk-test/busybox:1
      imagePullPolicy: Never
      command: ["sleep", "3600"]
      env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef: { name: creds, key: password }
`;

/** Pods become Running only with the node agent and the workload controllers wired into the engine. */
function controllersWired(web: WebMode): string | null {
  return web.cluster ? null : 'no Docker engine, so web mode runs without a node agent';
}

describe.skipIf(!executablePath)('a person deploys, edits and deletes (web mode)', () => {
  let web: WebMode;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebMode();
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    shell = new ShellPage(page);
    await shell.login(web.ui.loginUrl());
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('shows the overview', async () => {
    await shell.mainHeading('Overview').waitFor();
    await page.getByText('Recent warnings').waitFor();
    await shell.screenshot('overview');
  });

  it('creates a namespace and switches every view to it', async () => {
    await shell.go('Namespaces');
    const list = new ListPage(page, 'Namespaces');
    await list.row('default').waitFor();
    await page.getByRole('textbox', { name: 'New namespace name' }).fill(NS);
    await page.getByRole('button', { name: 'Create namespace' }).click();
    await list.row(NS).waitFor();
    await expect(list.row(NS).textContent()).resolves.toContain('Active');
    await shell.screenshot('namespaces');
    await shell.chooseNamespace(NS);
    await expect(page.evaluate(() => localStorage.getItem('kubedesk.namespace'))).resolves.toBe(NS);
  });

  it('says what to do when a list is empty', async () => {
    await shell.go('Deployments');
    await page.getByText(`No deployments in \`${NS}\`.`).waitFor();
    await expect(page.getByRole('main').getByRole('link', { name: 'Deploy something →' }).isVisible()).resolves.toBe(
      true,
    );
    await shell.screenshot('deployments-empty');
  });

  it('applies a Deployment, a ConfigMap and a Secret from the YAML editor, with a result per document', async () => {
    await shell.newFromYaml();
    const editor = new YamlEditorPage(page, 'Manifest YAML');
    await editor.replace(MANIFESTS);
    await page.getByRole('main').getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('3 of 3 documents applied.').waitFor();
    const results = page.getByRole('list', { name: 'Apply results' });
    await expect(results.textContent()).resolves.toMatch(/created.*Deployment.*web.*in e2e-dev/s);
    await shell.screenshot('new-from-yaml');
    expect(
      (await web.engine.api.get({ group: 'apps', resource: 'deployments', namespace: NS, name: 'web' })).metadata.name,
    ).toBe('web');
  });

  it('reports a bad document at its field without applying it', async () => {
    const editor = new YamlEditorPage(page, 'Manifest YAML');
    await editor.replace(MANIFESTS.split('---')[1].replace('name: settings', 'name: Bad_Name'));
    await page.getByRole('main').getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('0 of 1 document applied, 1 failed.').waitFor();
    await expect(page.getByRole('list', { name: 'Apply results' }).textContent()).resolves.toContain('metadata.name');
    await shell.screenshot('new-from-yaml-error');
  });

  it('lists the Deployment with kubectl’s columns, and wide columns on demand', async () => {
    await shell.go('Deployments');
    const list = new ListPage(page, 'Deployments');
    await list.row('web').waitFor();
    expect(await list.headers()).toEqual(
      ['', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'].map((h) => expect.stringContaining(h)),
    );
    await expect(list.row('web').textContent()).resolves.toContain('0/2');
    await page.getByRole('checkbox', { name: 'Wide' }).check();
    await expect(list.headers()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining('IMAGES'), expect.stringContaining('SELECTOR')]),
    );
    await shell.screenshot('deployments');
    await page.getByRole('checkbox', { name: 'Wide' }).uncheck();
  });

  it('shows the ConfigMap and the Secret, with secret values masked until revealed', async () => {
    await shell.go('ConfigMaps');
    const configMaps = new ListPage(page, 'ConfigMaps');
    await configMaps.row('settings').waitFor();
    await shell.screenshot('configmaps');
    await shell.go('Secrets');
    const secrets = new ListPage(page, 'Secrets');
    await secrets.row('creds').waitFor();
    await shell.screenshot('secrets');
    await secrets.open('creds');
    await page.getByRole('heading', { name: 'creds', level: 2 }).waitFor();
    const main = page.getByRole('main');
    await expect(main.textContent()).resolves.not.toContain('hunter2');
    await main.getByRole('button', { name: 'Reveal password' }).click();
    await main.getByText('hunter2').waitFor();
    await shell.screenshot('secret-detail');
  });

  it('shows a Pod bound to the node in the Pods list and its detail', async () => {
    await shell.newFromYaml();
    await new YamlEditorPage(page, 'Manifest YAML').replace(POD);
    await page.getByRole('main').getByRole('button', { name: 'Apply', exact: true }).click();
    await page.getByText('1 of 1 document applied.').waitFor();
    await shell.go('Pods');
    const pods = new ListPage(page, 'Pods');
    await pods.row('solo').waitFor();
    await shell.screenshot('pods');
    await pods.open('solo');
    const container = page.getByRole('article', { name: 'Container main' });
    await container.waitFor();
    await expect(container.textContent()).resolves.toContain('kubedesk-test/busybox:1');
    await expect(container.textContent()).resolves.toContain('secret creds/password');
    await expect(page.getByRole('main').textContent()).resolves.not.toContain('hunter2');
    await shell.screenshot('pod-detail');
  });

  it('watches the pods of the Deployment become Running (needs the node agent and controllers)', async (ctx) => {
    const missing = controllersWired(web);
    if (missing) {
      console.warn(`*** SKIPPED: pods Running step: ${missing}.`);
      ctx.skip();
      return;
    }
    await shell.go('Pods');
    const pods = new ListPage(page, 'Pods');
    await pods.filter('web-');
    await page.getByRole('main').getByRole('row').filter({ hasText: 'Running' }).first().waitFor({ timeout: 60_000 });
  });

  it('edits a label from the YAML view, showing a validation error at its field first', async () => {
    await shell.go('Deployments');
    await new ListPage(page, 'Deployments').open('web');
    const detail = new DetailPage(page);
    await detail.tab('YAML').click();
    await page.getByRole('main').getByRole('button', { name: 'Edit' }).click();
    const editor = new YamlEditorPage(page, 'YAML editor');
    const original = await editor.text();

    await editor.replace(original.replace(/replicas: 2/, 'replicas: -1'));
    await page.getByRole('button', { name: 'Apply changes' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.getByRole('list', { name: 'Field errors' }).textContent()).resolves.toContain('spec.replicas');
    await expect(page.locator('.cm-error-line').count()).resolves.toBeGreaterThan(0);
    await shell.screenshot('yaml-validation-error');

    await editor.replace(original.replace(/labels:\n(\s+)app: web/, 'labels:\n$1app: web\n$1tier: frontend'));
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Applied.' }).waitFor();
    const live = await web.engine.api.get({ group: 'apps', resource: 'deployments', namespace: NS, name: 'web' });
    expect(live.metadata.labels).toEqual({ app: 'web', tier: 'frontend' });
    await detail.tab('Summary').click();
    await page.getByRole('list', { name: 'Labels' }).getByText('frontend').waitFor();
    await shell.screenshot('deployment-detail');
  });

  it('shows a real probe failure as a warning event', async (ctx) => {
    if (!web.cluster) {
      console.warn('*** SKIPPED: probe-failure event step: no Docker engine, so no node agent runs probes.');
      ctx.skip();
      return;
    }
    // A pod whose readiness probe fails: the node agent records the kubelet's Unhealthy warning.
    await web.engine.api.create(
      { group: '', resource: 'pods', namespace: NS },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sickly' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: 'kubedesk-test/busybox:1',
              imagePullPolicy: 'Never',
              command: ['sleep', '3600'],
              readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 },
            },
          ],
        },
      },
    );
    await shell.go('Events');
    const events = new ListPage(page, 'Events');
    await events.table.getByText('Readiness probe failed', { exact: false }).first().waitFor({ timeout: 60_000 });
    await events.table.getByText('Unhealthy').first().waitFor();
    await shell.screenshot('events');
  });

  it('deletes the Deployment after confirmation and watches it go', async () => {
    await shell.go('Deployments');
    await new ListPage(page, 'Deployments').open('web');
    await new DetailPage(page).delete();
    await shell.go('Deployments');
    await page.getByText(`No deployments in \`${NS}\`.`).waitFor();
    await shell.screenshot('deployments-after-delete');
    await shell.chooseNamespace('All namespaces');
    await shell.go('Overview');
    await shell.screenshot('overview-all-namespaces');
    expect(problems).toEqual([]);
  });
});
