// Splicing a client connection to one of several interchangeable backends, with a retry that
// loses nothing: until a backend has sent its first byte, the client's bytes are kept, and a
// backend that closes or fails first is replaced by the next candidate, the bytes replayed.
//
// Why replay rather than only retry connects: the host reaches pods through Docker's port proxy
// on 127.0.0.1, which accepts a connection even when the container behind it is dead and then
// closes it. A "connected" backend is therefore only proven alive by its first answer byte.
// Replaying is bounded: only while nothing came back, only up to MAX_REPLAY_BYTES, and only when
// the backend gave up within `replayWindowMs` of accepting (a proxy's refusal is immediate; a
// server that took the request and later died without answering is not retried after that).
import type net from 'node:net';

export const MAX_REPLAY_BYTES = 64 * 1024;
export const DEFAULT_REPLAY_WINDOW_MS = 2000;

export interface ForwardOptions<B> {
  connect(backend: B): Promise<net.Socket>;
  /** Called once, with the backend that sent the first byte back. */
  onAnswered?(backend: B): void;
  replayWindowMs?: number;
}

/**
 * Forward `client` to the first of `candidates` that answers. Resolves with that backend, or
 * undefined when none did (every candidate failed, or the client went away first); in that case
 * the client has been closed.
 */
export function forwardConnection<B>(
  client: net.Socket,
  candidates: readonly B[],
  opts: ForwardOptions<B>,
): Promise<B | undefined> {
  const windowMs = opts.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  client.setNoDelay(true);
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let clientEnded = false;
    let clientGone = false;
    let backend: net.Socket | undefined;
    let settled = false;
    const finish = (b: B | undefined) => {
      if (settled) return;
      settled = true;
      resolve(b);
    };
    // While no backend is connected every byte is kept (the client is paused past the replay
    // limit); once one is, bytes go straight through and are kept only up to the limit — beyond
    // it the connection can no longer be replayed, and `kept` is dropped.
    let replayable = true;
    const dropKept = () => {
      kept.length = 0;
      replayable = false;
    };
    const onClientData = (chunk: Buffer) => {
      keptBytes += chunk.length;
      if (backend) {
        backend.write(chunk);
        if (keptBytes <= MAX_REPLAY_BYTES) kept.push(chunk);
        else dropKept();
        return;
      }
      kept.push(chunk);
      if (keptBytes > MAX_REPLAY_BYTES) client.pause();
    };
    const onClientEnd = () => {
      clientEnded = true;
      backend?.end();
    };
    const onClientClose = () => {
      clientGone = true;
      backend?.destroy();
      finish(undefined);
    };
    client.on('data', onClientData);
    client.on('end', onClientEnd);
    client.on('close', onClientClose);
    client.on('error', () => client.destroy());

    const tryFrom = async (i: number): Promise<void> => {
      if (clientGone) return;
      // Once bytes sent to a backend were not kept, they cannot be replayed on another.
      if (i >= candidates.length || !replayable) {
        client.destroy();
        return finish(undefined);
      }
      let sock: net.Socket;
      try {
        sock = await opts.connect(candidates[i]);
      } catch {
        return tryFrom(i + 1);
      }
      if (clientGone) {
        sock.destroy();
        return;
      }
      const acceptedAt = performance.now();
      backend = sock;
      for (const chunk of kept) sock.write(chunk);
      if (keptBytes > MAX_REPLAY_BYTES) dropKept();
      if (clientEnded) sock.end();
      client.resume();
      let answered = false;
      let gaveUp = false;
      // 'end', 'error' and 'close' may all fire for one failure: move on once.
      const giveUp = () => {
        if (answered || gaveUp) return;
        gaveUp = true;
        sock.removeAllListeners('data');
        sock.destroy();
        backend = undefined;
        // Only retry what cannot have been half-handled by a live server.
        if (performance.now() - acceptedAt <= windowMs) void tryFrom(i + 1);
        else {
          client.destroy();
          finish(undefined);
        }
      };
      sock.once('data', (first: Buffer) => {
        answered = true;
        // Committed: from now on it is a plain splice.
        client.off('data', onClientData);
        client.off('end', onClientEnd);
        client.off('close', onClientClose);
        kept.length = 0;
        client.write(first);
        sock.pipe(client);
        client.pipe(sock);
        // pipe() ends the client when the backend ends; an error on either side tears both down.
        sock.on('close', (hadError: boolean) => {
          if (hadError) client.destroy();
        });
        client.on('close', () => sock.destroy());
        opts.onAnswered?.(candidates[i]);
        finish(candidates[i]);
      });
      sock.once('end', giveUp);
      sock.once('error', giveUp);
      sock.once('close', giveUp);
    };
    void tryFrom(0);
  });
}
