// ObjectMeta, labels, annotations, owner references and label selectors, following
// k8s.io/apimachinery/pkg/api/validation/objectmeta.go and pkg/apis/meta/v1/validation.
import type { LabelSelector, LabelSelectorRequirement } from 'kubernetes-types/meta/v1';
import { cause, type Cause } from '../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, maskTrailingDash } from '../names.js';
import type { ObjectMeta } from '../types.js';
import { immutable, tooLongBytes } from './helpers.js';

/** A name check: the messages for `name` (a generateName prefix when `prefix`). */
export type NameValidator = (name: string, prefix: boolean) => string[];

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** TotalAnnotationSizeLimitB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateObjectMeta for a create. `namespaced` says whether metadata.namespace must be set. */
export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameFn: NameValidator): Cause[] {
  const errs: Cause[] = [];
  const m = meta ?? {};
  if (m.generateName) {
    for (const msg of nameFn(m.generateName, true))
      errs.push(cause.invalid('metadata.generateName', m.generateName, msg));
  }
  if (!m.name) {
    if (!m.generateName) errs.push(cause.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameFn(m.name, false)) errs.push(cause.invalid('metadata.name', m.name, msg));
  }
  if (namespaced) {
    if (!m.namespace) errs.push(cause.required('metadata.namespace', ''));
    else
      for (const msg of isDNS1123Label(m.namespace)) errs.push(cause.invalid('metadata.namespace', m.namespace, msg));
  } else if (m.namespace) {
    errs.push(cause.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  if (m.generation !== undefined && m.generation < 0) {
    errs.push(cause.invalid('metadata.generation', m.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences ?? [], 'metadata.ownerReferences'));
  for (const [i, f] of (m.finalizers ?? []).entries()) {
    for (const msg of isQualifiedName(f)) errs.push(cause.invalid(`metadata.finalizers[${i}]`, f, msg));
  }
  return errs;
}

/** ValidateObjectMetaUpdate: the identity of an object never changes. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): Cause[] {
  return [
    ...immutable(meta.name, old.name, 'metadata.name'),
    ...immutable(meta.namespace ?? '', old.namespace ?? '', 'metadata.namespace'),
    ...(meta.uid && old.uid ? immutable(meta.uid, old.uid, 'metadata.uid') : []),
  ];
}

/** ValidateLabels: keys are qualified names, values label values. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): Cause[] {
  const errs: Cause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(cause.invalid(field, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(cause.invalid(field, v, msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are (lower-cased) qualified names; the total is ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): Cause[] {
  const errs: Cause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(cause.invalid(field, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLongBytes(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** ValidateOwnerReferences: each names apiVersion, kind, name and uid; one controller at most. */
export function validateOwnerReferences(refs: NonNullable<ObjectMeta['ownerReferences']>, field: string): Cause[] {
  const errs: Cause[] = [];
  const controllers: string[] = [];
  for (const ref of refs) {
    const version = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[1] : ref.apiVersion;
    if (!version) errs.push(cause.invalid(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(cause.invalid(`${field}.kind`, ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(cause.invalid(`${field}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(cause.invalid(`${field}.uid`, ref.uid ?? '', 'must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  }
  if (controllers.length > 1) {
    errs.push(
      cause.invalid(
        field,
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`,
      ),
    );
  }
  return errs;
}

/** ValidateLabelSelector. */
export function validateLabelSelector(selector: LabelSelector | undefined, field: string): Cause[] {
  if (!selector) return [];
  const errs: Cause[] = [];
  for (const [i, req] of (selector.matchExpressions ?? []).entries()) {
    const p = `${field}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (values.length === 0) {
        errs.push(cause.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push(cause.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
    } else {
      errs.push(cause.invalid(`${p}.operator`, req.operator, 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(req.key ?? '')) errs.push(cause.invalid(`${p}.key`, req.key ?? '', msg));
    for (const [j, v] of values.entries()) {
      for (const msg of isValidLabelValue(v)) errs.push(cause.invalid(`${p}.values[${j}]`, v, msg));
    }
  }
  errs.push(...validateLabels(selector.matchLabels, `${field}.matchLabels`));
  return errs;
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0;
}

/** LabelSelectorAsSelector(s).Matches(labels). An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((r) => requirementMatches(r, l));
}

function requirementMatches(r: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(labels[r.key]);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}
