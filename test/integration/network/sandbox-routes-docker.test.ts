// The docker runtime's part of the cluster network: the per-cluster network's layout, with the
// Service CIDR inside each cluster's own subnet, and pods that need no route of their own — a
// Service IP is on-link: the container that makes the Service CIDR local (netd, here a stand-in
// doing what netd does) answers ARP for it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../../src-main/engine/runtime/docker/docker-runtime.js';
import {
  ensureClusterNetwork,
  LABEL_NETWORK_CLUSTER,
  LABEL_NETWORK_ROLE,
  removeClusterNetwork,
} from '../../../src-main/engine/runtime/docker/cluster-network.js';
import { LABEL_CLUSTER, type SandboxSpec } from '../../../src-main/engine/runtime/types.js';
import { contains, intToIp, overlaps, parseCidr, type NetworkLayout } from '../../../src-main/engine/network/subnet.js';
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

describe.skipIf(!docker)('sandboxes on the cluster network on Docker', () => {
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

  const sandbox = (name: string): SandboxSpec => ({
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
  });

  const app = {
    name: 'main',
    image: TEST_IMAGE,
    command: ['sleep', '600'],
    env: [],
    mounts: [],
    labels: { ...TEST_LABELS, [LABEL_CLUSTER]: clusterId },
  };

  it('a second cluster on the same engine gets its own, non-overlapping subnet', async () => {
    const other = `${clusterId}-b`;
    try {
      const second = await ensureClusterNetwork(docker!, runtime.endpoint, `kubedesk-${other}`, {
        [LABEL_NETWORK_CLUSTER]: other,
      });
      expect(second.subnet).not.toBe(layout.subnet);
      expect(overlaps(parseCidr(second.subnet)!, parseCidr(layout.subnet)!)).toBe(false);
      // Each cluster's Service CIDR lies in its own subnet (on-link for its pods only).
      expect(contains(parseCidr(second.subnet)!, second.serviceCIDR.split('/')[0])).toBe(true);
      expect(overlaps(parseCidr(second.serviceCIDR)!, parseCidr(layout.serviceCIDR)!)).toBe(false);
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

  it('the pod IP comes from the pods’ range, and the first container has no Service route but the resolver settings', async () => {
    const s = await runtime.runSandbox(sandbox('ok'));
    const id = await runtime.createContainer(s.id, app);
    await runtime.startContainer(id);
    const route = (await runtime.execSync(id, ['ip', 'route'], 10_000)).stdout.toString();
    // Only the default route and the on-link subnet: the Service CIDR needs no route.
    expect(route).toContain(`${layout.subnet} dev eth0`);
    expect(route).not.toContain(layout.serviceCIDR);
    expect(route.trim().split('\n')).toHaveLength(2);
    const resolv = await runtime.execSync(id, ['cat', '/etc/resolv.conf'], 10_000);
    expect(resolv.stdout.toString()).toMatch(/search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    expect(resolv.stdout.toString()).toContain('options ndots:5');
    const [a, b, c] = s.ip!.split('.').map(Number);
    const [pa, pb, pc] = layout.podRange.split('/')[0].split('.').map(Number);
    expect([a, b]).toEqual([pa, pb]);
    expect(c).toBeGreaterThanOrEqual(pc);
    // No route-helper container was made for the pod.
    const helpers = await docker!.listContainers({
      all: true,
      filters: { label: [`${LABEL_NETWORK_CLUSTER}=${clusterId}`, `${LABEL_NETWORK_ROLE}=route-helper`] },
    });
    expect(helpers).toEqual([]);
  });

  it('a Service IP is on-link: the container where the Service CIDR is local answers ARP for it, and a pod reaches it without a route', async () => {
    const serviceIP = intToIp(parseCidr(layout.serviceCIDR)!.base + 10);
    // A stand-in for netd: the same `ip route replace local <Service CIDR> dev lo`, and a listener on a Service IP.
    const standIn = await docker!.createContainer({
      Image: TEST_IMAGE,
      Entrypoint: ['sh'],
      Cmd: [
        '-c',
        `echo onlink > /tmp/index.html && ip route replace local ${layout.serviceCIDR} dev lo && exec httpd -f -p ${serviceIP}:8080 -h /tmp`,
      ],
      Labels: { ...TEST_LABELS, [LABEL_NETWORK_CLUSTER]: clusterId, [LABEL_NETWORK_ROLE]: 'netd' },
      HostConfig: { NetworkMode: networkName, CapAdd: ['NET_ADMIN'] },
      NetworkingConfig: { EndpointsConfig: { [networkName]: { IPAMConfig: { IPv4Address: layout.netdIP } } } },
    });
    try {
      await standIn.start();
      const mac = (await standIn.inspect()).NetworkSettings.Networks[networkName].MacAddress;
      const s = await runtime.runSandbox(sandbox('client'));
      const id = await runtime.createContainer(s.id, app);
      await runtime.startContainer(id);
      let body = '';
      for (let i = 0; i < 50 && !body.includes('onlink'); i++) {
        const r = await runtime.execSync(id, ['wget', '-qO-', `http://${serviceIP}:8080/index.html`], 10_000);
        body = r.stdout.toString();
        if (!body.includes('onlink')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(body.trim()).toBe('onlink');
      const neigh = (await runtime.execSync(id, ['ip', 'neigh', 'show', serviceIP], 10_000)).stdout.toString();
      expect(neigh).toContain(`lladdr ${mac}`);
    } finally {
      await standIn.remove({ force: true });
    }
  }, 60_000);

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
