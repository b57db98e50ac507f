// DELETE, following the generic registry's deletion rules:
// - preconditions (uid, resourceVersion) are checked first;
// - pods bound to a node are deleted gracefully: `deletionTimestamp` = now + grace period and
//   `deletionGracePeriodSeconds` set; the node agent stops the containers and then removes the pod;
// - `propagationPolicy` Foreground adds the `foregroundDeletion` finalizer and Orphan adds
//   `orphan`; the garbage collector finishes those; Background deletes the owner now and lets
//   the collector delete dependents afterwards;
// - an object with finalizers only gets `deletionTimestamp`; it goes when the last one is removed;
// - namespaces turn Terminating, and the namespace controller empties them.
import type { KubeObject, Status } from '../api/types.js';
import { deepCopy } from '../api/types.js';
import { conflict, notFound, badRequest } from '../api/errors.js';
import { rfc3339 } from '../clock.js';
import { keyFor, requireNamespace, type ApiContext, type ResolvedRef } from './context.js';
import type { DeleteOptions, PropagationPolicy } from './types.js';

export const FINALIZER_FOREGROUND = 'foregroundDeletion';
export const FINALIZER_ORPHAN = 'orphan';
export const NAMESPACE_FINALIZER = 'kubernetes';

export interface DeleteResult {
  /** The object, when it still exists (finalizers, graceful deletion) or was just removed. */
  object?: KubeObject;
  /** A `Status` of success, when kube-apiserver would answer with one instead of the object. */
  status?: Status;
  /** True when the object is gone from the store. */
  removed: boolean;
}

/**
 * Kinds whose DELETE answers with the object (pods and namespaces, as their registries set
 * ReturnDeletedObject); the rest answer with a Status of success.
 */
const RETURNS_OBJECT = new Set(['Pod', 'Namespace']);

/** The default propagation when the client names none (batch/v1 Jobs orphan, as upstream). */
function defaultPolicy(kind: string): PropagationPolicy {
  return kind === 'Job' ? 'Orphan' : 'Background';
}

export async function deleteObject(
  ctx: ApiContext,
  r: ResolvedRef,
  name: string,
  opts: DeleteOptions,
): Promise<DeleteResult> {
  const namespace = requireNamespace(r);
  const key = keyFor(r, name, namespace);
  const current = ctx.store.latest(key);
  if (!current) throw notFound(r.info.group, r.info.plural, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw conflict(
      r.info.group,
      r.info.plural,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      r.info.group,
      r.info.plural,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`,
    );
  }
  if (
    opts.gracePeriodSeconds !== undefined &&
    (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)
  ) {
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  }
  const policy = opts.propagationPolicy ?? defaultPolicy(r.info.kind);
  if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy must be one of Background, Foreground, Orphan (got ${JSON.stringify(policy)})`);
  }
  const now = ctx.clock.now();
  const next = deepCopy(current);
  const meta = next.metadata;
  const finalizers = new Set(meta.finalizers ?? []);
  if (policy === 'Foreground') finalizers.add(FINALIZER_FOREGROUND);
  if (policy === 'Orphan') finalizers.add(FINALIZER_ORPHAN);
  if (policy === 'Background') {
    // Changing one's mind to Background drops the pending foreground/orphan work.
    finalizers.delete(FINALIZER_FOREGROUND);
    finalizers.delete(FINALIZER_ORPHAN);
  }

  const grace = graceSeconds(current, opts);
  const graceful = grace > 0;
  const namespaceTerminating = r.info.kind === 'Namespace';
  const mustLinger = finalizers.size > 0 || graceful || namespaceTerminating;

  if (!mustLinger) {
    if (opts.dryRun === 'All') return result(r, current, true);
    const removed = await ctx.store.remove(key, { expectRv: current.metadata.resourceVersion });
    return result(r, removed, true);
  }

  meta.finalizers = finalizers.size > 0 ? [...finalizers] : undefined;
  if (!meta.finalizers) delete meta.finalizers;
  if (!meta.deletionTimestamp) {
    meta.deletionTimestamp = rfc3339(now + grace * 1000);
    meta.deletionGracePeriodSeconds = grace;
    if (next.metadata.generation !== undefined) next.metadata.generation += 1;
  } else if (graceful && grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
    // A second delete may shorten the grace period, never lengthen it.
    meta.deletionTimestamp = rfc3339(now + grace * 1000);
    meta.deletionGracePeriodSeconds = grace;
  }
  if (!graceful) meta.deletionGracePeriodSeconds = 0;
  if (namespaceTerminating) {
    next.status = { ...(next.status as object), phase: 'Terminating' };
  }
  if (opts.dryRun === 'All') return { object: next, removed: false };
  const stored = await ctx.store.put(key, next, { expectRv: current.metadata.resourceVersion });
  return { object: stored, removed: false };
}

/**
 * Grace period: only pods have one (their spec's terminationGracePeriodSeconds unless the request
 * gives one). A pod never bound to a node has no containers to stop, so it goes at once.
 */
function graceSeconds(obj: KubeObject, opts: DeleteOptions): number {
  if (obj.kind !== 'Pod') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  if (!spec.nodeName) return 0;
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  // Finished pods have nothing left to stop (pod strategy CheckGracefulDelete).
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

function result(r: ResolvedRef, obj: KubeObject, removed: boolean): DeleteResult {
  if (RETURNS_OBJECT.has(r.info.kind)) return { object: obj, removed };
  return {
    removed,
    status: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: obj.metadata.name,
        group: r.info.group || undefined,
        kind: r.info.plural,
        uid: obj.metadata.uid,
      },
    },
  };
}
