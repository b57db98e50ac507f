// Discovery documents of the HTTPS API: /version, /api, /apis, /apis/<group>, the per-version
// APIResourceLists, and aggregated discovery (apidiscovery.k8s.io/v2 and v2beta1), which kubectl
// ≥ 1.30 asks for first. Pure builders: the router serialises what these return. Everything is
// derived from the kind registry once and cached — discovery never changes while we run.
//
// Shapes follow k8s.io/apimachinery/pkg/apis/meta/v1/types.go (APIVersions, APIGroupList,
// APIResourceList) and k8s.io/api/apidiscovery/v2/types.go (APIGroupDiscoveryList).
import { createHash } from 'node:crypto';
import { KINDS, servedGroups, type KindInfo } from '../../engine/api/registry.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** How a subresource is served: the kind it returns (relative to the parent unless a group is given). */
export interface SubresourceInfo {
  /** The response kind; `undefined` means the parent's own kind (status, log, resize…). */
  kind?: string;
  /** Set when the response kind lives in another API group (eviction, scale, token). */
  group?: string;
  version?: string;
  verbs: string[];
}

const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

/**
 * Subresources as the upstream API server lists them (`kubectl get --raw /api/v1` on v1.30+).
 * A function of the parent kind because `proxy` names `<Kind>ProxyOptions`.
 */
export function subresourceInfo(parent: KindInfo, name: string): SubresourceInfo | undefined {
  switch (name) {
    case 'status':
    case 'ephemeralcontainers':
    case 'resize':
      return { verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'finalize':
      return { verbs: ['update'] };
    case 'log':
      return { verbs: ['get'] };
    case 'exec':
      return { kind: 'PodExecOptions', verbs: ['create', 'get'] };
    case 'attach':
      return { kind: 'PodAttachOptions', verbs: ['create', 'get'] };
    case 'portforward':
      return { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] };
    case 'binding':
      return { kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'token':
      return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'proxy':
      return { kind: `${parent.kind}ProxyOptions`, verbs: PROXY_VERBS };
    default:
      return undefined;
  }
}

/** The response kind of a subresource, fully qualified against the version it is served in. */
export function subresourceKind(parent: KindInfo, version: string, name: string): GroupVersionKind | undefined {
  const info = subresourceInfo(parent, name);
  if (!info) return undefined;
  return {
    group: info.group ?? parent.group,
    version: info.version ?? version,
    kind: info.kind ?? parent.kind,
  };
}

// ---- /version -----------------------------------------------------------------------------

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** Go's GOOS/GOARCH names, which is what `platform` holds upstream. */
function goPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return `${os}/${arch[process.arch] ?? process.arch}`;
}

let version: VersionInfo | undefined;

/** The `/version` body (k8s.io/apimachinery/pkg/version.Info). */
export function versionInfo(): VersionInfo {
  version ??= {
    major: '1',
    minor: '30',
    gitVersion: 'v1.30.0-kubedesk',
    gitCommit: process.env.KUBEDESK_GIT_COMMIT ?? '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: process.env.KUBEDESK_BUILD_DATE ?? '2024-04-17T00:00:00Z',
    goVersion: 'kubedesk (node)',
    compiler: 'node',
    platform: goPlatform(),
  };
  return version;
}

// ---- /api, /apis, /apis/<group> -------------------------------------------------------------

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

/** `/api`: only `v1` is served in the legacy group. */
export function legacyApiVersions(serverAddress: string): {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[];
} {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

let groups: APIGroup[] | undefined;

/** The named groups, preferred version first (`servedGroups()` lists a kind's main version first). */
function apiGroups(): APIGroup[] {
  groups ??= [...servedGroups(), { name: METRICS_GROUP, versions: ['v1beta1'] }].map(({ name, versions }) => {
    const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: list, preferredVersion: list[0] };
  });
  return groups;
}

/**
 * metrics.k8s.io/v1beta1 — served from the node agent's samples (as metrics-server would), so
 * `kubectl top` works. Not stored objects, so not in the kind registry.
 */
export const METRICS_GROUP = 'metrics.k8s.io';
const METRICS_RESOURCES = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];

/** `/apis`. */
export function apiGroupList(): { kind: 'APIGroupList'; apiVersion: 'v1'; groups: APIGroup[] } {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups() };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function apiGroup(name: string): ({ kind: 'APIGroup'; apiVersion: 'v1' } & APIGroup) | undefined {
  const group = apiGroups().find((g) => g.name === name);
  return group && { kind: 'APIGroup', apiVersion: 'v1', ...group };
}

// ---- /api/v1 and /apis/<group>/<version> ----------------------------------------------------

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

/** The kinds served in a group version, in registry order. */
export function kindsServedIn(group: string, version: string): KindInfo[] {
  return KINDS.filter((k) => k.group === group && (k.version === version || k.alsoServedAs?.includes(version)));
}

