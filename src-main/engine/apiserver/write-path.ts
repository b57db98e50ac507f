// Create and update: the write path every object takes.
import type { KubeObject } from '../api/types.js';
import { deepCopy, isObject } from '../api/types.js';
import {
  alreadyExists,
  badRequest,
  invalid,
  notFound,
  conflict,
  OBJECT_MODIFIED,
  tooLarge,
  StatusError,
  type Cause,
} from '../api/errors.js';
import { apiVersionOf, parseApiVersion } from '../api/registry.js';
import { applyDefaults } from '../api/defaults/index.js';
import { validateCreate, validateUpdate, normalizeSecret } from '../api/validation/index.js';
import { typeCheck, pruneUnknownFields } from '../api/schema/index.js';
import { rfc3339 } from '../clock.js';
import { keyFor, requireNamespace, type ApiContext, type ResolvedRef } from './context.js';
import { toStorage } from './conversion.js';
import { addDefaultTolerations, admitNamespace, defaultIngressClass, initialStatus } from './admission.js';
import { allocateServiceAddresses, allocateServiceUpdate, dropTypeDependentFields } from './service-alloc.js';
import { generateNameSuffix, hasGeneration, newUid, specChanged } from './object-meta.js';
import { recordApply, recordUpdate } from './managed-fields.js';
import type { WriteOptions } from './types.js';

/** The largest object the store accepts (kube-apiserver's request limit is 3 MiB). */
export const MAX_OBJECT_BYTES = 3 * 1024 * 1024;
/** Nesting deeper than this is junk, not a Kubernetes object. */
const MAX_DEPTH = 100;

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}

/**
 * Decode a request body into a storage-version object: check the envelope against the URL, the
 * size and depth, the field types, and handle unknown fields per `fieldValidation`.
 */
