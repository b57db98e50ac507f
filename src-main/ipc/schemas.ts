// One schema per request channel and subscription topic, used by main for IPC and the WebSocket
// alike (src-main/bridge/handler.ts). Nothing the renderer sends is trusted: sizes are bounded,
// unknown fields rejected, names limited to what Kubernetes names can be.
import {
  APPLY,
  CLUSTER_INFO,
  CREATE,
  DELETE,
  EVENTS,
  GET,
  LIST,
  OPEN_PORT,
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
  ROLLOUT_HISTORY,
  ROLLOUT_DIFF,
  ROLLOUT_ACTION,
  SCALING_HISTORY,
  METRICS_HISTORY,
  LOCAL_IMAGES,
  REPLICA_HISTORY,
  type LogsRequest,
  type RequestChannel,
  type RequestOf,
  type ResourceRef,
  type SubscribeRequest,
  type WatchRequest,
} from './contract.js';
import {
  boolean,
  describeValue,
  integer,
  isPlainObject,
  json,
  object,
  oneOf,
  optional,
  SchemaError,
  string,
  type Schema,
} from './validate.js';
import { CONTAINER, NAME, NAMESPACE, SUBSCRIPTION_ID } from './fields.js';
import {
  drainRequest,
  execInput,
  execRequest,
  probesRequest,
  runCronJobRequest,
  schedulingRequest,
} from './inspect-schemas.js';

const GROUP = string({ max: 253, pattern: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, patternName: 'an API group' });
const VERSION = string({ min: 1, max: 20, pattern: /^v[0-9]+((alpha|beta)[0-9]+)?$/, patternName: 'an API version' });
const RESOURCE = string({ min: 1, max: 63, pattern: /^[a-z][a-z0-9]*$/, patternName: 'a plural resource name' });
const SELECTOR = string({ max: 4096, pattern: /^[^\n\r\0]*$/, patternName: 'a one-line selector' });
const BODY = json({ maxBytes: 3 * 1024 * 1024, maxDepth: 64 });

export const resourceRef: Schema<ResourceRef> = object({
  group: GROUP,
  version: optional(VERSION),
  resource: RESOURCE,
  namespace: optional(NAMESPACE),
  name: optional(NAME),
});

const namedRef: Schema<ResourceRef> = {
  parse(value, field = 'ref') {
    const ref = resourceRef.parse(value, field);
    if (!ref.name) throw new SchemaError(`${field}.name`, 'required value is missing');
    return ref;
  },
};

const kubeObject = {
  parse(value: unknown, field = 'object') {
    const body = BODY.parse(value, field);
    if (!isPlainObject(body)) throw new SchemaError(field, 'expected a Kubernetes object');
    if (typeof body.apiVersion !== 'string') throw new SchemaError(`${field}.apiVersion`, 'required value is missing');
    if (typeof body.kind !== 'string') throw new SchemaError(`${field}.kind`, 'required value is missing');
    if (!isPlainObject(body.metadata)) throw new SchemaError(`${field}.metadata`, 'expected an object');
    return body as RequestOf<typeof CREATE>['object'];
  },
};

export const watchRequest: Schema<WatchRequest> = object({
  ref: resourceRef,
  labelSelector: optional(SELECTOR),
  fieldSelector: optional(SELECTOR),
  summary: optional(boolean()),
});

export const logsRequest: Schema<LogsRequest> = object({
  namespace: NAMESPACE,
  pod: NAME,
  container: optional(CONTAINER),
  follow: boolean(),
  previous: boolean(),
  timestamps: boolean(),
  tailLines: optional(integer(0, 10_000_000)),
  sinceSeconds: optional(integer(1, 10 * 365 * 24 * 3600)),
});

const subscribeRequest: Schema<SubscribeRequest> = {
  parse(value, field = 'request') {
    const head = object({
      id: SUBSCRIPTION_ID,
      topic: oneOf(['watch', 'logs', 'exec']),
      args: json({ maxBytes: 64 * 1024, maxDepth: 8 }),
    }).parse(value, field);
    if (head.topic === 'watch')
      return { id: head.id, topic: 'watch', args: watchRequest.parse(head.args, `${field}.args`) };
    if (head.topic === 'exec')
      return { id: head.id, topic: 'exec', args: execRequest.parse(head.args, `${field}.args`) };
    return { id: head.id, topic: 'logs', args: logsRequest.parse(head.args, `${field}.args`) };
  },
};

