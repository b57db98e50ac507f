import { describe, it, expect } from 'vitest';
import { validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

const cm = (metadata: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata });
const errs = (obj: KubeObject) => validateCreate(obj).map((c) => `${c.field}: ${c.message}`);
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('object metadata validation (apimachinery/pkg/api/validation/objectmeta.go)', () => {
  it('accepts a well-formed object', () => {
    expect(errs(cm({ name: 'settings', namespace: 'default', labels: { app: 'web' } }))).toEqual([]);
  });

  it('requires a name unless generateName is given', () => {
    expect(errs(cm({ namespace: 'default' }))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(errs(cm({ generateName: 'web-', namespace: 'default' }))).toEqual([]);
  });

  it('rejects a name that is not a DNS subdomain with the upstream message', () => {
    expect(errs(cm({ name: 'Foo_bar', namespace: 'default' }))).toEqual([
      `metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`,
    ]);
    expect(errs(cm({ name: 'a'.repeat(254), namespace: 'default' }))[0]).toMatch(
      /must be no more than 253 characters$/,
    );
  });

  it('validates generateName as a name prefix, allowing a trailing dash', () => {
    expect(errs(cm({ generateName: 'Bad_', namespace: 'default' }))[0]).toMatch(
      /^metadata.generateName: Invalid value: "Bad_": a lowercase RFC 1123 subdomain/,
    );
  });

  it('uses DNS labels for Namespace names and DNS-1035 labels for Service names', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } };
    expect(errs(ns)[0]).toMatch(/^metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist/);
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '1web', namespace: 'default' },
      spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
    };
    expect(errs(svc)[0]).toMatch(/^metadata.name: Invalid value: "1web": a DNS-1035 label must consist/);
  });

  it('requires a namespace for namespaced kinds and forbids one on cluster-scoped kinds', () => {
    expect(errs(cm({ name: 'x' }))).toEqual(['metadata.namespace: Required value']);
    expect(errs(cm({ name: 'x', namespace: 'Bad' }))[0]).toMatch(
      /^metadata.namespace: Invalid value: "Bad": a lowercase RFC 1123 label/,
    );
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', namespace: 'y' } };
    expect(errs(ns)).toEqual(['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('validates label keys and values', () => {
    expect(errs(cm({ name: 'x', namespace: 'd', labels: { 'example.com/app': 'web', ok: '' } }))).toEqual([]);
    expect(errs(cm({ name: 'x', namespace: 'd', labels: { 'bad key': 'v' } }))[0]).toMatch(
      /^metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/,
    );
    expect(errs(cm({ name: 'x', namespace: 'd', labels: { k: 'v'.repeat(64) } }))[0]).toMatch(
      /^metadata.labels: Invalid value: "v{64}": must be no more than 63 characters$/,
    );
    expect(errs(cm({ name: 'x', namespace: 'd', labels: { k: '-v' } }))[0]).toMatch(
      /a valid label must be an empty string/,
    );
  });

  it('validates annotation keys and caps their total size at 256 KiB', () => {
    expect(errs(cm({ name: 'x', namespace: 'd', annotations: { 'a/b/c': 'v' } }))[0]).toMatch(
      /^metadata.annotations: Invalid value: "a\/b\/c": a qualified name/,
    );
    expect(errs(cm({ name: 'x', namespace: 'd', annotations: { big: 'x'.repeat(262144) } }))).toEqual([
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ]);
  });

  it('requires apiVersion, kind, name and uid on owner references and allows one controller', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '1', controller: true };
    expect(errs(cm({ name: 'x', namespace: 'd', ownerReferences: [owner] }))).toEqual([]);
    expect(errs(cm({ name: 'x', namespace: 'd', ownerReferences: [{}] }))).toEqual([
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
    const two = [owner, { ...owner, name: 'rs2', uid: '2' }];
    expect(errs(cm({ name: 'x', namespace: 'd', ownerReferences: two }))[0]).toMatch(
      /^metadata.ownerReferences: Invalid value: .*: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet\/rs and ReplicaSet\/rs2$/,
    );
  });

  it('keeps name and namespace immutable on update', () => {
    const old = cm({ name: 'x', namespace: 'd', uid: 'u' });
    const next = cm({ name: 'y', namespace: 'd', uid: 'u' });
    expect(validateUpdate(next, old).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'metadata.name: Invalid value: "y": field is immutable',
    ]);
  });
});
