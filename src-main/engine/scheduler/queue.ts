// The scheduling queue (pkg/scheduler/internal/queue): activeQ (ready to try, by priority then
// arrival), backoff (waiting out an exponential per-pod delay, 1 s doubling to 10 s), and
// unschedulable (waiting for a cluster change — a node added or changed, a pod gone — that
// might make room). A cluster change moves unschedulable pods back, through backoff if their
// delay has not passed.
import type { Clock, TimerHandle } from '../clock.js';

export const POD_INITIAL_BACKOFF_MS = 1000;
export const POD_MAX_BACKOFF_MS = 10_000;
/** podMaxInUnschedulablePodsDuration: retried at least this often even with no cluster event. */
export const MAX_UNSCHEDULABLE_MS = 5 * 60 * 1000;

interface Entry {
  key: string;
  priority: number;
  seq: number;
  attempts: number;
  /** When the last attempt failed. */
  failedAt: number;
}

export class SchedulingQueue {
  #clock: Clock;
  #active: Entry[] = [];
  #inActive = new Set<string>();
  #entries = new Map<string, Entry>();
  #backoff = new Map<string, TimerHandle>();
  #unschedulable = new Set<string>();
  #seq = 0;
  #onActive: () => void;

  constructor(clock: Clock, onActive: () => void) {
    this.#clock = clock;
    this.#onActive = onActive;
  }

  get activeLength(): number {
    return this.#active.length;
  }

  get unschedulableCount(): number {
    return this.#unschedulable.size;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  attempts(key: string): number {
    return this.#entries.get(key)?.attempts ?? 0;
  }

  /** A new or changed pending pod: try it now. */
  add(key: string, priority: number): void {
    let e = this.#entries.get(key);
    if (!e) this.#entries.set(key, (e = { key, priority, seq: this.#seq++, attempts: 0, failedAt: 0 }));
    e.priority = priority;
    this.#unschedulable.delete(key);
    this.#backoff.get(key)?.cancel();
    this.#backoff.delete(key);
    this.#pushActive(e);
  }

  /** Next pod to try: highest priority, then first come. */
  pop(): string | undefined {
    const e = heapPop(this.#active);
    if (!e) return undefined;
    this.#inActive.delete(e.key);
    return e.key;
  }

  /** The attempt failed: park the pod until a cluster change (or backoff, for errors). */
  failed(key: string, unschedulable: boolean): void {
    const e = this.#entries.get(key);
    if (!e) return;
    e.attempts++;
    e.failedAt = this.#clock.now();
    if (unschedulable) this.#unschedulable.add(key);
    else this.#toBackoff(e);
  }

  /** Scheduled or gone: forget the pod. */
  done(key: string): void {
    this.#entries.delete(key);
    this.#unschedulable.delete(key);
    this.#backoff.get(key)?.cancel();
    this.#backoff.delete(key);
    // A lazily-deleted heap entry is skipped when popped.
    this.#inActive.delete(key);
  }

  /** MoveAllToActiveOrBackoffQueue: a cluster change may have made room. */
  moveAllUnschedulable(): void {
    for (const key of this.#unschedulable) {
      const e = this.#entries.get(key);
      if (e) this.#toBackoff(e);
    }
    this.#unschedulable.clear();
  }

  /** flushUnschedulablePodsLeftover: pods parked longer than MAX_UNSCHEDULABLE_MS. */
  flushLeftover(): void {
    const now = this.#clock.now();
    for (const key of [...this.#unschedulable]) {
      const e = this.#entries.get(key);
      if (e && now - e.failedAt > MAX_UNSCHEDULABLE_MS) {
        this.#unschedulable.delete(key);
        this.#pushActive(e);
      }
    }
  }

  close(): void {
    for (const t of this.#backoff.values()) t.cancel();
    this.#backoff.clear();
  }

  backoffMs(attempts: number): number {
    if (attempts <= 0) return 0;
    return Math.min(POD_MAX_BACKOFF_MS, POD_INITIAL_BACKOFF_MS * 2 ** (attempts - 1));
  }

  #toBackoff(e: Entry): void {
    const remaining = e.failedAt + this.backoffMs(e.attempts) - this.#clock.now();
    if (remaining <= 0) return this.#pushActive(e);
    this.#backoff.get(e.key)?.cancel();
    this.#backoff.set(
      e.key,
      this.#clock.setTimer(() => {
        this.#backoff.delete(e.key);
        if (this.#entries.get(e.key) === e) this.#pushActive(e);
      }, remaining),
    );
  }

  #pushActive(e: Entry): void {
    if (this.#inActive.has(e.key)) return;
    this.#inActive.add(e.key);
    e.seq = this.#seq++;
    heapPush(this.#active, e);
    this.#onActive();
  }

  /** True when `key` was removed while still in the heap (skip it on pop). */
  isStale(key: string): boolean {
    return !this.#entries.has(key);
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

function heapPush(h: Entry[], e: Entry): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i], h[p])) break;
    [h[i], h[p]] = [h[p], h[i]];
    i = p;
  }
}

function heapPop(h: Entry[]): Entry | undefined {
  if (h.length === 0) return undefined;
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l], h[m])) m = l;
      if (r < h.length && less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
  return top;
}
