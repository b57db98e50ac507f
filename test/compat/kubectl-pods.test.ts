// kubectl against a whole cluster on the real Docker engine: logs (incl. -f) and exec.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_IMAGE } from '../fixtures/images.js';
import { serveCluster } from './harness.js';

const run = promisify(execFile);
const docker = await dockerOrSkip();
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('SKIPPED: kubectl logs/exec tests — kubectl is not on PATH');

let h: Awaited<ReturnType<typeof serveCluster>>;
const kc = () => ['--kubeconfig', h.cluster.api.kubeconfigPath];

async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('kubectl', [...kc(), ...args], { timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
  }
}

describe.skipIf(!docker || !haveKubectl)('kubectl logs and exec against pods on Docker', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    h = await serveCluster();
    await h.cluster.engine.api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'talker' },
        spec: {
          nodeName: 'kubedesk',
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: TEST_IMAGE,
              imagePullPolicy: 'Never',
              readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
              command: [
                'sh',
                '-c',
                'echo hello from kubedesk; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done',
              ],
            },
          ],
        },
      },
    );
    const r = await kubectl(['wait', '--for=condition=Ready', 'pod/talker', '--timeout=60s']);
    if (r.code !== 0) throw new Error(`pod did not become Ready: ${r.stderr}`);
  });
  afterAll(async () => h?.stop());

  it('kubectl logs prints the container output, with --tail', async () => {
    const r = await kubectl(['logs', 'talker']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('hello from kubedesk');
    const tail = await kubectl(['logs', 'talker', '--tail=1']);
    expect(tail.stdout.trim()).toMatch(/^tick \d+$/);
  });

  it('kubectl logs -f follows new lines', async () => {
    const child = spawn('kubectl', [...kc(), 'logs', '-f', 'talker', '--tail=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const end = Date.now() + 10_000;
      while ((out.match(/tick/g) ?? []).length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const ticks = [...out.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe(ticks[i - 1] + 1);
    } finally {
      child.kill();
    }
  });

  it('kubectl exec runs a command and returns its output and exit code', async () => {
    const r = await kubectl(['exec', 'talker', '--', 'echo', 'hi']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi\n');
    const fail = await kubectl(['exec', 'talker', '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    expect(fail.code).toBe(3);
    expect(fail.stderr).toContain('oops');
  });

  it('kubectl top reads pod and node metrics from metrics.k8s.io', async () => {
    let r = await kubectl(['top', 'pod', 'talker']);
    const end = Date.now() + 20_000;
    while (r.code !== 0 && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 1000));
      r = await kubectl(['top', 'pod', 'talker']);
    }
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\ntalker\s+\d+m\s+\d+Mi\s*$/m);
    const node = await kubectl(['top', 'node']);
    expect(node.stdout).toMatch(/^kubedesk\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
  });

  it('probe history is readable through the API', async () => {
    const r = await kubectl(['get', '--raw', '/apis/kubedesk.io/v1alpha1/namespaces/default/pods/talker/probes']);
    const history = JSON.parse(r.stdout) as { items: { probe?: string; type?: string; result: string }[] };
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items.every((i) => i.result === 'success')).toBe(true);
  });

  it('kubectl exec -i passes stdin through', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('kubectl', [...kc(), 'exec', '-i', 'talker', '--', 'cat'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('exit', () => resolve(stdout));
      child.stdin.end('piped input\n');
    });
    expect(out).toBe('piped input\n');
  });
});
