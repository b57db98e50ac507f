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
    const run = runServe(['--data-dir', dir]);
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
    const run = runServe(['--data-dir', dataDir()]);
    runs.push(run);
    await waitForOutput(run, /KubeDesk engine ready/);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('rejects an unknown flag with a message naming it and exit code 2', async () => {
    const run = runServe(['--port', '6443']);
    runs.push(run);

    expect(await run.exited).toBe(2);
    expect(run.output()).toContain("Unknown option '--port'");
    expect(run.output()).toContain('Usage:');
  });
});
