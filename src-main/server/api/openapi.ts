// The OpenAPI documents of the HTTPS API: /openapi/v3 (an index of one document per group
// version) and /openapi/v2 (one swagger 2.0 document). Pure builders, computed once.
//
// Why this matters to kubectl: before it creates, replaces or patches a kind, kubectl (≥ 1.27)
// looks in /openapi/v3 for a PATCH operation tagged with that kind's
// `x-kubernetes-group-version-kind` and checks it lists a `fieldValidation` query parameter
// (k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go). If so it sends
// `fieldValidation=Strict` and lets the server validate; `kubectl explain` reads the same
// documents. Schemas are converted from k8s-schema.json (the models of @kubernetes/client-node)
// and named as the API server names them (`io.k8s.api.apps.v1.Deployment`).
import { createHash } from 'node:crypto';
import { KINDS, type KindInfo } from '../../engine/api/registry.js';
import { patchSchemaFor, type FieldPatchMeta } from '../../engine/api/patch/merge-keys.js';
import schemaJson from '../../engine/api/schema/k8s-schema.json' with { type: 'json' };
import { apiGroupList, kindsServedIn, subresourceInfo, subresourceKind, type GroupVersionKind } from './discovery.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const schema = schemaJson as { kinds: Record<string, string>; definitions: Record<string, Record<string, string>> };

// ---- model names ---------------------------------------------------------------------------

const META_PKG = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE_PKG = 'io.k8s.api.core.v1';
const TIME = `${META_PKG}.Time`;
const PATCH = `${META_PKG}.Patch`;
const STATUS = `${META_PKG}.Status`;
const DELETE_OPTIONS = `${META_PKG}.DeleteOptions`;
const WATCH_EVENT = `${META_PKG}.WatchEvent`;
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = `${META_PKG}.FieldsV1`;

/** client-node `V1` models that live in apimachinery's meta/v1 rather than in a k8s.io/api group. */
const META_MODELS = new Set([
  'Condition',
  'DeleteOptions',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ListMeta',
  'ManagedFieldsEntry',
  'ObjectMeta',
  'OwnerReference',
  'Preconditions',
  'ShardInfo',
  'Status',
  'StatusCause',
  'StatusDetails',
]);

/** `V1` models of autoscaling/v1 (listed: `ScaleIOVolumeSource` is core, so no prefix rule). */
const AUTOSCALING_V1_MODELS = new Set([
  'CrossVersionObjectReference',
  'HorizontalPodAutoscaler',
  'HorizontalPodAutoscalerSpec',
  'HorizontalPodAutoscalerStatus',
  'Scale',
  'ScaleSpec',
  'ScaleStatus',
]);

/** Other `V1` models by name prefix; everything unmatched is core/v1. */
const PACKAGE_BY_PREFIX: [RegExp, string][] = [
  [/^(Deployment|ReplicaSet|DaemonSet|StatefulSet|ControllerRevision|RollingUpdate)/, 'io.k8s.api.apps.v1'],
  [/^(CronJob|Job|PodFailurePolicy|SuccessPolicy|UncountedTerminatedPods)/, 'io.k8s.api.batch.v1'],
  [/^(Ingress|HTTPIngress|ServiceBackendPort)/, 'io.k8s.api.networking.v1'],
  [/^Lease/, 'io.k8s.api.coordination.v1'],
  // `Endpoint` alone (not EndpointAddress/EndpointSubset/Endpoints, which are core).
  [/^(EndpointSlice|EndpointConditions|EndpointHints|Endpoint$|ForNode$|ForZone$)/, 'io.k8s.api.discovery.v1'],
];

/**
 * The Kubernetes OpenAPI name of a client-node model: `V1Deployment` →
 * `io.k8s.api.apps.v1.Deployment`, `V1ObjectMeta` → `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`,
 * `CoreV1Event` → `io.k8s.api.core.v1.Event`. Names that are already qualified pass through.
 */
export function openapiName(model: string): string {
  const m = /^(CoreV1|DiscoveryV1|V1|V2)([A-Z].*)$/.exec(model);
  if (!m) return model;
  const [, prefix, name] = m;
  if (prefix === 'CoreV1') return `${CORE_PKG}.${name}`;
  if (prefix === 'DiscoveryV1') return `io.k8s.api.discovery.v1.${name}`;
  if (prefix === 'V2') return `io.k8s.api.autoscaling.v2.${name}`;
  if (META_MODELS.has(name)) return `${META_PKG}.${name}`;
  if (AUTOSCALING_V1_MODELS.has(name)) return `io.k8s.api.autoscaling.v1.${name}`;
  const pkg = PACKAGE_BY_PREFIX.find(([re]) => re.test(name))?.[1] ?? CORE_PKG;
  return `${pkg}.${name}`;
}

/** The OpenAPI name of the schema of a served kind in a version (`apps`, `v1`, `Deployment`). */
export function kindSchemaName(group: string, version: string, kind: string): string | undefined {
  const model = schema.kinds[`${group ? `${group}/` : ''}${version}/${kind}`];
  return model && openapiName(model);
}

// ---- the schema table ------------------------------------------------------------------------

/**
 * Required fields, as client-node's models mark them (non-optional properties), which follows
 * the `required` lists of the upstream OpenAPI. Only `spec` of CronJob and HorizontalPodAutoscaler
 * is left out: client-node marks it required, the API server does not. Note Container requires
 * only `name`: `image` is optional upstream so that workload controllers can default it.
 */
