// Validation for the smaller kinds: Ingress (pkg/apis/networking/validation), Namespace, Event,
// PersistentVolumeClaim, PersistentVolume (pkg/apis/core/validation) and Lease
// (pkg/apis/coordination/validation).
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Event, Namespace, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { HTTPIngressPath, Ingress, IngressBackend } from 'kubernetes-types/networking/v1';
import { cause, type Cause } from '../errors.js';
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from '../names.js';
import { parseQuantity } from '../quantity.js';
import { immutable, IS_NOT_POSITIVE_ERROR, nonNegative, QUANTITY_FORMAT_ERROR } from './helpers.js';
import { isIP } from './service.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

export function validateIngress(ing: Ingress): Cause[] {
  const spec = ing.spec ?? {};
  const errs: Cause[] = [];
  if ((spec.rules ?? []).length === 0 && !spec.defaultBackend) {
    errs.push(cause.invalid('spec.rules', spec.rules ?? [], 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  (spec.rules ?? []).forEach((rule, i) => {
    const p = `spec.rules[${i}]`;
    if (rule.host) {
      if (isIP(rule.host)) errs.push(cause.invalid(`${p}.host`, rule.host, 'must be a DNS name, not an IP address'));
      const msgs = rule.host.includes('*') ? isWildcardDNS1123Subdomain(rule.host) : isDNS1123Subdomain(rule.host);
      for (const msg of msgs) errs.push(cause.invalid(`${p}.host`, rule.host, msg));
    }
    if (!rule.http) return;
    if ((rule.http.paths ?? []).length === 0) errs.push(cause.required(`${p}.http.paths`, ''));
    rule.http.paths.forEach((path, j) => errs.push(...validatePath(path, `${p}.http.paths[${j}]`)));
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((h, j) => {
      const msgs = h.includes('*') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      for (const msg of msgs) errs.push(cause.invalid(`spec.tls[${i}].hosts[${j}]`, h, msg));
    });
  });
  return errs;
}

function validatePath(path: HTTPIngressPath, field: string): Cause[] {
  const errs: Cause[] = [];
  if (!path.pathType) return [cause.required(`${field}.pathType`, 'pathType must be specified')];
  if (path.pathType === 'Exact' || path.pathType === 'Prefix') {
    const p = path.path ?? '';
    if (!p.startsWith('/')) errs.push(cause.invalid(`${field}.path`, p, 'must be an absolute path'));
    for (const seq of ['//', '/./', '/../', '%2f', '%2F']) {
      if (p.includes(seq)) errs.push(cause.invalid(`${field}.path`, p, `must not contain '${seq}'`));
    }
    for (const suffix of ['/..', '/.']) {
      if (p.endsWith(suffix)) errs.push(cause.invalid(`${field}.path`, p, `cannot end with '${suffix}'`));
    }
  } else if (path.pathType === 'ImplementationSpecific') {
    if (path.path && !path.path.startsWith('/'))
      errs.push(cause.invalid(`${field}.path`, path.path, 'must be an absolute path'));
  } else {
    errs.push(cause.notSupported(`${field}.pathType`, path.pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(path.backend, `${field}.backend`));
  return errs;
}

/** validateIngressBackend: exactly one of service or resource; a service port by number or name. */
function validateBackend(b: IngressBackend | undefined, field: string): Cause[] {
  if (!b) return [cause.required(field, '')];
  if (b.resource && b.service) return [cause.invalid(field, '', 'cannot set both resource and service backends')];
  if (b.resource) {
    const errs: Cause[] = [];
    if (!b.resource.kind) errs.push(cause.required(`${field}.resource.kind`, ''));
    if (!b.resource.name) errs.push(cause.required(`${field}.resource.name`, ''));
    return errs;
  }
  if (!b.service) return [cause.invalid(field, '', 'resource or service backend is required')];
  const errs: Cause[] = [];
  const svc = b.service;
  if (!svc.name) errs.push(cause.required(`${field}.service.name`, ''));
  else for (const msg of isDNS1035Label(svc.name)) errs.push(cause.invalid(`${field}.service.name`, svc.name, msg));
  const name = svc.port?.name;
  const num = svc.port?.number;
  if (name && num) errs.push(cause.invalid(field, '', 'cannot set both port name & port number'));
  else if (name)
    for (const msg of isValidPortName(name)) errs.push(cause.invalid(`${field}.service.port.name`, name, msg));
  else if (num)
    for (const msg of isValidPortNum(num)) errs.push(cause.invalid(`${field}.service.port.number`, num, msg));
  else errs.push(cause.required(field, 'port name or number is required'));
  return errs;
}

/** ValidateNamespace: finalizers are qualified names (checked in meta); nothing else to check. */
export function validateNamespace(ns: Namespace): Cause[] {
  const errs: Cause[] = [];
  for (const [i, f] of (ns.spec?.finalizers ?? []).entries()) {
    if (!f.includes('/') && f !== 'kubernetes') {
      errs.push(
        cause.invalid(
          `spec.finalizers[${i}]`,
          f,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errs;
}

/** ValidateEventCreate (core/v1 events): the involved object is required and in this namespace. */
export function validateEvent(ev: Event): Cause[] {
  const errs: Cause[] = [];
  const obj = ev.involvedObject;
  if (!obj || (!obj.kind && !obj.name)) return [cause.required('involvedObject', '')];
  if (obj.namespace && ev.metadata?.namespace && obj.namespace !== ev.metadata.namespace) {
    errs.push(cause.invalid('involvedObject.namespace', obj.namespace, 'does not match event.namespace'));
  }
  if (ev.type && !['Normal', 'Warning'].includes(ev.type))
    errs.push(cause.notSupported('type', ev.type, ['Normal', 'Warning']));
  return errs;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): Cause[] {
  const spec = pvc.spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) errs.push(cause.required('spec.resources[storage]', ''));
  else {
    const q = parseQuantity(storage as string | number);
    if (!q) errs.push(cause.invalid('spec.resources[storage]', storage, QUANTITY_FORMAT_ERROR));
    else if (q.value <= 0) errs.push(cause.invalid('spec.resources[storage]', storage, IS_NOT_POSITIVE_ERROR));
  }
  if (spec.volumeMode && !['Block', 'Filesystem'].includes(spec.volumeMode)) {
    errs.push(cause.notSupported('spec.volumeMode', spec.volumeMode, ['Block', 'Filesystem']));
  }
  return errs;
}

/** A bound claim's spec only grows its storage request (ValidatePersistentVolumeClaimUpdate). */
export function validatePersistentVolumeClaimUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): Cause[] {
  const errs = validatePersistentVolumeClaim(pvc);
  const a = structuredClone(pvc.spec ?? {});
  const b = structuredClone(old.spec ?? {});
  delete a.resources;
  delete b.resources;
  if (!b.volumeName) delete a.volumeName;
  if (immutable(a, b, 'spec').length > 0) {
    errs.push(
      cause.forbidden(
        'spec',
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ),
    );
  }
  return errs;
}

function validateAccessModes(modes: string[] | undefined, field: string): Cause[] {
  if (!modes || modes.length === 0) return [cause.required(field, 'at least 1 access mode is required')];
  return modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => cause.notSupported(field, m, ACCESS_MODES));
}

const PV_SOURCES = [
  'hostPath',
  'local',
  'nfs',
  'csi',
  'iscsi',
  'fc',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'flexVolume',
  'flocker',
  'glusterfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
] as const;

export function validatePersistentVolume(pv: PersistentVolume): Cause[] {
  const spec = pv.spec ?? {};
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes');
  const capacity = spec.capacity ?? {};
  if (Object.keys(capacity).length === 0) errs.push(cause.required('spec.capacity', ''));
  else if (capacity.storage === undefined || Object.keys(capacity).length > 1) {
    errs.push(cause.notSupported('spec.capacity', capacity, ['storage']));
  } else {
    const q = parseQuantity(capacity.storage as string | number);
    if (!q) errs.push(cause.invalid('spec.capacity[storage]', capacity.storage, QUANTITY_FORMAT_ERROR));
    else if (q.value <= 0) errs.push(cause.invalid('spec.capacity[storage]', capacity.storage, IS_NOT_POSITIVE_ERROR));
  }
  const record = spec as Record<string, unknown>;
  const sources = PV_SOURCES.filter((s) => record[s] !== undefined && record[s] !== null);
  if (sources.length === 0) errs.push(cause.required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1))
    errs.push(cause.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath && !spec.hostPath.path) errs.push(cause.required('spec.hostPath.path', ''));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy && !['Delete', 'Recycle', 'Retain'].includes(policy)) {
    errs.push(cause.notSupported('spec.persistentVolumeReclaimPolicy', policy, ['Delete', 'Recycle', 'Retain']));
  }
  return errs;
}

/** ValidateLeaseSpec. */
export function validateLease(lease: Lease): Cause[] {
  const spec = lease.spec ?? {};
  const errs: Cause[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.push(cause.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  errs.push(...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'));
  return errs;
}
