import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src-main/engine/api/defaults/index.js';
import { validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

type Spec = Record<string, unknown>;
const pod = (spec: Spec): KubeObject => {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  applyDefaults(obj);
  return obj;
};
const c = (extra: Spec = {}) => ({ name: 'app', image: 'nginx:1', ...extra });
const errs = (spec: Spec) => validateCreate(pod(spec)).map((x) => `${x.field}: ${x.message}`);

describe('pod spec validation (pkg/apis/core/validation/validation.go)', () => {
  it('accepts a minimal defaulted pod', () => {
    expect(errs({ containers: [c()] })).toEqual([]);
  });

  it('requires at least one container', () => {
    expect(errs({ containers: [] })).toEqual(['spec.containers: Required value']);
  });

  it('requires container names and images, as DNS labels unique across init and app containers', () => {
    expect(errs({ containers: [{ image: 'x' }] })).toContain('spec.containers[0].name: Required value');
    expect(errs({ containers: [{ name: 'app' }] })).toContain('spec.containers[0].image: Required value');
    expect(errs({ containers: [c({ name: 'App' })] })[0]).toMatch(
      /^spec.containers\[0\].name: Invalid value: "App": a lowercase RFC 1123 label/,
    );
    expect(errs({ initContainers: [c()], containers: [c()] })).toEqual([
      'spec.initContainers[0].name: Duplicate value: "app"',
    ]);
  });

  it('checks container ports: range, host port, name, protocol and uniqueness', () => {
    expect(errs({ containers: [c({ ports: [{ containerPort: 70000 }] })] })).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    expect(errs({ containers: [c({ ports: [{ containerPort: 80, hostPort: 70000 }] })] })).toEqual([
      'spec.containers[0].ports[0].hostPort: Invalid value: 70000: must be between 0 and 65535, inclusive',
    ]);
    expect(errs({ containers: [c({ ports: [{ containerPort: 80, name: 'a-very-long-port-name' }] })] })).toEqual([
      'spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters',
    ]);
    expect(errs({ containers: [c({ ports: [{ containerPort: 80, protocol: 'HTTP' }] })] })).toEqual([
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    expect(errs({ containers: [c({ ports: [{ containerPort: 80 }, { containerPort: 80 }] })] })).toEqual([
      'spec.containers[0].ports[1].containerPort: Duplicate value: "TCP/80"',
    ]);
  });

  it('requires exactly one probe handler', () => {
    expect(errs({ containers: [c({ readinessProbe: {} })] })).toEqual([
      'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    ]);
    expect(
      errs({ containers: [c({ readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } })] }),
    ).toEqual(['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type']);
  });

  it('requires non-negative probe thresholds and successThreshold 1 for liveness and startup', () => {
    expect(errs({ containers: [c({ livenessProbe: { exec: { command: ['x'] }, failureThreshold: -1 } })] })).toEqual([
      'spec.containers[0].livenessProbe.failureThreshold: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(errs({ containers: [c({ livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 } })] })).toEqual([
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ]);
    expect(errs({ containers: [c({ startupProbe: { exec: { command: ['x'] }, successThreshold: 3 } })] })).toEqual([
      'spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1',
    ]);
    expect(errs({ containers: [c({ readinessProbe: { exec: { command: ['x'] }, successThreshold: 3 } })] })).toEqual(
      [],
    );
  });

  it('validates env var names and requires exactly one valueFrom source', () => {
    expect(errs({ containers: [c({ env: [{ name: '1BAD', value: 'x' }] })] })[0]).toMatch(
      /^spec.containers\[0\].env\[0\].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters/,
    );
    expect(errs({ containers: [c({ env: [{ name: 'A', valueFrom: {} }] })] })).toEqual([
      'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    ]);
    const two = { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } };
    expect(errs({ containers: [c({ env: [{ name: 'A', valueFrom: two }] })] })).toEqual([
      'spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time',
    ]);
  });

  it('checks resource quantities, names and that requests do not exceed limits', () => {
    expect(errs({ containers: [c({ resources: { requests: { cpu: '1' }, limits: { cpu: '500m' } } })] })).toEqual([
      'spec.containers[0].resources.requests[cpu]: Invalid value: "1": must be less than or equal to cpu limit of 500m',
    ]);
    expect(errs({ containers: [c({ resources: { requests: { cpu: 'lots' } } })] })).toEqual([
      `spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ]);
    expect(errs({ containers: [c({ resources: { requests: { gpus: '1' } } })] })).toEqual([
      'spec.containers[0].resources.requests[gpus]: Invalid value: "gpus": must be a standard resource for containers',
    ]);
    expect(errs({ containers: [c({ resources: { limits: { 'example.com/gpu': '1' } } })] })).toEqual([]);
    expect(errs({ containers: [c({ resources: { requests: { memory: '-1Mi' } } })] })).toEqual([
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0',
    ]);
  });

  it('requires volume mounts to name a declared volume and have a mountPath', () => {
    expect(errs({ containers: [c({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] })).toEqual([
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]);
    expect(
      errs({ volumes: [{ name: 'data', emptyDir: {} }], containers: [c({ volumeMounts: [{ name: 'data' }] })] }),
    ).toEqual(['spec.containers[0].volumeMounts[0].mountPath: Required value']);
  });

  it('requires unique DNS-label volume names with exactly one source', () => {
    expect(
      errs({
        volumes: [
          { name: 'a', emptyDir: {} },
          { name: 'a', emptyDir: {} },
        ],
        containers: [c()],
      }),
    ).toEqual(['spec.volumes[1].name: Duplicate value: "a"']);
    expect(errs({ volumes: [{ name: 'a', emptyDir: {}, hostPath: { path: '/x' } }], containers: [c()] })).toEqual([
      'spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type',
    ]);
    expect(errs({ volumes: [{ name: 'A_b', emptyDir: {} }], containers: [c()] })[0]).toMatch(
      /^spec.volumes\[0\].name: Invalid value: "A_b": a lowercase RFC 1123 label/,
    );
  });

  it('checks restartPolicy, dnsPolicy, terminationGracePeriodSeconds and activeDeadlineSeconds', () => {
    expect(errs({ containers: [c()], restartPolicy: 'Sometimes' })).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
    expect(errs({ containers: [c()], dnsPolicy: 'Google' })).toEqual([
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
    expect(errs({ containers: [c()], terminationGracePeriodSeconds: -1 })).toEqual([
      'spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(errs({ containers: [c()], activeDeadlineSeconds: 0 })).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    ]);
  });
});

describe('pod update validation (ValidatePodUpdate)', () => {
  it('allows changing container images', () => {
    const old = pod({ containers: [c()] });
    const next = pod({ containers: [c({ image: 'nginx:2' })] });
    expect(validateUpdate(next, old)).toEqual([]);
  });

  it('allows setting activeDeadlineSeconds and adding tolerations', () => {
    const old = pod({ containers: [c()] });
    const next = pod({ containers: [c()], activeDeadlineSeconds: 30, tolerations: [{ key: 'k', operator: 'Exists' }] });
    expect(validateUpdate(next, old)).toEqual([]);
  });

  it('forbids changing anything else in the spec', () => {
    const old = pod({ containers: [c()] });
    const next = pod({ containers: [c({ command: ['sh'] })] });
    expect(validateUpdate(next, old).map((x) => `${x.field}: ${x.message}`)).toEqual([
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ]);
  });
});