const REQUIRED_TABLE = `
CoreV1EndpointPort:port CoreV1Event:involvedObject,metadata CoreV1ResourceClaim:name
V1AWSElasticBlockStoreVolumeSource:volumeID V1AppArmorProfile:type V1AttachedVolume:devicePath,name
V1AzureDiskVolumeSource:diskName,diskURI V1AzureFilePersistentVolumeSource:secretName,shareName
V1AzureFileVolumeSource:secretName,shareName V1CSIPersistentVolumeSource:driver,volumeHandle
V1CSIVolumeSource:driver V1CephFSPersistentVolumeSource:monitors V1CephFSVolumeSource:monitors
V1CinderPersistentVolumeSource:volumeID V1CinderVolumeSource:volumeID V1ClusterTrustBundleProjection:path
V1Condition:lastTransitionTime,message,reason,status,type V1ConfigMapKeySelector:key
V1ConfigMapNodeConfigSource:kubeletConfigKey,name,namespace V1Container:name
V1ContainerExtendedResourceRequest:containerName,requestName,resourceName V1ContainerPort:containerPort
V1ContainerResizePolicy:resourceName,restartPolicy V1ContainerRestartRule:action
V1ContainerRestartRuleOnExitCodes:operator V1ContainerStateTerminated:exitCode
V1ContainerStatus:image,imageID,name,ready,restartCount V1ControllerRevision:revision
V1CronJobSpec:jobTemplate,schedule V1CrossVersionObjectReference:kind,name V1DaemonEndpoint:Port
V1DaemonSetCondition:status,type V1DaemonSetSpec:selector,template
V1DaemonSetStatus:currentNumberScheduled,desiredNumberScheduled,numberMisscheduled,numberReady
V1DeploymentCondition:status,type V1DeploymentSpec:selector,template V1DownwardAPIVolumeFile:path
V1Endpoint:addresses V1EndpointAddress:ip V1EndpointSlice:addressType,endpoints V1ForNode:name V1ForZone:name
V1EnvVar:name V1EphemeralContainer:name V1FileKeySelector:key,path,volumeName
V1FlexPersistentVolumeSource:driver V1FlexVolumeSource:driver V1GCEPersistentDiskVolumeSource:pdName
V1GRPCAction:port V1GitRepoVolumeSource:repository V1GlusterfsPersistentVolumeSource:endpoints,path
V1GlusterfsVolumeSource:endpoints,path V1HTTPGetAction:port V1HTTPHeader:name,value
V1HTTPIngressPath:backend,pathType V1HTTPIngressRuleValue:paths
V1HorizontalPodAutoscalerSpec:maxReplicas,scaleTargetRef
V1HorizontalPodAutoscalerStatus:currentReplicas,desiredReplicas V1HostAlias:ip V1HostIP:ip
V1HostPathVolumeSource:path V1ISCSIPersistentVolumeSource:iqn,lun,targetPortal
V1ISCSIVolumeSource:iqn,lun,targetPortal V1ImageVolumeStatus:imageRef V1IngressPortStatus:port,protocol
V1IngressServiceBackend:name V1JobCondition:status,type V1JobSpec:template V1KeyToPath:key,path
V1LabelSelectorRequirement:key,operator V1LinuxContainerUser:gid,uid V1LocalVolumeSource:path
V1ModifyVolumeStatus:status V1NFSVolumeSource:path,server V1NamespaceCondition:status,type
V1NodeAddress:address,type V1NodeAllocatableResourceClaimStatus:resourceClaimName,resources
V1NodeCondition:status,type V1NodeSelector:nodeSelectorTerms V1NodeSelectorRequirement:key,operator
V1NodeSystemInfo:architecture,bootID,containerRuntimeVersion,kernelVersion,kubeProxyVersion,kubeletVersion,machineID,operatingSystem,osImage,systemUUID
V1ObjectFieldSelector:fieldPath V1OwnerReference:apiVersion,kind,name,uid
V1PersistentVolumeClaimCondition:status,type V1PersistentVolumeClaimTemplate:spec
V1PersistentVolumeClaimVolumeSource:claimName V1PhotonPersistentDiskVolumeSource:pdID
V1PodAffinityTerm:topologyKey V1PodCertificateProjection:keyType,signerName V1PodCondition:status,type
V1PodExtendedResourceClaimStatus:requestMappings,resourceClaimName V1PodFailurePolicy:rules
V1PodFailurePolicyOnExitCodesRequirement:operator,values V1PodFailurePolicyOnPodConditionsPattern:type
V1PodFailurePolicyRule:action V1PodIP:ip V1PodOS:name V1PodReadinessGate:conditionType V1PodResourceClaim:name
V1PodResourceClaimStatus:name V1PodSchedulingGate:name V1PodSpec:containers V1PortStatus:port,protocol
V1PortworxVolumeSource:volumeID V1PreferredSchedulingTerm:preference,weight
V1QuobyteVolumeSource:registry,volume V1RBDPersistentVolumeSource:image,monitors
V1RBDVolumeSource:image,monitors V1ReplicaSetCondition:status,type V1ReplicaSetSpec:selector
V1ReplicaSetStatus:replicas V1ResourceFieldSelector:resource V1ResourceHealth:resourceID V1ResourceStatus:name
V1ScaleIOPersistentVolumeSource:gateway,secretRef,system V1ScaleIOVolumeSource:gateway,secretRef,system
V1ScaleStatus:replicas V1SeccompProfile:type V1SecretKeySelector:key V1ServiceAccountTokenProjection:path
V1ServicePort:port V1ShardInfo:selector V1SleepAction:seconds V1StatefulSetCondition:status,type
V1StatefulSetSpec:selector,template V1StatefulSetStatus:replicas V1SuccessPolicy:rules V1Sysctl:name,value
V1TCPSocketAction:port V1Taint:effect,key V1TopologySpreadConstraint:maxSkew,topologyKey,whenUnsatisfiable
V1TypedLocalObjectReference:kind,name V1TypedObjectReference:kind,name V1Volume:name
V1VolumeDevice:devicePath,name V1VolumeMount:mountPath,name V1VolumeMountStatus:mountPath,name
V1VsphereVirtualDiskVolumeSource:volumePath V1WeightedPodAffinityTerm:podAffinityTerm,weight
V2ContainerResourceMetricSource:container,name,target V2ContainerResourceMetricStatus:container,current,name
V2CrossVersionObjectReference:kind,name V2ExternalMetricSource:metric,target
V2ExternalMetricStatus:current,metric V2HPAScalingPolicy:periodSeconds,type,value
V2HorizontalPodAutoscalerCondition:status,type V2HorizontalPodAutoscalerSpec:maxReplicas,scaleTargetRef
V2HorizontalPodAutoscalerStatus:desiredReplicas V2MetricIdentifier:name V2MetricSpec:type V2MetricStatus:type
V2MetricTarget:type V2ObjectMetricSource:describedObject,metric,target
V2ObjectMetricStatus:current,describedObject,metric V2PodsMetricSource:metric,target
V2PodsMetricStatus:current,metric V2ResourceMetricSource:name,target V2ResourceMetricStatus:current,name
`;

