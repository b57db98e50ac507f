// A deduplicating, rate-limited work queue in the style of client-go's workqueue: a key waits in
// `dirty` until a worker takes it; while a worker holds it (`processing`) a re-add only marks it
// dirty, so one key is never synced by two workers at once and a change that arrives mid-sync
// gets another pass afterwards. Failures retry with per-key exponential backoff; success forgets.
import type { Clock, TimerHandle } from '../clock.js';

export type SyncFn = (key: string) => Promise<void>;

export interface WorkQueueOptions {
  /** Concurrent workers (default 1). */
  workers?: number;
  /** First retry delay after a failure (ms, default 5). */
  baseDelayMs?: number;
  /** Longest retry delay (ms, default 1000 s as client-go's default controller rate limiter). */
  maxDelayMs?: number;
  /** Called when a sync fails; the key is retried regardless. */
  onError?: (key: string, err: unknown) => void;
}

export class WorkQueue {
  #queue: string[] = [];
  #dirty = new Set<string>();
  #processing = new Set<string>();
  #failures = new Map<string, number>();
  #delayed = new Map<string, TimerHandle>();
  #sync: SyncFn;
  #clock: Clock;
  #workers: number;
  #active = 0;
  #base: number;
  #max: number;
  #onError: (key: string, err: unknown) => void;
  #shutdown = false;
  #idleWaiters: (() => void)[] = [];
  /** Completed sync passes (for benchmarks and tests). */
  syncCount = 0;

  constructor(sync: SyncFn, clock: Clock, opts: WorkQueueOptions = {}) {
    this.#sync = sync;
    this.#clock = clock;
    this.#workers = opts.workers ?? 1;
    this.#base = opts.baseDelayMs ?? 5;
    this.#max = opts.maxDelayMs ?? 1_000_000;
    this.#onError = opts.onError ?? ((key, err) => console.error(`sync ${key} failed:`, err));
  }

  get length(): number {
    return this.#queue.length;
  }

  add(key: string): void {
    if (this.#shutdown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return; // picked up again when the current pass ends
    this.#queue.push(key);
    this.#pump();
  }

  /** Add after `ms` (a requeue for time-based work such as deadlines). */
  addAfter(key: string, ms: number): void {
    if (this.#shutdown) return;
    if (ms <= 0) return this.add(key);
    this.#delayed.get(key)?.cancel();
    this.#delayed.set(
      key,
      this.#clock.setTimer(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, ms),
    );
  }

  /** Retry with exponential backoff for this key. */
  addRateLimited(key: string): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    this.addAfter(key, Math.min(this.#max, this.#base * 2 ** n));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued or being processed. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  shutDown(): void {
    this.#shutdown = true;
    for (const t of this.#delayed.values()) t.cancel();
    this.#delayed.clear();
    this.#queue = [];
    this.#dirty.clear();
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#active === 0;
  }

  #pump(): void {
    while (this.#active < this.#workers && this.#queue.length > 0 && !this.#shutdown) {
      const key = this.#queue.shift()!;
      this.#dirty.delete(key);
      this.#processing.add(key);
      this.#active++;
      void this.#run(key);
    }
    if (this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #run(key: string): Promise<void> {
    try {
      await this.#sync(key);
      this.forget(key);
    } catch (err) {
      this.#onError(key, err);
      this.addRateLimited(key);
    } finally {
      this.syncCount++;
      this.#processing.delete(key);
      this.#active--;
      if (this.#dirty.has(key)) this.#queue.push(key);
      this.#pump();
    }
  }
}
