// The bounded history of committed changes and the watchers that follow it. Like the watch cache
// in kube-apiserver: a watch may resume from any version still in the window; older versions
// get 410 Gone ("too old resource version") and the client re-lists.
import type { KubeObject } from '../api/types.js';
import { gone } from '../api/errors.js';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  key: string;
  /** `<group>/<resource>` */
  resource: string;
  object: KubeObject;
  /** The previous state, for MODIFIED and DELETED. */
  prev?: KubeObject;
}

export interface WatchFilter {
  /** Only objects in this namespace. */
  namespace?: string;
  /** Label/field selector predicate; objects moving in or out of it become ADDED/DELETED. */
  matches?: (obj: KubeObject) => boolean;
}

export type WatchCallback = (event: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; rv: number }) => void;

interface Watcher {
  resource: string;
  filter: WatchFilter;
  cb: WatchCallback;
  /** Events at or below this version were already seen by the client (list or resume point). */
  sinceRv: number;
  stopped: boolean;
}

export class WatchCache {
  #ring: (StoreEvent | undefined)[];
  #start = 0;
  #size = 0;
  /** Versions at or below this one are no longer in the window. */
  #compactedRv: number;
  #watchers = new Map<string, Set<Watcher>>();
  /** Every-resource subscribers (the garbage collector, the UI bridge). */
  #global = new Set<(e: StoreEvent) => void>();

  constructor(capacity: number, startRv: number) {
    this.#ring = new Array<StoreEvent | undefined>(Math.max(1, capacity));
    this.#compactedRv = startRv;
  }

  get compactedRv(): number {
    return this.#compactedRv;
  }

  get watcherCount(): number {
    let n = 0;
    for (const set of this.#watchers.values()) n += set.size;
    return n;
  }

  /** Record a committed change and deliver it. Must be called in resource-version order. */
  push(event: StoreEvent): void {
    const cap = this.#ring.length;
    if (this.#size === cap) {
      const dropped = this.#ring[this.#start];
      if (dropped) this.#compactedRv = dropped.rv;
      this.#ring[this.#start] = event;
      this.#start = (this.#start + 1) % cap;
    } else {
      this.#ring[(this.#start + this.#size) % cap] = event;
      this.#size++;
    }
    const set = this.#watchers.get(event.resource);
    // A failing subscriber must not stop delivery to the others or fail the write.
    if (set) for (const w of set) guarded(() => deliver(w, event));
    for (const g of this.#global) guarded(() => g(event));
  }

  /**
   * Follow `resource` from `sinceRv` (exclusive): events still in the window are replayed, then
   * live ones follow. Throws 410 Gone when `sinceRv` has been compacted away.
   */
  watch(resource: string, sinceRv: number, filter: WatchFilter, cb: WatchCallback): () => void {
    if (sinceRv < this.#compactedRv) {
      throw gone(`too old resource version: ${sinceRv} (${this.#compactedRv + 1})`);
    }
    const w: Watcher = { resource, filter, cb, sinceRv, stopped: false };
    for (let i = 0; i < this.#size; i++) {
      const e = this.#ring[(this.#start + i) % this.#ring.length]!;
      if (e.rv > sinceRv && e.resource === resource) deliver(w, e);
    }
    let set = this.#watchers.get(resource);
    if (!set) this.#watchers.set(resource, (set = new Set()));
    set.add(w);
    return () => {
      w.stopped = true;
      set.delete(w);
    };
  }

  /** Subscribe to every committed change of every resource. */
  subscribeAll(fn: (e: StoreEvent) => void): () => void {
    this.#global.add(fn);
    return () => this.#global.delete(fn);
  }
}

function guarded(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('watch subscriber failed:', err);
  }
}

function inNamespace(obj: KubeObject, ns: string | undefined): boolean {
  return ns === undefined || (obj.metadata.namespace ?? '') === ns;
}

/** Deliver one event to one watcher, turning selector transitions into ADDED/DELETED. */
function deliver(w: Watcher, e: StoreEvent): void {
  if (w.stopped || e.rv <= w.sinceRv) return;
  const { namespace, matches } = w.filter;
  const now = inNamespace(e.object, namespace) && (!matches || matches(e.object));
  const before = e.prev !== undefined && inNamespace(e.prev, namespace) && (!matches || matches(e.prev));
  if (e.type === 'ADDED') {
    if (now) w.cb({ type: 'ADDED', object: e.object, rv: e.rv });
  } else if (e.type === 'DELETED') {
    if (now || before) w.cb({ type: 'DELETED', object: e.object, rv: e.rv });
  } else if (now && before) {
    w.cb({ type: 'MODIFIED', object: e.object, rv: e.rv });
  } else if (now) {
    w.cb({ type: 'ADDED', object: e.object, rv: e.rv });
  } else if (before) {
    // The object left the selector: to this watcher it is gone (as kube-apiserver does).
    w.cb({ type: 'DELETED', object: e.object, rv: e.rv });
  }
}
