// Chromium for the UI benchmarks: Debian's build, launched the same way by every benchmark, with
// precise heap figures and a callable gc() so memory readings are comparable.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const BENCH_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH].find(
  (p): p is string => !!p && existsSync(p),
);

export function launchBenchBrowser(): Promise<Browser> {
  if (!BENCH_CHROMIUM) throw new Error('no Chromium found (set CHROMIUM_PATH)');
  return chromium.launch({
    executablePath: BENCH_CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--enable-precise-memory-info',
      '--js-flags=--expose-gc',
    ],
  });
}

/** The page's live JS heap after a full GC, in MiB. */
export async function usedHeapMiB(page: Page): Promise<number> {
  const bytes = await page.evaluate(async () => {
    (window as unknown as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 100));
    return (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
  });
  return bytes / 1024 / 1024;
}
