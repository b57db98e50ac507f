import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// Runs the headless entry from source (through tsx) as a real child process, the way
// `npm run serve` runs the built one.
const SERVE = ['--import', 'tsx', 'src-main/server/serve.ts'];

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runServe(args: string[]): Run {
  const child = spawn(process.execPath, [...SERVE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(run: Run, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve did not print ${pattern}; its output was:\n${run.output()}`);
}

describe('npm run serve (the headless engine)', () => {
  const dirs: string[] = [];
  const runs: Run[] = [];

  function dataDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubedesk-serve-'));
    dirs.push(dir);
    return dir;
  }

  afterEach(() => {
    for (const run of runs.splice(0)) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reports readiness with its data dir, then stops cleanly and exits 0 on SIGTERM', async () => {
    const dir = dataDir();
    const run = runServe(['--data-dir', dir, '--api-port', '0']);
    runs.push(run);

    const [, reportedDir, objects] = await waitForOutput(
      run,
      /KubeDesk engine ready \(data dir: (.+), (\d+) objects, started in \d+ ms\)/,
    );
    expect(reportedDir).toBe(dir);
    expect(Number(objects)).toBeGreaterThan(0);

    // It keeps running until told to stop (an idle engine must not let Node exit on its own)…
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(run.child.exitCode).toBeNull();
    expect(existsSync(path.join(dir, 'engine.lock'))).toBe(true);

    // …and on SIGTERM it stops the engine, which releases the data-dir lock, before exiting.
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('SIGTERM received, stopping the engine');
    expect(existsSync(path.join(dir, 'engine.lock'))).toBe(false);
  });

  it('exits 0 on SIGINT too, as after Ctrl+C in a terminal', async () => {
    const run = runServe(['--data-dir', dataDir(), '--api-port', '0']);
    runs.push(run);
    await waitForOutput(run, /KubeDesk engine ready/);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('serves the Kubernetes API over HTTPS on loopback with a token, writes a kubeconfig, and prints a one-time UI login', async () => {
    const dir = dataDir();
    const run = runServe(['--data-dir', dir, '--api-port', '0', '--ui-port', '0']);
    runs.push(run);
    const [, apiUrl] = await waitForOutput(run, /Kubernetes API: (https:\/\/127\.0\.0\.1:\d+)/);
    const [, loginUrl] = await waitForOutput(run, /Web UI:\s+(http:\/\/127\.0\.0\.1:\d+\/login\?token=[0-9a-f]{64})/);
    const [, kubeconfig] = await waitForOutput(run, /kubeconfig:\s+(\S+)/);
    expect(kubeconfig).toBe(path.join(dir, 'kubeconfig'));
    const { readFileSync, statSync } = await import('node:fs');
    for (const f of ['token', 'kubeconfig', 'pki/ca.key', 'pki/apiserver.key']) {
      expect((statSync(path.join(dir, f)).mode & 0o777).toString(8), f).toBe('600');
    }
    const token = readFileSync(path.join(dir, 'token'), 'utf8').trim();
    const ca = readFileSync(path.join(dir, 'pki/ca.crt'), 'utf8');
    const https = await import('node:https');
    const get = (p: string, auth?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(`${apiUrl}${p}`, { ca, headers: auth ? { Authorization: auth } : {} }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    expect((await get('/version')).status).toBe(401);
    expect((await get('/version', 'Bearer nope')).status).toBe(401);
    const ok = await get('/version', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ major: '1', minor: '30' });
    // The CA verifies the serving certificate for 127.0.0.1 (no insecure-skip needed).
    const noCookie = await fetch(new URL('/', loginUrl));
    expect(noCookie.status).toBe(401);
    const login = await fetch(loginUrl, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/kubedesk_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict/);
    expect((await fetch(loginUrl, { redirect: 'manual' })).status).toBe(401); // one-time
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('refuses a non-loopback --host unless --insecure-expose is given', async () => {
    const run = runServe(['--data-dir', dataDir(), '--host', '0.0.0.0']);
    runs.push(run);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('add --insecure-expose');
  });

  it('rejects an unknown flag with a message naming it and exit code 2', async () => {
    const run = runServe(['--port', '6443']);
    runs.push(run);

    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("Unknown option '--port'");
    expect(run.output()).toContain('Usage:');
  });
});