export function decodeBody(
  r: ResolvedRef,
  body: unknown,
  opts: WriteOptions,
  old?: KubeObject,
): { obj: KubeObject; warnings: string[] } {
  if (!isObject(body)) throw badRequest(`the body of the request must be a JSON object (a ${r.info.kind})`);
  checkDepth(body);
  const size = Buffer.byteLength(JSON.stringify(body));
  if (size > MAX_OBJECT_BYTES) {
    throw tooLarge(`Request entity too large: the object is ${size} bytes; the limit is ${MAX_OBJECT_BYTES}`);
  }
  const expected = apiVersionOf(r.info, r.version);
  const apiVersion = body.apiVersion ?? expected;
  const kind = body.kind ?? r.info.kind;
  if (apiVersion !== expected) {
    const { group } = parseApiVersion(String(apiVersion));
    if (group !== r.info.group || typeof apiVersion !== 'string') {
      throw badRequest(
        `the API version in the data (${String(apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
  }
  if (kind !== r.info.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${r.info.kind})`);
  }
  if (!isObject(body.metadata) && body.metadata !== undefined) {
    throw badRequest(
      `${r.info.kind} in version "${r.version}" cannot be handled as a ${r.info.kind}: metadata must be an object`,
    );
  }
  const obj = deepCopy({
    ...body,
    apiVersion: expected,
    kind: r.info.kind,
    metadata: body.metadata ?? {},
  }) as KubeObject;
  const { errors, unknownFields } = typeCheck(obj, expected, r.info.kind);
  if (errors.length > 0) {
    // Quantities fail to parse without naming their field upstream; other type errors name it.
    const detail = errors
      .map((c) =>
        c.message.includes('quantities must match')
          ? c.message.replace(/^Invalid value: [^:]*: /, '')
          : `${c.field}: ${c.message}`,
      )
      .join(', ');
    throw new StatusError(
      400,
      'BadRequest',
      `${r.info.kind} in version "${r.version}" cannot be handled as a ${r.info.kind}: ${detail}`,
      {
        kind: r.info.plural,
        name: obj.metadata.name,
        causes: errors,
      },
    );
  }
  const warnings: string[] = [];
  if (unknownFields.length > 0) {
    if (opts.fieldValidation === 'Strict') {
      const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
      throw new StatusError(400, 'BadRequest', `strict decoding error: ${list}`, {
        kind: r.info.plural,
        name: obj.metadata.name,
        causes: unknownFields.map((f) => ({ type: 'FieldValueInvalid', field: f, message: 'unknown field' })),
      });
    }
    if (opts.fieldValidation !== 'Ignore') warnings.push(...unknownFields.map((f) => `unknown field "${f}"`));
    pruneUnknownFields(obj, expected, r.info.kind);
  }
  return { obj: toStorage(obj, r.info, r.version, old), warnings };
}

function checkDepth(value: unknown): void {
  // Iterative, so junk nested a million levels deep cannot overflow the stack.
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) throw badRequest(`the object is nested more than ${MAX_DEPTH} levels deep`);
    if (v && typeof v === 'object')
      for (const child of Object.values(v)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
}

/** Bad base64 in a Secret's `data` fails decoding in Kubernetes: a 400, not a 422. */
function secretDecodeError(r: ResolvedRef, obj: KubeObject, causes: Cause[]): StatusError {
  const detail = causes.map((c) => c.message.replace(/^Invalid value: "[^"]*": /, '')).join(', ');
  return new StatusError(
    400,
    'BadRequest',
    `Secret in version "${r.version}" cannot be handled as a Secret: ${detail}`,
    {
      kind: r.info.plural,
      name: obj.metadata.name,
      causes,
    },
  );
}

function invalidError(r: ResolvedRef, obj: KubeObject, causes: Cause[]): StatusError {
  return invalid(r.info.group, r.info.kind, obj.metadata.name ?? obj.metadata.generateName ?? '', causes);
}

export async function createObject(
  ctx: ApiContext,
  r: ResolvedRef,
  body: unknown,
  opts: WriteOptions,
): Promise<WriteResult> {
  const namespace = requireNamespace(r);
  const { obj, warnings } = decodeBody(r, body, opts);
  const meta = obj.metadata;
  if (r.info.namespaced) {
    if (meta.namespace && meta.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
  } else {
    delete meta.namespace;
  }
  if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
  if (r.name && meta.name && r.name !== meta.name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${r.name})`);
  }

  if (r.info.kind === 'Secret') {
    const causes = normalizeSecret(obj as never);
    if (causes.length > 0) throw secretDecodeError(r, obj, causes);
  }
  const requested = deepCopy(obj);
  const uid = newUid();
  if (r.info.kind === 'Job') generateJobSelector(obj, uid);
  applyDefaults(obj);
  const causes = validateCreate(obj);
  if (causes.length > 0) throw invalidError(r, obj, causes);

  const now = ctx.clock.now();
  meta.uid = uid;
  meta.creationTimestamp = rfc3339(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  if (hasGeneration(obj)) meta.generation = 1;
  else delete meta.generation;
  const status = initialStatus(obj, r.info);
  if (status === undefined) delete obj.status;
  else obj.status = status;
  recordUpdate(
    undefined,
    obj,
    { manager: opts.fieldManager ?? 'kubedesk', operation: opts.createOperation ?? 'Update', now },
    requested,
  );

  admitNamespace(ctx.store, r.info, namespace, meta.name!);
  if (r.info.kind === 'Pod') addDefaultTolerations(obj);
  if (r.info.kind === 'Service') allocateServiceAddresses(ctx.store, obj, ctx.serviceCIDR);
  if (r.info.kind === 'Ingress') defaultIngressClass(ctx.store, obj);
  const key = keyFor(r, meta.name!, namespace);
  if (opts.dryRun === 'All') {
    if (ctx.store.latest(key)) throw alreadyExists(r.info.group, r.info.plural, meta.name!);
    return { object: obj, warnings };
  }
  const stored = await ctx.store.put(key, obj, { create: true });
  return { object: stored, warnings };
}

export interface UpdateInternals {
  /** Which part of the object this write may change. */
  scope?: 'main' | 'status' | 'finalize';
  /** Precomputed object (patch path); skips decoding `body`. */
  decoded?: { obj: KubeObject; warnings: string[] };
  /** The version the patch was computed against. */
  base?: KubeObject;
  /** Server-side apply: the applied fields, and those taken from other managers by force. */
  apply?: { appliedKeys: Set<string>; taken: Set<string> };
}

export async function updateObject(
  ctx: ApiContext,
  r: ResolvedRef,
  name: string,
  body: unknown,
  opts: WriteOptions,
  internals: UpdateInternals = {},
): Promise<WriteResult> {
  const namespace = requireNamespace(r);
  const key = keyFor(r, name, namespace);
  const old = internals.base ?? ctx.store.latest(key);
  if (!old) throw notFound(r.info.group, r.info.plural, name);
  const { obj, warnings } = internals.decoded ?? decodeBody(r, body, opts, old);
  const meta = obj.metadata;
  if (meta.name && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (r.info.namespaced && meta.namespace && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(r.info.group, r.info.plural, name, OBJECT_MODIFIED);
  }
  if (meta.uid && meta.uid !== old.metadata.uid) {
    throw conflict(
      r.info.group,
      r.info.plural,
      name,
      `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  const scope = internals.scope ?? 'main';
  let next: KubeObject;
  if (scope === 'status') {
    // The status subresource changes status — and, as the apps status strategies allow, annotations
    // (the deployment controller records revisions alongside status); spec and labels stay.
    next = { ...deepCopy(old), status: obj.status };
    if (obj.metadata.annotations !== undefined) next.metadata.annotations = obj.metadata.annotations;
  } else if (scope === 'finalize') {
    next = deepCopy(old);
    (next.spec as { finalizers?: string[] }) = {
      ...(old.spec as object),
      finalizers: (obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [],
    };
  } else {
    next = obj;
    if (r.info.kind === 'Secret') {
      const causes = normalizeSecret(next as never);
      if (causes.length > 0) throw secretDecodeError(r, next, causes);
    }
    applyDefaults(next);
    // System fields cannot be changed by clients.
    next.metadata = {
      ...meta,
      name,
      namespace: r.info.namespaced ? namespace : undefined,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      deletionTimestamp: old.metadata.deletionTimestamp,
      deletionGracePeriodSeconds: old.metadata.deletionGracePeriodSeconds,
      generation: old.metadata.generation,
      managedFields: meta.managedFields ?? old.metadata.managedFields,
    };
    if (!r.info.namespaced) delete next.metadata.namespace;
    if (r.info.hasStatusSubresource) next.status = old.status;
    carryForward(next, old);
    if (r.info.kind === 'Service') dropTypeDependentFields(next, old);
    if (r.info.kind === 'Namespace') {
      // spec.finalizers of a namespace change only through /finalize.
      next.spec = {
        ...(next.spec as object),
        finalizers: (old.spec as { finalizers?: string[] } | undefined)?.finalizers,
      };
    }
    // A deleting object may lose finalizers but not gain new ones (as kube-apiserver enforces).
    if (old.metadata.deletionTimestamp) {
      const before = new Set(old.metadata.finalizers ?? []);
      const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length > 0) {
        throw invalidError(r, next, [
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          },
        ]);
      }
    }
  }
  for (const k of Object.keys(next.metadata) as (keyof typeof next.metadata)[]) {
    if (next.metadata[k] === undefined) delete next.metadata[k];
  }
  const causes = validateUpdate(next, old);
  if (causes.length > 0) throw invalidError(r, next, causes);
  if (scope === 'main' && r.info.kind === 'Service') allocateServiceUpdate(ctx.store, next, old, ctx.serviceCIDR);

  if (hasGeneration(next) && specChanged(next, old)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  const now = ctx.clock.now();
  const manager = opts.fieldManager ?? 'kubedesk';
  if (internals.apply) {
    recordApply(next, manager, internals.apply.appliedKeys, internals.apply.taken, now);
  } else {
    recordUpdate(old, next, {
      manager,
      operation: 'Update',
      subresource: scope === 'main' ? undefined : scope,
      now,
    });
  }
  if (opts.dryRun === 'All') return { object: next, warnings };
  const stored = await finalizeOrPut(ctx, key, next, old.metadata.resourceVersion!);
  return { object: stored, warnings };
}

/**
 * Write `next`; if it is being deleted and nothing holds it any more (no finalizers, and for a
 * namespace no spec finalizers), remove it instead — the last finalizer's removal deletes it.
 */
export async function finalizeOrPut(
  ctx: ApiContext,
  key: string,
  next: KubeObject,
  expectRv: string,
): Promise<KubeObject> {
  const nsFinalizers =
    next.kind === 'Namespace' ? ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const holds = (next.metadata.finalizers ?? []).length + nsFinalizers.length;
  if (next.metadata.deletionTimestamp && holds === 0 && !isGracefulPod(next)) {
    return ctx.store.remove(key, { expectRv });
  }
  return ctx.store.put(key, next, { expectRv });
}

/** A pod in graceful deletion stays until its node agent confirms the containers are gone. */
function isGracefulPod(obj: KubeObject): boolean {
  return obj.kind === 'Pod' && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}

/**
 * Fields a client may leave out of an update without meaning to clear them, copied from the old
 * object as the registry strategies do (a Service's allocated cluster IPs and node ports).
 */
function carryForward(next: KubeObject, old: KubeObject): void {
  if (next.kind === 'Service') {
    const n = (next.spec ?? {}) as Record<string, unknown>;
    const o = (old.spec ?? {}) as Record<string, unknown>;
    for (const f of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'healthCheckNodePort']) {
      if (n[f] === undefined && o[f] !== undefined) n[f] = o[f];
    }
    const oldPorts = (o.ports ?? []) as { port?: number; protocol?: string; nodePort?: number }[];
    for (const p of (n.ports ?? []) as { port?: number; protocol?: string; nodePort?: number }[]) {
      if (p.nodePort !== undefined) continue;
      const match = oldPorts.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort !== undefined && n.type !== 'ClusterIP') p.nodePort = match.nodePort;
    }
    next.spec = n;
  }
}

/**
 * The Job strategy's PrepareForCreate (pkg/registry/batch/job/strategy.go): unless
 * `spec.manualSelector`, the selector is generated from the Job's uid and the template gets the
 * controller-uid and job-name labels, so a Job's pods can never match another Job.
 */
function generateJobSelector(job: KubeObject, uid: string): void {
  const spec = (job.spec ?? {}) as {
    manualSelector?: boolean;
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string> } };
  };
  if (spec.manualSelector) return;
  const name = job.metadata.name ?? '';
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...(spec.template.metadata.labels ?? {}),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  job.spec = spec;
}
