import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import { rfc3339 } from '../../../src-main/engine/clock.js';
import { harness, podsRef, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const svcRef = (name?: string, ns = 'default') => ({ group: '', resource: 'services', namespace: ns, name });
const epRef = (name?: string, ns = 'default') => ({ group: '', resource: 'endpoints', namespace: ns, name });

function service(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { team: 'a' } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
  };
}

function pod(name: string, app: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app } },
    spec: {
      nodeName: 'kubedesk',
      containers: [{ name: 'main', image: 'busybox', ports: [{ name: 'web', containerPort: 8080 }] }],
      ...extra,
    },
  };
}

/** What a kubelet writes: Running with an IP, Ready or not. */
async function setPodStatus(hh: Harness, name: string, ip: string, ready: boolean): Promise<void> {
  const latest = hh.engine.store.get(`/pods/default/${name}`)!;
  const body = deepCopy(latest);
  const now = rfc3339(hh.clock.now());
  body.status = {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }],
  };
  await hh.api.update(podsRef('default', name, 'status'), body);
}

async function runningPod(hh: Harness, name: string, app: string, ip: string, ready = true, extra = {}) {
  await hh.api.create(podsRef(), pod(name, app, extra));
  await setPodStatus(hh, name, ip, ready);
}

const endpoints = (hh: Harness, name: string) => hh.engine.store.get(`/endpoints/default/${name}`);
const slices = (hh: Harness, svc: string) =>
  hh.engine.store
    .list('discovery.k8s.io/endpointslices', 'default')
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);

