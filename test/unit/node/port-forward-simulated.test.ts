// Port-forward on the simulated runtime: its pods run no processes, so the answer is a clear error.
import { describe, it, expect, afterAll } from 'vitest';
import { serveSimulatedCluster } from '../../compat/harness.js';

const h = await serveSimulatedCluster();
afterAll(() => h.stop());

async function runningPod(name: string): Promise<void> {
  const api = h.cluster.engine.api;
  await api.create(
    { group: '', resource: 'pods', namespace: 'default' },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'web', image: 'busybox', ports: [{ containerPort: 80 }] }] },
    },
  );
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const pod = await api.get({ group: '', resource: 'pods', namespace: 'default', name });
    if ((pod.status as { phase?: string } | undefined)?.phase === 'Running') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pod ${name} did not start`);
}

describe('port-forward on the simulated runtime', () => {
  it('a running simulated pod is refused with a message naming the runtime', async () => {
    await runningPod('sim-web');
    await expect(h.cluster.agent.io.portForward('default', 'sim-web', 80)).rejects.toThrow(
      'port-forward is not available on the simulated runtime: its pods run no processes',
    );
  });

  it('a missing pod is NotFound and a bad port is a 400', async () => {
    await expect(h.cluster.agent.io.portForward('default', 'nope', 80)).rejects.toThrow('pods "nope" not found');
    await expect(h.cluster.agent.io.portForward('default', 'sim-web', 0)).rejects.toThrow(
      'invalid port 0: must be 1-65535',
    );
  });
});
