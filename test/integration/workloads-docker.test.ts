// Controllers on the real Docker engine: a Job that completes, and an HPA that scales a
// CPU-burning Deployment up and back down (windows shortened through the HPA's behavior).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_IMAGE } from '../fixtures/images.js';
import { serveCluster } from '../compat/harness.js';
import type { KubeObject } from '../../src-main/engine/api/types.js';

const docker = await dockerOrSkip();
let h: Awaited<ReturnType<typeof serveCluster>>;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(!docker)('workload controllers on Docker', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    h = await serveCluster();
  });
  afterAll(async () => h?.stop());

  it('a Job runs its pod to completion and reports Complete', async () => {
    const api = h.cluster.engine.api;
    await api.create(
      { group: 'batch', resource: 'jobs', namespace: 'default' },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi' },
        spec: {
          completions: 2,
          parallelism: 2,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                { name: 'pi', image: TEST_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo 3.14159'] },
              ],
            },
          },
        },
      },
    );
    const job = await waitFor(
      'Job Complete',
      async () => {
        const j = await api.get({ group: 'batch', resource: 'jobs', namespace: 'default', name: 'pi' });
        const c = (j.status as { conditions?: { type: string; status: string }[] }).conditions?.find(
          (x) => x.type === 'Complete',
        );
        return c?.status === 'True' ? j : undefined;
      },
      60_000,
    );
    expect(job.status).toMatchObject({ succeeded: 2 });
    const pods = await api.list(
      { group: '', resource: 'pods', namespace: 'default' },
      { labelSelector: 'job-name=pi' },
    );
    expect(pods.items.map((p) => (p.status as { phase: string }).phase)).toEqual(['Succeeded', 'Succeeded']);
    const reader = await h.cluster.agent.io.logs('default', pods.items[0].metadata.name!, undefined, {});
    let out = '';
    for await (const c of reader) out += c.toString();
    expect(out).toBe('3.14159\n');
  });

  it('an HPA scales a CPU-burning Deployment up, and back down once the load stops', async () => {
    const api = h.cluster.engine.api;
    // Each replica burns a CPU for 30 s after it starts, then idles.
    const burn = 'end=$(( $(date +%s) + 30 )); while [ $(date +%s) -lt $end ]; do :; done; exec sleep 3600';
    await api.create({ group: 'apps', resource: 'deployments', namespace: 'default' }, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burner' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burner' } },
        template: {
          metadata: { labels: { app: 'burner' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [
              {
                name: 'b',
                image: TEST_IMAGE,
                imagePullPolicy: 'Never',
                command: ['sh', '-c', burn],
                resources: { requests: { cpu: '200m' } },
              },
            ],
          },
        },
      },
    } as KubeObject);
    await api.create({ group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: 'default' }, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'burner' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' },
        minReplicas: 1,
        maxReplicas: 2,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
        behavior: {
          scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }] },
        },
      },
    } as KubeObject);
    const replicas = async () =>
      (
        (await api.get({ group: 'apps', resource: 'deployments', namespace: 'default', name: 'burner' })).spec as {
          replicas: number;
        }
      ).replicas;
    await waitFor('scale up to 2', async () => ((await replicas()) === 2 ? true : undefined), 60_000);
    await waitFor('scale back down to 1', async () => ((await replicas()) === 1 ? true : undefined), 120_000);
    const history = h.cluster.engine.controllers!.hpa!.history('default', 'burner');
    expect(history.map((r) => [r.from, r.to])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    const events = await api.list(
      { group: '', resource: 'events', namespace: 'default' },
      { fieldSelector: 'reason=SuccessfulRescale' },
    );
    expect(events.items.map((e) => e.message)).toContain(
      'New size: 2; reason: cpu resource utilization (percentage of request) above target',
    );
  });
});
