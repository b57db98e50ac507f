// The endpoints controller fed by a real node agent on the simulated runtime and a fake clock:
// a readiness probe that starts failing moves the pod to notReadyAddresses within one probe
// period, and back when it passes again.
import { afterEach, describe, expect, it } from 'vitest';
import { startControllers, type RunningControllers } from '../../../src-main/engine/controllers/index.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import { harness, pod, type Harness } from '../node/helpers.js';

let h: Harness | undefined;
let ctrl: RunningControllers | undefined;
afterEach(async () => {
  ctrl?.stop();
  ctrl = undefined;
  await h?.close();
  h = undefined;
});

async function endpointNames(hh: Harness): Promise<{ ready: string[]; notReady: string[] }> {
  const ep = hh.engine.store.get('/endpoints/default/web');
  const subsets = (ep?.subsets ?? []) as {
    addresses?: { targetRef: { name: string } }[];
    notReadyAddresses?: { targetRef: { name: string } }[];
  }[];
  return {
    ready: subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef.name)),
    notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.targetRef.name)),
  };
}

describe('endpoints from a node agent on the simulated runtime', () => {
  it('follows a readiness probe that fails and recovers, within one probe period', async () => {
    h = await harness();
    const engine = h.engine;
    ctrl = startControllers(
      { api: engine.api, store: engine.store, clock: h.clock, recorder: (c) => new EventRecorder(engine.api, c) },
      {
        replicaSets: false,
        deployments: false,
        jobs: false,
        cronJobs: false,
        daemonSets: false,
        statefulSets: false,
        hpa: false,
        nodeLifecycle: false,
        scheduler: false,
      },
    );
    await engine.api.create(
      { group: '', resource: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    );
    await h.createPod(
      pod(
        'web-1',
        [
          {
            name: 'web',
            image: 'app:1',
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
        {},
        { labels: { app: 'web' } },
      ),
    );
    const settle = async (ms: number) => {
      await h!.advance(ms);
      await ctrl!.whenIdle();
    };
    await settle(1000);
    expect(await endpointNames(h)).toEqual({ ready: ['web-1'], notReady: [] });
    const ep = h.engine.store.get('/endpoints/default/web')!;
    const status = await h.status('web-1');
    expect((ep.subsets as { addresses: { ip: string }[]; ports: unknown }[])[0]).toMatchObject({
      addresses: [{ ip: status.podIP }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    const id = (await h.status('web-1')).containerStatuses![0].containerID!.replace(/^[a-z]+:\/\//, '');
    h.runtime.failProbe(id, true);
    await settle(1000);
    expect(await endpointNames(h)).toEqual({ ready: [], notReady: ['web-1'] });
    h.runtime.failProbe(id, false);
    await settle(1000);
    expect(await endpointNames(h)).toEqual({ ready: ['web-1'], notReady: [] });
  });
});
