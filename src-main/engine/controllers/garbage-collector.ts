// The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are all
// gone, and finishes the deletion of owners that asked for Foreground or Orphan propagation.
//
// It keeps an index from owner uid to dependents, built from the store at start (so it is
// crash-only) and kept current from the store's change feed. Its writes go through the API
// server, like any controller's.
import type { KubeObject, OwnerReference } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import { kindByResource } from '../api/registry.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { ResourceRef } from '../apiserver/types.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from '../apiserver/delete.js';
import type { StoreEvent } from '../store/watch-cache.js';
import { WorkQueue } from './workqueue.js';
import { KINDS } from '../api/registry.js';
import { resourceKey } from '../store/keys.js';

export class GarbageCollector {
  #api: ApiServer;
  #uidToKey = new Map<string, string>();
  #dependents = new Map<string, Set<string>>();
  #ownersOf = new Map<string, string[]>();
  #queue: WorkQueue;
  #unsubscribe: (() => void) | null = null;

  constructor(api: ApiServer) {
    this.#api = api;
    this.#queue = new WorkQueue((k) => this.#sync(k), api.ctx.clock, { workers: 4 });
  }

  start(): void {
    const store = this.#api.store;
    for (const k of KINDS) {
      for (const obj of store.list(resourceKey(k.group, k.plural))) this.#index(keyOf(obj, k.group, k.plural), obj);
    }
    // First pass: everything that may need work after a restart.
    for (const [key, owners] of this.#ownersOf) if (owners.length > 0) this.#queue.add(`dependent:${key}`);
    for (const k of KINDS) {
      for (const obj of store.list(resourceKey(k.group, k.plural))) {
        if (obj.metadata.deletionTimestamp && hasGcFinalizer(obj))
          this.#queue.add(`owner:${keyOf(obj, k.group, k.plural)}`);
      }
    }
    this.#unsubscribe = store.subscribeAll((e) => this.#onEvent(e));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#queue.shutDown();
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  #onEvent(e: StoreEvent): void {
    const uid = e.object.metadata.uid;
    if (e.type === 'DELETED') {
      this.#unindex(e.key, e.prev ?? e.object);
      if (uid) for (const dep of this.#dependents.get(uid) ?? []) this.#queue.add(`dependent:${dep}`);
      // An owner in foreground deletion may be waiting for this dependent.
      for (const ref of e.object.metadata.ownerReferences ?? []) {
        const ownerKey = this.#uidToKey.get(ref.uid);
        if (ownerKey) this.#queue.add(`owner:${ownerKey}`);
      }
      return;
    }
    if (e.prev) this.#unindex(e.key, e.prev);
    this.#index(e.key, e.object);
    if ((e.object.metadata.ownerReferences ?? []).length > 0) this.#queue.add(`dependent:${e.key}`);
    if (e.object.metadata.deletionTimestamp) {
      if (hasGcFinalizer(e.object)) this.#queue.add(`owner:${e.key}`);
      for (const ref of e.object.metadata.ownerReferences ?? []) {
        const ownerKey = this.#uidToKey.get(ref.uid);
        if (ownerKey) this.#queue.add(`owner:${ownerKey}`);
      }
    }
  }

  #index(key: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (uid) this.#uidToKey.set(uid, key);
    const owners = (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
    this.#ownersOf.set(key, owners);
    for (const o of owners) {
      let set = this.#dependents.get(o);
      if (!set) this.#dependents.set(o, (set = new Set()));
      set.add(key);
    }
  }

  #unindex(key: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (uid && this.#uidToKey.get(uid) === key) this.#uidToKey.delete(uid);
    for (const o of this.#ownersOf.get(key) ?? []) {
      const set = this.#dependents.get(o);
      set?.delete(key);
      if (set && set.size === 0) this.#dependents.delete(o);
    }
    this.#ownersOf.delete(key);
  }

  #ownerExists(ref: OwnerReference): boolean {
    const key = this.#uidToKey.get(ref.uid);
    return key !== undefined && this.#api.store.get(key)?.metadata.uid === ref.uid;
  }

  async #sync(item: string): Promise<void> {
    const [what, key] = [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1)];
    const obj = this.#api.store.get(key);
    if (!obj) return;
    if (what === 'dependent') await this.#syncDependent(key, obj);
    else await this.#syncOwner(key, obj);
  }

  /** Delete a dependent whose owners are all gone; drop references to the owners that are. */
  async #syncDependent(key: string, obj: KubeObject): Promise<void> {
    const refs = obj.metadata.ownerReferences ?? [];
    const dangling = refs.filter((r) => !this.#ownerExists(r));
    if (dangling.length === 0) return;
    const ref = refOf(key);
    try {
      if (dangling.length === refs.length) {
        if (obj.metadata.deletionTimestamp) return;
        await this.#api.delete(ref, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } });
      } else {
        const keep = refs.filter((r) => !dangling.includes(r));
        await this.#api.patch(ref, 'merge', {
          metadata: { ownerReferences: keep, resourceVersion: obj.metadata.resourceVersion },
        });
      }
    } catch (err) {
      if (isStatusError(err) && err.code === 404) return;
      throw err;
    }
  }

  /** Finish Foreground (delete dependents first) or Orphan (release dependents) deletion. */
  async #syncOwner(key: string, owner: KubeObject): Promise<void> {
    if (!owner.metadata.deletionTimestamp) return;
    const finalizers = owner.metadata.finalizers ?? [];
    const uid = owner.metadata.uid!;
    const dependents = [...(this.#dependents.get(uid) ?? [])];
    if (finalizers.includes(FINALIZER_ORPHAN)) {
      for (const depKey of dependents) {
        const dep = this.#api.store.get(depKey);
        if (!dep) continue;
        const keep = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        await ignoreNotFound(
          this.#api.patch(refOf(depKey), 'merge', {
            metadata: { ownerReferences: keep.length > 0 ? keep : null, resourceVersion: dep.metadata.resourceVersion },
          }),
        );
      }
      await this.#removeFinalizer(key, owner, FINALIZER_ORPHAN);
      return;
    }
    if (finalizers.includes(FINALIZER_FOREGROUND)) {
      let blocking = 0;
      for (const depKey of dependents) {
        const dep = this.#api.store.get(depKey);
        if (!dep) continue;
        const ref = (dep.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion) blocking++;
        if (!dep.metadata.deletionTimestamp) {
          await ignoreNotFound(
            this.#api.delete(refOf(depKey), {
              propagationPolicy: 'Foreground',
              preconditions: { uid: dep.metadata.uid },
            }),
          );
        }
      }
      if (blocking === 0) await this.#removeFinalizer(key, owner, FINALIZER_FOREGROUND);
    }
  }

  async #removeFinalizer(key: string, obj: KubeObject, finalizer: string): Promise<void> {
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    await ignoreNotFound(
      this.#api.patch(refOf(key), 'merge', {
        metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: obj.metadata.resourceVersion },
      }),
    );
  }
}

function hasGcFinalizer(obj: KubeObject): boolean {
  const f = obj.metadata.finalizers ?? [];
  return f.includes(FINALIZER_FOREGROUND) || f.includes(FINALIZER_ORPHAN);
}

function keyOf(obj: KubeObject, group: string, plural: string): string {
  return `${group}/${plural}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

/** A storage key back to a ResourceRef. */
export function refOf(key: string): ResourceRef {
  const [group, resource, namespace, ...rest] = key.split('/');
  const info = kindByResource(group, resource);
  return { group, resource, namespace: info?.namespaced ? namespace : undefined, name: rest.join('/') };
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (isStatusError(err) && err.code === 404) return;
    throw err;
  }
}
