// Pod logs for the UI bridge, read from the node agent and delivered as whole lines in order.
// Partial lines are held until their newline arrives (or the stream ends).
import type { PodIO } from '../engine/node/index.js';
import type { LogSource } from './session.js';

/** At most this many lines per message, so one huge chunk never becomes one huge message. */
const MAX_LINES_PER_MESSAGE = 2000;

export function agentLogSource(io: PodIO): LogSource {
  return {
    async stream(request, onLines, signal) {
      const reader = await io.logs(request.namespace, request.pod, request.container, {
        follow: request.follow,
        previous: request.previous,
        timestamps: request.timestamps,
        tailLines: request.tailLines,
        sinceSeconds: request.sinceSeconds,
      });
      const stop = () => reader.close();
      signal.addEventListener('abort', stop, { once: true });
      let partial = '';
      try {
        for await (const chunk of reader) {
          if (signal.aborted) break;
          const text = partial + chunk.toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (let i = 0; i < lines.length; i += MAX_LINES_PER_MESSAGE) {
            onLines({ lines: lines.slice(i, i + MAX_LINES_PER_MESSAGE) });
          }
        }
        if (partial && !signal.aborted) onLines({ lines: [partial] });
      } finally {
        signal.removeEventListener('abort', stop);
        reader.close();
      }
    },
  };
}
