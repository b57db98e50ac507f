// The one typed contract between main and renderer. Main answers each request channel (over IPC in
// the desktop app, over the WebSocket bridge in web mode), the preload exposes one named function
// per channel, and both import the names from here so that a renamed channel is a type error, not a
// silent hang. Types and constants only: this module is bundled into the sandboxed preload, which
// can load nothing but `electron`. The validators live next door in schemas.ts (main only).
//
// The semantics are the Kubernetes REST API's (verbs on resources, watch, logs) so that a second
// implementation on a real cluster can answer the same contract.
import type { KubeObject, Status } from './kube.js';

export type { KubeObject, Status };

/** `/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}`, as the API server takes it. */
export interface ResourceRef {
  /** `''` for the core group. */
  group: string;
  version?: string;
  /** The plural resource name: `pods`, `deployments`. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** A column of a kubectl-style table (meta.k8s.io/v1 TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  description: string;
  /** 0: always shown; 1: only in the wide view (`kubectl get -o wide`). */
  priority: 0 | 1;
}

export type TableCell = string | number | boolean;

/** One object with the cells `kubectl get` prints for it, computed in main from the registry. */
export interface TableRow {
  /** Stable identity for the UI: `namespace/name`. */
  key: string;
  cells: TableCell[];
  object: KubeObject;
}

export interface KindSummary {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  subresources: string[];
  columns: TableColumn[];
}

export interface ClusterInfo {
  version: string;
  /** `embedded` for KubeDesk's own engine; a kubeconfig context later. */
  backend: 'embedded';
  kinds: KindSummary[];
  /** Feature checks instead of assuming the embedded engine. */
  features: { logs: boolean };
  now: string;
}