const REQUIRED = new Map(
  REQUIRED_TABLE.trim()
    .split(/\s+/)
    .map((entry) => {
      const [model, fields] = entry.split(':');
      return [model, fields.split(',')] as const;
    }),
);

/** Hand-written definitions for kinds the schema file lacks, in the same type-expression language. */
interface ExtraDefinition {
  fields: Record<string, string>;
  required?: string[];
  gvk?: GroupVersionKind[];
}

const TYPE_META = { apiVersion: 'string', kind: 'string' };
const OBJECT_TYPE_META = { ...TYPE_META, metadata: 'V1ObjectMeta' };

const EXTRA_DEFINITIONS: Record<string, ExtraDefinition> = {
  [`${CORE_PKG}.Binding`]: {
    fields: { ...OBJECT_TYPE_META, target: 'V1ObjectReference' },
    required: ['target'],
    gvk: [{ group: '', version: 'v1', kind: 'Binding' }],
  },
  'io.k8s.api.policy.v1.Eviction': {
    fields: { ...OBJECT_TYPE_META, deleteOptions: 'V1DeleteOptions' },
    gvk: [{ group: 'policy', version: 'v1', kind: 'Eviction' }],
  },
  'io.k8s.api.authentication.v1.TokenRequest': {
    fields: {
      ...OBJECT_TYPE_META,
      spec: 'io.k8s.api.authentication.v1.TokenRequestSpec',
      status: 'io.k8s.api.authentication.v1.TokenRequestStatus',
    },
    required: ['spec'],
    gvk: [{ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }],
  },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    fields: {
      audiences: '[]string',
      boundObjectRef: 'io.k8s.api.authentication.v1.BoundObjectReference',
      expirationSeconds: 'int64',
    },
    required: ['audiences'],
  },
  'io.k8s.api.authentication.v1.TokenRequestStatus': {
    fields: { expirationTimestamp: 'date', token: 'string' },
    required: ['token', 'expirationTimestamp'],
  },
  'io.k8s.api.authentication.v1.BoundObjectReference': {
    fields: { apiVersion: 'string', kind: 'string', name: 'string', uid: 'string' },
  },
  [WATCH_EVENT]: { fields: { type: 'string', object: 'any' }, required: ['type', 'object'] },
  [`${META_PKG}.APIVersions`]: {
    fields: {
      ...TYPE_META,
      serverAddressByClientCIDRs: `[]${META_PKG}.ServerAddressByClientCIDR`,
      versions: '[]string',
    },
    required: ['versions', 'serverAddressByClientCIDRs'],
    gvk: [{ group: '', version: 'v1', kind: 'APIVersions' }],
  },
  [`${META_PKG}.ServerAddressByClientCIDR`]: {
    fields: { clientCIDR: 'string', serverAddress: 'string' },
    required: ['clientCIDR', 'serverAddress'],
  },
  [`${META_PKG}.APIGroupList`]: {
    fields: { ...TYPE_META, groups: `[]${META_PKG}.APIGroup` },
    required: ['groups'],
    gvk: [{ group: '', version: 'v1', kind: 'APIGroupList' }],
  },
  [`${META_PKG}.APIGroup`]: {
    fields: {
      ...TYPE_META,
      name: 'string',
      preferredVersion: `${META_PKG}.GroupVersionForDiscovery`,
      serverAddressByClientCIDRs: `[]${META_PKG}.ServerAddressByClientCIDR`,
      versions: `[]${META_PKG}.GroupVersionForDiscovery`,
    },
    required: ['name', 'versions'],
    gvk: [{ group: '', version: 'v1', kind: 'APIGroup' }],
  },
  [`${META_PKG}.GroupVersionForDiscovery`]: {
    fields: { groupVersion: 'string', version: 'string' },
    required: ['groupVersion', 'version'],
  },
  [`${META_PKG}.APIResourceList`]: {
    fields: { ...TYPE_META, groupVersion: 'string', resources: `[]${META_PKG}.APIResource` },
    required: ['groupVersion', 'resources'],
    gvk: [{ group: '', version: 'v1', kind: 'APIResourceList' }],
  },
  [`${META_PKG}.APIResource`]: {
    fields: {
      categories: '[]string',
      group: 'string',
      kind: 'string',
      name: 'string',
      namespaced: 'boolean',
      shortNames: '[]string',
      singularName: 'string',
      storageVersionHash: 'string',
      verbs: '[]string',
      version: 'string',
    },
    required: ['name', 'singularName', 'namespaced', 'kind', 'verbs'],
  },
};

/** Leaf types that upstream names as schemas of their own. */
const LEAF_SCHEMAS: Record<string, JsonObject> = {
  [TIME]: { type: 'string', format: 'date-time' },
  [QUANTITY]: { type: 'string' },
  [INT_OR_STRING]: { type: 'string', format: 'int-or-string' },
  [RAW_EXTENSION]: { type: 'object' },
  [FIELDS_V1]: { type: 'object' },
  [PATCH]: { type: 'object' },
};

