// The Ingress routing table, against the matching rules of the Kubernetes Ingress docs
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#examples).
import { describe, it, expect } from 'vitest';
import type { Ingress, HTTPIngressPath, IngressRule } from 'kubernetes-types/networking/v1';
import {
  buildRoutingTable,
  normalizeHost,
  prefixMatches,
  REWRITE_TARGET_ANNOTATION,
  route,
} from '../../../src-main/engine/network/ingress-routes.js';

function path(p: string, pathType: string, service: string, port: number | string = 80): HTTPIngressPath {
  return {
    path: p,
    pathType,
    backend: { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } },
  };
}

function ingress(
  name: string,
  rules: IngressRule[],
  extra: Partial<Ingress> = {},
  created = '2026-01-01T00:00:00Z',
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', creationTimestamp: created, ...(extra.metadata ?? {}) },
    spec: { rules, ...(extra.spec ?? {}) },
  };
}

const svcOf = (m: ReturnType<typeof route>) => (m && 'service' in m.backend ? m.backend.service : m ? 'error' : '404');

describe('Prefix path matching is element-wise (the docs’ table)', () => {
  it.each([
    ['/', '/anything', true],
    ['/foo', '/foo', true],
    ['/foo', '/foo/', true],
    ['/foo/', '/foo', true],
    ['/foo', '/foo/bar', true],
    ['/foo', '/foobar', false],
    ['/aaa/bb', '/aaa/bbb', false],
    ['/aaa/bbb', '/aaa/bbb/', true],
    ['/aaa/bbb/', '/aaa/bbb', true],
    ['/aaa/bbb', '/aaa/bbbxyz', false],
  ])('Prefix %s vs request %s → %s', (rule, req, ok) => {
    expect(prefixMatches(rule, req)).toBe(ok);
  });
});

describe('routing', () => {
  it('two paths go to two Services; the longest matching path wins', () => {
    const t = buildRoutingTable([
      ingress('a', [
        {
          http: {
            paths: [path('/', 'Prefix', 'root'), path('/api', 'Prefix', 'api'), path('/api/v2', 'Prefix', 'v2')],
          },
        },
      ]),
    ]);
    expect(svcOf(route(t, 'x', '/'))).toBe('root');
    expect(svcOf(route(t, 'x', '/api'))).toBe('api');
    expect(svcOf(route(t, 'x', '/api/users?x=1'))).toBe('api');
    expect(svcOf(route(t, 'x', '/api/v2/users'))).toBe('v2');
    expect(svcOf(route(t, 'x', '/apix'))).toBe('root');
    expect(route(t, 'x', '/api/users?x=1')?.path).toBe('/api/users?x=1');
  });

  it('Exact matches only the exact path, and beats a Prefix of the same length', () => {
    const t = buildRoutingTable([
      ingress('a', [{ http: { paths: [path('/foo', 'Exact', 'exact'), path('/foo', 'Prefix', 'prefix')] } }]),
    ]);
    expect(svcOf(route(t, undefined, '/foo'))).toBe('exact');
    expect(svcOf(route(t, undefined, '/foo/'))).toBe('prefix');
    expect(svcOf(route(t, undefined, '/foo/bar'))).toBe('prefix');
  });

  it('ImplementationSpecific is treated as Prefix', () => {
    const t = buildRoutingTable([
      ingress('a', [{ http: { paths: [path('/docs', 'ImplementationSpecific', 'docs')] } }]),
    ]);
    expect(svcOf(route(t, 'h', '/docs/x'))).toBe('docs');
    expect(svcOf(route(t, 'h', '/docsx'))).toBe('404');
  });

  it('host rules: exact (case-insensitive, port ignored) over wildcard over host-less; wildcards match one label', () => {
    const t = buildRoutingTable([
      ingress('a', [
        { host: 'foo.example.com', http: { paths: [path('/', 'Prefix', 'foo')] } },
        { host: '*.example.com', http: { paths: [path('/', 'Prefix', 'wild')] } },
        { http: { paths: [path('/', 'Prefix', 'any')] } },
      ]),
    ]);
    expect(svcOf(route(t, 'Foo.Example.com:8080', '/'))).toBe('foo');
    expect(svcOf(route(t, 'bar.example.com', '/'))).toBe('wild');
    expect(svcOf(route(t, 'a.bar.example.com', '/'))).toBe('any');
    expect(svcOf(route(t, 'example.com', '/'))).toBe('any');
    expect(svcOf(route(t, '127.0.0.1:8080', '/'))).toBe('any');
  });

  it('a host whose rules match no path does not fall through to host-less rules (404)', () => {
    const t = buildRoutingTable([
      ingress('a', [
        { host: 'foo.example.com', http: { paths: [path('/only', 'Exact', 'foo')] } },
        { http: { paths: [path('/', 'Prefix', 'any')] } },
      ]),
    ]);
    expect(svcOf(route(t, 'foo.example.com', '/other'))).toBe('404');
  });

  it('the default backend answers what no rule matches; without one it is 404', () => {
    const withDefault = buildRoutingTable([
      ingress('a', [{ http: { paths: [path('/app', 'Prefix', 'app')] } }], {
        spec: { defaultBackend: { service: { name: 'fallback', port: { name: 'http' } } } },
      }),
    ]);
    const m = route(withDefault, 'x', '/nope');
    expect(m).toMatchObject({ isDefault: true, backend: { service: 'fallback', port: 'http' } });
    expect(route(buildRoutingTable([ingress('a', [])]), 'x', '/')).toBeUndefined();
  });

  it('on a conflict the older Ingress wins', () => {
    const t = buildRoutingTable([
      ingress('new', [{ http: { paths: [path('/', 'Prefix', 'new')] } }], {}, '2026-02-01T00:00:00Z'),
      ingress('old', [{ http: { paths: [path('/', 'Prefix', 'old')] } }], {}, '2026-01-01T00:00:00Z'),
    ]);
    expect(svcOf(route(t, 'x', '/'))).toBe('old');
  });

  it('backends by port name are kept as names; a resource backend is an error route', () => {
    const t = buildRoutingTable([
      ingress('a', [
        {
          http: {
            paths: [
              path('/named', 'Prefix', 'web', 'http'),
              {
                path: '/res',
                pathType: 'Prefix',
                backend: { resource: { kind: 'Bucket', name: 'b', apiGroup: 'x.io' } },
              },
            ],
          },
        },
      ]),
    ]);
    expect(route(t, 'x', '/named')?.backend).toEqual({ namespace: 'default', service: 'web', port: 'http' });
    expect(route(t, 'x', '/res')?.backend).toEqual({ error: 'resource backends are not supported by KubeDesk' });
  });

  it('rewrite-target turns paths into anchored regexes and fills $n captures, keeping the query', () => {
    const t = buildRoutingTable([
      ingress('a', [{ http: { paths: [path('/something(/|$)(.*)', 'ImplementationSpecific', 'web')] } }], {
        metadata: { name: 'a', namespace: 'default', annotations: { [REWRITE_TARGET_ANNOTATION]: '/$2' } },
      }),
    ]);
    expect(route(t, 'x', '/something')?.path).toBe('/');
    expect(route(t, 'x', '/something/')?.path).toBe('/');
    expect(route(t, 'x', '/something/new?q=1')?.path).toBe('/new?q=1');
    expect(route(t, 'x', '/other')).toBeUndefined();
  });

  it('normalizeHost lower-cases and drops the port, keeping IPv6 literals', () => {
    expect(normalizeHost('A.B:80')).toBe('a.b');
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
    expect(normalizeHost(undefined)).toBe('');
  });
});
