// The preload runs in a sandboxed renderer: it may require only `electron`, and it hands the page
// named functions from the contract, never ipcRenderer itself (which would let the page call any
// channel). Failures cross as data and are rebuilt here as real Errors carrying the Status info.
import { contextBridge, ipcRenderer } from 'electron';
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
  SUBSCRIPTION_MESSAGE,
  UNSUBSCRIBE,
  UPDATE,
  PROBES,
  SCHEDULING,
  EXEC_INPUT,
  RUN_CRONJOB,
  DRAIN,
  type ErrorInfo,
  type KubedeskBridge,
  type Reply,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
  type SubscriptionMessage,
} from '../ipc/contract.js';

/** A real Error with the Kubernetes Status fields the UI shows (code, reason, field causes). */
function rebuild(info: ErrorInfo): Error {
  const error = new Error(info.message) as Error & ErrorInfo;
  error.name = 'KubedeskError';
  error.code = info.code;
  error.reason = info.reason;
  error.causes = info.causes;
  return error;
}

async function invoke<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const reply = (await ipcRenderer.invoke(channel, request)) as Reply<ResponseOf<C>>;
  if (reply.ok) return reply.result;
  throw rebuild(reply.error);
}

// One listener for every subscription, routed by the id the page chose.
const listeners = new Map<string, (message: SubscriptionMessage) => void>();
ipcRenderer.on(SUBSCRIPTION_MESSAGE, (_event, message: SubscriptionMessage) => {
  const listener = listeners.get(message.id);
  if (!listener) return;
  if ('error' in message || 'end' in message) listeners.delete(message.id);
  listener(message);
});

const bridge: KubedeskBridge = {
  clusterInfo: (request) => invoke(CLUSTER_INFO, request),
  list: (request) => invoke(LIST, request),
  get: (request) => invoke(GET, request),
  create: (request) => invoke(CREATE, request),
  apply: (request) => invoke(APPLY, request),
  update: (request) => invoke(UPDATE, request),
  patch: (request) => invoke(PATCH, request),
  delete: (request) => invoke(DELETE, request),
  scale: (request) => invoke(SCALE, request),
  events: (request) => invoke(EVENTS, request),
  async subscribe(request, onMessage) {
    if (typeof onMessage !== 'function') throw new TypeError('subscribe needs a message callback');
    listeners.set(request.id, onMessage);
    try {
      return await invoke(SUBSCRIBE, request);
    } catch (error) {
      listeners.delete(request.id);
      throw error;
    }
  },
  async unsubscribe(request) {
    listeners.delete(request.id);
    return invoke(UNSUBSCRIBE, request);
  },
  probes: (request) => invoke(PROBES, request),
  scheduling: (request) => invoke(SCHEDULING, request),
  execInput: (request) => invoke(EXEC_INPUT, request),
  runCronJob: (request) => invoke(RUN_CRONJOB, request),
  drain: (request) => invoke(DRAIN, request),
};

contextBridge.exposeInMainWorld('kubedesk', bridge);
