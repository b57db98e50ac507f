// The node agent against a real Docker engine: pods run as containers, publish ports on
// 127.0.0.1, crash-loop, get OOM-killed, are probed, terminate gracefully, and a restarted agent
// adopts what is running. Test images are built offline (imagePullPolicy Never).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Pod, PodStatus } from 'kubernetes-types/core/v1';
import { Engine } from '../../src-main/engine/index.js';
import { DockerRuntime } from '../../src-main/engine/runtime/docker/docker-runtime.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../src-main/engine/runtime/types.js';
import { NodeAgent } from '../../src-main/engine/node/index.js';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, PAUSE_IMAGE, TEST_HTTP_PORT, TEST_IMAGE } from '../fixtures/images.js';

const docker = await dockerOrSkip();

const HTTPD: Container = {
  name: 'web',
  image: TEST_IMAGE,
  imagePullPolicy: 'Never',
  command: ['httpd', '-f', '-p', String(TEST_HTTP_PORT), '-h', '/www'],
  ports: [{ containerPort: TEST_HTTP_PORT }],
};
const HEALTH = { httpGet: { path: '/cgi-bin/health', port: TEST_HTTP_PORT }, periodSeconds: 1, timeoutSeconds: 2 };

async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

describe.skipIf(!docker)('node agent on Docker', () => {
  const clusterId = `it-node-${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubedesk-node-it-'));
  let engine: Engine;
  let runtime: DockerRuntime;
  let agent: NodeAgent;
  let n = 0;

  const newAgent = () =>
    new NodeAgent(engine, runtime, {
      clusterId,
      dataDir,
      sandboxImage: PAUSE_IMAGE,
      heartbeatMs: 2000,
      statsIntervalMs: 1000,
      resyncMs: 2000,
    });

  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    engine = await Engine.start();
    runtime = new DockerRuntime({ docker: docker!, cluster: clusterId });
    agent = newAgent();
    await agent.start();
  });

  afterAll(async () => {
    await agent?.stopCluster(0);
    for (const c of (await runtime?.listContainers({ [LABEL_CLUSTER]: clusterId })) ?? [])
      await runtime.removeContainer(c.id).catch(() => undefined);
    for (const s of (await runtime?.listSandboxes({ [LABEL_CLUSTER]: clusterId })) ?? [])
      await runtime.removeSandbox(s.id).catch(() => undefined);
    await runtime?.close();
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ref = (name: string) => ({ group: '', resource: 'pods', namespace: 'default', name });
  async function run(name: string, containers: Container[], spec: Partial<Pod['spec']> = {}): Promise<string> {
    const created = await engine.api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: 'kubedesk', terminationGracePeriodSeconds: 1, containers, ...spec },
      },
    );
    return created.metadata.uid!;
  }
  const get = async (name: string) => (await engine.api.get(ref(name))) as Pod;
  const status = async (name: string): Promise<PodStatus> => (await get(name)).status ?? {};
  const cstatus = async (name: string, c = 'web') => (await status(name)).containerStatuses?.find((s) => s.name === c);
  const cond = async (name: string, type: string) =>
    (await status(name)).conditions?.find((c) => c.type === type)?.status;
  const events = async (name: string) =>
    (await engine.api.list({ group: '', resource: 'events' })).items
      .filter((e) => (e.involvedObject as { name: string }).name === name)
      .map((e) => `${e.reason as string}: ${e.message as string}`);
  const idOf = async (name: string, c = 'web') => (await cstatus(name, c))!.containerID!.replace('docker://', '');
  const uniq = (base: string) => `${base}-${++n}`;

  it('runs a pod with a pod IP and a published port answering HTTP', async () => {
    const name = uniq('web');
    await run(name, [HTTPD]);
    await eventually(
      'Running and Ready',
      async () => (await status(name)).phase === 'Running' && (await cond(name, 'Ready')) === 'True',
    );
    const p = await get(name);
    expect(p.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const [entry] = JSON.parse(p.metadata!.annotations!['kubedesk.io/host-ports']) as { hostPort: number }[];
    const res = await fetch(`http://127.0.0.1:${entry.hostPort}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('KubeDesk test server');
    expect((await cstatus(name))!.containerID).toMatch(/^docker:\/\/[0-9a-f]{64}$/);
  });

  it('crash-loops with back-off and restartCount, and keeps the previous container logs', async () => {
    const name = uniq('crash');
    await run(name, [
      { name: 'web', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo boom; exit 1'] },
    ]);
    const cs = await eventually('CrashLoopBackOff', async () => {
      const s = await cstatus(name);
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' ? s : null;
    });
    expect(cs.restartCount).toBeGreaterThanOrEqual(1);
    expect(cs.state?.waiting?.message).toMatch(/^back-off 10s restarting failed container=web pod=/);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const reader = await agent.io.logs('default', name, 'web', { previous: true });
    const chunks: Buffer[] = [];
    for await (const c of reader) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe('boom\n');
  });

  it('reports OOMKilled for a container over its memory limit', async () => {
    const name = uniq('oom');
    await run(
      name,
      [
        {
          name: 'web',
          image: TEST_IMAGE,
          imagePullPolicy: 'Never',
          command: ['tail', '/dev/zero'],
          resources: { limits: { memory: '16Mi' } },
        },
      ],
      { restartPolicy: 'Never' },
    );
    const t = await eventually('terminated', async () => (await cstatus(name))?.state?.terminated);
    expect(t).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect((await status(name)).phase).toBe('Failed');
  });

  it('restarts a container whose liveness probe fails, with an Unhealthy event', async () => {
    const name = uniq('live');
    await run(name, [{ ...HTTPD, livenessProbe: { ...HEALTH, failureThreshold: 1 } }]);
    await eventually('Running', async () => (await cstatus(name))?.state?.running);
    const res = await runtime.execSync(await idOf(name), ['touch', '/tmp/fail'], 5000);
    expect(res.exitCode).toBe(0);
    await eventually('a restart', async () => ((await cstatus(name))?.restartCount ?? 0) >= 1);
    const ev = await events(name);
    expect(ev).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 503');
    expect(ev).toContain('Killing: Container web failed liveness probe, will be restarted');
    const history = agent.io.probeHistory('default', name, 'web');
    expect(history.some((r) => r.probe === 'liveness' && r.httpStatus === 503 && r.output.includes('failing'))).toBe(
      true,
    );
  });

  it('flips Ready on readiness failure without restarting', async () => {
    const name = uniq('ready');
    await run(name, [{ ...HTTPD, readinessProbe: { ...HEALTH, failureThreshold: 1 } }]);
    await eventually('Ready', async () => (await cond(name, 'Ready')) === 'True');
    const id = await idOf(name);
    await runtime.execSync(id, ['touch', '/tmp/fail'], 5000);
    await eventually('not Ready', async () => (await cond(name, 'Ready')) === 'False');
    expect((await cstatus(name))!.restartCount).toBe(0);
    await runtime.execSync(id, ['rm', '/tmp/fail'], 5000);
    await eventually('Ready again', async () => (await cond(name, 'Ready')) === 'True');
    expect(await idOf(name)).toBe(id);
  });

  it('runs init containers to completion before the app container', async () => {
    const name = uniq('init');
    await run(name, [{ ...HTTPD }], {
      initContainers: [
        { name: 'setup', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'sleep 1'] },
      ],
    });
    await eventually('Running', async () => (await status(name)).phase === 'Running');
    const s = await status(name);
    const init = s.initContainerStatuses![0].state!.terminated!;
    expect(init.reason).toBe('Completed');
    const app = s.containerStatuses![0].state!.running!;
    expect(Date.parse(app.startedAt!)).toBeGreaterThanOrEqual(Date.parse(init.finishedAt!));
  });

  it('honours the grace period on delete, then removes the pod and its containers', async () => {
    const name = uniq('grace');
    // httpd as PID 1 ignores SIGTERM, so it lives until SIGKILL at the end of the grace period.
    const uid = await run(name, [HTTPD], { terminationGracePeriodSeconds: 3 });
    await eventually('Running', async () => (await status(name)).phase === 'Running');
    const t0 = Date.now();
    await engine.api.delete(ref(name));
    await eventually(
      'pod removed',
      async () =>
        get(name).then(
          () => false,
          (e: { code?: number }) => e.code === 404,
        ),
      20_000,
    );
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(took).toBeLessThan(15_000);
    expect(await runtime.listContainers({ [LABEL_POD_UID]: uid })).toEqual([]);
    expect(await runtime.listSandboxes({ [LABEL_POD_UID]: uid })).toEqual([]);
  });

  it('reports a hostPort already in use: Pending with FailedCreatePodSandBox naming the port', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const name = uniq('clash');
      await run(name, [{ ...HTTPD, ports: [{ containerPort: TEST_HTTP_PORT, hostPort: port }] }]);
      const ev = await eventually('FailedCreatePodSandBox', async () =>
        (await events(name)).find((e) => e.startsWith('FailedCreatePodSandBox')),
      );
      expect(ev).toContain(String(port));
      expect((await status(name)).phase).toBe('Pending');
      await engine.api.delete(ref(name), { gracePeriodSeconds: 0 });
    } finally {
      server.close();
    }
  });

  it('a restarted agent adopts running containers without duplicates and removes orphans', async () => {
    const keep = uniq('keep');
    const gone = uniq('gone');
    await run(keep, [HTTPD]);
    const goneUid = await run(gone, [HTTPD]);
    await eventually(
      'both running',
      async () => (await status(keep)).phase === 'Running' && (await status(gone)).phase === 'Running',
    );
    const before = await idOf(keep);
    await agent.stop();
    await engine.api.delete(ref(gone), { gracePeriodSeconds: 0 });
    agent = newAgent();
    await agent.start();
    expect(agent.lastRecovery?.removedContainers).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await idOf(keep)).toBe(before);
    expect((await cstatus(keep))!.restartCount).toBe(0);
    const keepUid = (await get(keep)).metadata!.uid!;
    expect((await runtime.listContainers({ [LABEL_POD_UID]: keepUid })).length).toBe(1);
    expect((await runtime.listSandboxes({ [LABEL_POD_UID]: keepUid })).length).toBe(1);
    expect(await runtime.listContainers({ [LABEL_POD_UID]: goneUid })).toEqual([]);
    expect(await runtime.listSandboxes({ [LABEL_POD_UID]: goneUid })).toEqual([]);
  });
});
