// An `exec` subscription: a process in a container whose output goes to the renderer as text
// messages and whose stdin and terminal size come back through EXEC_INPUT. Stopping the
// subscription (unsubscribe, window or socket gone) ends the session; the process ending ends the
// subscription with its exit code. UTF-8 is decoded across chunk boundaries, so a multi-byte
// character split between two reads arrives whole.
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { ExecSession } from '../engine/runtime/types.js';
import type { ExecInput, ExecMessage } from '../ipc/contract.js';
import type { Subscription } from './watch-subscription.js';

/**
 * Output read in one turn of the event loop goes out as one message (flushed on setImmediate, so
 * an interactive echo is not held back by a timer); a message never exceeds this many characters.
 */
export const EXEC_MAX_MESSAGE = 64 * 1024;

export interface ExecSubscription extends Subscription {
  input(frame: Omit<ExecInput, 'id'>): boolean;
}

export function startExec(
  session: ExecSession,
  send: (message: ExecMessage) => void,
  done: (error?: unknown) => void,
): ExecSubscription {
  let stopped = false;
  const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  let timer: ReturnType<typeof setImmediate> | null = null;
  const flush = (): void => {
    timer = null;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (!pending[stream]) continue;
      const data = pending[stream];
      pending[stream] = '';
      send(stream === 'stdout' ? { data } : { data, stream });
    }
  };
  const pipe = (readable: Readable | null, stream: 'stdout' | 'stderr'): Promise<void> => {
    if (!readable) return Promise.resolve();
    const decoder = new StringDecoder('utf8');
    return new Promise<void>((resolve) => {
      readable.on('data', (chunk: Buffer | string) => {
        if (stopped) return;
        pending[stream] += typeof chunk === 'string' ? chunk : decoder.write(chunk);
        if (pending[stream].length >= EXEC_MAX_MESSAGE) flush();
        else timer ??= setImmediate(flush);
      });
      const end = () => {
        pending[stream] += decoder.end();
        resolve();
      };
      readable.once('end', end);
      readable.once('close', end);
      readable.once('error', end);
    });
  };
  const outputs = Promise.all([pipe(session.stdout, 'stdout'), pipe(session.stderr, 'stderr')]);
  session.exitCode.then(
    async (code) => {
      // The exit code can come before the last output is read: give the streams a moment.
      await Promise.race([outputs, new Promise((r) => setTimeout(r, 500))]);
      if (stopped) return;
      if (timer) clearImmediate(timer);
      flush();
      send({ exit: code });
      stopped = true;
      session.close();
      done();
    },
    (error: unknown) => {
      if (stopped) return;
      stopped = true;
      session.close();
      done(error);
    },
  );
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearImmediate(timer);
      session.stdin?.end();
      session.close();
    },
    input(frame) {
      if (stopped) return false;
      if (frame.data !== undefined) {
        if (!session.stdin || session.stdin.destroyed) return false;
        session.stdin.write(frame.data);
      }
      if (frame.resize) void session.resize(frame.resize.cols, frame.resize.rows).catch(() => undefined);
      return true;
    },
  };
}
