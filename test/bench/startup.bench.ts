// Issue 6 numbers for starting up: `serve` process launch → a usable page in Chromium (the web-mode
// equivalent of "launch to a usable window"; no Electron binary can run here), the page load alone,
// and memory at idle. Baseline, same run: a bare Node HTTP server serving one static page, launched
// and loaded the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BENCH_CHROMIUM, launchBenchBrowser, usedHeapMiB } from './browser.js';
import { report } from './report.js';

const RUNS = 3;

export async function benchStartup(): Promise<void> {
  console.log('\n## Cold start in web mode, simulated runtime (issue 6)');
  const serveJs = path.resolve('out/main/serve.js');
  if (!BENCH_CHROMIUM || !existsSync(serveJs)) {
    console.log('  SKIPPED: needs Chromium and a build (npm run build)');
    return;
  }
  const browser = await launchBenchBrowser();
  try {
    const app: Sample[] = [];
    const bare: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      app.push(await launchApp(browser, serveJs));
      bare.push(await launchBare(browser));
    }
    const best = (s: Sample[], k: keyof Sample) => Math.min(...s.map((x) => x[k]));
    report({
      name: `serve launch → usable page (navigation shown), best of ${RUNS}`,
      value: best(app, 'launchToUsable'),
      unit: 'ms',
      baseline: { name: 'bare Node server launch → static page loaded', value: best(bare, 'launchToUsable') },
      target: { text: '≤ 2,000 ms', met: best(app, 'launchToUsable') <= 2000 },
    });
    report({
      name: `web mode page load (login link → usable page), best of ${RUNS}`,
      value: best(app, 'pageLoad'),
      unit: 'ms',
      baseline: { name: 'static page load from the bare server', value: best(bare, 'pageLoad') },
      target: { text: '≤ 1,000 ms', met: best(app, 'pageLoad') <= 1000 },
    });
    report({
      name: 'serve process RSS at idle (engine, controllers, API, web UI, one session)',
      value: app[app.length - 1].rss,
      unit: 'MiB',
      baseline: { name: 'bare Node server', value: bare[bare.length - 1].rss },
    });
    report({
      name: 'renderer JS heap at idle (overview shown)',
      value: app[app.length - 1].heap,
      unit: 'MiB',
      baseline: { name: 'static page', value: bare[bare.length - 1].heap },
    });
  } finally {
    await browser.close();
  }
}

interface Sample {
  launchToUsable: number;
  pageLoad: number;
  rss: number;
  heap: number;
}

async function launchApp(browser: Browser, serveJs: string): Promise<Sample> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kubedesk-bench-start-'));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [serveJs, '--data-dir', dir, '--api-port', '0', '--ui-port', '0', '--runtime', 'simulated'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await printed(child, /Web UI:\s+(http:\/\/\S+)/);
    return await sample(browser, url, t0, child.pid!, async (page) => {
      await page.getByRole('navigation').waitFor({ timeout: 10_000 });
      await page
        .getByRole('heading', { name: /overview/i })
        .first()
        .waitFor({ timeout: 10_000 });
    });
  } finally {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

async function launchBare(browser: Browser): Promise<Sample> {
  const script = `require('node:http').createServer((q,s)=>{s.setHeader('content-type','text/html');s.end('<!doctype html><title>bare</title><nav>Overview</nav><h1>Overview</h1>')}).listen(0,'127.0.0.1',function(){console.log('  Web UI: http://127.0.0.1:'+this.address().port+'/')})`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await printed(child, /Web UI:\s+(http:\/\/\S+)/);
    return await sample(browser, url, t0, child.pid!, (page) => page.getByRole('navigation').waitFor());
  } finally {
    await stop(child);
  }
}

/** Loads `url` in a new page, waits until `usable`, idles a second, then reads memory. */
async function sample(
  browser: Browser,
  url: string,
  launchedAt: number,
  pid: number,
  usable: (page: Page) => Promise<void>,
): Promise<Sample> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    const t1 = performance.now();
    await page.goto(url);
    await usable(page);
    const t2 = performance.now();
    await new Promise((r) => setTimeout(r, 1000)); // idle
    return { launchToUsable: t2 - launchedAt, pageLoad: t2 - t1, rss: rssMiB(pid), heap: await usedHeapMiB(page) };
  } finally {
    await page.close();
  }
}

function printed(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
