// The renderer's only way to reach a cluster. In the desktop app it talks to main over the
// preload's IPC bridge; in web mode over the WebSocket bridge. Views import `api` and never know
// which one it is.
import type {
  ApplyDocumentResult,
  ApplyRequest,
  ClusterInfo,
  DeleteRequest,
  DeleteResult,
  DrainResult,
  ExecRequest,
  ProbeAttempt,
  SchedulingDecisionInfo,
  KubeObject,
  ListRequest,
  ListResult,
  PatchType,
  ResourceRef,
  SubscriptionContract,
  SubscriptionMessage,
  Topic,
} from '../../../src-main/ipc/contract';
import { execHandle, type ExecHandle } from './exec-handle';
import { ipcTransport } from './transport-ipc';
import type { Transport } from './transport';
import { wsTransport } from './transport-ws';

export interface Api {
  readonly transport: 'ipc' | 'websocket';
  clusterInfo(): Promise<ClusterInfo>;
  list(request: ListRequest): Promise<ListResult>;
  get(ref: ResourceRef): Promise<KubeObject>;
  create(ref: ResourceRef, object: KubeObject): Promise<KubeObject>;
  apply(request: ApplyRequest): Promise<ApplyDocumentResult[]>;
  update(ref: ResourceRef, object: KubeObject): Promise<KubeObject>;
  patch(ref: ResourceRef, patchType: PatchType, patch: unknown): Promise<KubeObject>;
  delete(request: DeleteRequest): Promise<DeleteResult>;
  scale(ref: ResourceRef, replicas: number): Promise<{ replicas: number }>;
  events(ref: ResourceRef, uid?: string): Promise<KubeObject[]>;
  /** Opens a stream; returns the function that closes it. */
  subscribe<T extends Topic>(
    topic: T,
    args: SubscriptionContract[T]['request'],
    onMessage: (message: SubscriptionMessage) => void,
  ): Promise<() => void>;
  /** Probe attempts, oldest first; with `since` (an attempt's time) only later ones. */
  probes(namespace: string, pod: string, since?: string): Promise<ProbeAttempt[]>;
  scheduling(namespace: string, pod: string): Promise<SchedulingDecisionInfo | null>;
  runCronJob(namespace: string, name: string): Promise<KubeObject>;
  drain(node: string): Promise<DrainResult>;
  /** Starts a process in a container; messages carry its output and, last, its exit code. */
  exec(args: ExecRequest, onMessage: (message: SubscriptionMessage) => void): Promise<ExecHandle>;
}

export type { ExecHandle };

let counter = 0;
const newId = () => `s${Date.now().toString(36)}${(counter++).toString(36)}`;

export function createApi(t: Transport): Api {
  return {
    transport: t.kind,
    clusterInfo: () => t.call('kubedesk:cluster-info', {}),
    list: (request) => t.call('kubedesk:list', request),
    get: (ref) => t.call('kubedesk:get', { ref }),
    create: (ref, object) => t.call('kubedesk:create', { ref, object }),
    apply: (request) => t.call('kubedesk:apply', request),
    update: (ref, object) => t.call('kubedesk:update', { ref, object }),
    patch: (ref, patchType, patch) => t.call('kubedesk:patch', { ref, patchType, patch }),
    delete: (request) => t.call('kubedesk:delete', request),
    scale: (ref, replicas) => t.call('kubedesk:scale', { ref, replicas }),
    events: (ref, uid) => t.call('kubedesk:events', uid ? { ref, uid } : { ref }),
    async subscribe(topic, args, onMessage) {
      const id = newId();
      await t.subscribe({ id, topic, args } as Parameters<Transport['subscribe']>[0], onMessage);
      return () => void t.unsubscribe(id).catch(() => undefined);
    },
    probes: (namespace, pod, since) =>
      t.call('kubedesk:probes', since ? { namespace, pod, since } : { namespace, pod }),
    scheduling: (namespace, pod) => t.call('kubedesk:scheduling', { namespace, pod }),
    runCronJob: (namespace, name) => t.call('kubedesk:run-cronjob', { namespace, name }),
    drain: (node) => t.call('kubedesk:drain', { node }),
    async exec(args, onMessage) {
      const id = newId();
      await t.subscribe({ id, topic: 'exec', args }, onMessage);
      return execHandle(t, id);
    },
  };
}

export const api: Api = createApi(
  typeof window !== 'undefined' && window.kubedesk ? ipcTransport(window.kubedesk) : wsTransport(),
);
