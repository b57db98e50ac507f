// Splicing a client connection to one of several interchangeable backends, with a retry that
// loses nothing: until a backend has sent its first byte, the client's bytes are kept, and a
// backend that closes or fails first is replaced by the next candidate, the bytes replayed.
//
// Why replay rather than only retry connects: the host reaches pods through Docker's port proxy
// on 127.0.0.1, which accepts a connection even when the container behind it is dead and then
// closes it. A "connected" backend is therefore only proven alive by its first answer byte.
// Replaying is bounded: only while nothing came back, only up to MAX_REPLAY_BYTES, and only when
// the backend gave up within `replayWindowMs` of accepting (a proxy's refusal is immediate; a
// server that took the request and later died without answering is not retried after that). A
// backend that never accepted (refused, timed out) is always moved past: it was sent nothing.
//
// This is the data path of every NodePort and LoadBalancer connection, so it is written for a
// low cost per connection (the figure issue 8 measures is new connections per second): it runs on
// `Conn`s (libuv handles where available, see tcp-conn.ts), the backend is dialled at once with
// the kept bytes queued on it before it connects, connect timeouts share one sweeping timer, and
// there are no promises, pipes or per-connection timers.
import { dial, type Conn } from './tcp-conn.js';

export const MAX_REPLAY_BYTES = 64 * 1024;
export const DEFAULT_REPLAY_WINDOW_MS = 2000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export interface DialTarget {
  host: string;
  port: number;
}

export interface ForwardOptions<B> {
  /** Where to connect for a backend. */
  target(backend: B): DialTarget;
  /** Called once: with the backend that sent the first byte back, or undefined when none did. */
  done?(backend: B | undefined): void;
  replayWindowMs?: number;
  connectTimeoutMs?: number;
}

/**
 * Connect timeouts without a timer per connection: dialling connections are checked by one
 * interval that runs only while any are pending. One that connected (or was destroyed) is dropped.
 */
const dialling = new Map<Conn, number>();
let sweeper: NodeJS.Timeout | undefined;
const SWEEP_MS = 100;

function sweep(): void {
  const now = performance.now();
  for (const [conn, deadline] of dialling) {
    if (!conn.connecting || conn.destroyed) dialling.delete(conn);
    else if (now >= deadline) {
      dialling.delete(conn);
      conn.destroy();
    }
  }
  if (dialling.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** A TCP connection to `target` that is destroyed if not connected within `timeoutMs`. */
export function dialWithTimeout(target: DialTarget, timeoutMs: number): Conn {
  const conn = dial(target.host, target.port);
  dialling.set(conn, performance.now() + timeoutMs);
  if (!sweeper) {
    sweeper = setInterval(sweep, SWEEP_MS);
    sweeper.unref();
  }
  return conn;
}

/**
 * Forward `client` to the first of `candidates` that answers; `done` says which, or undefined
 * when none did (every candidate failed, or the client went away first; the client is then
 * closed). A client that half-closes after its request still gets the answer. Takes over the
 * client's handlers.
 */
export function forwardConnection<B>(client: Conn, candidates: readonly B[], opts: ForwardOptions<B>): void {
  const windowMs = opts.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  // The client's bytes, kept for a replay until a backend answers (undefined: no replay possible).
  let kept: Buffer[] | undefined = [];
  let keptBytes = 0;
  let clientEnded = false;
  let backend: Conn | undefined;
  let answered = false;
  let finished = false;
  let index = -1;
  const finish = (b: B | undefined) => {
    if (finished) return;
    finished = true;
    opts.done?.(b);
  };

  client.ondata = (chunk) => {
    if (kept) {
      keptBytes += chunk.length;
      if (keptBytes <= MAX_REPLAY_BYTES) kept.push(chunk);
      else if (backend)
        kept = undefined; // sent on without a copy: a replay is no longer possible
      else {
        // No backend yet: keep it, and stop reading until one takes the bytes.
        kept.push(chunk);
        client.pause();
        return;
      }
    }
    if (backend && !backend.write(chunk)) client.pause();
  };
  client.onend = () => {
    clientEnded = true;
    backend?.end();
  };
  client.onclose = () => {
    backend?.destroy();
    finish(undefined);
  };
  client.ondrain = () => backend?.resume();

  const tryNext = (): void => {
    index++;
    if (client.destroyed) return finish(undefined);
    // Once bytes sent to a backend were not kept, they cannot be replayed on another.
    if (index >= candidates.length || !kept) {
      client.destroy();
      return finish(undefined);
    }
    const candidate = candidates[index];
    const sock = dialWithTimeout(opts.target(candidate), timeoutMs);
    backend = sock;
    let acceptedAt = 0;
    sock.onconnect = () => (acceptedAt = performance.now());
    // Queued until it connects.
    for (const chunk of kept) sock.write(chunk);
    if (keptBytes > MAX_REPLAY_BYTES) kept = undefined;
    if (clientEnded) sock.end();
    client.resume();
    let gaveUp = false;
    // An end followed by a close, or an error's close, may both report one failure: move on once.
    const giveUp = () => {
      if (answered || gaveUp) return;
      gaveUp = true;
      sock.destroy();
      backend = undefined;
      // A backend that never accepted was sent nothing; otherwise only retry what cannot have
      // been half-handled by a live server.
      if (!acceptedAt || performance.now() - acceptedAt <= windowMs) tryNext();
      else {
        client.destroy();
        finish(undefined);
      }
    };
    sock.ondata = (chunk) => {
      if (!answered) {
        // Committed: from now on it is a plain splice.
        answered = true;
        kept = undefined;
        finish(candidate);
      }
      if (!client.write(chunk)) sock.pause();
    };
    sock.ondrain = () => client.resume();
    sock.onend = () => (answered ? client.end() : giveUp());
    // After the answer, an error tears both down; a clean end has already ended the client.
    sock.onclose = (hadError) => {
      if (!answered) giveUp();
      else if (hadError) client.destroy();
    };
  };
  tryNext();
}
