// Crash-only recovery of the node agent on the real Docker engine:
// - the whole engine process is SIGKILLed while a pod runs; on restart the agent adopts the pod's
//   containers (same container, no restart, no duplicate) and removes an orphan left meanwhile;
// - Docker going away turns the node NotReady with a message saying how to start it, and the node
//   recovers by itself when Docker answers again.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { dockerOrSkip, removeClusterContainers } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_IMAGE } from '../fixtures/images.js';
import { Engine } from '../../src-main/engine/index.js';
import { NodeAgent } from '../../src-main/engine/node/index.js';
import { createRuntime } from '../../src-main/engine/runtime/index.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';

const docker = await dockerOrSkip();
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'crash/cluster-child.ts'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('API ')) resolve({ child, url: line.slice(4) });
    });
    child.on('exit', (code) => reject(new Error(`cluster child exited ${code}: ${err}`)));
  });
}

async function api(dataDir: string, url: string, method: string, p: string, body?: unknown): Promise<KubeObject> {
  const ca = await readFile(path.join(dataDir, 'pki/ca.crt'), 'utf8');
  const token = (await readFile(path.join(dataDir, 'token'), 'utf8')).trim();
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}${p}`,
      { method, ca, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve(JSON.parse(text) as KubeObject)
            : reject(new Error(`${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

interface PodStatus {
  phase?: string;
  containerStatuses?: { containerID?: string; restartCount: number; ready: boolean }[];
}

describe.skipIf(!docker)('node agent recovery on Docker', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
  });

  it('after a SIGKILL of the engine process, a restart adopts running containers with no duplicates and removes orphans', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-recovery-'));
    dirs.push(dataDir);
    let { child, url } = await startChild(dataDir);
    try {
      await api(dataDir, url, 'POST', '/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'survivor' },
        spec: {
          nodeName: 'kubedesk',
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
        },
      });
      const before = await waitFor('pod Running', async () => {
        const pod = await api(dataDir, url, 'GET', '/api/v1/namespaces/default/pods/survivor');
        const st = pod.status as PodStatus;
        return st.phase === 'Running' && st.containerStatuses?.[0]?.ready ? pod : undefined;
      });
      const uid = before.metadata.uid!;
      const containerId = (before.status as PodStatus).containerStatuses![0].containerID;

      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // The pod's containers keep running while the app is down.
      const running = await docker!.listContainers({ filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
      expect(running).toHaveLength(2);
      // An orphan appears meanwhile: a labelled container whose pod does not exist.
      const clusterId = (await readFile(path.join(dataDir, 'cluster-id'), 'utf8')).trim();
      const orphan = await docker!.createContainer({
        Image: TEST_IMAGE,
        Cmd: ['sleep', '3600'],
        Labels: {
          'io.kubernetes.pod.name': 'ghost',
          'io.kubernetes.pod.namespace': 'default',
          'io.kubernetes.pod.uid': '00000000-0000-0000-0000-000000000000',
          'io.kubernetes.container.name': 'main',
          'io.kubedesk.cluster': clusterId,
          'io.kubedesk.role': 'app',
          'io.kubedesk.test': '1',
        },
      });
      await orphan.start();

      ({ child, url } = await startChild(dataDir));
      const after = await waitFor('pod adopted and Ready', async () => {
        const pod = await api(dataDir, url, 'GET', '/api/v1/namespaces/default/pods/survivor');
        return (pod.status as PodStatus).containerStatuses?.[0]?.ready ? pod : undefined;
      });
      const st = (after.status as PodStatus).containerStatuses![0];
      expect(st.containerID).toBe(containerId);
      expect(st.restartCount).toBe(0);
      const all = await docker!.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } });
      expect(all).toHaveLength(2);
      await waitFor(
        'orphan removed',
        async () =>
          (await docker!.listContainers({ all: true, filters: { label: ['io.kubernetes.pod.name=ghost'] } })).length ===
          0
            ? true
            : undefined,
        30_000,
      );
      await api(dataDir, url, 'DELETE', '/api/v1/namespaces/default/pods/survivor?gracePeriodSeconds=1');
      await waitFor('pod containers removed', async () =>
        (await docker!.listContainers({ all: true, filters: { label: [`io.kubernetes.pod.uid=${uid}`] } })).length === 0
          ? true
          : undefined,
      );
    } finally {
      child.kill('SIGKILL');
      await removeClusterContainers(docker!, (await readFile(path.join(dataDir, 'cluster-id'), 'utf8')).trim());
      for (const c of await docker!.listContainers({
        all: true,
        filters: { label: ['io.kubernetes.pod.name=ghost'] },
      })) {
        await docker!
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
  });

  it('when Docker stops answering the node turns NotReady with how to start it, and recovers by itself', async () => {
    // A socket we can switch off stands between the agent and dockerd: closing it looks to the
    // agent exactly like Docker stopping (connections refused), without disturbing other users.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'kubedesk-docker-away-'));
    dirs.push(dataDir);
    const upstream = process.env.DOCKER_HOST?.startsWith('unix://')
      ? process.env.DOCKER_HOST.slice(7)
      : '/var/run/docker.sock';
    const proxyPath = path.join(dataDir, 'docker.sock');
    const sockets = new Set<net.Socket>();
    const open = () =>
      new Promise<net.Server>((resolve) => {
        const server = net.createServer((client) => {
          const up = net.connect(upstream);
          sockets.add(client).add(up);
          client.pipe(up).pipe(client);
          const end = () => (client.destroy(), up.destroy());
          client.on('error', end).on('close', end);
          up.on('error', end).on('close', end);
        });
        server.listen(proxyPath, () => resolve(server));
      });
    let proxy = await open();
    const engine = await Engine.start({});
    const runtime = createRuntime('docker', { socketPath: proxyPath, cluster: 'docker-away-test' });
    const agent = new NodeAgent(engine, runtime, { clusterId: 'docker-away-test', dataDir, heartbeatMs: 300 });
    const ready = async () => {
      const node = await engine.api.get({ group: '', resource: 'nodes', name: 'kubedesk' });
      return (
        (node.status as { conditions?: { type: string; status: string; message?: string }[] }).conditions ?? []
      ).find((c) => c.type === 'Ready');
    };
    try {
      await agent.start();
      await waitFor('node Ready', async () => ((await ready())?.status === 'True' ? true : undefined), 20_000);
      // Stop accepting, cut every open connection (close() alone waits for them to end).
      const closed = new Promise<void>((r) => proxy.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      const down = await waitFor(
        'node NotReady',
        async () => {
          const c = await ready();
          return c?.status === 'False' ? c : undefined;
        },
        20_000,
      );
      expect(down.message).toMatch(/Docker/);
      expect(down.message).toMatch(/start/i);
      proxy = await open();
      await waitFor('node Ready again', async () => ((await ready())?.status === 'True' ? true : undefined), 30_000);
    } finally {
      await agent.stop();
      await runtime.close();
      await engine.stop();
      proxy.close();
      for (const s of sockets) s.destroy();
    }
  });
});
