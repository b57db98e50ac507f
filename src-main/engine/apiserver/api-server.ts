// The in-process API server: the one entry point for the UI, the HTTPS API and the controllers.
// Each verb follows kube-apiserver's generic registry (staging/src/k8s.io/apiserver/pkg/registry/
// generic/registry/store.go): decode → default → validate → admit → versioned write → watch.
import type { KubeObject, KubeList } from '../api/types.js';
import { deepCopy, isObject } from '../api/types.js';
import { badRequest, conflict, notFound, OBJECT_MODIFIED, StatusError } from '../api/errors.js';
import { apiVersionOf, type KindInfo } from '../api/registry.js';
import { resolveRef, keyFor, requireName, requireNamespace, type ApiContext, type ResolvedRef } from './context.js';
import { toVersion } from './conversion.js';
import { createObject, updateObject, type WriteResult } from './write-path.js';
import { applyPatch } from './patch.js';
import { deleteObject, type DeleteResult } from './delete.js';
import { getSubresource, updateSubresource } from './subresources.js';
import { compileFilter } from './filters.js';
import { realClock, type Clock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import type {
  DeleteOptions,
  ListOptions,
  PatchOptions,
  PatchType,
  ResourceRef,
  WatchOptions,
  WriteOptions,
} from './types.js';

export interface WatchHandle {
  stop(): void;
}

export type WatchListener = (event: {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
}) => void;

interface ContinueToken {
  rv: number;
  start: string;
}

export class ApiServer {
  readonly ctx: ApiContext;

  constructor(store: ObjectStore, clock: Clock = realClock) {
    this.ctx = { store, clock };
  }

  get store(): ObjectStore {
    return this.ctx.store;
  }

  async get(ref: ResourceRef): Promise<KubeObject> {
    const r = resolveRef(ref);
    const name = requireName(r, 'get');
    const obj = this.ctx.store.get(keyFor(r, name));
    if (!obj) throw notFound(r.info.group, r.info.plural, name);
    // A copy: the caller may edit it into an update without touching what the store holds (an
    // edited original would make the update look like a no-op: no new generation, no rollout).
    return structuredClone(r.subresource ? getSubresource(r, obj) : present(obj, r));
  }

  async list(ref: ResourceRef, opts: ListOptions = {}): Promise<KubeList> {
    const r = resolveRef(ref);
    const filter = compileFilter(r.info, opts.labelSelector, opts.fieldSelector);
    const store = this.ctx.store;
    const rv = store.resourceVersion;
    let objects = store.list(r.resource, r.info.namespaced ? r.namespace : undefined);
    let startAfter: string | undefined;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      startAfter = token.start;
      objects = objects.filter((o) => keyFor(r, o.metadata.name!, o.metadata.namespace) > token.start);
    }
    const items: KubeObject[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    let next: string | undefined;
    let remaining = 0;
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i];
      if (!filter(o)) continue;
      if (items.length >= limit) {
        remaining++;
        continue;
      }
      items.push(present(o, r));
      if (items.length === limit) next = keyFor(r, o.metadata.name!, o.metadata.namespace);
    }
    const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
    if (remaining > 0 && next) {
      metadata.continue = encodeContinue({ rv, start: next });
      // Kubernetes only knows the remaining count when no selector filters the list.
      if (!opts.labelSelector && !opts.fieldSelector) metadata.remainingItemCount = remaining;
    }
    void startAfter;
    return { apiVersion: apiVersionOf(r.info, r.version), kind: r.info.listKind, metadata, items };
  }

  /**
   * Watch a resource. Without `resourceVersion` (or with "0") every current object is sent as
   * ADDED first, then changes; with a version, changes after it (410 Gone if too old).
   */
  watch(ref: ResourceRef, opts: WatchOptions, listener: WatchListener): WatchHandle {
    const r = resolveRef(ref);
    const matches = compileFilter(r.info, opts.labelSelector, opts.fieldSelector, r.name);
    const store = this.ctx.store;
    const namespace = r.info.namespaced ? r.namespace : undefined;
    let sinceRv: number;
    let lastRv = store.resourceVersion;
    const send: WatchListener = (e) => listener(e);
    if (!opts.resourceVersion || opts.resourceVersion === '0') {
      sinceRv = store.resourceVersion;
      for (const o of store.list(r.resource, namespace)) if (matches(o)) send({ type: 'ADDED', object: present(o, r) });
    } else {
      sinceRv = parseRv(opts.resourceVersion);
    }
    const stopWatch = store.watch(r.resource, sinceRv, { namespace, matches }, (e) => {
      lastRv = e.rv;
      send({ type: e.type, object: present(e.object, r) });
    });
    let timer: { cancel(): void } | null = null;
    if (opts.allowWatchBookmarks) {
      const interval = opts.bookmarkIntervalMs ?? 60_000;
      const tick = () => {
        lastRv = Math.max(lastRv, store.resourceVersion);
        send({
          type: 'BOOKMARK',
          object: {
            apiVersion: apiVersionOf(r.info, r.version),
            kind: r.info.kind,
            metadata: { resourceVersion: String(lastRv) },
          },
        });
        timer = this.ctx.clock.setTimer(tick, interval);
      };
      timer = this.ctx.clock.setTimer(tick, interval);
    }
    return {
      stop: () => {
        stopWatch();
        timer?.cancel();
      },
    };
  }

  async create(ref: ResourceRef, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const r = resolveRef(ref);
    if (r.subresource) return this.#createSubresource(r, body, opts);
    const res = await createObject(this.ctx, r, body, opts);
    return present(res.object, r);
  }

  /** Like `create` but also returns warnings (unknown fields dropped…) for the HTTP layer. */
  async createWithWarnings(ref: ResourceRef, body: unknown, opts: WriteOptions = {}): Promise<WriteResult> {
    const r = resolveRef(ref);
    const res = await createObject(this.ctx, r, body, opts);
    return { ...res, object: present(res.object, r) };
  }

  async update(ref: ResourceRef, body: unknown, opts: WriteOptions = {}): Promise<KubeObject> {
    const r = resolveRef(ref);
    const name = requireName(r, 'update');
    if (r.subresource) return updateSubresource(this.ctx, r, name, body, opts);
    const res = await updateObject(this.ctx, r, name, body, opts);
    return present(res.object, r);
  }

  async patch(ref: ResourceRef, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<KubeObject> {
    const r = resolveRef(ref);
    const name = requireName(r, 'patch');
    const res = await applyPatch(this.ctx, r, name, type, patch, opts);
    return present(res.object, r);
  }

  /** Delete one object. Returns the object when it lingers (finalizers, graceful pods), else a Status. */
  async delete(ref: ResourceRef, opts: DeleteOptions = {}): Promise<DeleteResult> {
    const r = resolveRef(ref);
    const name = requireName(r, 'delete');
    requireNamespace(r);
    const res = await deleteObject(this.ctx, r, name, opts);
    return res.object ? { ...res, object: present(res.object, r) } : res;
  }

  async deleteCollection(ref: ResourceRef, listOpts: ListOptions = {}, opts: DeleteOptions = {}): Promise<KubeList> {
    const r = resolveRef(ref);
    const filter = compileFilter(r.info, listOpts.labelSelector, listOpts.fieldSelector);
    const targets = this.ctx.store
      .list(r.resource, r.info.namespaced ? r.namespace : undefined)
      .filter(filter)
      .map((o) => ({ name: o.metadata.name!, namespace: o.metadata.namespace }));
    const deleted: KubeObject[] = [];
    await Promise.all(
      targets.map(async (t) => {
        try {
          const res = await deleteObject(this.ctx, { ...r, namespace: t.namespace }, t.name, opts);
          if (res.object) deleted.push(present(res.object, r));
        } catch (err) {
          if (!(err instanceof StatusError && err.code === 404)) throw err;
        }
      }),
    );
    return {
      apiVersion: apiVersionOf(r.info, r.version),
      kind: r.info.listKind,
      metadata: { resourceVersion: String(this.ctx.store.resourceVersion) },
      items: deleted,
    };
  }

  /** `kind` info and storage key for a ref, for callers that need to look before they write. */
  resolve(ref: ResourceRef): ResolvedRef {
    return resolveRef(ref);
  }

  async #createSubresource(r: ResolvedRef, body: unknown, opts: WriteOptions): Promise<KubeObject> {
    const name = requireName(r, 'create');
    if (r.info.kind === 'Pod' && r.subresource === 'binding') return this.#bind(r, name, body, opts);
    if (r.info.kind === 'Pod' && r.subresource === 'eviction') return this.#evict(r, name, body, opts);
    throw new StatusError(405, 'MethodNotAllowed', `create is not supported on ${r.info.plural}/${r.subresource}`);
  }

  /**
   * pods/eviction (policy/v1 Eviction, what `kubectl drain` posts): a delete honouring the
   * eviction's deleteOptions. There are no PodDisruptionBudgets here, so every eviction is allowed
   * and answered with a Status of success, as kube-apiserver does.
   */
  async #evict(r: ResolvedRef, name: string, body: unknown, opts: WriteOptions): Promise<KubeObject> {
    if (!isObject(body) || body.kind !== 'Eviction')
      throw badRequest('the body of an eviction must be a policy/v1 Eviction');
    const meta = isObject(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const del = (isObject(body.deleteOptions) ? body.deleteOptions : {}) as DeleteOptions;
    await deleteObject(this.ctx, r, name, { ...del, dryRun: opts.dryRun ?? del.dryRun });
    return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 } as unknown as KubeObject;
  }

  /** pods/binding: assign a pending pod to a node (what the scheduler does). */
  async #bind(r: ResolvedRef, name: string, body: unknown, opts: WriteOptions): Promise<KubeObject> {
    const target = isObject(body) && isObject(body.target) ? (body.target as { name?: string }) : undefined;
    if (!target?.name) throw badRequest('a binding needs target.name');
    const key = keyFor(r, name);
    const pod = this.ctx.store.latest(key);
    if (!pod) throw notFound('', 'pods', name);
    const spec = pod.spec as { nodeName?: string };
    if (spec.nodeName) {
      throw conflict('', 'pods', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    }
    if (pod.metadata.deletionTimestamp)
      throw conflict('', 'pods', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    const next = deepCopy(pod);
    (next.spec as { nodeName?: string }).nodeName = target.name;
    const status = (next.status ?? {}) as {
      conditions?: { type: string; status: string; lastTransitionTime?: string | null; lastProbeTime?: null }[];
    };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: new Date(this.ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    next.status = { ...status, conditions };
    if (opts.dryRun === 'All') return present(next, r);
    const stored = await this.ctx.store.put(key, next, { expectRv: pod.metadata.resourceVersion });
    return present(stored, r);
  }
}

/** Give a stored object to a client: in the version it asked for. */
function present(obj: KubeObject, r: ResolvedRef): KubeObject {
  return toVersion(obj, r.info, r.version);
}

function parseRv(rv: string): number {
  const n = Number(rv);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return n;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof t.rv === 'number' && typeof t.start === 'string') return { rv: t.rv, start: t.start };
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export type { KindInfo, DeleteResult };
export { OBJECT_MODIFIED };
