// The strategic-merge-patch schema for built-in kinds: which lists are merged (and by which key)
// and which maps keep only the keys a patch names. Kubernetes reads this from the Go struct tags
// `patchStrategy:"merge"` / `patchMergeKey:"name"` / `patchStrategy:"retainKeys"` in
// k8s.io/api; we have no Go types, so the tags are copied here by hand, keyed by path.
//
// A path is the dotted list of field names from the object root with list indices left out:
// a container's env list is `spec.template.spec.containers.env` in a Deployment. A list that has
// no entry here is atomic (replaced as a whole), as in Kubernetes for an untagged field
// (`tolerations`, `Node.spec.taints`, `Endpoints.subsets`, every list in Ingress…).

export type PatchStrategy = 'merge' | 'retainKeys' | 'replace';

export interface FieldPatchMeta {
  /** The field identifying a list item, e.g. `name` for containers. Absent: a primitive list. */
  mergeKey?: string;
  /** `merge` merges a list (by `mergeKey`, or as a set of primitives); `retainKeys` on a map. */
  strategies: readonly PatchStrategy[];
}

export type PatchSchema = ReadonlyMap<string, FieldPatchMeta>;

const merge = (mergeKey?: string): FieldPatchMeta => ({ mergeKey, strategies: ['merge'] });
const mergeRetainKeys = (mergeKey: string): FieldPatchMeta => ({ mergeKey, strategies: ['merge', 'retainKeys'] });
const retainKeys: FieldPatchMeta = { strategies: ['retainKeys'] };

type Entries = [string, FieldPatchMeta][];

function at(prefix: string, entries: Entries): Entries {
  return entries.map(([path, meta]) => [prefix ? `${prefix}.${path}` : path, meta]);
}

/** metav1.ObjectMeta. */
function objectMeta(prefix: string): Entries {
  return at(prefix, [
    ['ownerReferences', merge('uid')],
    // `finalizers` is `patchStrategy:"merge"` without a key: a list of strings merged as a set.
    ['finalizers', merge()],
  ]);
}

/** core/v1 Container, also used for init and ephemeral containers. */
function container(prefix: string): Entries {
  return at(prefix, [
    // Container.ports is also `+listMapKey=protocol`, but strategic merge uses containerPort.
    ['ports', merge('containerPort')],
    ['env', merge('name')],
    ['volumeMounts', merge('mountPath')],
    ['volumeDevices', merge('devicePath')],
    // envFrom, resizePolicy (`+listType=atomic`) and command/args have no patch tags: atomic.
  ]);
}

/** core/v1 PodSpec. `tolerations`, `readinessGates` and `dnsConfig` lists are atomic. */
function podSpec(prefix: string): Entries {
  return at(prefix, [
    ['containers', merge('name')],
    ...container('containers'),
    ['initContainers', merge('name')],
    ...container('initContainers'),
    ['ephemeralContainers', merge('name')],
    ...container('ephemeralContainers'),
    // `patchStrategy:"merge,retainKeys"`: a volume's source is a one-of, so switching from
    // emptyDir to configMap must drop emptyDir; `$retainKeys` in the item does that.
    ['volumes', mergeRetainKeys('name')],
    ['imagePullSecrets', merge('name')],
    ['hostAliases', merge('ip')],
    ['topologySpreadConstraints', merge('topologyKey')],
    ['schedulingGates', merge('name')],
    ['resourceClaims', mergeRetainKeys('name')],
  ]);
}

/** core/v1 PodTemplateSpec. */
function podTemplate(prefix: string): Entries {
  return [...objectMeta(`${prefix}.metadata`), ...podSpec(`${prefix}.spec`)];
}

/** `status.conditions` merged by `type`, as on Pod, Node, Deployment, ReplicaSet and most kinds. */
function conditions(prefix = 'status'): Entries {
  return at(prefix, [['conditions', merge('type')]]);
}

interface KindSchema {
  group: string;
  entries: Entries;
}

