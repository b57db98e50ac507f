import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { startStaticServer, type StaticServer } from '../fixtures/static-server.js';
import { RENDERER_DIR } from './global-setup.js';
import { ShellPage } from './pages/shell-page.js';

const SCREENSHOTS = 'test-results/screenshots';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const executablePath = chromiumPathOrSkip();

describe.skipIf(!executablePath)('the app shell in a browser (web mode)', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startStaticServer(RENDERER_DIR);
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    // CSP violations and script errors surface as console errors; any of them fails the test.
    problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterEach(async () => {
    await page.close();
  });

  it('shows the KubeDesk header, the resource kinds and that it is connecting', async () => {
    const shell = new ShellPage(page);
    await shell.open(server.url);

    await expect(shell.heading.isVisible()).resolves.toBe(true);
    await expect(shell.navigation.textContent()).resolves.toContain('Pods');
    for (const kind of ['Deployments', 'StatefulSets', 'CronJobs', 'Secrets', 'Nodes', 'Events']) {
      await expect(shell.kind(kind).isVisible()).resolves.toBe(true);
    }
    await expect(shell.status.textContent()).resolves.toBe('Connecting to the cluster…');
    await page.screenshot({ path: `${SCREENSHOTS}/shell.png` });
    expect(problems).toEqual([]);
  });

  it('marks the chosen kind as current and shows it in the main area', async () => {
    const shell = new ShellPage(page);
    await shell.open(server.url);
    await expect(shell.kind('Pods').getAttribute('aria-current')).resolves.toBe('page');

    await shell.choose('Deployments');

    await expect(shell.kind('Deployments').getAttribute('aria-current')).resolves.toBe('page');
    await expect(shell.kind('Pods').getAttribute('aria-current')).resolves.toBeNull();
    await expect(shell.mainHeading().textContent()).resolves.toBe('Deployments');
  });

  it('follows a dark system colour scheme', async () => {
    const shell = new ShellPage(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await page.emulateMedia({ colorScheme: 'light' });
    await shell.open(server.url);
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();

    expect(light).toBe('rgb(247, 248, 250)');
    expect(dark).toBe('rgb(20, 23, 28)');
    await page.screenshot({ path: `${SCREENSHOTS}/shell-dark.png` });
  });
});
