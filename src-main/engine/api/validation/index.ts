// Validation entry points: the API server calls these after decoding and defaulting, and rejects
// the write with 422 Invalid (errors.invalid) when any cause comes back. One table maps each kind
// to its metadata name rule and its create/update validators.
import type { Cause } from '../errors.js';
import { isDNS1035Label, maskTrailingDash } from '../names.js';
import { kindForObject } from '../registry.js';
import type { KubeObject } from '../types.js';
import {
  validateControllerRevision,
  validateControllerRevisionUpdate,
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateSelectorUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './apps.js';
import { validateHPAv1, validateHPAv2 } from './autoscaling.js';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.js';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config.js';
import {
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
  type NameValidator,
} from './meta.js';
import {
  validateEvent,
  validateIngress,
  validateLease,
  validateNamespace,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
} from './misc.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateEndpoints, validateService, validateServiceUpdate } from './service.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './discovery.js';

export { normalizeSecret } from './config.js';
export { validatePodSpec, validatePodTemplateSpec } from './pod.js';
export { validateLabelSelector, selectorMatches } from './meta.js';

/** Service names are DNS-1035 labels (apimachinery NameIsDNS1035Label). */
const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Validate = (obj: any) => Cause[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ValidateUpdate = (obj: any, old: any) => Cause[];

interface KindRules {
  name: NameValidator;
  create: Validate;
  /** Update-only rules; the create rules run on updates too unless `updateReplacesCreate`. */
  update?: ValidateUpdate;
  updateReplacesCreate?: boolean;
}

const none: Validate = () => [];

const RULES: Record<string, KindRules> = {
  'v1/Namespace': { name: nameIsDNSLabel, create: validateNamespace },
  'v1/Node': { name: nameIsDNSSubdomain, create: none },
  'v1/Pod': { name: nameIsDNSSubdomain, create: validatePod, update: validatePodUpdate, updateReplacesCreate: true },
  'v1/Service': {
    name: nameIsDNS1035Label,
    create: validateService,
    update: validateServiceUpdate,
    updateReplacesCreate: true,
  },
  'v1/Endpoints': { name: nameIsDNSSubdomain, create: validateEndpoints },
  'v1/ConfigMap': {
    name: nameIsDNSSubdomain,
    create: validateConfigMap,
    update: validateConfigMapUpdate,
    updateReplacesCreate: true,
  },
  'v1/Secret': {
    name: nameIsDNSSubdomain,
    create: validateSecret,
    update: validateSecretUpdate,
    updateReplacesCreate: true,
  },
  'v1/Event': { name: nameIsDNSSubdomain, create: validateEvent },
  'v1/PersistentVolumeClaim': {
    name: nameIsDNSSubdomain,
    create: validatePersistentVolumeClaim,
    update: validatePersistentVolumeClaimUpdate,
    updateReplacesCreate: true,
  },
  'v1/PersistentVolume': { name: nameIsDNSSubdomain, create: validatePersistentVolume },
  'v1/ServiceAccount': { name: nameIsDNSSubdomain, create: none },
  'apps/v1/Deployment': { name: nameIsDNSSubdomain, create: validateDeployment, update: validateSelectorUpdate },
  'apps/v1/ReplicaSet': { name: nameIsDNSSubdomain, create: validateReplicaSet, update: validateSelectorUpdate },
  'apps/v1/DaemonSet': { name: nameIsDNSSubdomain, create: validateDaemonSet, update: validateSelectorUpdate },
  'apps/v1/StatefulSet': {
    name: nameIsDNSSubdomain,
    create: validateStatefulSet,
    update: (a, b) => [...validateSelectorUpdate(a, b), ...validateStatefulSetUpdate(a, b)],
  },
  'apps/v1/ControllerRevision': {
    name: nameIsDNSSubdomain,
    create: validateControllerRevision,
    update: validateControllerRevisionUpdate,
  },
  'batch/v1/Job': {
    name: nameIsDNSSubdomain,
    create: validateJob,
    update: validateJobUpdate,
    updateReplacesCreate: true,
  },
  'batch/v1/CronJob': {
    name: nameIsDNSSubdomain,
    create: (cj) => validateCronJob(cj),
    update: (cj, old) => validateCronJob(cj, old),
    updateReplacesCreate: true,
  },
  'autoscaling/v2/HorizontalPodAutoscaler': { name: nameIsDNSSubdomain, create: validateHPAv2 },
  'autoscaling/v1/HorizontalPodAutoscaler': { name: nameIsDNSSubdomain, create: validateHPAv1 },
  'networking.k8s.io/v1/Ingress': { name: nameIsDNSSubdomain, create: validateIngress },
  'coordination.k8s.io/v1/Lease': { name: nameIsDNSSubdomain, create: validateLease },
  'discovery.k8s.io/v1/EndpointSlice': {
    name: nameIsDNSSubdomain,
    create: validateEndpointSlice,
    update: validateEndpointSliceUpdate,
  },
};

function rulesFor(obj: KubeObject): KindRules {
  return RULES[`${obj.apiVersion}/${obj.kind}`] ?? { name: nameIsDNSSubdomain, create: none };
}

function isNamespaced(obj: KubeObject): boolean {
  return kindForObject(obj.apiVersion, obj.kind)?.namespaced ?? true;
}

/** Every problem with a new object, as Kubernetes reports them; empty when it may be stored. */
export function validateCreate(obj: KubeObject): Cause[] {
  const rules = rulesFor(obj);
  return [...validateObjectMeta(obj.metadata, isNamespaced(obj), rules.name), ...rules.create(obj)];
}

/** Every problem with replacing `old` by `obj` (both defaulted). */
export function validateUpdate(obj: KubeObject, old: KubeObject): Cause[] {
  const rules = rulesFor(obj);
  const errs = [
    ...validateObjectMeta(obj.metadata, isNamespaced(obj), rules.name),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
  ];
  if (!rules.updateReplacesCreate) errs.push(...rules.create(obj));
  if (rules.update) errs.push(...rules.update(obj, old));
  return errs;
}
