// The kind registry: one table that drives everything generic — API paths, discovery, the
// apiserver's routing, printer columns for tables, and the UI's lists. Modelled on what
// `kubectl api-resources` prints for a v1.30 cluster.
import { printerColumns, type PrinterColumn } from './printers.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface KindInfo {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string; // the resource name
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: Verb[];
  /** Subresources by name: `status`, `scale`, `log`, `exec`, `binding`, `eviction`… */
  subresources: string[];
  /** Additional versions this kind is also served under (e.g. autoscaling/v1 for HPA). */
  alsoServedAs?: string[];
  /** True when the `status` of the object can only be written through `/status`. */
  hasStatusSubresource: boolean;
  /** The columns `kubectl get` shows; those with `wide` only with `-o wide`. */
  columns: PrinterColumn[];
}

const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface KindInit {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  verbs?: Verb[];
  alsoServedAs?: string[];
}

function define(init: KindInit): KindInfo {
  const subresources = init.subresources ?? [];
  return {
    group: init.group ?? '',
    version: init.version ?? 'v1',
    kind: init.kind,
    listKind: `${init.kind}List`,
    plural: init.plural,
    singular: init.kind.toLowerCase(),
    namespaced: init.namespaced ?? true,
    shortNames: init.shortNames ?? [],
    categories: init.categories ?? [],
    verbs: init.verbs ?? ALL_VERBS,
    subresources,
    alsoServedAs: init.alsoServedAs,
    hasStatusSubresource: subresources.includes('status'),
    columns: printerColumns(init.kind),
  };
}

/** Every kind KubeDesk serves. Order is the order of discovery documents. */
export const KINDS: readonly KindInfo[] = [
  // core/v1
  define({
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  define({ kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: ['status', 'proxy'] }),
  define({
    kind: 'Pod',
    plural: 'pods',
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      'status',
      'log',
      'exec',
      'attach',
      'portforward',
      'binding',
      'eviction',
      'ephemeralcontainers',
      'resize',
      'proxy',
    ],
  }),
  define({
    kind: 'Service',
    plural: 'services',
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status', 'proxy'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  define({ kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] }),
  define({ kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] }),
  define({ kind: 'Secret', plural: 'secrets' }),
  define({ kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  define({
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  define({
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  define({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], subresources: ['token'] }),
  // apps/v1
  define({
    group: 'apps',
    kind: 'Deployment',
    plural: 'deployments',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'apps',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'apps',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  define({
    group: 'apps',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({ group: 'apps', kind: 'ControllerRevision', plural: 'controllerrevisions' }),
  // batch/v1
  define({ group: 'batch', kind: 'Job', plural: 'jobs', categories: ['all'], subresources: ['status'] }),
  define({
    group: 'batch',
    kind: 'CronJob',
    plural: 'cronjobs',
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
  }),
  // autoscaling/v2 (also served as autoscaling/v1)
  define({
    group: 'autoscaling',
    version: 'v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    alsoServedAs: ['v1'],
  }),
  // networking.k8s.io/v1
  define({
    group: 'networking.k8s.io',
    kind: 'Ingress',
    plural: 'ingresses',
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  define({ group: 'networking.k8s.io', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false }),
  // coordination.k8s.io/v1
  define({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' }),
  // discovery.k8s.io/v1
  define({ group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices' }),
];

const byPlural = new Map<string, KindInfo>();
const byKind = new Map<string, KindInfo>();
const byGroupKind = new Map<string, KindInfo>();
for (const k of KINDS) {
  byPlural.set(`${k.group}/${k.plural}`, k);
  byKind.set(k.kind, k);
  byGroupKind.set(`${k.group}/${k.kind}`, k);
}

export function apiVersionOf(info: KindInfo, version = info.version): string {
  return info.group ? `${info.group}/${version}` : version;
}

/** Split `apps/v1` into `{group: 'apps', version: 'v1'}`, `v1` into `{group: '', version: 'v1'}`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Look a kind up by group and resource name (`apps`, `deployments`). */
export function kindByResource(group: string, plural: string): KindInfo | undefined {
  return byPlural.get(`${group}/${plural}`);
}

/** Look a kind up by group and kind (`apps`, `Deployment`). */
export function kindByGroupKind(group: string, kind: string): KindInfo | undefined {
  return byGroupKind.get(`${group}/${kind}`);
}

/** Resolve `apiVersion` + `kind` from a manifest, checking that the version is served. */
export function kindForObject(apiVersion: string, kind: string): KindInfo | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  const info = byGroupKind.get(`${group}/${kind}`);
  if (!info) return undefined;
  if (info.version !== version && !(info.alsoServedAs ?? []).includes(version)) return undefined;
  return info;
}

/** Resolve what a user types after `kubectl get`: plural, singular, short name or kind, any case. */
export function resolveResourceName(name: string): KindInfo | undefined {
  const lower = name.toLowerCase();
  const [base, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  for (const k of KINDS) {
    if (group && k.group !== group) continue;
    if (k.plural === base || k.singular === base || k.shortNames.includes(base) || k.kind.toLowerCase() === base) {
      return k;
    }
  }
  return byKind.get(name);
}

/** The groups served, in discovery order, each with its versions (preferred first). */
export function servedGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const k of KINDS) {
    if (!k.group) continue;
    const set = groups.get(k.group) ?? new Set<string>();
    set.add(k.version);
    for (const v of k.alsoServedAs ?? []) set.add(v);
    groups.set(k.group, set);
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
}

/** The kinds in a category such as `all`. */
export function kindsInCategory(category: string): KindInfo[] {
  return KINDS.filter((k) => k.categories.includes(category));
}
