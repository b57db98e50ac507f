// Per-key exponential back-off on the injected clock, as client-go's flowcontrol.Backoff that the
// kubelet uses for CrashLoopBackOff and ImagePullBackOff: the first failure may retry at once,
// the next waits 10 s, then 20 s, 40 s … capped at 5 min. An entry untouched for twice the cap is
// forgotten, as flowcontrol's garbage collection does.
import type { Clock } from '../clock.js';
import { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from './constants.js';

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class Backoff {
  #entries = new Map<string, Entry>();
  #clock: Clock;
  #initial: number;
  #max: number;

  constructor(clock: Clock, initialMs = BACKOFF_INITIAL_MS, maxMs = BACKOFF_MAX_MS) {
    this.#clock = clock;
    this.#initial = initialMs;
    this.#max = maxMs;
  }

  /** The current delay for `key` (0 when none). */
  get(key: string): number {
    return this.#live(key)?.delayMs ?? 0;
  }

  /** Record one more retry: the first sets the initial delay, later ones double it. */
  next(key: string, at = this.#clock.now()): number {
    const e = this.#live(key);
    const delayMs = e ? Math.min(e.delayMs * 2, this.#max) : this.#initial;
    this.#entries.set(key, { delayMs, lastUpdate: at });
    return delayMs;
  }

  /** Milliseconds still to wait after an event at `since` (0 = may retry now). */
  remaining(key: string, since: number): number {
    const e = this.#live(key);
    if (!e) return 0;
    return Math.max(0, since + e.delayMs - this.#clock.now());
  }

  /** Seed an entry (recovery: rebuilt from the attempt count on a container's labels). */
  set(key: string, delayMs: number, lastUpdate: number): void {
    this.#entries.set(key, { delayMs: Math.min(delayMs, this.#max), lastUpdate });
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  resetPrefix(prefix: string): void {
    for (const k of [...this.#entries.keys()]) if (k.startsWith(prefix)) this.#entries.delete(k);
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && this.#clock.now() - e.lastUpdate > 2 * this.#max) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }
}

/** The delay a container that has restarted `attempt` times would be waiting, for recovery. */
export function delayForAttempt(attempt: number): number {
  if (attempt <= 0) return 0;
  return Math.min(BACKOFF_INITIAL_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
}

/** `10s`, `5m0s`: Go's time.Duration formatting for whole seconds, as back-off messages show. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s % 60}s`;
}
