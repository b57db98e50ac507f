import { describe, expect, it } from 'vitest';
import { APPLY, DELETE, GET, LIST, PATCH, REQUEST_CHANNELS, SCALE, SUBSCRIBE } from '../../../src-main/ipc/contract.js';
import { parseRequest, REQUEST_SCHEMAS } from '../../../src-main/ipc/schemas.js';
import { SchemaError } from '../../../src-main/ipc/validate.js';

function rejection(fn: () => unknown): SchemaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected a SchemaError');
}

describe('contract validation', () => {
  it('has a schema for every request channel', () => {
    expect(Object.keys(REQUEST_SCHEMAS).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('accepts a well-formed list request and drops nothing it allows', () => {
    const request = parseRequest(LIST, {
      ref: { group: 'apps', resource: 'deployments', namespace: 'dev' },
      labelSelector: 'app=web',
    });
    expect(request).toEqual({
      ref: { group: 'apps', resource: 'deployments', namespace: 'dev' },
      labelSelector: 'app=web',
    });
  });

  it('rejects a non-object request with what was expected and what came', () => {
    const error = rejection(() => parseRequest(LIST, 'pods'));
    expect(error.field).toBe('request');
    expect(error.message).toBe('request: expected an object, got "pods"');
  });

  it('rejects unknown fields instead of ignoring them', () => {
    const error = rejection(() => parseRequest(GET, { ref: { group: '', resource: 'pods', name: 'a' }, sneaky: 1 }));
    expect(error.message).toContain('unknown field "sneaky"');
  });

  it('names the nested field path of a bad value', () => {
    const error = rejection(() => parseRequest(GET, { ref: { group: '', resource: 'pods', name: 'Bad_Name' } }));
    expect(error.field).toBe('request.ref.name');
    expect(error.detail).toMatch(/Kubernetes name/);
  });

  it('requires a name for verbs on one object', () => {
    expect(
      rejection(() => parseRequest(DELETE, { ref: { group: '', resource: 'pods', namespace: 'default' } })).field,
    ).toBe('request.ref.name');
  });

  it('rejects path traversal in a resource or namespace', () => {
    expect(() => parseRequest(LIST, { ref: { group: '', resource: '../secrets' } })).toThrow(SchemaError);
    expect(() => parseRequest(LIST, { ref: { group: '', resource: 'pods', namespace: 'a/b' } })).toThrow(SchemaError);
  });

  it('bounds numbers: negative replicas and fractional grace periods are refused', () => {
    const ref = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' };
    expect(rejection(() => parseRequest(SCALE, { ref, replicas: -1 })).message).toContain('an integer from 0');
    expect(() => parseRequest(DELETE, { ref, gracePeriodSeconds: 1.5 })).toThrow(/an integer/);
    expect(() => parseRequest(DELETE, { ref, propagationPolicy: 'Sometimes' })).toThrow(
      /one of Background, Foreground, Orphan/,
    );
  });

  it('rejects an unsupported patch type such as server-side apply', () => {
    const ref = { group: '', resource: 'configmaps', namespace: 'default', name: 'c' };
    expect(() => parseRequest(PATCH, { ref, patchType: 'apply', patch: {} })).toThrow(/one of json, merge, strategic/);
  });

  it('refuses empty and oversized YAML', () => {
    expect(() => parseRequest(APPLY, { yaml: '' })).toThrow(/at least 1/);
    expect(() => parseRequest(APPLY, { yaml: 'a'.repeat(5 * 1024 * 1024 + 1) })).toThrow(/at most/);
  });

  it('rejects bodies that are not JSON data or are nested absurdly deep', () => {
    const ref = { group: '', resource: 'configmaps', namespace: 'default' };
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100; i++) cursor = cursor['x'] = {};
    expect(() =>
      parseRequest('kubedesk:create', { ref, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: deep } }),
    ).toThrow(/nested too deeply/);
    expect(() =>
      parseRequest('kubedesk:create', { ref, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, n: NaN } }),
    ).toThrow(/finite number/);
  });

  it('validates subscription arguments per topic', () => {
    const ok = parseRequest(SUBSCRIBE, { id: 'w1', topic: 'watch', args: { ref: { group: '', resource: 'pods' } } });
    expect(ok).toEqual({ id: 'w1', topic: 'watch', args: { ref: { group: '', resource: 'pods' } } });
    expect(() =>
      parseRequest(SUBSCRIBE, { id: 'w 1', topic: 'watch', args: { ref: { group: '', resource: 'pods' } } }),
    ).toThrow(/request.id/);
    expect(() => parseRequest(SUBSCRIBE, { id: 'l1', topic: 'portforward', args: {} })).toThrow(
      /one of watch, logs, exec/,
    );
    expect(
      rejection(() => parseRequest(SUBSCRIBE, { id: 'l1', topic: 'logs', args: { namespace: 'dev', pod: 'p' } })).field,
    ).toBe('request.args.follow');
  });

  it('rejects objects with a prototype other than a plain object', () => {
    class Sneaky {
      group = '';
      resource = 'pods';
    }
    expect(() => parseRequest(LIST, { ref: new Sneaky() })).toThrow(/expected an object/);
  });
});
