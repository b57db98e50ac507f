import { describe, it, expect } from 'vitest';
import { pruneUnknownFields, schemaFor, typeCheck } from '../../../src-main/engine/api/schema/index.js';

const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec,
});

describe('schema type checking', () => {
  it('accepts a well-typed deployment with no unknown fields', () => {
    const obj = deployment({
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx', resources: { limits: { cpu: 1, memory: '1Gi' } } }] },
      },
    });
    expect(typeCheck(obj, 'apps/v1', 'Deployment')).toEqual({ errors: [], unknownFields: [] });
  });

  it('reports a wrong type with the field path and the decode message', () => {
    const { errors } = typeCheck(deployment({ replicas: 'three' }), 'apps/v1', 'Deployment');
    expect(errors).toEqual([
      {
        type: 'FieldValueTypeInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: "three": spec.replicas in body must be of type integer',
      },
    ]);
  });

  it('reports objects, arrays, booleans and int32 overflow by path', () => {
    const obj = deployment({
      paused: 'yes',
      selector: [],
      revisionHistoryLimit: 2 ** 31,
      template: { spec: { containers: { name: 'x' } } },
    });
    const messages = typeCheck(obj, 'apps/v1', 'Deployment').errors.map((e) => `${e.field}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'spec.paused: Invalid value: "yes": spec.paused in body must be of type boolean',
        'spec.selector: Invalid value: "[...]": spec.selector in body must be of type object',
        'spec.revisionHistoryLimit: Invalid value: 2147483648: spec.revisionHistoryLimit in body should be less than or equal to 2147483647',
        'spec.template.spec.containers: Invalid value: "{...}": spec.template.spec.containers in body must be of type array',
      ]),
    );
  });

  it('collects unknown fields as dotted paths with list indexes, including in metadata', () => {
    const obj = deployment({
      replicsa: 3,
      template: { spec: { containers: [{ name: 'a', imagee: 'x' }] } },
    });
    (obj.metadata as Record<string, unknown>).labelz = {};
    expect(typeCheck(obj, 'apps/v1', 'Deployment').unknownFields).toEqual([
      'metadata.labelz',
      'spec.replicsa',
      'spec.template.spec.containers[0].imagee',
    ]);
  });

  it('accepts quantities as strings or numbers, int-or-string as either, dates as strings and any as anything', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        containers: [
          {
            name: 'c',
            resources: { requests: { cpu: 0.5, memory: '64Mi' } },
            livenessProbe: { httpGet: { port: 'http' } },
            readinessProbe: { httpGet: { port: 8080 } },
          },
        ],
      },
    };
    expect(typeCheck(pod, 'v1', 'Pod').errors).toEqual([]);
    const bad = structuredClone(pod);
    (bad.spec.containers[0].resources.requests as Record<string, unknown>).cpu = true;
    (bad.spec.containers[0].livenessProbe.httpGet as Record<string, unknown>).port = 1.5;
    expect(typeCheck(bad, 'v1', 'Pod').errors.map((e) => e.field)).toEqual([
      'spec.containers[0].resources.requests[cpu]',
      'spec.containers[0].livenessProbe.httpGet.port',
    ]);
    const rev = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r' },
      data: { any: [1, 'x'] },
      revision: 1,
    };
    expect(typeCheck(rev, 'apps/v1', 'ControllerRevision')).toEqual({ errors: [], unknownFields: [] });
  });

  it('types status as well as spec', () => {
    const obj = { ...deployment({}), status: { readyReplicas: 'many' } };
    expect(typeCheck(obj, 'apps/v1', 'Deployment').errors.map((e) => e.field)).toEqual(['status.readyReplicas']);
  });

  it('treats null as unset', () => {
    expect(typeCheck(deployment({ replicas: null }), 'apps/v1', 'Deployment').errors).toEqual([]);
  });

  it('rejects deeply nested junk at the first wrong level without walking or overflowing the stack', () => {
    let junk: unknown = 'x';
    for (let i = 0; i < 100_000; i++) junk = [junk];
    const obj = deployment({ template: { spec: { containers: [{ name: 'c', args: junk }] } } });
    const { errors } = typeCheck(obj, 'apps/v1', 'Deployment');
    expect(errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.template.spec.containers[0].args[0]: Invalid value: "[...]": spec.template.spec.containers[0].args[0] in body must be of type string',
    ]);
    let map: Record<string, unknown> = {};
    const root = map;
    for (let i = 0; i < 100_000; i++) map = map.x = {};
    expect(() => typeCheck({ ...deployment({}), status: root }, 'apps/v1', 'Deployment')).not.toThrow();
  });

  it('prunes unknown fields in place and leaves known ones', () => {
    const obj = deployment({ replicas: 2, replicsa: 3 });
    expect(pruneUnknownFields(obj, 'apps/v1', 'Deployment')).toEqual(['spec.replicsa']);
    expect(obj.spec).toEqual({ replicas: 2 });
  });

  it('serves v1 and v2 HorizontalPodAutoscaler schemas with their own fields', () => {
    const v1 = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: {},
      spec: { targetCPUUtilizationPercentage: 50, metrics: [] },
    };
    expect(typeCheck(v1, 'autoscaling/v1', 'HorizontalPodAutoscaler').unknownFields).toEqual(['spec.metrics']);
    const v2 = { ...v1, apiVersion: 'autoscaling/v2' };
    expect(typeCheck(v2, 'autoscaling/v2', 'HorizontalPodAutoscaler').unknownFields).toEqual([
      'spec.targetCPUUtilizationPercentage',
    ]);
  });

  it('gives the reachable definitions of a kind for OpenAPI', () => {
    const s = schemaFor('apps/v1', 'Deployment');
    expect(s?.root).toBe('V1Deployment');
    expect(s?.definitions.V1DeploymentSpec.replicas).toBe('int32');
    expect(s?.definitions.V1Container).toBeDefined();
    expect(s?.definitions.V1Service).toBeUndefined();
    expect(schemaFor('v1', 'Status')?.root).toBe('V1Status');
    expect(schemaFor('v1', 'Nope')).toBeUndefined();
  });
});
