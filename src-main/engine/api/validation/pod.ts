// Pod and pod-template validation, following pkg/apis/core/validation/validation.go
// (ValidatePodSpec, ValidateVolumes, ValidatePodTemplateSpec, ValidatePodUpdate).
import type { Pod, PodSpec, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1';
import { cause, type Cause } from '../errors.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain } from '../names.js';
import { validateContainers } from './container.js';
import { equal, nonNegative } from './helpers.js';
import { validateAnnotations, validateLabels } from './meta.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const INT32_MAX = 2147483647;

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, field: string): Cause[] {
  if (!spec) return [cause.required(field, '')];
  const errs: Cause[] = [];
  const volumes = spec.volumes ?? [];
  errs.push(...validateVolumes(volumes, `${field}.volumes`));
  const names = new Set<string>();
  if ((spec.containers ?? []).length === 0) errs.push(cause.required(`${field}.containers`, ''));
  errs.push(...validateContainers(spec.containers ?? [], `${field}.containers`, volumes, names));
  errs.push(
    ...validateContainers(spec.initContainers ?? [], `${field}.initContainers`, volumes, names, { isInit: true }),
  );
  errs.push(...validateRestartPolicy(spec.restartPolicy, `${field}.restartPolicy`));
  if (!spec.dnsPolicy) errs.push(cause.required(`${field}.dnsPolicy`, ''));
  else if (!DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(cause.notSupported(`${field}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  }
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig) {
    errs.push(cause.required(`${field}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  }
  errs.push(...nonNegative(spec.terminationGracePeriodSeconds, `${field}.terminationGracePeriodSeconds`));
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && (ads < 1 || ads > INT32_MAX)) {
    errs.push(cause.invalid(`${field}.activeDeadlineSeconds`, ads, inclusiveRangeError(1, INT32_MAX)));
  }
  if (spec.serviceAccountName) {
    for (const msg of isDNS1123Subdomain(spec.serviceAccountName)) {
      errs.push(cause.invalid(`${field}.serviceAccountName`, spec.serviceAccountName, msg));
    }
  }
  if (spec.hostname) {
    for (const msg of isDNS1123Label(spec.hostname)) errs.push(cause.invalid(`${field}.hostname`, spec.hostname, msg));
  }
  if (spec.subdomain) {
    for (const msg of isDNS1123Label(spec.subdomain))
      errs.push(cause.invalid(`${field}.subdomain`, spec.subdomain, msg));
  }
  return errs;
}

export function validateRestartPolicy(policy: string | undefined, field: string): Cause[] {
  if (!policy) return [cause.required(field, '')];
  return RESTART_POLICIES.includes(policy) ? [] : [cause.notSupported(field, policy, RESTART_POLICIES)];
}

/** Every VolumeSource member: a volume must set exactly one. */
const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

/** ValidateVolumes: unique DNS-label names, exactly one source each. */
export function validateVolumes(volumes: Volume[], field: string): Cause[] {
  const errs: Cause[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = `${field}[${i}]`;
    const record = v as unknown as Record<string, unknown>;
    const sources = VOLUME_SOURCES.filter((s) => record[s] !== undefined && record[s] !== null);
    if (sources.length === 0) errs.push(cause.required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1))
      errs.push(cause.forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    if (v.configMap && !v.configMap.name) errs.push(cause.required(`${p}.configMap.name`, ''));
    if (v.secret && !v.secret.secretName) errs.push(cause.required(`${p}.secret.secretName`, ''));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) {
      errs.push(cause.required(`${p}.persistentVolumeClaim.claimName`, ''));
    }
    if (v.hostPath && !v.hostPath.path) errs.push(cause.required(`${p}.hostPath.path`, ''));
    for (const [k, mode] of [
      ['configMap', v.configMap?.defaultMode],
      ['secret', v.secret?.defaultMode],
    ] as const) {
      if (mode !== undefined && (mode < 0 || mode > 0o777)) {
        errs.push(
          cause.invalid(`${p}.${k}.defaultMode`, mode, 'must be a number between 0 and 0777 (octal), both inclusive'),
        );
      }
    }
    if (!v.name) errs.push(cause.required(`${p}.name`, ''));
    else for (const msg of isDNS1123Label(v.name)) errs.push(cause.invalid(`${p}.name`, v.name, msg));
    if (v.name && names.has(v.name)) errs.push(cause.duplicate(`${p}.name`, v.name));
    names.add(v.name);
  });
  return errs;
}

/** ValidatePodTemplateSpec: template labels and annotations, then the spec. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, field: string): Cause[] {
  if (!template) return [cause.required(field, '')];
  return [
    ...validateLabels(template.metadata?.labels, `${field}.metadata.labels`),
    ...validateAnnotations(template.metadata?.annotations, `${field}.metadata.annotations`),
    ...validatePodSpec(template.spec, `${field}.spec`),
  ];
}

export function validatePod(pod: Pod): Cause[] {
  return validatePodSpec(pod.spec, 'spec');
}

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * ValidatePodUpdate: the spec is immutable except container images, a new or shorter
 * activeDeadlineSeconds, added tolerations, and terminationGracePeriodSeconds from negative to 1.
 * The new spec is "munged" to carry the old values of those fields and then compared.
 */
export function validatePodUpdate(pod: Pod, old: Pod): Cause[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  const next = structuredClone(pod.spec ?? ({} as PodSpec));
  const prev = old.spec ?? ({} as PodSpec);
  for (const list of ['containers', 'initContainers'] as const) {
    const a = next[list] ?? [];
    const b = prev[list] ?? [];
    if (a.length !== b.length) continue;
    a.forEach((c, i) => {
      c.image = b[i].image;
    });
  }
  const ads = pod.spec?.activeDeadlineSeconds;
  const oldAds = prev.activeDeadlineSeconds;
  if (ads !== undefined && (oldAds === undefined || ads <= oldAds)) next.activeDeadlineSeconds = oldAds;
  if (ads === undefined && oldAds !== undefined) {
    errs.push(
      cause.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'),
    );
    next.activeDeadlineSeconds = oldAds;
  }
  const oldTolerations = prev.tolerations ?? [];
  const tolerations = next.tolerations ?? [];
  if (oldTolerations.every((t) => tolerations.some((n) => equal(n, t)))) next.tolerations = prev.tolerations;
  const grace = pod.spec?.terminationGracePeriodSeconds;
  if (grace === 1 && (prev.terminationGracePeriodSeconds ?? 0) < 0) {
    next.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  }
  if (!equal(next, prev)) errs.push(cause.forbidden('spec', POD_UPDATE_FORBIDDEN));
  return errs;
}