/**
 * upstream discovery.StorageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind")
 * of the storage version. Clients only compare it for equality (the storage migrator).
 */
export function storageVersionHash(info: KindInfo): string {
  const digest = createHash('sha256').update(`${info.group}/${info.version}/${info.kind}`).digest();
  return digest.subarray(0, 8).toString('base64');
}

const resourceLists = new Map<string, APIResourceList | undefined>();

/** `/api/v1` (group '') or `/apis/<group>/<version>`; undefined when not served. */
export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const key = `${group}/${version}`;
  if (!resourceLists.has(key)) resourceLists.set(key, buildResourceList(group, version));
  return resourceLists.get(key);
}

function buildResourceList(group: string, version: string): APIResourceList | undefined {
  if (group === METRICS_GROUP) {
    if (version !== 'v1beta1') return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${group}/${version}`,
      resources: METRICS_RESOURCES.map((r) => ({ ...r, verbs: [...r.verbs] })),
    };
  }
  const kinds = kindsServedIn(group, version);
  if (kinds.length === 0) return undefined;
  const resources: APIResource[] = [];
  for (const k of kinds) {
    resources.push({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: [...k.verbs],
      ...(k.shortNames.length > 0 && { shortNames: [...k.shortNames] }),
      ...(k.categories.length > 0 && { categories: [...k.categories] }),
      storageVersionHash: storageVersionHash(k),
    });
    for (const sub of k.subresources) {
      const gvk = subresourceKind(k, version, sub);
      if (!gvk) continue;
      // Upstream sets group/version on an entry only when they differ from the list's.
      const foreign = gvk.group !== group || gvk.version !== version;
      resources.push({
        name: `${k.plural}/${sub}`,
        singularName: '',
        namespaced: k.namespaced,
        ...(foreign && { group: gvk.group, version: gvk.version }),
        kind: gvk.kind,
        verbs: [...subresourceInfo(k, sub)!.verbs],
      });
    }
  }
  // The API server lists resources sorted by name, so `pods/log` follows `pods`.
  resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

// ---- aggregated discovery (apidiscovery.k8s.io) ---------------------------------------------

export type DiscoveryApiVersion = 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1';

export interface APISubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface APIResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  version: string;
  resources: APIResourceDiscovery[];
  freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  metadata: { name: string; creationTimestamp: null };
  versions: APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: DiscoveryApiVersion;
  metadata: Record<string, never>;
  items: APIGroupDiscovery[];
}

/** The Content-Type of an aggregated discovery response, which clients check before decoding. */
export function discoveryContentType(apiVersion: DiscoveryApiVersion): string {
  const v = apiVersion.slice(apiVersion.indexOf('/') + 1);
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function versionDiscovery(group: string, version: string): APIVersionDiscovery {
  if (group === METRICS_GROUP) {
    return {
      version,
      resources: METRICS_RESOURCES.map((r) => ({
        resource: r.name,
        responseKind: { group, version, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.kind.toLowerCase(),
        verbs: [...r.verbs],
      })),
      freshness: 'Current',
    };
  }
  const resources = kindsServedIn(group, version).map((k): APIResourceDiscovery => {
    const subresources = k.subresources
      .map((sub) => {
        const responseKind = subresourceKind(k, version, sub);
        return responseKind && { subresource: sub, responseKind, verbs: [...subresourceInfo(k, sub)!.verbs] };
      })
      .filter((s): s is APISubresourceDiscovery => s !== undefined)
      .sort((a, b) => byName(a.subresource, b.subresource));
    return {
      resource: k.plural,
      responseKind: { group, version, kind: k.kind },
      scope: k.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: k.singular,
      verbs: [...k.verbs],
      ...(k.shortNames.length > 0 && { shortNames: [...k.shortNames] }),
      ...(k.categories.length > 0 && { categories: [...k.categories] }),
      ...(subresources.length > 0 && { subresources }),
    };
  });
  resources.sort((a, b) => byName(a.resource, b.resource));
  return { version, resources, freshness: 'Current' };
}

const aggregated = new Map<string, APIGroupDiscoveryList>();

/**
 * `/api` or `/apis` as an APIGroupDiscoveryList: `/api` has one item named '' for core/v1,
 * `/apis` one item per group with versions in order of preference.
 */
export function aggregatedDiscovery(which: 'api' | 'apis', apiVersion: DiscoveryApiVersion): APIGroupDiscoveryList {
  const cacheKey = `${which} ${apiVersion}`;
  let list = aggregated.get(cacheKey);
  if (!list) {
    const items: APIGroupDiscovery[] =
      which === 'api'
        ? [{ metadata: { name: '', creationTimestamp: null }, versions: [versionDiscovery('', 'v1')] }]
        : apiGroups().map((g) => ({
            metadata: { name: g.name, creationTimestamp: null },
            versions: g.versions.map((v) => versionDiscovery(g.name, v.version)),
          }));
    list = { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
    aggregated.set(cacheKey, list);
  }
  return list;
}
