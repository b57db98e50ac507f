// `kubectl apply` semantics for manifests: create what is missing; otherwise a three-way
// strategic merge of the last applied configuration (kept in the
// `kubectl.kubernetes.io/last-applied-configuration` annotation), the new configuration and the
// live object — so fields removed from the file are removed, and fields set by others stay.
import type { KubeObject, Status, Unstructured } from '../api/types.js';
import { deepCopy, isObject } from '../api/types.js';
import { badRequest, isStatusError, StatusError, internalError } from '../api/errors.js';
import { kindForObject } from '../api/registry.js';
import { createThreeWayMergePatch } from '../api/patch/index.js';
import type { ApiServer } from './api-server.js';
import { parseManifests } from './manifests.js';
import type { ResourceRef } from './types.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyResult {
  index: string;
  kind?: string;
  apiVersion?: string;
  name?: string;
  namespace?: string;
  action?: 'created' | 'configured' | 'unchanged';
  object?: KubeObject;
  error?: Status;
}

export interface ApplyOptions {
  /** Namespace for namespaced objects that name none (kubectl's current namespace). */
  namespace?: string;
  dryRun?: 'All';
  fieldManager?: string;
}

export async function applyManifests(api: ApiServer, text: string, opts: ApplyOptions = {}): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const doc of parseManifests(text)) {
    if (doc.error) {
      results.push({ index: doc.index, error: doc.error.toStatus() });
      continue;
    }
    results.push(await applyOne(api, doc.index, doc.object!, opts));
  }
  return results;
}

export async function applyOne(
  api: ApiServer,
  index: string,
  obj: Unstructured,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const base: ApplyResult = { index };
  try {
    const { apiVersion, kind } = obj;
    if (typeof kind !== 'string' || !kind) throw badRequest(`document ${index}: Object 'Kind' is missing`);
    if (typeof apiVersion !== 'string' || !apiVersion)
      throw badRequest(`document ${index}: Object 'apiVersion' is missing`);
    base.kind = kind;
    base.apiVersion = apiVersion;
    const info = kindForObject(apiVersion, kind);
    if (!info) throw new StatusError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const name = meta.name;
    if (typeof name !== 'string' || !name) {
      throw badRequest(
        meta.generateName
          ? 'cannot use generate name with apply'
          : `document ${index}: the ${kind} has no metadata.name`,
      );
    }
    base.name = name;
    const namespace = info.namespaced
      ? typeof meta.namespace === 'string' && meta.namespace
        ? meta.namespace
        : (opts.namespace ?? 'default')
      : undefined;
    base.namespace = namespace;
    const ref: ResourceRef = {
      group: info.group,
      version: apiVersion.split('/').pop(),
      resource: info.plural,
      namespace,
      name,
    };

    const modified = withLastApplied(obj);
    let live: KubeObject | undefined;
    try {
      live = await api.get(ref);
    } catch (err) {
      if (!(isStatusError(err) && err.code === 404 && err.details?.name === name)) throw err;
    }
    const writeOpts = {
      dryRun: opts.dryRun,
      fieldManager: opts.fieldManager ?? 'kubectl-client-side-apply',
      fieldValidation: 'Strict' as const,
    };
    if (!live) {
      const created = await api.create(
        { ...ref, name: undefined },
        { ...modified, metadata: { ...(modified.metadata as object), namespace } },
        writeOpts,
      );
      return { ...base, action: 'created', object: created };
    }
    const lastApplied = live.metadata.annotations?.[LAST_APPLIED];
    let original: Unstructured | undefined;
    if (lastApplied) {
      try {
        original = JSON.parse(lastApplied) as Unstructured;
      } catch {
        original = undefined; // a corrupt annotation is treated as absent, like kubectl
      }
    }
    const patch = createThreeWayMergePatch(original, modified, live, kind);
    if (!isObject(patch) || Object.keys(patch).length === 0) return { ...base, action: 'unchanged', object: live };
    const updated = await api.patch(ref, 'strategic', patch, writeOpts);
    // Compare content, not versions: a dry run never gets a new resourceVersion.
    const changed = JSON.stringify(comparable(updated)) !== JSON.stringify(comparable(live));
    return { ...base, action: changed ? 'configured' : 'unchanged', object: updated };
  } catch (err) {
    const status = isStatusError(err) ? err.toStatus() : internalError((err as Error).message).toStatus();
    return { ...base, error: status };
  }
}

/** The configuration with itself recorded in the last-applied annotation, as kubectl does. */
function withLastApplied(obj: Unstructured): Unstructured {
  const copy = deepCopy(obj);
  const meta = (isObject(copy.metadata) ? copy.metadata : {}) as { annotations?: Record<string, string> };
  const annotations = { ...(meta.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const recorded = deepCopy(copy);
  const recMeta = (recorded.metadata ?? {}) as { annotations?: Record<string, string> };
  if (Object.keys(annotations).length > 0) recMeta.annotations = annotations;
  else delete recMeta.annotations;
  recorded.metadata = recMeta;
  annotations[LAST_APPLIED] = JSON.stringify(recorded);
  copy.metadata = { ...meta, annotations };
  return copy;
}

/** The object without the bookkeeping every write touches. */
function comparable(obj: KubeObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}
