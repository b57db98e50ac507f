import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, condition, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('pod workers', () => {
  it('a pod bound to the node runs: sandbox, podIP, Running phase, Ready conditions and kubelet events', async () => {
    h = await harness();
    await h.createPod(pod('web', [{ name: 'web', image: 'app:1', ports: [{ containerPort: 80 }] }]));
    const p = await h.getPod('web');
    const s = p.status!;
    expect(s.phase).toBe('Running');
    expect(s.podIP).toMatch(/^10\.88\./);
    expect(s.podIPs).toEqual([{ ip: s.podIP }]);
    expect(s.hostIP).toBe('127.0.0.1');
    const cs = containerState(s, 'web')!;
    expect(cs.state?.running?.startedAt).toBeTruthy();
    expect(cs.ready).toBe(true);
    expect(cs.started).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(cs.containerID).toMatch(/^simulated:\/\//);
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) {
      expect(condition(s, t)?.status, t).toBe('True');
    }
    const ports = JSON.parse(p.metadata!.annotations!['kubedesk.io/host-ports']) as { hostPort: number }[];
    expect(ports).toEqual([{ container: 'web', containerPort: 80, protocol: 'TCP', hostPort: expect.any(Number) }]);
    const events = await h.events('web');
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        'Pulled: Container image "app:1" already present on machine',
        'Created: Created container: web',
        'Started: Started container web',
      ]),
    );
  });
});
