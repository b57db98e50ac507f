// The desktop app's transport: the preload's named functions on `window.kubedesk`.
import {
  APPLY,
  CLUSTER_INFO,
  CREATE,
  DELETE,
  EVENTS,
  GET,
  LIST,
  PATCH,
  SCALE,
  SUBSCRIBE,
  UNSUBSCRIBE,
  UPDATE,
  PROBES,
  SCHEDULING,
  EXEC_INPUT,
  RUN_CRONJOB,
  DRAIN,
  type KubedeskBridge,
  type RequestChannel,
} from '../../../src-main/ipc/contract';
import { ApiError, toErrorInfo } from './errors';
import type { Transport } from './transport';

const FUNCTION_OF: Record<Exclude<RequestChannel, typeof SUBSCRIBE>, Exclude<keyof KubedeskBridge, 'subscribe'>> = {
  [CLUSTER_INFO]: 'clusterInfo',
  [LIST]: 'list',
  [GET]: 'get',
  [CREATE]: 'create',
  [APPLY]: 'apply',
  [UPDATE]: 'update',
  [PATCH]: 'patch',
  [DELETE]: 'delete',
  [SCALE]: 'scale',
  [EVENTS]: 'events',
  [UNSUBSCRIBE]: 'unsubscribe',
  [PROBES]: 'probes',
  [SCHEDULING]: 'scheduling',
  [EXEC_INPUT]: 'execInput',
  [RUN_CRONJOB]: 'runCronJob',
  [DRAIN]: 'drain',
};

export function ipcTransport(bridge: KubedeskBridge): Transport {
  const wrap = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (error) {
      throw new ApiError(toErrorInfo(error));
    }
  };
  return {
    kind: 'ipc',
    call(channel, request) {
      if (channel === SUBSCRIBE) throw new TypeError('use subscribe()');
      const fn = bridge[FUNCTION_OF[channel as Exclude<RequestChannel, typeof SUBSCRIBE>]] as (
        r: unknown,
      ) => Promise<never>;
      return wrap(fn(request));
    },
    async subscribe(request, onMessage) {
      await wrap(bridge.subscribe(request, onMessage));
    },
    async unsubscribe(id) {
      await wrap(bridge.unsubscribe({ id }));
    },
  };
}