const KINDS: Record<string, KindSchema> = {
  Pod: {
    group: '',
    entries: [
      ...podSpec('spec'),
      ...conditions(),
      ['status.podIPs', merge('ip')],
      ['status.hostIPs', merge('ip')],
      ['status.resourceClaimStatuses', mergeRetainKeys('name')],
    ],
  },
  PodTemplate: { group: '', entries: podTemplate('template') },
  ReplicationController: { group: '', entries: [...podTemplate('spec.template'), ...conditions()] },
  Deployment: {
    group: 'apps',
    // DeploymentStrategy is `patchStrategy:"retainKeys"`: switching to Recreate drops rollingUpdate.
    entries: [...podTemplate('spec.template'), ['spec.strategy', retainKeys], ...conditions()],
  },
  ReplicaSet: { group: 'apps', entries: [...podTemplate('spec.template'), ...conditions()] },
  DaemonSet: { group: 'apps', entries: [...podTemplate('spec.template'), ...conditions()] },
  StatefulSet: { group: 'apps', entries: [...podTemplate('spec.template'), ...conditions()] },
  Job: { group: 'batch', entries: [...podTemplate('spec.template'), ...conditions()] },
  CronJob: {
    group: 'batch',
    entries: [...objectMeta('spec.jobTemplate.metadata'), ...podTemplate('spec.jobTemplate.spec.template')],
  },
  Service: { group: '', entries: [['spec.ports', merge('port')], ...conditions()] },
  Node: {
    group: '',
    entries: [
      // NodeSpec.podCIDRs is `patchStrategy:"merge"` (a set of strings); taints are atomic.
      ['spec.podCIDRs', merge()],
      ['status.addresses', merge('type')],
      ...conditions(),
    ],
  },
  Namespace: { group: '', entries: conditions() },
  PersistentVolumeClaim: { group: '', entries: conditions() },
  HorizontalPodAutoscaler: { group: 'autoscaling', entries: conditions() },
  PodDisruptionBudget: { group: 'policy', entries: conditions() },
  // Endpoints.subsets, Ingress, ConfigMap, Secret and the rest: no tagged lists.
};

const SCHEMAS = new Map<string, PatchSchema>();
for (const [kind, { entries }] of Object.entries(KINDS)) {
  SCHEMAS.set(kind, new Map([...objectMeta('metadata'), ...entries]));
}

/** Schema of a kind with only ObjectMeta, for built-in kinds without tagged lists. */
const METADATA_ONLY: PatchSchema = new Map(objectMeta('metadata'));
const EMPTY: PatchSchema = new Map();

const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'node.k8s.io',
  'certificates.k8s.io',
]);

/** Built-in kinds whose only merged lists are in ObjectMeta, recognised without a group. */
const BUILT_IN_KINDS = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Endpoints',
  'EndpointSlice',
  'Event',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'LimitRange',
  'ResourceQuota',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'Lease',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'RuntimeClass',
  'CertificateSigningRequest',
]);

/**
 * Resolves the strategic-merge schema for a kind given as `Deployment`, `apps/v1/Deployment`,
 * `apps/v1 Deployment`, `apps/v1, Kind=Deployment` or `Deployment.apps`. With a group that is not
 * built in (a custom resource) the schema is empty, so the patch behaves as a JSON merge patch.
 */
export function patchSchemaFor(kind: string): PatchSchema {
  const { group, name } = splitKind(kind);
  const known = KINDS[name];
  if (group !== undefined && known && known.group !== group) return EMPTY;
  if (known) return SCHEMAS.get(name)!;
  if (group === undefined) return BUILT_IN_KINDS.has(name) ? METADATA_ONLY : EMPTY;
  return BUILT_IN_GROUPS.has(group) ? METADATA_ONLY : EMPTY;
}

function splitKind(kind: string): { group: string | undefined; name: string } {
  const trimmed = kind.trim();
  const gvk = /^(?:(.+)\/)?([^/\s,]+)(?:,\s*Kind=|\s+|\/)([A-Za-z0-9]+)$/.exec(trimmed);
  if (gvk) return { group: gvk[1] ?? '', name: gvk[3] };
  const dotted = /^([A-Za-z0-9]+)\.(.+)$/.exec(trimmed);
  if (dotted) return { group: dotted[2], name: dotted[1] };
  return { group: undefined, name: trimmed };
}

/** The patch metadata of the field at `path` (dotted, list indices left out). */
export function fieldPatchMeta(schema: PatchSchema, path: string): FieldPatchMeta | undefined {
  return schema.get(path);
}

export function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** The directives of strategic merge patch (apimachinery/pkg/util/strategicpatch/patch.go). */
export const directive = {
  /** `$patch: replace | delete | merge` in a map or as a list item. */
  marker: '$patch',
  /** `$retainKeys: [...]`: the keys a map keeps; the rest are cleared. */
  retainKeys: '$retainKeys',
  /** `$deleteFromPrimitiveList/<field>: [...]`: values to drop from a merged list of primitives. */
  deleteFromPrimitiveList: '$deleteFromPrimitiveList/',
  /** `$setElementOrder/<field>: [...]`: the order of a merged list after patching. */
  setElementOrder: '$setElementOrder/',
} as const;

export function isDirectiveKey(key: string): boolean {
  return (
    key === directive.marker ||
    key === directive.retainKeys ||
    key.startsWith(directive.deleteFromPrimitiveList) ||
    key.startsWith(directive.setElementOrder)
  );
}

export function isMergeList(meta: FieldPatchMeta | undefined): meta is FieldPatchMeta {
  return meta !== undefined && meta.strategies.includes('merge');
}
