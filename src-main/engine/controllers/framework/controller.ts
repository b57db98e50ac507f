// The base of every controller: a WorkQueue whose workers call `sync(key)`, plus the plumbing
// to start, stop and wait for quiet. Subclasses wire informer handlers that only enqueue keys.
import type { Clock } from '../../clock.js';
import { WorkQueue } from '../workqueue.js';

export interface ControllerOptions {
  workers?: number;
  /** Called when a sync fails (the key is retried with backoff regardless). */
  onError?: (controller: string, key: string, err: unknown) => void;
}

export abstract class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  protected readonly clock: Clock;

  constructor(name: string, clock: Clock, opts: ControllerOptions = {}) {
    this.name = name;
    this.clock = clock;
    const onError = opts.onError ?? defaultOnError;
    this.queue = new WorkQueue((key) => this.sync(key), clock, {
      workers: opts.workers ?? 4,
      onError: (key, err) => onError(name, key, err),
    });
  }

  /** Reconcile one object. Idempotent and safe to run again at any time. */
  abstract sync(key: string): Promise<void>;

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  stop(): void {
    this.queue.shutDown();
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }
}

function defaultOnError(controller: string, key: string, err: unknown): void {
  // Conflicts are routine (a stale cache); the retry fixes them, so they are not worth a log line.
  if ((err as { code?: number }).code === 409) return;
  console.error(`${controller}: sync ${key} failed: ${(err as Error)?.message ?? String(err)}`);
}
