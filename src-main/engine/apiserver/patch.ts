// PATCH: JSON Patch, JSON merge patch, strategic merge patch, and server-side apply. The patch is
// applied to the current object in the client's version, then the result goes through the same
// update path as a PUT (so validation, immutability and resourceVersion rules all hold).
import type { KubeObject } from '../api/types.js';
import { deepCopy, isObject } from '../api/types.js';
import { badRequest, notFound, StatusError } from '../api/errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../api/patch/index.js';
import { keyFor, requireNamespace, type ApiContext, type ResolvedRef } from './context.js';
import { toVersion } from './conversion.js';
import { createObject, decodeBody, updateObject, type WriteResult } from './write-path.js';
import type { PatchOptions, PatchType } from './types.js';
import { scaleOf, applyScale } from './subresources.js';
import { checkApply, removePath } from './managed-fields.js';

export async function applyPatch(
  ctx: ApiContext,
  r: ResolvedRef,
  name: string,
  type: PatchType,
  patch: unknown,
  opts: PatchOptions,
): Promise<WriteResult> {
  const namespace = requireNamespace(r);
  const key = keyFor(r, name, namespace);
  const current = ctx.store.latest(key);
  if (type === 'apply' && !opts.fieldManager) throw applyNeedsManager();
  if (!current) {
    // Server-side apply creates what does not exist yet.
    if (type === 'apply' && !r.subresource) return createObject(ctx, r, patch, { ...opts, createOperation: 'Apply' });
    throw notFound(r.info.group, r.info.plural, name);
  }
  const view = toVersion(current, r.info, r.version);

  if (r.subresource === 'scale') {
    const scale = scaleOf(r, current);
    const patched = patchDocument(scale, type, patch, 'Scale');
    return { object: await applyScale(ctx, r, name, patched, opts, current), warnings: [] };
  }

  let apply: { appliedKeys: Set<string>; taken: Set<string> } | undefined;
  let removed: string[][] = [];
  if (type === 'apply') {
    if (!isObject(patch)) throw badRequest('an apply patch must be an object');
    const check = checkApply(view, patch as KubeObject, opts.fieldManager!, opts.force === true);
    apply = { appliedKeys: check.appliedKeys, taken: check.conflictKeys };
    removed = check.removed;
  }
  const patched = patchDocument(view, type, patch, r.info.kind);
  // Fields this manager applied before and dropped now (and no one else owns) go away.
  for (const segs of removed) removePath(patched, segs);
  // A patch that does not name a resourceVersion applies to whatever is current (no conflict).
  const patchRv = isObject(patch) && isObject(patch.metadata) ? patch.metadata.resourceVersion : undefined;
  if (patchRv === undefined)
    patched.metadata = { ...patched.metadata, resourceVersion: current.metadata.resourceVersion };
  const scope = r.subresource === 'status' ? 'status' : 'main';
  if (r.subresource && r.subresource !== 'status') {
    throw new StatusError(405, 'MethodNotAllowed', `patch is not supported on ${r.info.plural}/${r.subresource}`);
  }
  const decoded = decodeBody(r, patched, opts, current);
  return updateObject(ctx, r, name, patched, opts, {
    scope,
    decoded,
    base: current,
    apply,
  });
}

function patchDocument(doc: KubeObject, type: PatchType, patch: unknown, kind: string): KubeObject {
  const base = deepCopy(doc);
  let out: unknown;
  switch (type) {
    case 'json':
      if (!Array.isArray(patch)) throw badRequest('a JSON patch must be a list of operations');
      out = applyJsonPatch(base, patch);
      break;
    case 'merge':
      if (!isObject(patch)) throw badRequest('a merge patch must be a JSON object');
      out = applyMergePatch(base, patch);
      break;
    case 'strategic':
    case 'apply':
      if (!isObject(patch))
        throw badRequest(`a ${type === 'apply' ? 'apply' : 'strategic merge'} patch must be an object`);
      out = applyStrategicMergePatch(base, patch, kind);
      break;
  }
  if (!isObject(out)) throw badRequest('the patched document is not an object');
  return out as KubeObject;
}

function applyNeedsManager(): StatusError {
  return badRequest(
    'PATCH requests with apply content type (application/apply-patch+yaml) must specify a fieldManager',
  );
}
