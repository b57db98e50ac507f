import { describe, it, expect } from 'vitest';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  discoveryContentType,
  legacyApiVersions,
  versionInfo,
} from '../../../src-main/server/api/discovery.js';
import { KINDS } from '../../../src-main/engine/api/registry.js';

describe('/version and /api', () => {
  it('reports a v1.30 server with the platform in GOOS/GOARCH form', () => {
    const v = versionInfo();
    expect(v).toMatchObject({ major: '1', minor: '30', gitVersion: 'v1.30.0-kubedesk', compiler: 'node' });
    expect(v.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
    expect(v.platform).not.toContain('x64');
  });

  it('lists only v1 in the legacy group, with the server address for every client', () => {
    expect(legacyApiVersions('127.0.0.1:6443')).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });
});

describe('/apis and /apis/<group>', () => {
  it('lists every served group with its preferred version first', () => {
    const list = apiGroupList();
    expect(list).toMatchObject({ kind: 'APIGroupList', apiVersion: 'v1' });
    expect(list.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'autoscaling', 'networking.k8s.io', 'coordination.k8s.io']),
    );
  });

  it('prefers autoscaling/v2 and still serves autoscaling/v1', () => {
    expect(apiGroup('autoscaling')).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'autoscaling',
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    });
  });

  it('returns undefined for a group that is not served', () => {
    expect(apiGroup('example.com')).toBeUndefined();
  });
});

describe('APIResourceList', () => {
  const byName = (group: string, version: string) =>
    new Map(apiResourceList(group, version)!.resources.map((r) => [r.name, r]));

  it('lists deployments with short name deploy, category all and a storage version hash', () => {
    const apps = apiResourceList('apps', 'v1')!;
    expect(apps).toMatchObject({ kind: 'APIResourceList', groupVersion: 'apps/v1' });
    const deployments = byName('apps', 'v1').get('deployments');
    expect(deployments).toEqual({
      name: 'deployments',
      singularName: 'deployment',
      namespaced: true,
      kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
      // Upstream's value: base64(sha256("apps/v1/Deployment")[:8]).
      storageVersionHash: '8aSe+NMegvE=',
    });
  });

  it('serves deployments/scale as autoscaling/v1 Scale', () => {
    expect(byName('apps', 'v1').get('deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('lists the pod subresources as upstream does', () => {
    const core = byName('', 'v1');
    expect(apiResourceList('', 'v1')!.groupVersion).toBe('v1');
    expect(core.get('pods')?.storageVersionHash).toBe('xPOwRZ+Yhw8=');
    expect(core.get('pods/log')).toMatchObject({ kind: 'Pod', verbs: ['get'] });
    expect(core.get('pods/exec')).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
    expect(core.get('pods/attach')).toMatchObject({ kind: 'PodAttachOptions', verbs: ['create', 'get'] });
    expect(core.get('pods/portforward')).toMatchObject({ kind: 'PodPortForwardOptions', verbs: ['create', 'get'] });
    expect(core.get('pods/binding')).toMatchObject({ kind: 'Binding', verbs: ['create'] });
    expect(core.get('pods/eviction')).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction' });
    expect(core.get('pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(core.get('pods/status')).not.toHaveProperty('group');
    expect(core.get('namespaces/finalize')).toMatchObject({ kind: 'Namespace', verbs: ['update'], namespaced: false });
    expect(core.get('serviceaccounts/token')).toMatchObject({
      group: 'authentication.k8s.io',
      version: 'v1',
      kind: 'TokenRequest',
      verbs: ['create'],
    });
  });

  it('sorts resources by name so subresources follow their parent', () => {
    const names = apiResourceList('', 'v1')!.resources.map((r) => r.name);
    expect(names).toEqual([...names].sort());
  });

  it('omits empty shortNames and categories', () => {
    const secrets = byName('', 'v1').get('secrets')!;
    expect(secrets).not.toHaveProperty('shortNames');
    expect(secrets).not.toHaveProperty('categories');
  });

  it('serves the HPA in both autoscaling versions and nothing for unknown versions', () => {
    expect(byName('autoscaling', 'v1').get('horizontalpodautoscalers')?.kind).toBe('HorizontalPodAutoscaler');
    expect(byName('autoscaling', 'v2').has('horizontalpodautoscalers/status')).toBe(true);
    expect(apiResourceList('apps', 'v1beta1')).toBeUndefined();
    expect(apiResourceList('example.com', 'v1')).toBeUndefined();
  });
});

describe('aggregated discovery', () => {
  it('names its content type as clients negotiate it', () => {
    expect(discoveryContentType('apidiscovery.k8s.io/v2')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(discoveryContentType('apidiscovery.k8s.io/v2beta1')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    );
  });

  it('describes /api as one item named "" holding core/v1', () => {
    const list = aggregatedDiscovery('api', 'apidiscovery.k8s.io/v2');
    expect(list).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    expect(list.items).toHaveLength(1);
    expect(list.items[0].metadata.name).toBe('');
    expect(list.items[0].versions.map((v) => v.version)).toEqual(['v1']);
    const pods = list.items[0].versions[0].resources.find((r) => r.resource === 'pods')!;
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods.subresources?.find((s) => s.subresource === 'eviction')).toEqual({
      subresource: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
    const namespaces = list.items[0].versions[0].resources.find((r) => r.resource === 'namespaces')!;
    expect(namespaces.scope).toBe('Cluster');
  });

  it('describes /apis as one item per group, versions in order of preference, all Current', () => {
    const list = aggregatedDiscovery('apis', 'apidiscovery.k8s.io/v2beta1');
    expect(list.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const autoscaling = list.items.find((i) => i.metadata.name === 'autoscaling')!;
    expect(autoscaling.versions.map((v) => v.version)).toEqual(['v2', 'v1']);
    for (const item of list.items) for (const v of item.versions) expect(v.freshness).toBe('Current');
    const apps = list.items.find((i) => i.metadata.name === 'apps')!.versions[0];
    const deployments = apps.resources.find((r) => r.resource === 'deployments')!;
    expect(deployments.subresources).toContainEqual({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('gives every resource and subresource a responseKind, and lists every kind', () => {
    const all = [
      ...aggregatedDiscovery('api', 'apidiscovery.k8s.io/v2').items,
      ...aggregatedDiscovery('apis', 'apidiscovery.k8s.io/v2').items,
    ];
    const kinds = new Set<string>();
    for (const item of all) {
      for (const v of item.versions) {
        for (const r of v.resources) {
          expect(r.responseKind.kind, r.resource).toBeTruthy();
          expect(r.responseKind.version).toBe(v.version);
          kinds.add(r.responseKind.kind);
          for (const s of r.subresources ?? []) {
            expect(s.responseKind.kind, `${r.resource}/${s.subresource}`).toBeTruthy();
            expect(s.responseKind.version).toBeTruthy();
          }
        }
      }
    }
    for (const k of KINDS) expect(kinds.has(k.kind), k.kind).toBe(true);
  });
});
