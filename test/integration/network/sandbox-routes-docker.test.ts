// The docker runtime's part of the cluster network: the per-cluster network's layout, and the
// Service CIDR route a helper container adds in each sandbox — in the background, but always
// before the pod's first container runs; a sandbox whose route fails is stopped (so the node agent
// re-creates it) and its containers refuse to start with the reason.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src-main/engine/runtime/docker/docker-runtime.js';
import {
  ensureClusterNetwork,
  LABEL_NETWORK_CLUSTER,
  removeClusterNetwork,
} from '../../../src-main/engine/runtime/docker/cluster-network.js';
import { LABEL_CLUSTER, type SandboxSpec } from '../../../src-main/engine/runtime/types.js';
import { overlaps, parseCidr, type NetworkLayout } from '../../../src-main/engine/network/subnet.js';
import { dockerOrSkip, removeClusterContainers, TEST_LABELS } from '../../fixtures/docker.js';
import {
  ensureNetworkImage,
  ensurePauseImage,
  ensureTestImage,
  NETWORK_IMAGE,
  PAUSE_IMAGE,
  TEST_IMAGE,
} from '../../fixtures/images.js';
import { startCluster } from '../../../src-main/server/cluster.js';

const docker = await dockerOrSkip();
const clusterId = `routes-${randomBytes(4).toString('hex')}`;
const networkName = `kubedesk-${clusterId}`;

describe.skipIf(!docker)('sandbox routes on Docker', () => {
  let runtime: DockerRuntime;
  let layout: NetworkLayout;

  beforeAll(async () => {
    await Promise.all([ensureTestImage(docker!), ensurePauseImage(docker!), ensureNetworkImage(docker!)]);
    runtime = new DockerRuntime({ docker: docker! });
    layout = await ensureClusterNetwork(docker!, runtime.endpoint, networkName, {
      [LABEL_NETWORK_CLUSTER]: clusterId,
    });
  }, 60_000);

  afterAll(async () => {
    if (!docker) return;
    await removeClusterContainers(docker, clusterId);
    await removeClusterNetwork(docker, runtime.endpoint, networkName, clusterId);
  });

  const sandbox = (name: string, gateway: string): SandboxSpec => ({
    podUid: `${clusterId}-${name}`,
    podName: name,
    namespace: 'default',
    hostname: name,
    ports: [],
    image: PAUSE_IMAGE,
    labels: { ...TEST_LABELS, [LABEL_CLUSTER]: clusterId },
    network: networkName,
    dnsServers: [layout.netdIP],
    dnsSearch: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    dnsOptions: ['ndots:5'],
    routes: [{ destination: layout.serviceCIDR, gateway }],
    // The busybox test image has `ip`; any image with it will do.
    routeHelperImage: TEST_IMAGE,
  });

  const app = { name: 'main', image: TEST_IMAGE, command: ['sleep', '600'], env: [], mounts: [], labels: {} };

  it('a second cluster on the same engine gets its own, non-overlapping subnet', async () => {
    const other = `${clusterId}-b`;
    try {
      const second = await ensureClusterNetwork(docker!, runtime.endpoint, `kubedesk-${other}`, {
        [LABEL_NETWORK_CLUSTER]: other,
      });
      expect(second.subnet).not.toBe(layout.subnet);
      expect(overlaps(parseCidr(second.subnet)!, parseCidr(layout.subnet)!)).toBe(false);
      expect(second.serviceCIDR).toBe(layout.serviceCIDR);
    } finally {
      expect(await removeClusterNetwork(docker!, runtime.endpoint, `kubedesk-${other}`, other)).toBe(true);
    }
  });

  it('a network that is not ours is never removed', async () => {
    expect(await removeClusterNetwork(docker!, runtime.endpoint, networkName, 'some-other-cluster')).toBe(false);
    expect(await ensureClusterNetwork(docker!, runtime.endpoint, networkName, {})).toEqual(layout);
  });

  it('an existing cluster network is adopted with its layout, not re-created', async () => {
    expect(await ensureClusterNetwork(docker!, runtime.endpoint, networkName, {})).toEqual(layout);
  });

  it('the pod IP comes from the pods’ range and the first container sees the Service route and the resolver settings', async () => {
    const s = await runtime.runSandbox(sandbox('ok', layout.netdIP));
    const id = await runtime.createContainer(s.id, app);
    await runtime.startContainer(id);
    const route = await runtime.execSync(id, ['ip', 'route'], 10_000);
    expect(route.stdout.toString()).toContain(`${layout.serviceCIDR} via ${layout.netdIP}`);
    const resolv = await runtime.execSync(id, ['cat', '/etc/resolv.conf'], 10_000);
    expect(resolv.stdout.toString()).toMatch(/search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    expect(resolv.stdout.toString()).toContain('options ndots:5');
    const [a, b, c] = s.ip!.split('.').map(Number);
    const [pa, pb, pc] = layout.podRange.split('/')[0].split('.').map(Number);
    expect([a, b]).toEqual([pa, pb]);
    expect(c).toBeGreaterThanOrEqual(pc);
  });

  it('a route that cannot be added stops the sandbox, and its container refuses to start saying why', async () => {
    // 192.0.2.1 is not on the cluster network, so `ip route replace … via 192.0.2.1` fails.
    const s = await runtime.runSandbox(sandbox('bad', '192.0.2.1'));
    const id = await runtime.createContainer(s.id, app);
    await expect(runtime.startContainer(id)).rejects.toThrow(/could not route 10\.96\.0\.0\/12 via 192\.0\.2\.1/);
    const [after] = await runtime.listSandboxes({ [LABEL_CLUSTER]: clusterId, 'io.kubernetes.pod.name': 'bad' });
    expect(after.state).toBe('notready');
    expect((await runtime.inspectContainer(id))?.state).toBe('created');
  });

  it('a cluster that never ran a pod leaves no network and no netd after a clean stop', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubedesk-net-empty-'));
    const cluster = await startCluster({
      dataDir,
      apiPort: 0,
      runtime: 'docker',
      sandboxImage: PAUSE_IMAGE,
      networkImage: NETWORK_IMAGE,
    });
    try {
      const name = `kubedesk-${cluster.clusterId}`;
      expect((await docker!.getNetwork(name).inspect()).Name).toBe(name);
      expect((await docker!.getContainer(`kubedesk-netd-${cluster.clusterId}`).inspect()).State.Running).toBe(true);
      await cluster.stop();
      await expect(docker!.getNetwork(name).inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(docker!.getContainer(`kubedesk-netd-${cluster.clusterId}`).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
    } finally {
      await removeClusterContainers(docker!, cluster.clusterId);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
