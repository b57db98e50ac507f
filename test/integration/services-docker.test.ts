// Services on the real Docker engine: Endpoints that follow readiness, NodePort and LoadBalancer
// listeners on 127.0.0.1 spreading requests over ready pods through their published ports,
// ClientIP affinity through the host proxy, and a backend killed in the middle of a burst.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { dockerOrSkip, execInContainer } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_IMAGE } from '../fixtures/images.js';
import { serveCluster } from '../compat/harness.js';
import {
  deploymentsRef,
  endpointPods,
  freePort,
  get,
  podContainer,
  serviceManifest,
  servicesRef,
  waitFor,
  webDeployment,
} from '../fixtures/services.js';

const docker = await dockerOrSkip();
let h: Awaited<ReturnType<typeof serveCluster>>;

/** Bounded: `n` requests, `concurrency` at a time; each result is the pod name or an error. */
let answered = 0;
const answersSoFar = () => answered;

async function burst(
  port: number,
  n: number,
  concurrency = 4,
  onAnswer: (count: number) => void = () => {},
): Promise<(string | Error)[]> {
  const out: (string | Error)[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        const r = await get(port, '/name');
        out.push(r.status === 200 ? r.body : new Error(`HTTP ${r.status}`));
      } catch (err) {
        out.push(err as Error);
      }
      answered = out.length;
      onAnswer(out.length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

describe.skipIf(!docker)('Services on Docker', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    h = await serveCluster();
    const api = h.cluster.engine.api;
    await api.create(deploymentsRef, webDeployment('web', 3));
    await waitFor(
      '3 ready endpoints of web',
      async () => {
        await api
          .create(
            servicesRef(),
            serviceManifest('web', { type: 'NodePort', ports: [{ port: 80, targetPort: 'http', nodePort: 30007 }] }),
          )
          .catch(() => undefined);
        const { ready } = await endpointPods(api, 'web');
        return ready.length === 3 ? ready : undefined;
      },
      90_000,
    );
  }, 120_000);
  afterAll(async () => h?.stop(), 60_000);

  it('a NodePort 30007 Service answers on 127.0.0.1:30007, from more than one backend', async () => {
    const answers = await burst(30007, 12, 2);
    expect(answers.filter((a) => a instanceof Error)).toEqual([]);
    const pods = (await endpointPods(h.cluster.engine.api, 'web')).ready;
    expect(new Set(answers).size).toBeGreaterThan(1);
    for (const a of answers) expect(pods).toContain(a);
  });

  it('an unready pod is listed under notReadyAddresses and receives no traffic until it is ready again', async () => {
    const api = h.cluster.engine.api;
    const [victim] = (await endpointPods(api, 'web')).ready;
    const container = await podContainer(docker!, victim);
    expect(await execInContainer(container, ['touch', '/tmp/fail'])).toBe(0);
    const eps = await waitFor(
      `${victim} under notReadyAddresses`,
      async () => {
        const e = await endpointPods(api, 'web');
        return e.notReady.includes(victim) ? e : undefined;
      },
      15_000,
    );
    expect(eps.ready).not.toContain(victim);
    expect(eps.ready).toHaveLength(2);
    const answers = await burst(30007, 12, 2);
    expect(answers.filter((a) => a instanceof Error)).toEqual([]);
    expect(answers).not.toContain(victim);
    expect(new Set(answers).size).toBe(2);
    expect(await execInContainer(container, ['rm', '/tmp/fail'])).toBe(0);
    await waitFor(
      `${victim} ready again`,
      async () => ((await endpointPods(api, 'web')).ready.length === 3 ? true : undefined),
      15_000,
    );
  });

  it('a LoadBalancer Service answers on localhost at its port and reports 127.0.0.1/localhost', async () => {
    const api = h.cluster.engine.api;
    const port = await freePort(20000, 29000);
    await api.create(servicesRef(), {
      ...serviceManifest('web', { type: 'LoadBalancer', ports: [{ port, targetPort: 'http' }] }),
      metadata: { name: 'web-lb' },
    });
    const svc = await waitFor(
      'load-balancer ingress',
      async () => {
        const s = await api.get(servicesRef('web-lb'));
        return (s.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress ? s : undefined;
      },
      10_000,
    );
    expect((svc.status as { loadBalancer: unknown }).loadBalancer).toEqual({
      ingress: [{ ip: '127.0.0.1', hostname: 'localhost' }],
    });
    const reply = await get(port, '/name', 'localhost');
    expect(reply.status).toBe(200);
    expect((await endpointPods(api, 'web')).ready).toContain(reply.body);
    await api.delete(servicesRef('web-lb'));
    await waitFor(
      'LB listener closed',
      () =>
        get(port).then(
          () => undefined,
          () => true,
        ),
      10_000,
    );
  });

  it('ClientIP affinity keeps one client on one pod through the host proxy', async () => {
    const api = h.cluster.engine.api;
    const svc = await api.create(servicesRef(), {
      ...serviceManifest('web', {
        type: 'NodePort',
        sessionAffinity: 'ClientIP',
        ports: [{ port: 80, targetPort: 'http' }],
      }),
      metadata: { name: 'web-sticky' },
    });
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    await waitFor(
      'sticky endpoints',
      async () => ((await endpointPods(api, 'web-sticky')).ready.length === 3 ? true : undefined),
      10_000,
    );
    const answers = await burst(nodePort, 12, 1);
    expect(answers.filter((a) => a instanceof Error)).toEqual([]);
    expect(new Set(answers).size).toBe(1);
    await api.delete(servicesRef('web-sticky'));
  });

  it('killing a backend during a request burst loses no request', async () => {
    const api = h.cluster.engine.api;
    const [victim] = (await endpointPods(api, 'web')).ready;
    const container = await podContainer(docker!, victim);
    let killedAt = -1;
    let deadAt = -1;
    let kill: Promise<void> | undefined;
    const answers = await burst(30007, 300, 4, (count) => {
      // Kill the app container (SIGKILL: no graceful shutdown) once the burst is well under way.
      if (count === 60 && !kill) {
        killedAt = count;
        kill = container.kill({ signal: 'SIGKILL' }).then(() => {
          deadAt = answersSoFar();
        });
      }
    });
    await kill;
    const failures = answers.filter((a) => a instanceof Error);
    expect(failures.map(String)).toEqual([]);
    expect(answers).toHaveLength(300);
    expect(killedAt).toBe(60);
    // The victim served before the kill, and really died: the kubelet restarted its container
    // (it may serve again after that restart; requests meanwhile went to the others or were replayed).
    expect(answers.slice(0, killedAt)).toContain(victim);
    expect(deadAt).toBeGreaterThan(0);
    expect(deadAt).toBeLessThan(300);
    await waitFor(
      `${victim} restarted`,
      async () => {
        const pod = await api.get({ group: '', resource: 'pods', namespace: 'default', name: victim });
        const restarts = (pod.status as { containerStatuses?: { restartCount: number }[] }).containerStatuses?.[0]
          ?.restartCount;
        return restarts && restarts >= 1 ? true : undefined;
      },
      20_000,
    );
  }, 60_000);

  it('a Service with port 80 → targetPort 9376 (not a declared containerPort) answers through its NodePort', async () => {
    const api = h.cluster.engine.api;
    // The Service exists before the pod, so the pod's sandbox publishes 9376 for it.
    const svc = await api.create(servicesRef(), {
      ...serviceManifest('seed', { type: 'NodePort', ports: [{ port: 80, targetPort: 9376 }] }),
    });
    await api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'seed-0', labels: { app: 'seed' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: TEST_IMAGE,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', 'echo -n seed-0 > /www/name && exec httpd -f -p 9376 -h /www'],
              readinessProbe: { tcpSocket: { port: 9376 }, periodSeconds: 1 },
            },
          ],
        },
      },
    );
    await waitFor(
      'seed ready',
      async () => ((await endpointPods(api, 'seed')).ready.length === 1 ? 1 : undefined),
      30_000,
    );
    const nodePort = (svc.spec as { ports: { nodePort: number }[] }).ports[0].nodePort;
    expect(await get(nodePort)).toEqual({ status: 200, body: 'seed-0' });
  }, 40_000);
});
