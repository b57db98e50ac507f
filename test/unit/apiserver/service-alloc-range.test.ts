// ClusterIP allocation from a configured Service CIDR (the cluster network's on-link range, see
// network/subnet.ts), through the API server as a client sees it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src-main/engine/index.js';
import { serviceRange } from '../../../src-main/engine/apiserver/service-alloc.js';
import { layoutFor, type NetworkLayout } from '../../../src-main/engine/network/subnet.js';
import { statusOf, testEngine } from './helpers.js';

let engine: Engine;
beforeEach(async () => ({ engine } = await testEngine()));
afterEach(async () => engine.stop());

const svcRef = { group: '', resource: 'services', namespace: 'default' };
const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});
const ipOf = (o: { spec?: unknown }) => (o.spec as { clusterIP: string }).clusterIP;

describe('ClusterIP allocation from a custom Service CIDR', () => {
  it('the cluster network’s range (the second quarter of its subnet) is where new ClusterIPs come from', async () => {
    const layout = layoutFor('10.251.16.0/20') as NetworkLayout;
    expect(layout.serviceCIDR).toBe('10.251.20.0/22');
    engine.api.ctx.serviceCIDR = layout.serviceCIDR;
    const a = await engine.api.create(svcRef, svc('a'));
    const b = await engine.api.create(svcRef, svc('b'));
    expect(ipOf(a)).toBe('10.251.20.10');
    expect(ipOf(b)).toBe('10.251.20.11');
    // Never the gateway, netd (.2) or the pods' half of the subnet.
    for (const ip of [ipOf(a), ipOf(b)]) expect(ip).not.toMatch(/^10\.251\.(1[6-9]|2[4-9]|3[01])\./);
  });

  it('a requested ClusterIP must lie in the range; the error names the range and nothing is stored', async () => {
    engine.api.ctx.serviceCIDR = '10.251.20.0/22';
    const outside = await statusOf(engine.api.create(svcRef, svc('x', { clusterIP: '10.96.0.50' })));
    expect(outside.code).toBe(422);
    expect(outside.message).toContain('The range of valid IPs is 10.251.20.0/22');
    expect(engine.store.list('/services', 'default')).toEqual([]);
    const inside = await engine.api.create(svcRef, svc('y', { clusterIP: '10.251.23.200' }));
    expect(ipOf(inside)).toBe('10.251.23.200');
  });

  it('an ExternalName Service that becomes ClusterIP gets an address from the range', async () => {
    engine.api.ctx.serviceCIDR = '10.251.20.0/22';
    const e = await engine.api.create(svcRef, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext' },
      spec: { type: 'ExternalName', externalName: 'example.com' },
    });
    const updated = await engine.api.update(
      { ...svcRef, name: 'ext' },
      { ...e, spec: { type: 'ClusterIP', selector: { app: 'ext' }, ports: [{ port: 80 }] } },
    );
    expect(ipOf(updated)).toBe('10.251.20.10');
  });

  it('a small range hands out every address but its last, then says it is full', async () => {
    engine.api.ctx.serviceCIDR = '192.168.7.64/29';
    const ips: string[] = [];
    for (let i = 0; i < 6; i++) ips.push(ipOf(await engine.api.create(svcRef, svc(`s${i}`))));
    expect(ips).toEqual([
      '192.168.7.65',
      '192.168.7.66',
      '192.168.7.67',
      '192.168.7.68',
      '192.168.7.69',
      '192.168.7.70',
    ]);
    const full = await statusOf(engine.api.create(svcRef, svc('s6')));
    expect(full.code).toBe(422);
    expect(full.message).toContain('range is full');
    // Headless Services need no address and are still accepted.
    const headless = await engine.api.create(svcRef, svc('h', { clusterIP: 'None' }));
    expect(ipOf(headless)).toBe('None');
  });

  it('without a configured range the default 10.96.0.0/12 applies; a bad range is refused', async () => {
    const a = await engine.api.create(svcRef, svc('a'));
    expect(ipOf(a)).toBe('10.96.0.10');
    expect(serviceRange()).toMatchObject({ cidr: '10.96.0.0/12', size: 1 << 20, first: 10 });
    expect(() => serviceRange('10.96.0.0')).toThrow(/invalid service CIDR/);
    expect(() => serviceRange('10.96.0.0/31')).toThrow(/invalid service CIDR/);
  });
});