const V3_REF = '#/components/schemas/';
const ref = (name: string): JsonObject => ({ $ref: `${V3_REF}${name}` });

function typeSchema(expr: string, field: string): JsonObject {
  if (expr.startsWith('[]')) return { type: 'array', items: typeSchema(expr.slice(2), field) };
  if (expr.startsWith('{}')) return { type: 'object', additionalProperties: typeSchema(expr.slice(2), field) };
  switch (expr) {
    case 'string':
      return { type: 'string' };
    case 'byte':
      return { type: 'string', format: 'byte' };
    case 'int32':
    case 'int64':
      return { type: 'integer', format: expr };
    case 'double':
      return { type: 'number', format: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return ref(TIME);
    case 'intOrString':
      return ref(INT_OR_STRING);
    case 'quantity':
      return ref(QUANTITY);
    case 'any':
      return ref(field === 'fieldsV1' ? FIELDS_V1 : RAW_EXTENSION);
    default:
      return ref(openapiName(expr));
  }
}

/** Server-side-apply list keys where upstream's differ from the strategic-merge key. */
const LIST_MAP_KEYS: Record<string, string[]> = {
  'V1Container.ports': ['containerPort', 'protocol'],
  'V1EphemeralContainer.ports': ['containerPort', 'protocol'],
  'V1ServiceSpec.ports': ['port', 'protocol'],
};

/** The `x-kubernetes-*` list/patch extensions of a field, from its strategic-merge metadata. */
function patchExtensions(owner: string, field: string, meta: FieldPatchMeta, isArray: boolean): JsonObject {
  const ext: JsonObject = { 'x-kubernetes-patch-strategy': meta.strategies.join(',') };
  if (meta.mergeKey) ext['x-kubernetes-patch-merge-key'] = meta.mergeKey;
  if (isArray && meta.mergeKey) {
    ext['x-kubernetes-list-type'] = 'map';
    ext['x-kubernetes-list-map-keys'] = LIST_MAP_KEYS[`${owner}.${field}`] ?? [meta.mergeKey];
  } else if (isArray) {
    ext['x-kubernetes-list-type'] = 'set';
  }
  return ext;
}

/**
 * merge-keys.ts keys strategic-merge metadata by path within a kind; OpenAPI puts it on the
 * field of the definition that path reaches. Walk every served kind's paths through the schema:
 * `spec.template.spec.containers.env` in a Deployment lands on `V1Container.env`.
 */
function patchMetaByField(): Map<string, FieldPatchMeta> {
  const byField = new Map<string, FieldPatchMeta>();
  for (const [key, root] of Object.entries(schema.kinds)) {
    for (const [path, meta] of patchSchemaFor(key)) {
      let owner = root;
      const parts = path.split('.');
      for (let i = 0; i < parts.length && owner; i++) {
        const expr = schema.definitions[owner]?.[parts[i]];
        if (expr === undefined) break;
        if (i === parts.length - 1) byField.set(`${owner}.${parts[i]}`, meta);
        owner = expr.replace(/^(\[\]|\{\})+/, '');
      }
    }
  }
  return byField;
}

function objectSchema(
  owner: string,
  fields: Record<string, string>,
  required: readonly string[] | undefined,
  patchMeta: Map<string, FieldPatchMeta>,
): JsonObject {
  const properties: JsonObject = {};
  for (const field of Object.keys(fields).sort()) {
    const expr = fields[field];
    let prop = typeSchema(expr, field);
    const meta = patchMeta.get(`${owner}.${field}`);
    if (meta) {
      const ext = patchExtensions(owner, field, meta, expr.startsWith('[]'));
      // A $ref cannot carry siblings in OpenAPI 3.0; upstream wraps it in allOf (retainKeys on strategy).
      prop = prop.$ref ? { allOf: [prop], ...ext } : { ...prop, ...ext };
    }
    properties[field] = prop;
  }
  const out: JsonObject = { type: 'object', properties };
  if (required && required.length > 0) out.required = [...required];
  return out;
}

const gvkJson = (gvks: GroupVersionKind[]): Json => gvks.map(({ group, kind, version }) => ({ group, kind, version }));

/** The kinds each model is the top-level schema of, from the schema file's `kinds`. */
function gvksByModel(): Map<string, GroupVersionKind[]> {
  const out = new Map<string, GroupVersionKind[]>();
  for (const [key, model] of Object.entries(schema.kinds)) {
    const parts = key.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    const list = out.get(model) ?? [];
    list.push({ group: parts.join('/'), version, kind });
    out.set(model, list);
  }
  return out;
}

let allSchemas: Record<string, JsonObject> | undefined;

/** Every schema, keyed by OpenAPI name, with `#/components/schemas/` references. */
function schemas(): Record<string, JsonObject> {
  if (allSchemas) return allSchemas;
  const patchMeta = patchMetaByField();
  const gvks = gvksByModel();
  const out: Record<string, JsonObject> = { ...LEAF_SCHEMAS };
  for (const [model, fields] of Object.entries(schema.definitions)) {
    const s = objectSchema(model, fields, REQUIRED.get(model), patchMeta);
    const modelGvks = gvks.get(model);
    if (modelGvks) s['x-kubernetes-group-version-kind'] = gvkJson(modelGvks);
    out[openapiName(model)] = s;
  }
  for (const [name, def] of Object.entries(EXTRA_DEFINITIONS)) {
    const s = objectSchema(name, def.fields, def.required, patchMeta);
    if (def.gvk) s['x-kubernetes-group-version-kind'] = gvkJson(def.gvk);
    out[name] = s;
  }
  // `<Kind>List` for every kind in every version it is served in.
  for (const info of KINDS) {
    for (const version of [info.version, ...(info.alsoServedAs ?? [])]) {
      const item = kindSchemaName(info.group, version, info.kind);
      if (!item) continue;
      const name = `${item}List`;
      out[name] = {
        type: 'object',
        properties: {
          apiVersion: { type: 'string' },
          items: { type: 'array', items: ref(item) },
          kind: { type: 'string' },
          metadata: ref(`${META_PKG}.ListMeta`),
        },
        required: ['items'],
        'x-kubernetes-group-version-kind': gvkJson([{ group: info.group, version, kind: info.listKind }]),
      };
    }
  }
  // DeleteOptions is accepted by every group upstream; list the ones served.
  out[DELETE_OPTIONS]['x-kubernetes-group-version-kind'] = gvkJson([
    { group: '', version: 'v1', kind: 'DeleteOptions' },
    ...apiGroupList().groups.flatMap((g) =>
      g.versions.map((v) => ({ group: g.name, version: v.version, kind: 'DeleteOptions' })),
    ),
  ]);
  allSchemas = Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, out[k]]),
  );
  return allSchemas;
}

