// "Open in browser" in web mode: from a Service's detail view (a forward main starts, since the
// pod does not publish the port) and from a pod's ports list (its published port), the page
// served by the pod's busybox httpd opens in a new tab.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { dockerOrSkip } from '../fixtures/docker.js';
import { TEST_HTTP_PORT, TEST_IMAGE } from '../fixtures/images.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, SCREENSHOTS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();
const docker = await dockerOrSkip();

function httpdPod(name: string, declarePort: boolean) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'web',
          image: TEST_IMAGE,
          imagePullPolicy: 'Never',
          command: ['httpd', '-f', '-p', String(TEST_HTTP_PORT), '-h', '/www'],
          ...(declarePort ? { ports: [{ name: 'http', containerPort: TEST_HTTP_PORT }] } : {}),
          readinessProbe: { tcpSocket: { port: TEST_HTTP_PORT }, periodSeconds: 1 },
        },
      ],
    },
  };
}

describe.skipIf(!executablePath || !docker)('a person opens a pod or Service port in the browser (web mode)', () => {
  let web: WebMode;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebMode();
    const api = web.engine.api;
    await api.create({ group: '', resource: 'pods', namespace: 'default' }, httpdPod('hidden', false));
    await api.create({ group: '', resource: 'pods', namespace: 'default' }, httpdPod('shown', true));
    await api.create(
      { group: '', resource: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'hidden' },
        spec: { selector: { app: 'hidden' }, ports: [{ port: 80, targetPort: TEST_HTTP_PORT }] },
      },
    );
    const end = Date.now() + 60_000;
    for (const name of ['hidden', 'shown']) {
      for (;;) {
        const pod = await api.get({ group: '', resource: 'pods', namespace: 'default', name });
        const ready = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
        if (ready) break;
        if (Date.now() > end) throw new Error(`pod ${name} did not become Ready`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    shell = new ShellPage(page);
    await shell.login(web.ui.loginUrl());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  async function openAndRead(button: string): Promise<{ url: string; text: string }> {
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('button', { name: button }).click(),
    ]);
    await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await tab.getByText('Served by busybox httpd').waitFor();
    const result = { url: tab.url(), text: (await tab.textContent('body')) ?? '' };
    await tab.close();
    return result;
  }

  it('opens a Service port through a forward started in main', async () => {
    await page.goto(`${new URL(page.url()).origin}/#/object/core/services/default/hidden/summary`);
    await page.getByRole('region', { name: 'Service' }).waitFor();
    const { text } = await openAndRead('Open port 80 of Service hidden in the browser');
    expect(text).toContain('Served by busybox httpd');
    await shell.screenshot('open-port-service');
  });

  it('opens a pod’s published port directly', async () => {
    await page.goto(`${new URL(page.url()).origin}/#/object/core/pods/default/shown/summary`);
    const { url } = await openAndRead(`Open port ${TEST_HTTP_PORT} of Pod shown in the browser`);
    const ann = (await web.engine.api.get({ group: '', resource: 'pods', namespace: 'default', name: 'shown' }))
      .metadata.annotations?.['kubedesk.io/host-ports'];
    const hostPort = (JSON.parse(ann ?? '[]') as { hostPort: number }[])[0]?.hostPort;
    expect(url).toBe(`http://127.0.0.1:${hostPort}/`);
  });
});
