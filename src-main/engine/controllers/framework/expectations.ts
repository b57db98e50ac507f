// ControllerExpectations (pkg/controller/controller_utils.go): a controller that has just issued
// N creates (or deletes) must not act on its cache again until it has seen those N writes come
// back through the informer — otherwise a second sync, running before the cache catches up,
// would create the same pods twice. Expectations expire after a TTL so that a lost event can
// never wedge a controller for good.
//
// Deletions are tracked by pod uid (UIDTrackingControllerExpectations): a pod going into graceful
// deletion and the pod disappearing are the same deletion, observed once.
import type { Clock } from '../../clock.js';

/** ExpectationsTimeout: 5 minutes, as upstream. */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** uids whose deletion is still awaited */
  deleting: Set<string>;
  timestamp: number;
}

export class ControllerExpectations {
  #clock: Clock;
  #ttl: number;
  #items = new Map<string, Expectation>();

  constructor(clock: Clock, ttlMs = EXPECTATIONS_TTL_MS) {
    this.#clock = clock;
    this.#ttl = ttlMs;
  }

  /** True when the controller may sync `key`: nothing pending, or the record expired. */
  satisfied(key: string): boolean {
    const e = this.#items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.deleting.size === 0 && e.del <= 0) return true;
    return this.#clock.now() - e.timestamp > this.#ttl;
  }

  expectCreations(key: string, n: number): void {
    this.#items.set(key, { add: n, del: 0, deleting: new Set(), timestamp: this.#clock.now() });
  }

  expectDeletions(key: string, uids: readonly string[]): void {
    this.#items.set(key, { add: 0, del: 0, deleting: new Set(uids), timestamp: this.#clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.#items.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, uid: string): void {
    this.#items.get(key)?.deleting.delete(uid);
  }

  /** Creates that failed will never be observed: stop waiting for them. */
  lowerCreations(key: string, n: number): void {
    const e = this.#items.get(key);
    if (e) e.add -= n;
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  /** Pending counts, for tests and debugging. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.#items.get(key);
    return e ? { add: Math.max(0, e.add), del: e.deleting.size } : undefined;
  }
}
