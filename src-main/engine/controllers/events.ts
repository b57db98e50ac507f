// Events as Kubernetes records them (client-go tools/record): one Event object per distinct
// (object, type, reason, message, source); repeats bump `count` and `lastTimestamp` instead of
// creating new objects. Events expire after one hour (kube-apiserver's --event-ttl) and the
// total is capped so a noisy controller cannot fill the store.
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { rfc3339 } from '../clock.js';
import { WorkQueue } from './workqueue.js';

export type EventType = 'Normal' | 'Warning';

interface Aggregate {
  name: string;
  namespace: string;
  /** Serialises writes for one event so count updates never race. */
  chain: Promise<void>;
}

export class EventRecorder {
  #api: ApiServer;
  #component: string;
  #host: string | undefined;
  #seen = new Map<string, Aggregate>();

  constructor(api: ApiServer, component: string, host?: string) {
    this.#api = api;
    this.#component = component;
    this.#host = host;
  }

  /** Record an event about `obj`. Never throws; returns when the event is stored. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): Promise<void> {
    const uid = obj.metadata.uid ?? '';
    const key = [uid, fieldPath ?? '', type, reason, message, this.#component].join('\u0000');
    let agg = this.#seen.get(key);
    if (!agg) {
      agg = { name: '', namespace: obj.metadata.namespace || 'default', chain: Promise.resolve() };
      this.#seen.set(key, agg);
      if (this.#seen.size > 4096) this.#seen.delete(this.#seen.keys().next().value!);
    }
    const a = agg;
    a.chain = a.chain
      .then(() => this.#write(a, obj, type, reason, message, fieldPath))
      .catch((err: unknown) => {
        console.error(
          `could not record event ${reason} for ${obj.kind}/${obj.metadata.name}: ${(err as Error).message}`,
        );
      });
    return a.chain;
  }

  async #write(
    a: Aggregate,
    obj: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    fieldPath?: string,
  ): Promise<void> {
    const now = this.#api.ctx.clock.now();
    const ts = rfc3339(now);
    if (a.name) {
      const existing = this.#api.store.get(`/events/${a.namespace}/${a.name}`);
      if (existing) {
        try {
          await this.#api.patch({ group: '', resource: 'events', namespace: a.namespace, name: a.name }, 'merge', {
            count: ((existing.count as number | undefined) ?? 1) + 1,
            lastTimestamp: ts,
          });
          return;
        } catch (err) {
          if (!(isStatusError(err) && err.code === 404)) throw err;
        }
      }
    }
    // Name as client-go does: `<object name>.<unix nanoseconds in hex>`.
    a.name = `${obj.metadata.name}.${(BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const source: { component: string; host?: string } = { component: this.#component };
    if (this.#host) source.host = this.#host;
    await this.#api.create(
      { group: '', resource: 'events', namespace: a.namespace },
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: a.name, namespace: a.namespace },
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: obj.apiVersion,
          resourceVersion: obj.metadata.resourceVersion,
          ...(fieldPath ? { fieldPath } : {}),
        },
        reason,
        message,
        source,
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: this.#component,
        reportingInstance: this.#host ?? '',
      },
    );
  }
}

export interface EventTtlOptions {
  ttlMs?: number;
  maxEvents?: number;
  sweepIntervalMs?: number;
}

/** Deletes events older than the TTL, and the oldest ones beyond the cap. */
export class EventCleaner {
  #api: ApiServer;
  #ttl: number;
  #max: number;
  #interval: number;
  #timer: { cancel(): void } | null = null;
  #queue: WorkQueue;
  #unsubscribe: (() => void) | null = null;

  constructor(api: ApiServer, opts: EventTtlOptions = {}) {
    this.#api = api;
    this.#ttl = opts.ttlMs ?? 60 * 60 * 1000;
    this.#max = opts.maxEvents ?? 20_000;
    this.#interval = opts.sweepIntervalMs ?? 60_000;
    this.#queue = new WorkQueue(() => this.sweep(), api.ctx.clock);
  }

  start(): void {
    const tick = () => {
      this.#queue.add('sweep');
      this.#timer = this.#api.ctx.clock.setTimer(tick, this.#interval);
    };
    this.#timer = this.#api.ctx.clock.setTimer(tick, this.#interval);
    this.#queue.add('sweep');
    let count = this.#api.store.list('/events').length;
    this.#unsubscribe = this.#api.store.subscribeAll((e) => {
      if (e.resource !== '/events') return;
      if (e.type === 'ADDED') count++;
      if (e.type === 'DELETED') count--;
      if (count > this.#max) this.#queue.add('sweep');
    });
  }

  stop(): void {
    this.#timer?.cancel();
    this.#unsubscribe?.();
    this.#queue.shutDown();
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }

  async sweep(): Promise<void> {
    const now = this.#api.ctx.clock.now();
    const events = this.#api.store.list('/events');
    const when = (e: KubeObject) =>
      Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0)) || 0;
    const doomed = new Set(events.filter((e) => now - when(e) > this.#ttl));
    const live = events.filter((e) => !doomed.has(e));
    if (live.length > this.#max) {
      live.sort((a, b) => when(a) - when(b));
      for (const e of live.slice(0, live.length - this.#max)) doomed.add(e);
    }
    await Promise.all(
      [...doomed].map(async (e) => {
        try {
          await this.#api.delete({
            group: '',
            resource: 'events',
            namespace: e.metadata.namespace,
            name: e.metadata.name,
          });
        } catch (err) {
          if (!(isStatusError(err) && err.code === 404)) throw err;
        }
      }),
    );
  }
}
