// The WebSocket bridge in a real browser: a page on another origin of the same host (same-site,
// so the browser does send the session cookie) must still be refused by the Origin check.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPathOrSkip } from '../fixtures/browser.js';
import { startStaticServer, type StaticServer } from '../fixtures/static-server.js';
import { RENDERER_DIR } from './global-setup.js';
import { ShellPage } from './pages/shell-page.js';
import { CHROMIUM_ARGS, startWebMode, type WebMode } from './web-mode.js';

const executablePath = chromiumPathOrSkip();

describe.skipIf(!executablePath)('web mode security in a browser', () => {
  let web: WebMode;
  let other: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    web = await startWebMode();
    other = await startStaticServer(RENDERER_DIR);
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await other?.close();
    await web?.stop();
  });

  const tryWebSocket = (url: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    });

  it('the app page itself connects, a page from another origin is refused even with the cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await new ShellPage(page).login(web.ui.loginUrl());
    const wsUrl = web.ui.url.replace('http:', 'ws:') + '/api/ws';
    await expect(page.evaluate(tryWebSocket, wsUrl)).resolves.toBe('open');

    const foreign = await context.newPage();
    await foreign.goto(other.url);
    await expect(foreign.evaluate(tryWebSocket, wsUrl)).resolves.toBe('refused');
    await context.close();
  });

  it('a browser without the session cookie cannot open the bridge', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(other.url);
    const wsUrl = web.ui.url.replace('http:', 'ws:') + '/api/ws';
    await expect(page.evaluate(tryWebSocket, wsUrl)).resolves.toBe('refused');
    await context.close();
  });
});