// ---- operations ----------------------------------------------------------------------------

interface Param {
  name: string;
  in: 'query' | 'path';
  type: 'string' | 'integer' | 'boolean';
  description: string;
  required?: boolean;
}

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });

/** Query parameters, described as upstream describes them (shortened). */
const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: q(
    'dryRun',
    'string',
    'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: q(
    'fieldManager',
    'string',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: drops unknown fields silently. - Warn: drops unknown fields and sends a warning for each (the default). - Strict: fails the request with a BadRequest error if any unknown or duplicate fields are present.',
  ),
  force: q(
    'force',
    'boolean',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
  ),
  allowWatchBookmarks: q(
    'allowWatchBookmarks',
    'boolean',
    'allowWatchBookmarks requests watch events with type "BOOKMARK".',
  ),
  continue: q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
  fieldSelector: q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields.'),
  labelSelector: q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels.'),
  limit: q('limit', 'integer', 'limit is a maximum number of responses to return for a list call.'),
  resourceVersion: q(
    'resourceVersion',
    'string',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  resourceVersionMatch: q(
    'resourceVersionMatch',
    'string',
    'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  ),
  sendInitialEvents: q('sendInitialEvents', 'boolean', 'sendInitialEvents=true may be set together with watch=true.'),
  timeoutSeconds: q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: q(
    'watch',
    'boolean',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'integer',
    'The duration in seconds before the object should be deleted.',
  ),
  ignoreStoreReadError: q(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.',
  ),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
  propagationPolicy: q(
    'propagationPolicy',
    'string',
    "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
  ),
  container: q('container', 'string', 'The container for which to stream logs or run the command.'),
  stdin: q('stdin', 'boolean', 'Redirect the standard input stream of the pod for this call.'),
  stdout: q('stdout', 'boolean', 'Redirect the standard output stream of the pod for this call.'),
  stderr: q('stderr', 'boolean', 'Redirect the standard error stream of the pod for this call.'),
  tty: q('tty', 'boolean', 'TTY if true indicates that a tty will be allocated for the call.'),
} satisfies Record<string, Param>;

const LIST_PARAMS = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];
const PATCH_PARAMS = [...WRITE_PARAMS, P.force];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];
const DELETE_COLLECTION_PARAMS = [
  P.continue,
  P.dryRun,
  P.fieldSelector,
  P.gracePeriodSeconds,
  P.ignoreStoreReadError,
  P.labelSelector,
  P.limit,
  P.orphanDependents,
  P.propagationPolicy,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
];
const LOG_PARAMS = [
  P.container,
  q('follow', 'boolean', 'Follow the log stream of the pod.'),
  q('insecureSkipTLSVerifyBackend', 'boolean', 'Do not verify the serving certificate of the backend.'),
  q('limitBytes', 'integer', 'If set, the number of bytes to read from the server before terminating the log output.'),
  q('previous', 'boolean', 'Return previous terminated container logs.'),
  q('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
  q('stream', 'string', 'Specify which container log stream to return to the client: All, Stdout or Stderr.'),
  q('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
  q('timestamps', 'boolean', 'If true, add an RFC3339 timestamp at the beginning of every line of log output.'),
];
const EXEC_PARAMS = [
  q('command', 'string', 'Command is the remote command to execute. argv array.'),
  P.container,
  P.stderr,
  P.stdin,
  P.stdout,
  P.tty,
];
const ATTACH_PARAMS = [P.container, P.stderr, P.stdin, P.stdout, P.tty];
const PORTFORWARD_PARAMS = [q('ports', 'integer', 'List of ports to forward.')];
const PROXY_PARAMS = [q('path', 'string', 'Path is the URL path to use for the current proxy request to pod.')];

const pathParam = (name: string, description: string): Param => ({
  name,
  in: 'path',
  type: 'string',
  description,
  required: true,
});
const NAME = (kind: string): Param => pathParam('name', `name of the ${kind}`);
const NAMESPACE = pathParam('namespace', 'object name and auth scope, such as for teams and projects');

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete' | 'head' | 'options';
type Action = 'get' | 'list' | 'put' | 'post' | 'patch' | 'delete' | 'deletecollection' | 'connect';

const JSON_TYPE = 'application/json';
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

interface Operation {
  method: Method;
  operationId: string;
  description: string;
  action?: Action;
  gvk?: GroupVersionKind;
  params: Param[];
  /** Schema name of the body, with the content types it is accepted as. */
  body?: { schema: string; contentTypes: string[]; required: boolean };
  /** Status code → schema name, or `string` for text. */
  responses: Record<string, string>;
  produces: string[];
}

interface PathItem {
  path: string;
  params: Param[];
  operations: Operation[];
}

/** `networking.k8s.io` → `Networking`, '' → `Core`: the prefix of upstream operation ids and tags. */
function groupWord(group: string): string {
  const first = group.split('.')[0] || 'core';
  return first[0].toUpperCase() + first.slice(1);
}

const capital = (s: string): string => s[0].toUpperCase() + s.slice(1);

function resourcePaths(info: KindInfo, version: string): PathItem[] {
  const { group, kind } = info;
  const schemaName = kindSchemaName(group, version, kind);
  if (!schemaName) return [];
  const gvk: GroupVersionKind = { group, version, kind };
  const G = `${groupWord(group)}${capital(version)}`;
  const ns = info.namespaced ? 'Namespaced' : '';
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const collection = `${root}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.plural}`;
  const scopeParams = info.namespaced ? [NAMESPACE] : [];
  const list = `${schemaName}List`;
  const can = (verb: string): boolean => (info.verbs as string[]).includes(verb);
  const op = (o: Omit<Operation, 'produces'> & { produces?: string[] }): Operation => ({ produces: [JSON_TYPE], ...o });
  const writeBody = (schemaName: string) => ({ schema: schemaName, contentTypes: [JSON_TYPE], required: true });
  const patchBody = { schema: PATCH, contentTypes: PATCH_TYPES, required: true };
  const items: PathItem[] = [];

  const collectionOps: Operation[] = [];
  if (can('list')) {
    collectionOps.push(
      op({
        method: 'get',
        operationId: `list${G}${ns}${kind}`,
        description: `list or watch objects of kind ${kind}`,
        action: 'list',
        gvk,
        params: LIST_PARAMS,
        responses: { '200': list },
        produces: [JSON_TYPE, 'application/json;stream=watch'],
      }),
    );
  }
  if (can('create')) {
    collectionOps.push(
      op({
        method: 'post',
        operationId: `create${G}${ns}${kind}`,
        description: `create a ${kind}`,
        action: 'post',
        gvk,
        params: WRITE_PARAMS,
        body: writeBody(schemaName),
        responses: { '200': schemaName, '201': schemaName, '202': schemaName },
      }),
    );
  }
  if (can('deletecollection')) {
    collectionOps.push(
      op({
        method: 'delete',
        operationId: `delete${G}Collection${ns}${kind}`,
        description: `delete collection of ${kind}`,
        action: 'deletecollection',
        gvk,
        params: DELETE_COLLECTION_PARAMS,
        body: { schema: DELETE_OPTIONS, contentTypes: [JSON_TYPE], required: false },
        responses: { '200': STATUS },
      }),
    );
  }
  items.push({ path: collection, params: [...scopeParams, P.pretty], operations: collectionOps });
  if (info.namespaced && can('list')) {
    items.push({
      path: `${root}/${info.plural}`,
      params: [P.pretty],
      operations: [
        {
          ...collectionOps[0],
          operationId: `list${G}${kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${kind} in all namespaces`,
        },
      ],
    });
  }

  const item = `${collection}/{name}`;
  const itemParams = [NAME(kind), ...scopeParams, P.pretty];
  const itemOps: Operation[] = [];
  if (can('get')) {
    itemOps.push(
      op({
        method: 'get',
        operationId: `read${G}${ns}${kind}`,
        description: `read the specified ${kind}`,
        action: 'get',
        gvk,
        params: [],
        responses: { '200': schemaName },
      }),
    );
  }
  if (can('update')) {
    itemOps.push(
      op({
        method: 'put',
        operationId: `replace${G}${ns}${kind}`,
        description: `replace the specified ${kind}`,
        action: 'put',
        gvk,
        params: WRITE_PARAMS,
        body: writeBody(schemaName),
        responses: { '200': schemaName, '201': schemaName },
      }),
    );
  }
  if (can('patch')) {
    itemOps.push(
      op({
        method: 'patch',
        operationId: `patch${G}${ns}${kind}`,
        description: `partially update the specified ${kind}`,
        action: 'patch',
        gvk,
        params: PATCH_PARAMS,
        body: patchBody,
        responses: { '200': schemaName, '201': schemaName },
      }),
    );
  }
  if (can('delete')) {
    itemOps.push(
      op({
        method: 'delete',
        operationId: `delete${G}${ns}${kind}`,
        description: `delete a ${kind}`,
        action: 'delete',
        gvk,
        params: DELETE_PARAMS,
        body: { schema: DELETE_OPTIONS, contentTypes: [JSON_TYPE], required: false },
        responses: { '200': STATUS, '202': STATUS },
      }),
    );
  }
  items.push({ path: item, params: itemParams, operations: itemOps });

  for (const sub of info.subresources) {
    const target = subresourceKind(info, version, sub);
    const verbs = subresourceInfo(info, sub)?.verbs ?? [];
    if (!target) continue;
    const S = capital(sub);
    const ids = `${G}${ns}${kind}${S}`;
    const subPath = `${item}/${sub}`;
    const subParams = [pathParam('name', `name of the ${target.kind}`), ...scopeParams];
    const ops: Operation[] = [];
    const targetSchema =
      kindSchemaName(target.group, target.version, target.kind) ??
      Object.keys(EXTRA_DEFINITIONS).find((n) => n.endsWith(`.${target.kind}`));
    if (['exec', 'attach', 'portforward', 'proxy'].includes(sub)) {
      const params = { exec: EXEC_PARAMS, attach: ATTACH_PARAMS, portforward: PORTFORWARD_PARAMS }[sub] ?? PROXY_PARAMS;
      const methods: Method[] =
        sub === 'proxy' ? ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] : ['get', 'post'];
      for (const method of methods) {
        ops.push(
          op({
            method,
            operationId: `connect${G}${capital(method)}${ns}${kind}${S}`,
            description: `connect ${method.toUpperCase()} requests to ${sub} of ${kind}`,
            action: 'connect',
            gvk: target,
            params,
            responses: { '200': 'string' },
            produces: ['*/*'],
          }),
        );
      }
      items.push({ path: subPath, params: subParams, operations: ops });
      continue;
    }
    if (sub === 'log') {
      ops.push(
        op({
          method: 'get',
          operationId: `read${ids}`,
          description: `read log of the specified ${kind}`,
          action: 'get',
          gvk: target,
          params: LOG_PARAMS,
          responses: { '200': 'string' },
          produces: ['text/plain', JSON_TYPE],
        }),
      );
      items.push({ path: subPath, params: subParams, operations: ops });
      continue;
    }
    if (!targetSchema) continue;
    if (verbs.includes('get')) {
      ops.push(
        op({
          method: 'get',
          operationId: `read${ids}`,
          description: `read ${sub} of the specified ${kind}`,
          action: 'get',
          gvk: target,
          params: [],
          responses: { '200': targetSchema },
        }),
      );
    }
    if (verbs.includes('update')) {
      ops.push(
        op({
          method: 'put',
          operationId: `replace${ids}`,
          description: `replace ${sub} of the specified ${kind}`,
          action: 'put',
          gvk: target,
          params: WRITE_PARAMS,
          body: writeBody(targetSchema),
          responses: { '200': targetSchema, '201': targetSchema },
        }),
      );
    }
    if (verbs.includes('patch')) {
      ops.push(
        op({
          method: 'patch',
          operationId: `patch${ids}`,
          description: `partially update ${sub} of the specified ${kind}`,
          action: 'patch',
          gvk: target,
          params: PATCH_PARAMS,
          body: patchBody,
          responses: { '200': targetSchema, '201': targetSchema },
        }),
      );
    }
    if (verbs.includes('create')) {
      ops.push(
        op({
          method: 'post',
          operationId: `create${ids}`,
          description: `create ${sub} of a ${kind}`,
          action: 'post',
          gvk: target,
          params: WRITE_PARAMS,
          body: writeBody(targetSchema),
          responses: { '200': targetSchema, '201': targetSchema, '202': targetSchema },
        }),
      );
    }
    items.push({ path: subPath, params: subParams, operations: ops });
  }
  return items.filter((p) => p.operations.length > 0);
}

// ---- documents -----------------------------------------------------------------------------

/** A document of the v3 index: its paths, before rendering. */
interface DocumentSource {
  paths: PathItem[];
}

/** Discovery endpoints each document also describes, as upstream's documents do. */
function discoveryPath(path: string, operationId: string, description: string, schemaName: string): PathItem {
  return {
    path,
    params: [],
    operations: [
      { method: 'get', operationId, description, params: [], responses: { '200': schemaName }, produces: [JSON_TYPE] },
    ],
  };
}

/** Every document of the v3 index, keyed as the index keys them (`api/v1`, `apis/apps/v1`…). */
function documentSources(): Map<string, DocumentSource> {
  const docs = new Map<string, DocumentSource>();
  docs.set('api', {
    paths: [discoveryPath('/api/', 'getCoreAPIVersions', 'get available API versions', `${META_PKG}.APIVersions`)],
  });
  docs.set('apis', {
    paths: [discoveryPath('/apis/', 'getAPIVersions', 'get available API versions', `${META_PKG}.APIGroupList`)],
  });
  const groupVersions: { group: string; version: string }[] = [{ group: '', version: 'v1' }];
  for (const g of apiGroupList().groups) {
    const word = groupWord(g.name);
    docs.set(`apis/${g.name}`, {
      paths: [
        discoveryPath(`/apis/${g.name}/`, `get${word}APIGroup`, 'get information of a group', `${META_PKG}.APIGroup`),
      ],
    });
    for (const v of g.versions) groupVersions.push({ group: g.name, version: v.version });
  }
  for (const { group, version } of groupVersions) {
    const key = group ? `apis/${group}/${version}` : `api/${version}`;
    const paths = [
      discoveryPath(
        `/${key}/`,
        `get${groupWord(group)}${capital(version)}APIResources`,
        'get available resources',
        `${META_PKG}.APIResourceList`,
      ),
      ...kindsServedIn(group, version).flatMap((k) => resourcePaths(k, version)),
    ];
    docs.set(key, { paths });
  }
  return docs;
}

const PATH_PARAMS_FIRST = (a: Param, b: Param): number => (a.in === b.in ? 0 : a.in === 'path' ? -1 : 1);

function v3Parameter(p: Param): JsonObject {
  const out: JsonObject = {
    name: p.name,
    in: p.in,
    description: p.description,
    schema: { type: p.type, uniqueItems: true },
  };
  if (p.required) out.required = true;
  return out;
}

function v3Content(types: string[], schemaName: string): JsonObject {
  const s = schemaName === 'string' ? { type: 'string' } : ref(schemaName);
  return Object.fromEntries(types.map((t) => [t, { schema: s }]));
}

function v3Operation(op: Operation, tag: string): JsonObject {
  const out: JsonObject = {
    tags: [tag],
    description: op.description,
    operationId: op.operationId,
  };
  if (op.params.length > 0) out.parameters = op.params.map(v3Parameter);
  if (op.body) {
    out.requestBody = { content: v3Content(op.body.contentTypes, op.body.schema), required: op.body.required };
  }
  const responses: JsonObject = {};
  for (const [code, schemaName] of Object.entries(op.responses)) {
    responses[code] = {
      description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK',
      content: v3Content(op.produces, schemaName),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  out.responses = responses;
  if (op.action) out['x-kubernetes-action'] = op.action;
  // On operations the extension is one object, not the list it is on schemas.
  if (op.gvk)
    out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

/** Names of every schema `value` references, directly or through other schemas. */
function referencedSchemas(value: Json, all: Record<string, JsonObject>, prefix: string): Set<string> {
  const found = new Set<string>();
  const pending: Json[] = [value];
  while (pending.length > 0) {
    const v = pending.pop()!;
    if (Array.isArray(v)) pending.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === '$ref' && typeof child === 'string' && child.startsWith(prefix)) {
          const name = child.slice(prefix.length);
          if (!found.has(name) && all[name]) {
            found.add(name);
            pending.push(all[name]);
          }
        } else pending.push(child);
      }
    }
  }
  return found;
}

const INFO = { title: 'Kubernetes', version: 'v1.30.0' };
const BEARER = { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' };

function renderV3(source: DocumentSource): JsonObject {
  const paths: JsonObject = {};
  for (const item of source.paths) {
    const tag = tagOf(item.path);
    const rendered: JsonObject = {};
    for (const op of item.operations) rendered[op.method] = v3Operation(op, tag);
    if (item.params.length > 0) rendered.parameters = [...item.params].sort(PATH_PARAMS_FIRST).map(v3Parameter);
    paths[item.path] = rendered;
  }
  const all = schemas();
  const names = [...referencedSchemas(paths, all, V3_REF)].sort();
  return {
    openapi: '3.0.0',
    info: INFO,
    paths,
    components: {
      schemas: Object.fromEntries(names.map((n) => [n, all[n]])),
      securitySchemes: { BearerToken: BEARER },
    },
    security: [{ BearerToken: [] }],
  };
}

/** `apps_v1`, `core_v1`, `networking_v1`, or `core`/`apis` for the discovery roots. */
function tagOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api') return parts[1] ? `core_${parts[1]}` : 'core';
  if (parts.length < 3) return parts[1] ? parts[1].split('.')[0] : 'apis';
  return `${parts[1].split('.')[0]}_${parts[2]}`;
}

/**
 * The hash in the index URLs: upstream kube-openapi (handler3) uses the uppercase hex SHA-512 of
 * the served JSON, so a client may cache a document under its URL forever.
 */
export function documentHash(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

interface V3Cache {
  documents: Map<string, JsonObject>;
  hashes: Map<string, string>;
}
let v3: V3Cache | undefined;

function v3Documents(): V3Cache {
  if (v3) return v3;
  const documents = new Map<string, JsonObject>();
  const hashes = new Map<string, string>();
  for (const [key, source] of documentSources()) {
    const doc = renderV3(source);
    documents.set(key, doc);
    hashes.set(key, documentHash(doc));
  }
  v3 = { documents, hashes };
  return v3;
}

/** `/openapi/v3`: one entry per document, each URL carrying the document's hash. */
export function openapiV3Index(): { paths: Record<string, { serverRelativeURL: string }> } {
  const { hashes } = v3Documents();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, hash] of hashes) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  return { paths };
}

