// The versioned object store: the only truth in KubeDesk.
//
// Every write gets the next value of one cluster-wide resource version counter, is appended to
// the journal, and is acknowledged once durable. Until then it sits in a pending overlay: later
// writes check their preconditions (exists, resourceVersion) against it, but reads, lists and
// watches see only committed state — so nothing a client reads can vanish after a crash. If the
// disk write fails the pending writes are dropped and their callers get an error: the store is
// exactly as it was.
import type { KubeObject } from '../api/types.js';
import { alreadyExists, conflict, notFound, OBJECT_MODIFIED, internalError } from '../api/errors.js';
import { Persistence, type PersistenceOptions } from './persistence.js';
import { WatchCache, type StoreEvent, type WatchCallback, type WatchFilter } from './watch-cache.js';
import { resourceOfKey } from './keys.js';

export interface StoreOptions extends PersistenceOptions {
  /** Directory for the snapshot and journal; omit for a memory-only store (tests). */
  dataDir?: string;
  /** How many changes the watch window keeps. */
  historySize?: number;
}

export interface PutOptions {
  /** Fail with 409 Conflict unless the latest version has this resourceVersion. */
  expectRv?: string;
  /** Fail with 409 AlreadyExists if the key exists. */
  create?: boolean;
}

interface Pending {
  rv: number;
  obj: KubeObject | null;
}

export class ObjectStore {
  #objects = new Map<string, KubeObject>();
  #byResource = new Map<string, Map<string, KubeObject>>();
  #sortedKeys = new Map<string, string[]>();
  #pending = new Map<string, Pending>();
  #rv = 0;
  #committedRv = 0;
  #persistence: Persistence | null;
  #watch: WatchCache;
  readonly warnings: string[] = [];
  #closed = false;

  private constructor(persistence: Persistence | null, historySize: number) {
    this.#persistence = persistence;
    this.#watch = new WatchCache(historySize, 0);
  }

  static async open(opts: StoreOptions = {}): Promise<ObjectStore> {
    const persistence = opts.dataDir ? new Persistence(opts.dataDir, opts) : null;
    const store = new ObjectStore(persistence, opts.historySize ?? 10_000);
    if (persistence) {
      const loaded = await persistence.load();
      for (const [key, obj] of loaded.objects) store.#setCommitted(key, obj as KubeObject);
      store.#rv = store.#committedRv = loaded.resourceVersion;
      store.#watch = new WatchCache(opts.historySize ?? 10_000, loaded.resourceVersion);
      store.warnings.push(...loaded.warnings);
    }
    return store;
  }

  /** The latest committed resource version. */
  get resourceVersion(): number {
    return this.#committedRv;
  }

  get size(): number {
    return this.#objects.size;
  }

  get watchCache(): WatchCache {
    return this.#watch;
  }

  /** The committed object at `key`. Never mutate the result. */
  get(key: string): KubeObject | undefined {
    return this.#objects.get(key);
  }

  /** The newest version including writes not yet durable — for write preconditions only. */
  latest(key: string): KubeObject | undefined {
    const p = this.#pending.get(key);
    if (p) return p.obj ?? undefined;
    return this.#objects.get(key);
  }

  /** Committed objects of one resource (optionally one namespace), sorted by namespace and name. */
  list(resource: string, namespace?: string): KubeObject[] {
    const table = this.#byResource.get(resource);
    if (!table) return [];
    const keys = this.keys(resource);
    const out: KubeObject[] = [];
    if (namespace === undefined) {
      for (const k of keys) out.push(table.get(k)!);
    } else {
      const prefix = `${resource}/${namespace}/`;
      for (const k of keys) if (k.startsWith(prefix)) out.push(table.get(k)!);
    }
    return out;
  }

  /** Keys of one resource, sorted. */
  keys(resource: string): readonly string[] {
    const table = this.#byResource.get(resource);
    if (!table) return [];
    let keys = this.#sortedKeys.get(resource);
    if (!keys) {
      keys = [...table.keys()].sort();
      this.#sortedKeys.set(resource, keys);
    }
    return keys;
  }

  countByResource(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [r, t] of this.#byResource) out.set(r, t.size);
    return out;
  }

  /**
   * Create or replace the object at `key`. The store stamps `metadata.resourceVersion`; `obj`
   * must be a fresh object the caller no longer mutates. Resolves when the write is durable.
   */
  put(key: string, obj: KubeObject, opts: PutOptions = {}): Promise<KubeObject> {
    this.#checkOpen();
    const current = this.latest(key);
    if (opts.create && current) throw alreadyExistsFor(key);
    if (!opts.create && !current) throw notFoundFor(key);
    if (opts.expectRv !== undefined && current && current.metadata.resourceVersion !== opts.expectRv) {
      throw conflictFor(key);
    }
    const rv = ++this.#rv;
    const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    return this.#write(key, rv, stored);
  }

