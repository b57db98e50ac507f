import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src-main/engine/api/defaults/index.js';
import { validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

function make(
  apiVersion: string,
  kind: string,
  body: Record<string, unknown>,
  namespace: string | null = 'default',
): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name: 'x', ...(namespace ? { namespace } : {}) }, ...body };
  applyDefaults(obj);
  return obj;
}
const msgs = (obj: KubeObject, old?: KubeObject) =>
  (old ? validateUpdate(obj, old) : validateCreate(obj)).map((c) => `${c.field}: ${c.message}`);

describe('HorizontalPodAutoscaler validation (pkg/apis/autoscaling/validation)', () => {
  const target = { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } };
  const v2 = (spec: Record<string, unknown>) =>
    make('autoscaling/v2', 'HorizontalPodAutoscaler', { spec: { ...target, maxReplicas: 5, ...spec } });
  const v1 = (spec: Record<string, unknown>) =>
    make('autoscaling/v1', 'HorizontalPodAutoscaler', { spec: { ...target, maxReplicas: 5, ...spec } });

  it('accepts defaulted v1 and v2 autoscalers', () => {
    expect(msgs(v2({}))).toEqual([]);
    expect(msgs(v1({ targetCPUUtilizationPercentage: 50 }))).toEqual([]);
  });

  it('requires scaleTargetRef kind and name', () => {
    expect(msgs(v2({ scaleTargetRef: {} }))).toEqual([
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Required value',
    ]);
  });

  it('requires minReplicas ≥ 1 and maxReplicas ≥ minReplicas', () => {
    expect(msgs(v2({ minReplicas: 0 }))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    ]);
    expect(msgs(v1({ minReplicas: 0 }))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
    ]);
    expect(msgs(v2({ minReplicas: 6 }))).toEqual([
      'spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`',
    ]);
  });

  it('requires a Resource metric to carry a name and exactly one kind of target', () => {
    const metric = (resource: unknown) => v2({ metrics: [{ type: 'Resource', resource }] });
    expect(msgs(metric({ target: { type: 'Utilization', averageUtilization: 50 } }))).toEqual([
      'spec.metrics[0].resource.name: Required value: must specify a resource name',
    ]);
    expect(msgs(metric({ name: 'cpu', target: { type: 'Utilization' } }))).toEqual([
      'spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization',
    ]);
    expect(
      msgs(metric({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 50, averageValue: '100m' } })),
    ).toEqual([
      'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    ]);
    expect(msgs(metric({ name: 'cpu', target: { type: 'Percent', averageUtilization: 0 } }))).toEqual([
      'spec.metrics[0].resource.target.type: Unsupported value: "Percent": supported values: "Utilization", "Value", "AverageValue"',
      'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    ]);
    expect(msgs(v2({ metrics: [{ type: 'Resource' }] }))).toEqual([
      'spec.metrics[0].resource: Required value: must populate information for the given metric source',
    ]);
  });

  it('requires the v1 CPU target to be at least 1', () => {
    expect(msgs(v1({ targetCPUUtilizationPercentage: 0 }))).toEqual([
      'spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0',
    ]);
  });
});

describe('Ingress validation (pkg/apis/networking/validation)', () => {
  const backend = { service: { name: 'web', port: { number: 80 } } };
  const ingress = (rules: unknown[]) => make('networking.k8s.io/v1', 'Ingress', { spec: { rules } });
  const rule = (path: Record<string, unknown>, host = 'example.com') => ({
    host,
    http: { paths: [{ backend, ...path }] },
  });

  it('accepts Prefix and wildcard hosts', () => {
    expect(msgs(ingress([rule({ path: '/', pathType: 'Prefix' }, '*.example.com')]))).toEqual([]);
  });

  it('requires hosts to be DNS subdomains and not IPs', () => {
    expect(msgs(ingress([rule({ path: '/', pathType: 'Prefix' }, 'Example.com')]))[0]).toMatch(
      /^spec.rules\[0\].host: Invalid value: "Example.com": a lowercase RFC 1123 subdomain/,
    );
    expect(msgs(ingress([rule({ path: '/', pathType: 'Prefix' }, '1.2.3.4')]))).toContain(
      'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
    );
    expect(msgs(ingress([rule({ path: '/', pathType: 'Prefix' }, 'a.*.com')]))[0]).toMatch(
      /a wildcard DNS-1123 subdomain must start with '\*\.'/,
    );
  });

  it('requires pathType and absolute paths for Prefix and Exact', () => {
    expect(msgs(ingress([rule({ path: '/' })]))).toEqual([
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    ]);
    expect(msgs(ingress([rule({ path: 'api', pathType: 'Exact' })]))).toEqual([
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
    ]);
    expect(msgs(ingress([rule({ path: '/', pathType: 'Regex' })]))).toEqual([
      'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    ]);
  });

  it('requires exactly one backend kind and a service port by number or name', () => {
    const withBackend = (b: unknown) =>
      ingress([{ host: 'a.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: b }] } }]);
    expect(msgs(withBackend({}))).toEqual([
      'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
    ]);
    expect(msgs(withBackend({ ...backend, resource: { kind: 'Bucket', name: 'b' } }))).toEqual([
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
    ]);
    expect(msgs(withBackend({ service: { name: 'web', port: {} } }))).toEqual([
      'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
    ]);
    expect(msgs(withBackend({ service: { name: 'web', port: { name: 'http', number: 80 } } }))).toEqual([
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
    ]);
  });

  it('requires rules or a default backend', () => {
    expect(msgs(ingress([]))).toEqual([
      'spec.rules: Invalid value: []: either `defaultBackend` or `rules` must be specified',
    ]);
  });
});

describe('smaller kinds (pkg/apis/core/validation, coordination/validation)', () => {
  it('Namespace names are DNS labels and are cluster-scoped', () => {
    expect(msgs(make('v1', 'Namespace', {}, null))).toEqual([]);
  });

  it('Event requires an involved object in its own namespace', () => {
    expect(msgs(make('v1', 'Event', {}))).toEqual(['involvedObject: Required value']);
    expect(msgs(make('v1', 'Event', { involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }))).toEqual([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
  });

  it('PersistentVolumeClaim requires access modes and a storage request', () => {
    expect(msgs(make('v1', 'PersistentVolumeClaim', { spec: {} }))).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
    const ok = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
    expect(msgs(make('v1', 'PersistentVolumeClaim', { spec: ok }))).toEqual([]);
    expect(msgs(make('v1', 'PersistentVolumeClaim', { spec: { ...ok, accessModes: ['ReadWriteSometimes'] } }))).toEqual(
      [
        'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      ],
    );
  });

  it('PersistentVolume requires storage capacity and exactly one source', () => {
    expect(msgs(make('v1', 'PersistentVolume', { spec: { accessModes: ['ReadWriteOnce'] } }, null))).toEqual([
      'spec.capacity: Required value',
      'spec: Required value: must specify a volume type',
    ]);
    const ok = { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data' } };
    expect(msgs(make('v1', 'PersistentVolume', { spec: ok }, null))).toEqual([]);
  });

  it('Lease durations are positive', () => {
    expect(msgs(make('coordination.k8s.io/v1', 'Lease', { spec: { leaseDurationSeconds: 0 } }))).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ]);
  });

  it('Endpoints addresses are IPs and ports valid', () => {
    const subsets = [{ addresses: [{ ip: 'pod-a' }], ports: [{ port: 0, protocol: 'TCP' }] }];
    expect(msgs(make('v1', 'Endpoints', { subsets }))).toEqual([
      'subsets[0].addresses[0].ip: Invalid value: "pod-a": must be a valid IP address',
      'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('ServiceAccount and Node need only valid metadata', () => {
    expect(msgs(make('v1', 'ServiceAccount', {}))).toEqual([]);
    expect(msgs(make('v1', 'Node', {}, null))).toEqual([]);
    expect(msgs(make('v1', 'Node', {}))).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('ControllerRevision data is required and immutable', () => {
    expect(msgs(make('apps/v1', 'ControllerRevision', { revision: 1 }))).toEqual([
      'data: Required value: data is mandatory',
    ]);
    const old = make('apps/v1', 'ControllerRevision', { revision: 1, data: { a: 1 } });
    expect(msgs(make('apps/v1', 'ControllerRevision', { revision: 1, data: { a: 2 } }), old)).toEqual([
      'data: Invalid value: {"a":2}: field is immutable',
    ]);
  });
});