/** `/openapi/v3/<path>` (`api/v1`, `apis/apps/v1`…, no leading slash), or undefined if none. */
export function openapiV3Document(path: string): JsonObject | undefined {
  return v3Documents().documents.get(path.replace(/^\/+|\/+$/g, ''));
}

/** The hash of `/openapi/v3/<path>`, to answer `?hash=` requests and set ETags. */
export function openapiV3Hash(path: string): string | undefined {
  return v3Documents().hashes.get(path.replace(/^\/+|\/+$/g, ''));
}

// ---- swagger 2.0 ---------------------------------------------------------------------------

const V2_REF = '#/definitions/';

/** v3 schemas → v2 definitions: the shapes used here are the same, only references move. */
function toV2(value: Json): Json {
  return JSON.parse(JSON.stringify(value).replaceAll(`"${V3_REF}`, `"${V2_REF}`)) as Json;
}

function v2Parameter(p: Param): JsonObject {
  const out: JsonObject = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function v2Operation(op: Operation, tag: string): JsonObject {
  const parameters: JsonObject[] = [];
  if (op.body) {
    parameters.push({ name: 'body', in: 'body', required: op.body.required, schema: toV2(ref(op.body.schema)) });
  }
  parameters.push(...op.params.map(v2Parameter));
  const responses: JsonObject = {};
  for (const [code, schemaName] of Object.entries(op.responses)) {
    const schemaJson = schemaName === 'string' ? { type: 'string' } : toV2(ref(schemaName));
    responses[code] = {
      description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK',
      schema: schemaJson,
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  const out: JsonObject = {
    description: op.description,
    consumes: op.body ? op.body.contentTypes : ['*/*'],
    produces: op.produces,
    schemes: ['https'],
    tags: [tag],
    operationId: op.operationId,
    responses,
  };
  if (parameters.length > 0) out.parameters = parameters;
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk)
    out['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return out;
}

let v2: JsonObject | undefined;

/** `/openapi/v2` as JSON (swagger 2.0): every path of every v3 document, every definition. */
export function openapiV2(): JsonObject {
  if (v2) return v2;
  const paths: JsonObject = {};
  for (const source of documentSources().values()) {
    for (const item of source.paths) {
      const tag = tagOf(item.path);
      const rendered: JsonObject = {};
      for (const op of item.operations) rendered[op.method] = v2Operation(op, tag);
      if (item.params.length > 0) rendered.parameters = [...item.params].sort(PATH_PARAMS_FIRST).map(v2Parameter);
      paths[item.path] = rendered;
    }
  }
  v2 = {
    swagger: '2.0',
    info: INFO,
    paths: Object.fromEntries(
      Object.keys(paths)
        .sort()
        .map((k) => [k, paths[k]]),
    ),
    definitions: toV2(schemas()),
    securityDefinitions: { BearerToken: BEARER },
    security: [{ BearerToken: [] }],
  };
  return v2;
}
