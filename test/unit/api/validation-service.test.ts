import { describe, it, expect } from 'vitest';
import type { Secret } from 'kubernetes-types/core/v1';
import { applyDefaults } from '../../../src-main/engine/api/defaults/index.js';
import { normalizeSecret, validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

function make(kind: string, body: Record<string, unknown>): KubeObject {
  const obj: KubeObject = { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default' }, ...body };
  applyDefaults(obj);
  return obj;
}
const svc = (spec: Record<string, unknown>) =>
  make('Service', { spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } });
const msgs = (obj: KubeObject, old?: KubeObject) =>
  (old ? validateUpdate(obj, old) : validateCreate(obj)).map((c) => `${c.field}: ${c.message}`);

describe('Service validation (pkg/apis/core/validation ValidateService)', () => {
  it('accepts a defaulted ClusterIP service', () => {
    expect(msgs(svc({}))).toEqual([]);
  });

  it('requires ports unless headless or ExternalName', () => {
    expect(msgs(svc({ ports: [] }))).toEqual(['spec.ports: Required value']);
    expect(msgs(svc({ ports: [], clusterIP: 'None' }))).toEqual([]);
    expect(msgs(svc({ ports: [], type: 'ExternalName', externalName: 'db.example.com' }))).toEqual([]);
  });

  it('requires externalName for ExternalName services', () => {
    expect(msgs(svc({ type: 'ExternalName' }))).toEqual(['spec.externalName: Required value']);
  });

  it('checks the port number and the target port number or name', () => {
    expect(msgs(svc({ ports: [{ port: 0 }] }))).toContain(
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    );
    expect(msgs(svc({ ports: [{ port: 80, targetPort: 70000 }] }))).toEqual([
      'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    expect(msgs(svc({ ports: [{ port: 80, targetPort: 'HTTP' }] }))).toEqual([
      'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ]);
  });

  it('requires unique names when there is more than one port', () => {
    expect(msgs(svc({ ports: [{ port: 80 }, { port: 443, name: 'https' }] }))).toEqual([
      'spec.ports[0].name: Required value',
    ]);
    expect(
      msgs(
        svc({
          ports: [
            { port: 80, name: 'web' },
            { port: 443, name: 'web' },
          ],
        }),
      ),
    ).toEqual(['spec.ports[1].name: Duplicate value: "web"']);
  });

  it('checks the type and sessionAffinity values', () => {
    expect(msgs(svc({ type: 'Magic' }))).toEqual([
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(msgs(svc({ sessionAffinity: 'Sticky' }))).toEqual([
      'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
    ]);
  });

  it('allows nodePort only for NodePort and LoadBalancer, within 30000-32767', () => {
    expect(msgs(svc({ ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    expect(msgs(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([]);
    expect(msgs(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }))).toEqual([
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
  });

  it('keeps an allocated clusterIP immutable', () => {
    const old = svc({ clusterIP: '10.96.0.10' });
    expect(msgs(svc({ clusterIP: '10.96.0.11' }), old)).toEqual([
      'spec.clusterIP: Invalid value: "10.96.0.11": field is immutable',
    ]);
    expect(msgs(svc({ clusterIP: '10.96.0.10' }), old)).toEqual([]);
  });
});

describe('ConfigMap validation (ValidateConfigMap)', () => {
  const cm = (body: Record<string, unknown>) => make('ConfigMap', body);

  it('checks data keys and duplicates between data and binaryData', () => {
    expect(msgs(cm({ data: { 'app.properties': 'x' } }))).toEqual([]);
    expect(msgs(cm({ data: { 'a/b': 'x' } }))).toEqual([
      "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(msgs(cm({ data: { k: 'x' }, binaryData: { k: 'eA==' } }))).toEqual([
      'data[k]: Invalid value: "k": duplicate of key present in binaryData',
      'binaryData[k]: Invalid value: "k": duplicate of key present in data',
    ]);
  });

  it('limits the total size to 1 MiB', () => {
    expect(msgs(cm({ data: { big: 'x'.repeat(1024 * 1024 + 1) } }))).toEqual([
      ': Too long: must have at most 1048576 bytes',
    ]);
  });

  it('freezes data once immutable is set, and immutable cannot be unset', () => {
    const old = cm({ data: { a: '1' }, immutable: true });
    expect(msgs(cm({ data: { a: '2' }, immutable: true }), old)).toEqual([
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(msgs(cm({ data: { a: '1' }, immutable: false }), old)).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(msgs(cm({ data: { a: '2' } }), cm({ data: { a: '1' } }))).toEqual([]);
  });
});

describe('Secret normalisation and validation (ValidateSecret)', () => {
  const secret = (body: Record<string, unknown>) => make('Secret', body);

  it('merges stringData into data as base64, stringData winning, and drops stringData', () => {
    const s = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { a: 'b2xk', b: 'Yg==' },
      stringData: { a: 'new' },
    } as Secret;
    expect(normalizeSecret(s)).toEqual([]);
    expect(s.data).toEqual({ a: Buffer.from('new').toString('base64'), b: 'Yg==' });
    expect(s.stringData).toBeUndefined();
  });

  it('rejects data values that are not base64', () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'not base64!' } } as Secret;
    expect(normalizeSecret(s).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'data[a]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3',
    ]);
  });

  it('requires the keys of typed secrets', () => {
    expect(msgs(secret({ type: 'kubernetes.io/tls', data: {} }))).toEqual([
      'data[tls.crt]: Required value',
      'data[tls.key]: Required value',
    ]);
    expect(msgs(secret({ type: 'kubernetes.io/dockerconfigjson', data: {} }))).toEqual([
      'data[.dockerconfigjson]: Required value',
    ]);
    const json = Buffer.from('{"auths":{}}').toString('base64');
    expect(msgs(secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': json } }))).toEqual([]);
    expect(msgs(secret({ type: 'Opaque', data: { '..x': 'eA==' } }))).toEqual([
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
    ]);
  });

  it('keeps the type immutable and freezes data when immutable', () => {
    const old = secret({ data: { a: 'eA==' }, immutable: true });
    expect(
      msgs(secret({ type: 'kubernetes.io/basic-auth', data: { a: 'eA==', username: 'eA==' }, immutable: true }), old),
    ).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});