/** A list of pod names, bounded so one request cannot ask for everything at once. */
const POD_NAMES: Schema<string[]> = {
  parse(value, field = 'pods') {
    if (!Array.isArray(value))
      throw new SchemaError(field, `expected a list of pod names, got ${describeValue(value)}`);
    if (value.length > 1000) throw new SchemaError(field, `at most 1000 pods per request, got ${value.length}`);
    return value.map((v, i) => NAME.parse(v, `${field}[${i}]`));
  },
};
const REVISION = integer(1, 2 ** 31 - 1);

const WORKLOAD_SCHEMAS = {
  [ROLLOUT_HISTORY]: object({ ref: namedRef }),
  [ROLLOUT_DIFF]: object({ ref: namedRef, from: REVISION, to: REVISION }),
  [ROLLOUT_ACTION]: object({
    ref: namedRef,
    action: oneOf(['pause', 'resume', 'restart', 'undo']),
    toRevision: optional(integer(0, 2 ** 31 - 1)),
  }),
  [SCALING_HISTORY]: object({ namespace: NAMESPACE, name: NAME }),
  [METRICS_HISTORY]: object({ namespace: NAMESPACE, pods: POD_NAMES }),
  [LOCAL_IMAGES]: object({}),
  [REPLICA_HISTORY]: object({ ref: namedRef }),
} satisfies { [C in WorkloadChannel]: Schema<RequestOf<C>> };

type WorkloadChannel =
  | typeof ROLLOUT_HISTORY
  | typeof ROLLOUT_DIFF
  | typeof ROLLOUT_ACTION
  | typeof SCALING_HISTORY
  | typeof METRICS_HISTORY
  | typeof LOCAL_IMAGES
  | typeof REPLICA_HISTORY;

export const REQUEST_SCHEMAS: { [C in RequestChannel]: Schema<RequestOf<C>> } = {
  [CLUSTER_INFO]: object({}) as Schema<RequestOf<typeof CLUSTER_INFO>>,
  [LIST]: object({ ref: resourceRef, labelSelector: optional(SELECTOR), fieldSelector: optional(SELECTOR) }),
  [GET]: object({ ref: namedRef }),
  [CREATE]: object({ ref: resourceRef, object: kubeObject }),
  [APPLY]: object({
    yaml: string({ min: 1, max: 5 * 1024 * 1024 }),
    namespace: optional(NAMESPACE),
    dryRun: optional(boolean()),
  }),
  [UPDATE]: object({ ref: namedRef, object: kubeObject }),
  [PATCH]: object({ ref: namedRef, patchType: oneOf(['json', 'merge', 'strategic']), patch: BODY }),
  [DELETE]: object({
    ref: namedRef,
    propagationPolicy: optional(oneOf(['Background', 'Foreground', 'Orphan'])),
    gracePeriodSeconds: optional(integer(0, 24 * 3600)),
  }),
  [SCALE]: object({ ref: namedRef, replicas: integer(0, 100_000) }),
  [EVENTS]: object({ ref: namedRef, uid: optional(string({ max: 64, pattern: /^[a-f0-9-]*$/ })) }),
  [SUBSCRIBE]: subscribeRequest,
  [UNSUBSCRIBE]: object({ id: SUBSCRIPTION_ID }),
  [PROBES]: probesRequest,
  [SCHEDULING]: schedulingRequest,
  [EXEC_INPUT]: execInput,
  [RUN_CRONJOB]: runCronJobRequest,
  [DRAIN]: drainRequest,
  [OPEN_PORT]: object({
    namespace: NAMESPACE,
    kind: oneOf(['Pod', 'Service']),
    name: NAME,
    port: integer(1, 65535),
  }),
  ...WORKLOAD_SCHEMAS,
};

/** Parses a request for `channel`, throwing a SchemaError that names the failing field. */
export function parseRequest<C extends RequestChannel>(channel: C, value: unknown): RequestOf<C> {
  return REQUEST_SCHEMAS[channel].parse(value, 'request');
}
