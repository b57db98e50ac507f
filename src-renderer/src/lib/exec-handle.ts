// The renderer's side of an open exec subscription: keystrokes (in order, a big paste split into
// frames the contract accepts), terminal size, and close. Pure over a Transport, unit-tested.
import type { Transport } from './transport';

/** An open exec session: keystrokes and terminal size in, `close` ends it. */
export interface ExecHandle {
  send(data: string): Promise<boolean>;
  resize(cols: number, rows: number): Promise<boolean>;
  close(): void;
}

/** Characters per exec input frame (well under the contract's limit even for multi-byte text). */
export const EXEC_FRAME = 16 * 1024;

export function execHandle(t: Transport, id: string): ExecHandle {
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    // In order, one frame after the other; a big paste goes in frames the contract accepts.
    send: (data) => {
      const sent = queue.then(async () => {
        for (let i = 0; i < data.length; i += EXEC_FRAME) {
          if (closed) return false;
          const frame = data.slice(i, i + EXEC_FRAME);
          if (!(await t.call('kubedesk:exec-input', { id, data: frame })).accepted) return false;
        }
        return !closed;
      });
      queue = sent.catch(() => false);
      return sent;
    },
    resize: async (cols, rows) =>
      !closed && (await t.call('kubedesk:exec-input', { id, resize: { cols, rows } })).accepted,
    close: () => {
      if (closed) return;
      closed = true;
      void t.unsubscribe(id).catch(() => undefined);
    },
  };
}
