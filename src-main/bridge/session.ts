// One connection's subscriptions (a window's webContents or a WebSocket). Ids come from the
// renderer so no message can arrive before it knows the id; closing the session stops them all, so
// a closed window or dropped socket leaks no watch and no log stream.
import type { ApiServer } from '../engine/apiserver/api-server.js';
import { StatusError } from '../engine/api/errors.js';
import type {
  ExecInput,
  ExecRequest,
  LogsMessage,
  LogsRequest,
  SubscribeRequest,
  SubscriptionMessage,
} from '../ipc/contract.js';
import { toErrorInfo } from './errors.js';
import { kindOf } from './rows.js';
import { startWatch, type Subscription } from './watch-subscription.js';
import { startExec, type ExecSubscription } from './exec-subscription.js';
import type { InspectSource } from './inspect.js';

export type SubscriptionSink = (message: SubscriptionMessage) => void;

/** Pod logs from the node agent: call `onLines` in order until `signal` aborts or the stream ends. */
export interface LogSource {
  stream(request: LogsRequest, onLines: (message: LogsMessage) => void, signal: AbortSignal): Promise<void>;
}

/** Bounds what one connection can hold open. */
export const MAX_SUBSCRIPTIONS = 256;

export class BridgeSession {
  readonly #subscriptions = new Map<string, Subscription | null>();
  #closed = false;

  constructor(
    private readonly api: ApiServer,
    private readonly now: () => number,
    private readonly sink: SubscriptionSink,
    private readonly logs: LogSource | undefined,
    private readonly inspect?: InspectSource,
  ) {}

  get size(): number {
    return this.#subscriptions.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async open(request: SubscribeRequest): Promise<void> {
    const { id } = request;
    if (this.#closed) throw new StatusError(410, 'Gone', 'this connection is closed');
    if (this.#subscriptions.has(id)) throw new StatusError(409, 'AlreadyExists', `subscription ${id} is already open`);
    if (this.#subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw new StatusError(429, 'TooManyRequests', `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
    }
    this.#subscriptions.set(id, null); // reserved while starting
    let sub: Subscription;
    try {
      if (request.topic === 'exec') sub = await this.#exec(id, request.args);
      else sub = request.topic === 'watch' ? await this.#watch(id, request.args) : this.#logs(id, request.args);
    } catch (error) {
      this.#subscriptions.delete(id);
      throw error;
    }
    // Closed (or unsubscribed) while starting: stop at once rather than leak.
    if (this.#closed || !this.#subscriptions.has(id)) {
      sub.stop();
      return;
    }
    this.#subscriptions.set(id, sub);
  }

  /** Stops one subscription; false when there was none with that id. */
  close(id: string): boolean {
    if (!this.#subscriptions.has(id)) return false;
    this.#subscriptions.get(id)?.stop();
    this.#subscriptions.delete(id);
    return true;
  }

  /** Input for an open `exec` subscription; false when there is none (or it has ended). */
  input(id: string, frame: Omit<ExecInput, 'id'>): boolean {
    const sub = this.#subscriptions.get(id);
    if (!sub || !('input' in sub)) return false;
    return (sub as ExecSubscription).input(frame);
  }

  /** Stops everything; the transport calls this when its window or socket goes away. */
  dispose(): void {
    this.#closed = true;
    for (const id of [...this.#subscriptions.keys()]) this.close(id);
  }

  #send(message: SubscriptionMessage): void {
    if (this.#closed || !this.#subscriptions.has(message.id)) return;
    this.sink(message);
  }

  async #watch(id: string, args: Extract<SubscribeRequest, { topic: 'watch' }>['args']): Promise<Subscription> {
    const info = kindOf(args.ref);
    return startWatch(this.api, info, this.now, args, (message) => this.#send({ id, message }));
  }

  #logs(id: string, args: LogsRequest): Subscription {
    if (!this.logs) {
      throw new StatusError(
        503,
        'ServiceUnavailable',
        'Logs are not available: this engine runs no node agent yet, so there are no containers to read from.',
      );
    }
    const abort = new AbortController();
    this.logs
      .stream(args, (message) => this.#send({ id, message }), abort.signal)
      .then(
        () => {
          this.#send({ id, end: true });
          this.#subscriptions.delete(id);
        },
        (error: unknown) => {
          if (!abort.signal.aborted) this.#send({ id, error: toErrorInfo(error) });
          this.#subscriptions.delete(id);
        },
      );
    return { stop: () => abort.abort() };
  }

  async #exec(id: string, args: ExecRequest): Promise<Subscription> {
    if (!this.inspect) {
      throw new StatusError(503, 'ServiceUnavailable', 'Exec is not available: this engine runs no node agent.');
    }
    const session = await this.inspect.exec(args);
    return startExec(
      session,
      (message) => this.#send({ id, message }),
      (error) => {
        if (error) this.#send({ id, error: toErrorInfo(error) });
        else this.#send({ id, end: true });
        this.#subscriptions.delete(id);
      },
    );
  }
}
