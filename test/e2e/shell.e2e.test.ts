import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, SCREENSHOTS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();

describe.skipIf(!executablePath)('the app shell in a browser (web mode)', () => {
  let web: WebMode;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    web = await startWebMode();
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
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

  it('logs in with the one-time link and shows the overview with the resource kinds', async () => {
    const shell = new ShellPage(page);
    await shell.login(web.ui.loginUrl());
    await expect(shell.mainHeading().textContent()).resolves.toBe('Overview');
    for (const kind of [
      'Pods',
      'Deployments',
      'StatefulSets',
      'CronJobs',
      'Secrets',
      'Nodes',
      'Events',
      'Namespaces',
    ]) {
      await expect(shell.kind(kind).isVisible()).resolves.toBe(true);
    }
    expect(problems).toEqual([]);
  });

  it('marks the chosen kind as current and shows it in the main area', async () => {
    const shell = new ShellPage(page);
    await shell.login(web.ui.loginUrl());
    await shell.go('Deployments');
    await expect(shell.kind('Deployments').getAttribute('aria-current')).resolves.toBe('page');
    await expect(shell.kind('Pods').getAttribute('aria-current')).resolves.toBeNull();
    await expect(shell.mainHeading().textContent()).resolves.toBe('Deployments');
  });

  it('follows a dark system colour scheme', async () => {
    const shell = new ShellPage(page);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    await shell.login(web.ui.loginUrl());
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).toBe('rgb(247, 248, 250)');
    expect(dark).toBe('rgb(20, 23, 28)');
    await shell.screenshot('overview-dark');
  });

  it('dropping a manifest file on the window applies it and shows each document’s result', async () => {
    const shell = new ShellPage(page);
    await shell.login(web.ui.loginUrl());
    const manifest = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: dropped-config}',
      'data: {greeting: hello}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: Bad_Name}',
    ].join('\n');
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'config.yaml', { type: 'application/yaml' }));
      return dt;
    }, manifest);
    await page.dispatchEvent('main', 'dragover', { dataTransfer });
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    const dialog = page.getByRole('dialog', { name: 'Applied config.yaml' });
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('1 of 2 documents applied, 1 failed.');
    await expect(dialog.getByRole('link', { name: /dropped-config/ }).count()).resolves.toBe(1);
    await expect(dialog.getByText(/metadata\.name/).count()).resolves.toBeGreaterThan(0);
    const stored = await web.engine.api.get({
      group: '',
      resource: 'configmaps',
      namespace: 'default',
      name: 'dropped-config',
    });
    expect((stored as { data?: Record<string, string> }).data).toEqual({ greeting: 'hello' });
    await shell.screenshot('drop-apply');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog.isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
  });

  it('without logging in, the page is refused', async () => {
    const response = await page.goto(web.ui.url);
    expect(response?.status()).toBe(401);
  });
});