  /** Remove the object at `key` for good. Resolves with the deleted object at its final version. */
  remove(key: string, opts: { expectRv?: string } = {}): Promise<KubeObject> {
    this.#checkOpen();
    const current = this.latest(key);
    if (!current) throw notFoundFor(key);
    if (opts.expectRv !== undefined && current.metadata.resourceVersion !== opts.expectRv) throw conflictFor(key);
    const rv = ++this.#rv;
    const tombstone: KubeObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(rv) } };
    return this.#write(key, rv, null, tombstone);
  }

  /** Follow one resource from `sinceRv` (exclusive). See WatchCache.watch. */
  watch(resource: string, sinceRv: number, filter: WatchFilter, cb: WatchCallback): () => void {
    return this.#watch.watch(resource, sinceRv, filter, cb);
  }

  /** Every committed change of every resource, in order. */
  subscribeAll(fn: (e: StoreEvent) => void): () => void {
    return this.#watch.subscribeAll(fn);
  }

  /** Wait until every write issued so far is durable (or failed). */
  async flush(): Promise<void> {
    const waits = [...this.#inflight];
    await Promise.allSettled(waits);
  }

  /** Write a snapshot now (normally done automatically as the journal grows). */
  async compact(): Promise<void> {
    await this.flush();
    await this.#persistence?.compact(this.#committedRv, this.#objects);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.#persistence?.close();
  }

  #inflight = new Set<Promise<unknown>>();

  #write(key: string, rv: number, obj: KubeObject | null, tombstone?: KubeObject): Promise<KubeObject> {
    this.#pending.set(key, { rv, obj });
    const durable = this.#persistence
      ? this.#persistence.append(obj ? { rv, k: key, o: obj } : { rv, k: key })
      : Promise.resolve();
    const result = durable.then(
      () => {
        this.#clearPending(key, rv);
        this.#commit(key, rv, obj, tombstone!);
        return (obj ?? tombstone)!;
      },
      (err: Error) => {
        this.#clearPending(key, rv);
        throw internalError(`${err.message}; nothing was changed`);
      },
    );
    this.#inflight.add(result);
    void result.then(
      () => this.#inflight.delete(result),
      () => this.#inflight.delete(result),
    );
    return result;
  }

  #clearPending(key: string, rv: number): void {
    if (this.#pending.get(key)?.rv === rv) this.#pending.delete(key);
  }

  #commit(key: string, rv: number, obj: KubeObject | null, tombstone: KubeObject): void {
    const prev = this.#objects.get(key);
    const resource = resourceOfKey(key);
    if (obj) this.#setCommitted(key, obj);
    else this.#deleteCommitted(key);
    this.#committedRv = rv;
    const event: StoreEvent = obj
      ? { type: prev ? 'MODIFIED' : 'ADDED', rv, key, resource, object: obj, prev }
      : { type: 'DELETED', rv, key, resource, object: tombstone, prev };
    this.#watch.push(event);
    if (this.#persistence?.shouldCompact()) {
      void this.#persistence.compact(this.#committedRv, this.#objects).catch((err: Error) => {
        this.warnings.push(`Could not write a store snapshot: ${err.message}. The journal still holds every write.`);
      });
    }
  }

  #setCommitted(key: string, obj: KubeObject): void {
    const resource = resourceOfKey(key);
    let table = this.#byResource.get(resource);
    if (!table) this.#byResource.set(resource, (table = new Map()));
    if (!table.has(key)) this.#sortedKeys.delete(resource);
    table.set(key, obj);
    this.#objects.set(key, obj);
  }

  #deleteCommitted(key: string): void {
    const resource = resourceOfKey(key);
    this.#byResource.get(resource)?.delete(key);
    this.#sortedKeys.delete(resource);
    this.#objects.delete(key);
  }

  #checkOpen(): void {
    if (this.#closed) throw internalError('the store is closed');
  }
}

function splitKey(key: string): { group: string; resource: string; namespace: string; name: string } {
  const [group, resource, namespace, ...rest] = key.split('/');
  return { group, resource, namespace, name: rest.join('/') };
}

function alreadyExistsFor(key: string) {
  const k = splitKey(key);
  return alreadyExists(k.group, k.resource, k.name);
}

function notFoundFor(key: string) {
  const k = splitKey(key);
  return notFound(k.group, k.resource, k.name);
}

function conflictFor(key: string) {
  const k = splitKey(key);
  return conflict(k.group, k.resource, k.name, OBJECT_MODIFIED);
}
