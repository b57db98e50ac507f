// A shared informer in the client-go style (tools/cache): a local cache of one resource, filled
// from the store at start (crash-only: nothing survives a restart but the store) and kept current
// from the store's change feed, with secondary indexes and a Lister to read it. Event handlers
// only enqueue keys; they must never do I/O themselves.
import type { KubeObject } from '../../api/types.js';
import type { Selector } from '../../api/selectors/index.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { StoreEvent } from '../../store/watch-cache.js';

/** Maps an object to the index values it is filed under (e.g. its controller's uid). */
export type IndexFunc = (obj: KubeObject) => readonly string[];

export interface EventHandlers {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  onDelete?(obj: KubeObject): void;
}

/** `namespace/name` (or `name` for cluster-scoped objects): the work-queue key of an object. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Read access to an informer's cache, as client-go's generated listers give. */
export interface Lister {
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  /** Objects in `namespace` (all namespaces when undefined) matching `selector`. */
  list(namespace?: string, selector?: Selector): KubeObject[];
  byIndex(index: string, value: string): KubeObject[];
}

export class Informer implements Lister {
  readonly resource: string;
  #store: ObjectStore;
  #items = new Map<string, KubeObject>();
  #byNamespace = new Map<string, Map<string, KubeObject>>();
  #indexers = new Map<string, IndexFunc>();
  #indexes = new Map<string, Map<string, Set<string>>>();
  #handlers: EventHandlers[] = [];
  #unsubscribe: (() => void) | null = null;

  /** `resource` is the store's `<group>/<plural>`, e.g. `/pods` or `apps/replicasets`. */
  constructor(store: ObjectStore, resource: string) {
    this.#store = store;
    this.resource = resource;
  }

  get started(): boolean {
    return this.#unsubscribe !== null;
  }

  get size(): number {
    return this.#items.size;
  }

  addIndexer(name: string, fn: IndexFunc): void {
    if (this.started) throw new Error(`informer ${this.resource}: add indexer "${name}" before start()`);
    this.#indexers.set(name, fn);
    this.#indexes.set(name, new Map());
  }

  addEventHandler(h: EventHandlers): void {
    this.#handlers.push(h);
    // A handler added late sees the current state as adds, as client-go's AddEventHandler does.
    if (this.started) for (const obj of this.#items.values()) h.onAdd?.(obj);
  }

  /** List from the store, deliver every object as an add, then follow the change feed. */
  start(): void {
    if (this.started) return;
    for (const obj of this.#store.list(this.resource)) this.#put(keyOf(obj), obj);
    this.#unsubscribe = this.#store.subscribeAll((e) => {
      if (e.resource === this.resource) this.#onEvent(e);
    });
    for (const obj of this.#items.values()) for (const h of this.#handlers) h.onAdd?.(obj);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string, selector?: Selector): KubeObject[] {
    const source = namespace === undefined ? this.#items : this.#byNamespace.get(namespace);
    if (!source) return [];
    const out: KubeObject[] = [];
    for (const obj of source.values()) if (!selector || selector.matches(obj.metadata.labels)) out.push(obj);
    return out;
  }

  byIndex(index: string, value: string): KubeObject[] {
    const idx = this.#indexes.get(index);
    if (!idx) throw new Error(`informer ${this.resource} has no index "${index}"`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: KubeObject[] = [];
    for (const k of keys) out.push(this.#items.get(k)!);
    return out;
  }

  #onEvent(e: StoreEvent): void {
    const key = keyOf(e.object);
    if (e.type === 'DELETED') {
      const old = this.#items.get(key);
      this.#remove(key);
      for (const h of this.#handlers) h.onDelete?.(old ?? e.object);
      return;
    }
    const old = this.#items.get(key);
    this.#put(key, e.object);
    for (const h of this.#handlers) {
      if (old) h.onUpdate?.(old, e.object);
      else h.onAdd?.(e.object);
    }
  }

  #put(key: string, obj: KubeObject): void {
    if (this.#items.has(key)) this.#remove(key);
    this.#items.set(key, obj);
    const ns = obj.metadata.namespace ?? '';
    let table = this.#byNamespace.get(ns);
    if (!table) this.#byNamespace.set(ns, (table = new Map()));
    table.set(key, obj);
    for (const [name, fn] of this.#indexers) {
      const idx = this.#indexes.get(name)!;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  #remove(key: string): void {
    const obj = this.#items.get(key);
    if (!obj) return;
    this.#items.delete(key);
    const ns = obj.metadata.namespace ?? '';
    const table = this.#byNamespace.get(ns);
    table?.delete(key);
    if (table?.size === 0) this.#byNamespace.delete(ns);
    for (const [name, fn] of this.#indexers) {
      const idx = this.#indexes.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }
}

/** One informer per resource, shared by every controller of a process (SharedInformerFactory). */
export class InformerFactory {
  #store: ObjectStore;
  #informers = new Map<string, Informer>();

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  /** The informer of `<group>/<plural>`; `indexers` are added if absent. */
  informer(resource: string, indexers: Record<string, IndexFunc> = {}): Informer {
    let inf = this.#informers.get(resource);
    if (!inf) this.#informers.set(resource, (inf = new Informer(this.#store, resource)));
    for (const [name, fn] of Object.entries(indexers)) {
      if (!inf.started && !hasIndex(inf, name)) inf.addIndexer(name, fn);
    }
    return inf;
  }

  start(): void {
    for (const inf of this.#informers.values()) inf.start();
  }

  stop(): void {
    for (const inf of this.#informers.values()) inf.stop();
  }
}

function hasIndex(inf: Informer, name: string): boolean {
  try {
    inf.byIndex(name, '');
    return true;
  } catch {
    return false;
  }
}