describe('endpoints controller', () => {
  it('lists ready pods under addresses and unready ones under notReadyAddresses, with targetRef and nodeName', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web'));
    await runningPod(h, 'web-1', 'web', '10.244.0.5');
    await runningPod(h, 'web-2', 'web', '10.244.0.4', false);
    await runningPod(h, 'other', 'db', '10.244.0.9');
    await h.settle();
    const ep = endpoints(h, 'web')!;
    expect(ep.metadata.labels).toEqual({ team: 'a' });
    const web1 = h.engine.store.get('/pods/default/web-1')!;
    expect(ep.subsets).toEqual([
      {
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        addresses: [
          {
            ip: '10.244.0.5',
            nodeName: 'kubedesk',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: web1.metadata.uid },
          },
        ],
        notReadyAddresses: [expect.objectContaining({ ip: '10.244.0.4' })],
      },
    ]);
  });

  it('moves a pod between notReadyAddresses and addresses when its readiness changes', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web'));
    await runningPod(h, 'web-1', 'web', '10.244.0.5', false);
    await h.settle();
    expect(endpoints(h, 'web')!.subsets).toEqual([expect.objectContaining({ notReadyAddresses: [expect.anything()] })]);
    await setPodStatus(h, 'web-1', '10.244.0.5', true);
    await h.settle();
    const subset = (endpoints(h, 'web')!.subsets as Record<string, unknown>[])[0];
    expect(subset.addresses).toHaveLength(1);
    expect(subset.notReadyAddresses).toBeUndefined();
    const slice = slices(h, 'web')[0];
    expect(slice.endpoints).toEqual([
      expect.objectContaining({
        addresses: ['10.244.0.5'],
        conditions: { ready: true, serving: true, terminating: false },
      }),
    ]);
  });

  it('publishNotReadyAddresses lists unready pods as ready addresses', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web', { publishNotReadyAddresses: true }));
    await runningPod(h, 'web-1', 'web', '10.244.0.5', false);
    await h.settle();
    const subset = (endpoints(h, 'web')!.subsets as Record<string, unknown>[])[0];
    expect(subset.addresses).toHaveLength(1);
    expect(subset.notReadyAddresses).toBeUndefined();
    expect(slices(h, 'web')[0].endpoints).toEqual([
      expect.objectContaining({ conditions: { ready: true, serving: false, terminating: false } }),
    ]);
  });

  it('resolves a named targetPort per pod from its container port names', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web', { ports: [{ port: 80, targetPort: 'web' }] }));
    await runningPod(h, 'web-1', 'web', '10.244.0.5');
    await h.api.create(podsRef(), {
      ...pod('web-2', 'web'),
      spec: {
        nodeName: 'kubedesk',
        containers: [{ name: 'main', image: 'b', ports: [{ name: 'web', containerPort: 9090 }] }],
      },
    });
    await setPodStatus(h, 'web-2', '10.244.0.6', true);
    // No port named `web`: this pod cannot serve the Service and is left out.
    await h.api.create(podsRef(), { ...pod('web-3', 'web'), spec: { containers: [{ name: 'main', image: 'b' }] } });
    await setPodStatus(h, 'web-3', '10.244.0.7', true);
    await h.settle();
    const subsets = endpoints(h, 'web')!.subsets as { ports: { port: number }[]; addresses: { ip: string }[] }[];
    expect(subsets.map((s) => [s.ports[0].port, s.addresses.map((a) => a.ip)])).toEqual(
      expect.arrayContaining([
        [8080, ['10.244.0.5']],
        [9090, ['10.244.0.6']],
      ]),
    );
    expect(subsets).toHaveLength(2);
    const sl = slices(h, 'web');
    expect(sl.map((s) => (s.ports as { port: number }[])[0].port).sort()).toEqual([8080, 9090]);
  });

  it('drops a terminating pod from the Endpoints and flags it terminating in the slice', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web'));
    await runningPod(h, 'web-1', 'web', '10.244.0.5');
    await runningPod(h, 'web-2', 'web', '10.244.0.6');
    await h.settle();
    await h.api.delete(podsRef('default', 'web-1'));
    await h.settle();
    expect(h.engine.store.get('/pods/default/web-1')?.metadata.deletionTimestamp).toBeTruthy();
    const subset = (endpoints(h, 'web')!.subsets as { addresses: { ip: string }[] }[])[0];
    expect(subset.addresses.map((a) => a.ip)).toEqual(['10.244.0.6']);
    const eps = slices(h, 'web')[0].endpoints as { addresses: string[]; conditions: unknown }[];
    expect(eps.find((e) => e.addresses[0] === '10.244.0.5')?.conditions).toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
  });

  it('labels slices with the service name and managed-by, owned by the Service; one empty slice when no pods', async () => {
    h = await harness();
    const svc = await h.api.create(svcRef(), service('web'));
    await h.settle();
    const [slice] = slices(h, 'web');
    expect(slice).toMatchObject({
      addressType: 'IPv4',
      ports: [],
      endpoints: [],
      metadata: {
        labels: {
          team: 'a',
          'kubernetes.io/service-name': 'web',
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [{ kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true }],
      },
    });
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(endpoints(h, 'web')!.subsets).toBeUndefined();
  });

  it('leaves hand-made Endpoints of a Service without a selector alone and mirrors them to a slice', async () => {
    h = await harness();
    await h.api.create(svcRef(), { ...service('ext'), spec: { ports: [{ port: 5432 }] } });
    await h.api.create(epRef(), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext' },
      subsets: [{ addresses: [{ ip: '192.168.1.20' }], ports: [{ port: 5432 }] }],
    });
    await h.settle();
    expect(endpoints(h, 'ext')!.subsets).toEqual([
      { addresses: [{ ip: '192.168.1.20' }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    const [slice] = slices(h, 'ext');
    expect(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe(
      'endpointslicemirroring-controller.k8s.io',
    );
    expect(slice.endpoints).toEqual([{ addresses: ['192.168.1.20'], conditions: { ready: true } }]);
  });

  it('deletes the Endpoints and slices with the Service, and rewrites Endpoints someone deleted', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web'));
    await runningPod(h, 'web-1', 'web', '10.244.0.5');
    await h.settle();
    await h.api.delete(epRef('web'));
    await h.settle();
    expect(endpoints(h, 'web')?.subsets).toHaveLength(1);
    await h.api.delete(svcRef('web'));
    await h.settle();
    expect(endpoints(h, 'web')).toBeUndefined();
    expect(slices(h, 'web')).toEqual([]);
  });

  it('gives StatefulSet-style pods their hostname under the governing Service, headless without ports', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('db', { clusterIP: 'None', ports: [] }));
    await runningPod(h, 'db-0', 'db', '10.244.0.8', true, { hostname: 'db-0', subdomain: 'db' });
    await h.settle();
    const ep = endpoints(h, 'db')!;
    expect(ep.metadata.labels?.['service.kubernetes.io/headless']).toBe('');
    expect(ep.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.244.0.8', hostname: 'db-0' })] }]);
  });

  it('does not rewrite Endpoints that are already right', async () => {
    h = await harness();
    await h.api.create(svcRef(), service('web'));
    await runningPod(h, 'web-1', 'web', '10.244.0.5');
    await h.settle();
    const rv = endpoints(h, 'web')!.metadata.resourceVersion;
    h.ctrl.endpoints!.enqueue('default/web');
    await h.settle();
    expect(endpoints(h, 'web')!.metadata.resourceVersion).toBe(rv);
  });
});
