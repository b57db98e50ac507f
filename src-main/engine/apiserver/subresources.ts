// Subresources other than binding: `status`, `scale` (autoscaling/v1 Scale for Deployment,
// ReplicaSet and StatefulSet), and `finalize` for namespaces.
import type { KubeObject } from '../api/types.js';
import { deepCopy, isObject } from '../api/types.js';
import { badRequest, conflict, invalid, OBJECT_MODIFIED, StatusError, cause } from '../api/errors.js';
import type { ApiContext, ResolvedRef } from './context.js';
import { keyFor } from './context.js';
import { toVersion } from './conversion.js';
import { decodeBody, finalizeOrPut, updateObject } from './write-path.js';
import type { WriteOptions } from './types.js';
import { formatLabelSelectorString } from './filters.js';
import { notFound } from '../api/errors.js';

export function getSubresource(r: ResolvedRef, obj: KubeObject): KubeObject {
  switch (r.subresource) {
    case 'status':
      return toVersion(obj, r.info, r.version);
    case 'scale':
      return scaleOf(r, obj);
    default:
      throw new StatusError(405, 'MethodNotAllowed', `get is not supported on ${r.info.plural}/${r.subresource}`);
  }
}

/** The autoscaling/v1 Scale view of a workload. */
export function scaleOf(r: ResolvedRef, obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: formatLabelSelectorString(spec.selector) },
  };
}

export async function applyScale(
  ctx: ApiContext,
  r: ResolvedRef,
  name: string,
  scale: unknown,
  opts: WriteOptions,
  current: KubeObject,
): Promise<KubeObject> {
  if (!isObject(scale) || !isObject(scale.spec)) throw badRequest('a Scale needs spec.replicas');
  const replicas = scale.spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', name, [
      cause.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  }
  const rv = isObject(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) {
    throw conflict(r.info.group, r.info.plural, name, OBJECT_MODIFIED);
  }
  const next = deepCopy(current);
  (next.spec as { replicas?: number }).replicas = replicas;
  const res = await updateObject(ctx, { ...r, subresource: undefined }, name, next, opts, {
    decoded: { obj: next, warnings: [] },
    base: current,
  });
  return scaleOf(r, res.object);
}

export async function updateSubresource(
  ctx: ApiContext,
  r: ResolvedRef,
  name: string,
  body: unknown,
  opts: WriteOptions,
): Promise<KubeObject> {
  const key = keyFor(r, name);
  const current = ctx.store.latest(key);
  if (!current) throw notFound(r.info.group, r.info.plural, name);
  switch (r.subresource) {
    case 'status': {
      const res = await updateObject(ctx, r, name, body, opts, { scope: 'status' });
      return toVersion(res.object, r.info, r.version);
    }
    case 'scale':
      return applyScale(ctx, r, name, body, opts, current);
    case 'finalize': {
      const decoded = decodeBody(r, body, opts, current);
      const res = await updateObject(ctx, r, name, body, opts, { scope: 'finalize', decoded });
      return res.object;
    }
    default:
      throw new StatusError(405, 'MethodNotAllowed', `update is not supported on ${r.info.plural}/${r.subresource}`);
  }
}

export { finalizeOrPut };
