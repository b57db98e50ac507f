import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

const podRef = (name: string) => ({ group: '', resource: 'pods', namespace: 'default', name });

describe('graceful termination', () => {
  it('honours the grace period (SIGKILL after it), then removes containers, sandbox, volumes and the pod', async () => {
    h = await harness();
    h.runtime.setImageBehaviour('stubborn:1', { ignoreSigterm: true });
    h.runtime.addImage('stubborn:1');
    const created = await h.createPod(
      pod('bye', [{ name: 'main', image: 'stubborn:1', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }], {
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: 'scratch', emptyDir: {} }],
      }),
    );
    const uid = created.metadata.uid!;
    expect(existsSync(path.join(h.dataDir, 'pods', uid))).toBe(true);
    await h.engine.api.delete(podRef('bye'));
    await h.settle();
    // Still there: the container ignores SIGTERM and has 5 s.
    expect((await h.getPod('bye')).metadata?.deletionTimestamp).toBeTruthy();
    expect((await h.runtime.listContainers({ 'io.kubernetes.pod.uid': uid }))[0].state).toBe('running');
    await h.advance(4000);
    expect((await h.runtime.listContainers({ 'io.kubernetes.pod.uid': uid }))[0].state).toBe('running');
    await h.advance(2000);
    await expect(h.getPod('bye')).rejects.toMatchObject({ code: 404 });
    expect(await h.runtime.listContainers({ 'io.kubernetes.pod.uid': uid })).toEqual([]);
    expect(await h.runtime.listSandboxes({ 'io.kubernetes.pod.uid': uid })).toEqual([]);
    expect(existsSync(path.join(h.dataDir, 'pods', uid))).toBe(false);
    expect((await h.events('bye')).map((e) => `${e.reason}: ${e.message}`)).toContain(
      'Killing: Stopping container main',
    );
  });

  it('a container that handles SIGTERM lets the pod go before the grace period ends', async () => {
    h = await harness();
    await h.createPod(pod('quick', [{ name: 'main', image: 'app:1' }], { terminationGracePeriodSeconds: 30 }));
    await h.engine.api.delete(podRef('quick'));
    await h.settle();
    await expect(h.getPod('quick')).rejects.toMatchObject({ code: 404 });
  });
});

describe('host ports', () => {
  it('a hostPort held elsewhere keeps the pod Pending with a FailedCreatePodSandBox event naming the port', async () => {
    h = await harness();
    h.runtime.occupyHostPort(8080);
    await h.createPod(pod('clash', [{ name: 'web', image: 'app:1', ports: [{ containerPort: 80, hostPort: 8080 }] }]));
    const s = await h.status('clash');
    expect(s.phase).toBe('Pending');
    expect(containerState(s, 'web')!.state?.waiting?.reason).toBe('ContainerCreating');
    const ev = (await h.events('clash')).find((e) => e.reason === 'FailedCreatePodSandBox')!;
    expect(ev.type).toBe('Warning');
    expect(ev.message).toContain('8080');
  });
});

describe('crash-only recovery', () => {
  it('a new agent adopts running containers without restarting them and removes orphans', async () => {
    h = await harness();
    await h.createPod(pod('keep', [{ name: 'web', image: 'app:1' }]));
    const gone = await h.createPod(pod('gone', [{ name: 'web', image: 'app:1' }]));
    const before = containerState(await h.status('keep'), 'web')!.containerID;
    await h.agent.stop();
    // While the agent is down the pod `gone` is force-deleted; its containers are orphans now.
    await h.engine.api.delete(podRef('gone'), { gracePeriodSeconds: 0 });
    await h.settle();
    expect((await h.runtime.listContainers({ 'io.kubernetes.pod.uid': gone.metadata.uid! })).length).toBe(1);
    const agent2 = h.newAgent();
    await agent2.start();
    await h.settle();
    expect(agent2.lastRecovery).toMatchObject({ adoptedContainers: 1, removedContainers: 1, removedSandboxes: 1 });
    const cs = containerState(await h.status('keep'), 'web')!;
    expect(cs.containerID).toBe(before);
    expect(cs.restartCount).toBe(0);
    expect((await h.runtime.listContainers({ 'io.kubedesk.cluster': 'test' })).length).toBe(1);
    expect(await h.runtime.listContainers({ 'io.kubernetes.pod.uid': gone.metadata.uid! })).toEqual([]);
  });

  it('stopCluster stops every container; the next start brings the pods back with their restart counts', async () => {
    h = await harness();
    await h.createPod(pod('again', [{ name: 'web', image: 'app:1' }]));
    await h.agent.stopCluster(1);
    await h.settle();
    expect(
      (await h.runtime.listContainers({ 'io.kubedesk.cluster': 'test' })).every((c) => c.state !== 'running'),
    ).toBe(true);
    const agent2 = h.newAgent();
    await agent2.start();
    await h.settle();
    const s = await h.status('again');
    expect(s.phase).toBe('Running');
    expect(containerState(s, 'web')!.restartCount).toBe(1);
    expect(containerState(s, 'web')!.state?.running).toBeTruthy();
  });
});

describe('logs and metrics', () => {
  it('serves current and previous logs with tail, timestamps and limitBytes', async () => {
    h = await harness();
    await h.createPod(
      pod('logs', [
        {
          name: 'main',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'echo one; echo two; echo three; sleep 1; exit 1'],
        },
      ]),
    );
    await h.advance(1500); // exited once, restarted
    const read = async (opts: Parameters<typeof h.agent.io.logs>[3]) => {
      const r = await h.agent.io.logs('default', 'logs', 'main', opts);
      const out: Buffer[] = [];
      for await (const b of r) out.push(b);
      return Buffer.concat(out).toString();
    };
    expect(await read({ previous: true })).toBe('one\ntwo\nthree\n');
    expect(await read({ tailLines: 1 })).toBe('three\n');
    expect(await read({ limitBytes: 5 })).toBe('one\nt');
    expect(await read({ timestamps: true })).toMatch(/^2026-01-01T00:00:01\.\d+Z one\n/);
    await expect(h.agent.io.logs('default', 'logs', 'nope')).rejects.toMatchObject({ code: 400 });
  });

  it('samples CPU and memory into metrics.k8s.io shapes and a bounded series', async () => {
    h = await harness();
    h.runtime.setImageBehaviour('busy:1', { cpuCores: 0.25, memoryBytes: 32 * 1024 * 1024 });
    h.runtime.addImage('busy:1');
    await h.createPod(pod('busy', [{ name: 'main', image: 'busy:1' }]));
    await h.advance(10_000, 5000);
    const m = h.agent.io.metrics('default');
    expect(m.pods).toHaveLength(1);
    expect(m.pods[0]).toMatchObject({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'busy', namespace: 'default' },
      window: '5s',
      containers: [{ name: 'main', usage: { cpu: '250m', memory: '32768Ki' } }],
    });
    expect(m.node).toMatchObject({
      kind: 'NodeMetrics',
      metadata: { name: 'kubedesk' },
      usage: { cpu: '250m', memory: '32768Ki' },
    });
    const series = h.agent.io.metricsHistory('default', 'busy');
    expect(series.length).toBeGreaterThanOrEqual(2);
    expect(series.at(-1)).toMatchObject({ memoryBytes: 32 * 1024 * 1024 });
  });
});
