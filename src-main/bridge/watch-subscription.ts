// A watch as the UI consumes it: one SYNC with the list (and its rows), then changes batched per
// frame so that a burst of pod status updates is one message rather than hundreds.
import type { ApiServer } from '../engine/apiserver/api-server.js';
import type { KindInfo } from '../engine/api/registry.js';
import type { WatchChangeType, WatchMessage, WatchRequest } from '../ipc/contract.js';
import { columnsOf, rowOf } from './rows.js';

export const WATCH_BATCH_MS = 16;

export interface Subscription {
  stop(): void;
}

export async function startWatch(
  api: ApiServer,
  info: KindInfo,
  now: () => number,
  request: WatchRequest,
  send: (message: WatchMessage) => void,
): Promise<Subscription> {
  const { ref, labelSelector, fieldSelector, summary } = request;
  const list = await api.list(ref, { labelSelector, fieldSelector });
  const at = now();
  send({
    type: 'SYNC',
    columns: columnsOf(info),
    rows: list.items.filter((o) => !ref.name || o.metadata.name === ref.name).map((o) => rowOf(info, o, at, summary)),
    resourceVersion: list.metadata.resourceVersion ?? '',
  });

  let pending: { type: WatchChangeType; row: ReturnType<typeof rowOf> }[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const flush = () => {
    timer = null;
    if (stopped || pending.length === 0) return;
    const changes = pending;
    pending = [];
    send({ type: 'CHANGES', changes });
  };
  const handle = api.watch(
    ref,
    { labelSelector, fieldSelector, resourceVersion: list.metadata.resourceVersion },
    (event) => {
      if (event.type === 'BOOKMARK' || stopped) return;
      pending.push({ type: event.type, row: rowOf(info, event.object, now(), summary) });
      timer ??= setTimeout(flush, WATCH_BATCH_MS);
    },
  );
  return {
    stop() {
      stopped = true;
      handle.stop();
      if (timer) clearTimeout(timer);
      pending = [];
    },
  };
}
