// The desktop app in Electron (Playwright's `_electron`): the same shell as web mode, a hardened
// window, and a preload exposing only the contract. Electron ≥ 42 downloads its binary on first
// launch; where none is present (machines without internet) this is skipped with the reason.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_FUNCTIONS } from '../../src-main/ipc/contract.js';

/** The Electron binary if it is already on disk; never triggers a download. */
function electronBinary(): string | null {
  const dir = path.resolve('node_modules/electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : null;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) {
  console.warn(
    '*** SKIPPED: Electron e2e — no Electron binary on this machine (Electron downloads it on first launch; none can be fetched here).',
  );
}

describe.skipIf(!binary)('the desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'kubedesk-electron-'));
    app = await electron.launch({
      executablePath: binary!,
      args: [path.resolve('out/main/desktop.js'), '--no-sandbox'],
      env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home },
    });
    page = await app.firstWindow();
  });
  afterAll(async () => {
    await app?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('opens the dashboard', async () => {
    await page.getByRole('navigation').getByText('Pods', { exact: true }).waitFor();
    await page.screenshot({ path: 'test-results/screenshots/electron.png' });
  });

  it('the preload exposes only the contract functions, and no Node', async () => {
    const keys = await page.evaluate(() => Object.keys((window as unknown as { kubedesk: object }).kubedesk).sort());
    expect(keys).toEqual([...BRIDGE_FUNCTIONS].sort());
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });

  it('cannot open windows or navigate away', async () => {
    const url = page.url();
    expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(url);
    expect(app.windows()).toHaveLength(1);
  });
});