export interface ListRequest {
  ref: ResourceRef;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult {
  columns: TableColumn[];
  rows: TableRow[];
  resourceVersion: string;
}

export interface ApplyRequest {
  /** One or more YAML/JSON documents separated by `---`. */
  yaml: string;
  /** For namespaced documents that name none. */
  namespace?: string;
  dryRun?: boolean;
}

/** One document's outcome; `index` counts documents (and List items) as kubectl does. */
export interface ApplyDocumentResult {
  index: string;
  kind?: string;
  apiVersion?: string;
  name?: string;
  namespace?: string;
  action?: 'created' | 'configured' | 'unchanged';
  error?: ErrorInfo;
}

export type PatchType = 'json' | 'merge' | 'strategic';
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteRequest {
  ref: ResourceRef;
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
}

export interface DeleteResult {
  /** True when the object is gone; false while finalizers or a grace period keep it. */
  removed: boolean;
  object?: KubeObject;
}

/** A field-level failure, as `Status.details.causes` carries it. */
export interface ErrorCause {
  reason: string;
  message: string;
  field: string;
}

/** Failures cross as data: the Kubernetes Status code and reason plus causes with field paths. */
export interface ErrorInfo {
  code: number;
  reason: string;
  message: string;
  causes: ErrorCause[];
}

export type Reply<T> = { ok: true; result: T } | { ok: false; error: ErrorInfo };

export const CLUSTER_INFO = 'kubedesk:cluster-info';
export const LIST = 'kubedesk:list';
export const GET = 'kubedesk:get';
export const CREATE = 'kubedesk:create';
export const APPLY = 'kubedesk:apply';
export const UPDATE = 'kubedesk:update';
export const PATCH = 'kubedesk:patch';
export const DELETE = 'kubedesk:delete';
export const SCALE = 'kubedesk:scale';
export const EVENTS = 'kubedesk:events';
export const SUBSCRIBE = 'kubedesk:subscribe';
export const UNSUBSCRIBE = 'kubedesk:unsubscribe';
/** Main → renderer only: messages of open subscriptions, tagged with their id. */
export const SUBSCRIPTION_MESSAGE = 'kubedesk:subscription-message';
/** Inspection channels (probe history, scheduling, exec input, run now, drain); see InspectContract. */
export const PROBES = 'kubedesk:probes';
export const SCHEDULING = 'kubedesk:scheduling';
export const EXEC_INPUT = 'kubedesk:exec-input';
export const RUN_CRONJOB = 'kubedesk:run-cronjob';
export const DRAIN = 'kubedesk:drain';

/** Every request channel with what it carries and what it answers. */
export interface RequestContract {
  [CLUSTER_INFO]: { request: Record<string, never>; response: ClusterInfo };
  [LIST]: { request: ListRequest; response: ListResult };
  [GET]: { request: { ref: ResourceRef }; response: KubeObject };
  [CREATE]: { request: { ref: ResourceRef; object: KubeObject }; response: KubeObject };
  [APPLY]: { request: ApplyRequest; response: ApplyDocumentResult[] };
  [UPDATE]: { request: { ref: ResourceRef; object: KubeObject }; response: KubeObject };
  [PATCH]: { request: { ref: ResourceRef; patchType: PatchType; patch: unknown }; response: KubeObject };
  [DELETE]: { request: DeleteRequest; response: DeleteResult };
  [SCALE]: { request: { ref: ResourceRef; replicas: number }; response: { replicas: number } };
  /** The events whose involvedObject is the referenced object, oldest first. */
  [EVENTS]: { request: { ref: ResourceRef; uid?: string }; response: KubeObject[] };
  [SUBSCRIBE]: { request: SubscribeRequest; response: { id: string } };
  [UNSUBSCRIBE]: { request: { id: string }; response: { stopped: boolean } };
  /** The recorded probe attempts of the pod (or one container), oldest first; with `since`, only later ones. */
  [PROBES]: {
    request: { namespace: string; pod: string; container?: string; since?: string };
    response: ProbeAttempt[];
  };
  /** The scheduler's last decision for the pod; null when none is recorded (bound before this start). */
  [SCHEDULING]: { request: { namespace: string; pod: string }; response: SchedulingDecisionInfo | null };
  /** Keystrokes or a new terminal size for an open `exec` subscription. */
  [EXEC_INPUT]: { request: ExecInput; response: { accepted: boolean } };
  /** `kubectl create job --from=cronjob/NAME`: the Job made from the CronJob's template. */
  [RUN_CRONJOB]: { request: { namespace: string; name: string }; response: KubeObject };
  /** `kubectl drain --ignore-daemonsets`: cordon, then evict every pod on the node but DaemonSet ones. */
  [DRAIN]: { request: { node: string }; response: DrainResult };
}

/** One probe attempt as the node agent recorded it. */
export interface ProbeAttempt {
  /** RFC 3339 time of the attempt. */
  time: string;
  probe: 'startup' | 'liveness' | 'readiness';
  container: string;
  containerId: string;
  result: 'success' | 'failure' | 'timeout';
  latencyMs: number;
  httpStatus?: number;
  exitCode?: number;
  /** The first KiB of output or body. */
  output: string;
  message?: string;
}

/** Why a pod is (not) on a node: the scheduler's record of its last attempt. */
export interface SchedulingDecisionInfo {
  pod: string;
  time: string;
  attempt: number;
  result: 'Scheduled' | 'Unschedulable' | 'BindingFailed';
  node?: string;
  message?: string;
  nodes: { total: number; evaluated: number; feasible: number };
  reasons: Record<string, number>;
  failures: { node: string; plugin: string; reasons: string[] }[];
  scores: { node: string; total: number }[];
}

export interface ExecInput {
  /** The `exec` subscription's id. */
  id: string;
  /** Text typed into the terminal (UTF-8). */
  data?: string;
  resize?: { cols: number; rows: number };
}

export interface DrainResult {
  evicted: string[];
  /** Pods left in place, with why (DaemonSet-managed, already terminating). */
  skipped: { pod: string; reason: string }[];
}

export type RequestChannel = keyof RequestContract;
export type RequestOf<C extends RequestChannel> = RequestContract[C]['request'];
export type ResponseOf<C extends RequestChannel> = RequestContract[C]['response'];

export const REQUEST_CHANNELS = [
  CLUSTER_INFO,
  LIST,
  GET,
  CREATE,
  APPLY,
  UPDATE,
  PATCH,
  DELETE,
  SCALE,
  EVENTS,
  SUBSCRIBE,
  UNSUBSCRIBE,
  PROBES,
  SCHEDULING,
  EXEC_INPUT,
  RUN_CRONJOB,
  DRAIN,
] as const satisfies readonly RequestChannel[];

// ---- Subscriptions (streams): opened with SUBSCRIBE, messages arrive as SubscriptionMessage. ----

export interface WatchRequest {
  ref: ResourceRef;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * Rows carry a summary instead of the whole object: metadata without annotations and
   * managedFields, plus a pod's `status.phase` and an event's time and type — what lists need.
   */
  summary?: boolean;
}

export type WatchChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * A watch starts with one SYNC (the list, with rows) and then sends changes in batches, so a burst
 * of status updates costs one message, not hundreds.
 */
export type WatchMessage =
  | { type: 'SYNC'; columns: TableColumn[]; rows: TableRow[]; resourceVersion: string }
  | { type: 'CHANGES'; changes: { type: WatchChangeType; row: TableRow }[] };

export interface LogsRequest {
  namespace: string;
  pod: string;
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
}

/** Lines in order; never dropped: the stream ends with `ended` rather than skipping. */
export interface LogsMessage {
  lines: string[];
}

/** A process in a container; its terminal I/O flows as `exec` messages and EXEC_INPUT requests. */
export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  tty: boolean;
  cols?: number;
  rows?: number;
}

