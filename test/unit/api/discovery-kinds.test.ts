import { describe, expect, it } from 'vitest';
import { kindForObject, resolveResourceName } from '../../../src-main/engine/api/registry.js';
import { printerColumns } from '../../../src-main/engine/api/printers.js';
import { applyDefaults } from '../../../src-main/engine/api/defaults/index.js';
import { validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import { schemaFor } from '../../../src-main/engine/api/schema/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

const slice = (o: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abcde', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3'] }],
  ...o,
});

const cells = (o: KubeObject) =>
  Object.fromEntries(printerColumns(o.kind).map((c) => [c.name, c.cell(o, Date.parse('2026-01-01T00:05:00Z'))]));

describe('discovery.k8s.io/v1 EndpointSlice', () => {
  it('is served and resolves as kubectl names it', () => {
    expect(kindForObject('discovery.k8s.io/v1', 'EndpointSlice')?.plural).toBe('endpointslices');
    expect(resolveResourceName('endpointslices')?.kind).toBe('EndpointSlice');
    expect(resolveResourceName('endpointslice.discovery.k8s.io')?.kind).toBe('EndpointSlice');
    expect(schemaFor('discovery.k8s.io/v1', 'EndpointSlice')?.root).toBe('V1EndpointSlice');
  });

  it('prints NAME ADDRESSTYPE PORTS ENDPOINTS AGE like kubectl', () => {
    expect(cells(slice())).toEqual({
      NAME: 'web-abcde',
      ADDRESSTYPE: 'IPv4',
      PORTS: '8080',
      ENDPOINTS: '10.244.0.2,10.244.0.3',
      AGE: '5m',
    });
    const many = slice({
      endpoints: [1, 2, 3, 4, 5].map((i) => ({ addresses: [`10.0.0.${i}`] })),
      ports: [],
    });
    expect(cells(many)).toMatchObject({ PORTS: '<unset>', ENDPOINTS: '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...' });
    expect(cells(slice({ endpoints: [] })).ENDPOINTS).toBe('<unset>');
  });

  it('defaults port protocol to TCP and name to ""', () => {
    const s = slice({ ports: [{ port: 80 }] });
    applyDefaults(s);
    expect(s.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  it('rejects a bad address type, an address of the wrong family, an endpoint without addresses', () => {
    expect(validateCreate(slice())).toEqual([]);
    const fields = (o: KubeObject) => validateCreate(o).map((c) => c.field);
    expect(fields(slice({ addressType: 'IP' }))).toEqual(['addressType']);
    expect(fields(slice({ endpoints: [{ addresses: ['fe80::1'] }] }))).toEqual(['endpoints[0].addresses[0]']);
    expect(fields(slice({ endpoints: [{ addresses: [] }] }))).toEqual(['endpoints[0].addresses']);
    expect(
      fields(
        slice({
          ports: [
            { name: 'a', port: 1, protocol: 'TCP' },
            { name: 'a', port: 2, protocol: 'TCP' },
          ],
        }),
      ),
    ).toEqual(['ports[1].name']);
  });

  it('keeps addressType immutable', () => {
    const causes = validateUpdate(slice({ addressType: 'IPv6', endpoints: [] }), slice());
    expect(causes.map((c) => c.message)).toContain('Invalid value: "IPv6": field is immutable');
  });
});
