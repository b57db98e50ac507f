// Web mode's transport: the same contract over a WebSocket to the page's own origin. The browser
// sends the HttpOnly session cookie with the upgrade; the server checks it and the Origin. Replies
// are matched by request id (never "the next message"), so concurrent calls cannot mix up answers.
import type { ErrorInfo, SubscriptionMessage } from '../../../src-main/ipc/contract';
import { ApiError } from './errors';
import type { Transport } from './transport';

export const WS_PATH = '/api/ws';
const DISCONNECTED: ErrorInfo = {
  code: 503,
  reason: 'Disconnected',
  message: 'The connection to KubeDesk was lost.',
  causes: [],
};

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function wsTransport(url = defaultUrl()): Transport {
  let socket: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, (message: SubscriptionMessage) => void>();

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new ApiError(DISCONNECTED));
      ws.onclose = () => {
        socket = null;
        for (const p of pending.values()) p.reject(new ApiError(DISCONNECTED));
        pending.clear();
        // Every subscription ended with the socket; the stores reopen theirs.
        for (const [id, listener] of listeners) listener({ id, error: DISCONNECTED });
        listeners.clear();
      };
      ws.onmessage = (event) => {
        const data = JSON.parse(String(event.data)) as {
          id?: number;
          ok?: boolean;
          result?: unknown;
          error?: ErrorInfo;
          subscription?: SubscriptionMessage;
        };
        if (data.subscription) {
          const listener = listeners.get(data.subscription.id);
          if ('error' in data.subscription || 'end' in data.subscription) listeners.delete(data.subscription.id);
          listener?.(data.subscription);
          return;
        }
        const p = typeof data.id === 'number' ? pending.get(data.id) : undefined;
        if (!p) return;
        pending.delete(data.id!);
        if (data.ok) p.resolve(data.result);
        else p.reject(new ApiError(data.error ?? DISCONNECTED));
      };
    });

  const send = async (channel: string, args: unknown): Promise<unknown> => {
    socket ??= connect().catch((error: unknown) => {
      socket = null;
      throw error;
    });
    const ws = await socket;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, channel, args }));
    });
  };

  return {
    kind: 'websocket',
    call: (channel, request) => send(channel, request) as Promise<never>,
    async subscribe(request, onMessage) {
      listeners.set(request.id, onMessage);
      try {
        await send('kubedesk:subscribe', request);
      } catch (error) {
        listeners.delete(request.id);
        throw error;
      }
    },
    async unsubscribe(id) {
      listeners.delete(id);
      if (socket) await send('kubedesk:unsubscribe', { id }).catch(() => undefined);
    },
  };
}

function defaultUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}`;
}