/** Output (stdout, or stderr without a tty) as text, then the exit code once the process ends. */
export type ExecMessage = { data: string; stream?: 'stdout' | 'stderr' } | { exit: number };

export interface SubscriptionContract {
  watch: { request: WatchRequest; message: WatchMessage };
  logs: { request: LogsRequest; message: LogsMessage };
  exec: { request: ExecRequest; message: ExecMessage };
}

export type Topic = keyof SubscriptionContract;
export const TOPICS = ['watch', 'logs', 'exec'] as const satisfies readonly Topic[];

/** The renderer picks the id (so no message can arrive before it knows it); unique per connection. */
export type SubscribeRequest = {
  [T in Topic]: { id: string; topic: T; args: SubscriptionContract[T]['request'] };
}[Topic];

/** What main sends for an open subscription; after `error` or `end` the subscription is gone. */
export type SubscriptionMessage =
  | { id: string; message: WatchMessage | LogsMessage | ExecMessage }
  | { id: string; error: ErrorInfo }
  | { id: string; end: true };

// ---- The preload's API on `window.kubedesk`: named functions, nothing else. ----

type Call<C extends RequestChannel> = (request: RequestOf<C>) => Promise<ResponseOf<C>>;

export interface KubedeskBridge {
  clusterInfo: Call<typeof CLUSTER_INFO>;
  list: Call<typeof LIST>;
  get: Call<typeof GET>;
  create: Call<typeof CREATE>;
  apply: Call<typeof APPLY>;
  update: Call<typeof UPDATE>;
  patch: Call<typeof PATCH>;
  delete: Call<typeof DELETE>;
  scale: Call<typeof SCALE>;
  events: Call<typeof EVENTS>;
  /** Opens a subscription; `onMessage` receives its messages until `unsubscribe` or its end. */
  subscribe(request: SubscribeRequest, onMessage: (message: SubscriptionMessage) => void): Promise<{ id: string }>;
  unsubscribe: Call<typeof UNSUBSCRIBE>;
  probes: Call<typeof PROBES>;
  scheduling: Call<typeof SCHEDULING>;
  execInput: Call<typeof EXEC_INPUT>;
  runCronJob: Call<typeof RUN_CRONJOB>;
  drain: Call<typeof DRAIN>;
}

/** The functions the preload exposes, for the security test that nothing else leaks. */
export const BRIDGE_FUNCTIONS = [
  'clusterInfo',
  'list',
  'get',
  'create',
  'apply',
  'update',
  'patch',
  'delete',
  'scale',
  'events',
  'subscribe',
  'unsubscribe',
  'probes',
  'scheduling',
  'execInput',
  'runCronJob',
  'drain',
] as const satisfies readonly (keyof KubedeskBridge)[];
