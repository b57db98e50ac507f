import { afterEach, describe, expect, it } from 'vitest';
import type { Node } from 'kubernetes-types/core/v1';
import type { Lease } from 'kubernetes-types/coordination/v1';
import { FakeClock } from '../../../src-main/engine/clock.js';
import { RuntimeUnavailableError } from '../../../src-main/engine/runtime/index.js';
import { SimulatedRuntime } from '../../../src-main/engine/runtime/simulated/simulated-runtime.js';
import { harness, PAUSE, type Harness } from './helpers.js';

/** A simulated runtime that can be switched off, as a stopped Docker engine. */
class FlakyRuntime extends SimulatedRuntime {
  down = false;
  override async ping(): Promise<boolean> {
    if (this.down)
      throw new RuntimeUnavailableError('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.');
    return true;
  }
  override async info() {
    if (this.down) throw new RuntimeUnavailableError('Cannot connect to the Docker daemon.');
    return super.info();
  }
}

let h: Harness;
afterEach(async () => h?.close());

const node = async () => (await h.engine.api.get({ group: '', resource: 'nodes', name: 'kubedesk' })) as Node;
const lease = async () =>
  (await h.engine.api.get({
    group: 'coordination.k8s.io',
    resource: 'leases',
    namespace: 'kube-node-lease',
    name: 'kubedesk',
  })) as Lease;
const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready');

describe('node status and heartbeat', () => {
  it('registers node kubedesk Ready with labels, capacity, nodeInfo, addresses and pressure conditions', async () => {
    h = await harness();
    const n = await node();
    expect(n.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': 'kubedesk',
      'kubernetes.io/os': 'linux',
      'node-role.kubernetes.io/control-plane': '',
    });
    expect(n.metadata?.labels?.['kubernetes.io/arch']).toMatch(/amd64|arm64/);
    expect(n.status?.capacity).toMatchObject({ cpu: '8', memory: `${16 * 1024 * 1024}Ki`, pods: '110' });
    expect(n.status?.capacity?.['ephemeral-storage']).toMatch(/^\d+Ki$/);
    expect(n.status?.allocatable?.memory).toBe(`${16 * 1024 * 1024 - 100 * 1024}Ki`);
    expect(n.status?.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.30.0-kubedesk',
      containerRuntimeVersion: 'simulated://1',
      operatingSystem: 'linux',
      osImage: 'KubeDesk simulated node',
    });
    expect(n.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'kubedesk-simulated' },
    ]);
    expect(ready(n)).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    });
    const types = n.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'MemoryPressure=False/KubeletHasSufficientMemory',
        'DiskPressure=False/KubeletHasNoDiskPressure',
        'PIDPressure=False/KubeletHasSufficientPID',
      ]),
    );
  });

  it('renews the lease kube-node-lease/kubedesk on every heartbeat', async () => {
    h = await harness();
    const first = await lease();
    expect(first.spec).toMatchObject({ holderIdentity: 'kubedesk', leaseDurationSeconds: 40 });
    await h.advance(10_000, 10_000);
    const second = await lease();
    expect(Date.parse(second.spec!.renewTime!) - Date.parse(first.spec!.renewTime!)).toBe(10_000);
  });

  it('turns NotReady with how to start Docker when the runtime stops answering, and Ready again by itself', async () => {
    const clock = new FakeClock();
    const runtime = new FlakyRuntime({ clock, images: [PAUSE] });
    h = await harness({ runtime });
    // The harness made its own clock; drive the runtime's timers from it too.
    runtime.down = true;
    await h.advance(10_000, 10_000);
    const down = ready(await node());
    expect(down).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(down?.message).toContain('container runtime is down');
    expect(down?.message).toMatch(/[Ss]tart Docker/);
    runtime.down = false;
    await h.advance(10_000, 10_000);
    expect(ready(await node())).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  });
});
