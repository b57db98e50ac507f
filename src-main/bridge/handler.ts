// The contract's requests answered on top of the Engine, shared by the desktop IPC wiring and the
// WebSocket bridge: validation at the boundary (nothing from a renderer is trusted), Engine calls,
// and failures as Kubernetes Status data. Transport-independent: a transport opens one session per
// window or socket and closes it when that goes away, which stops every subscription it opened.
import type { ApiServer } from '../engine/apiserver/api-server.js';
import { applyManifests } from '../engine/apiserver/apply.js';
import { KINDS } from '../engine/api/registry.js';
import { StatusError } from '../engine/api/errors.js';
import type { KubeObject } from '../engine/api/types.js';
import {
  APPLY,
  CLUSTER_INFO,
  CREATE,
  DELETE,
  EVENTS,
  GET,
  LIST,
  PATCH,
  REQUEST_CHANNELS,
  SCALE,
  SUBSCRIBE,
  UNSUBSCRIBE,
  UPDATE,
  PROBES,
  SCHEDULING,
  EXEC_INPUT,
  RUN_CRONJOB,
  DRAIN,
  type ClusterInfo,
  type Reply,
  type RequestChannel,
  type RequestOf,
  type ResourceRef,
  type ResponseOf,
} from '../ipc/contract.js';
import { parseRequest } from '../ipc/schemas.js';
import { fromStatus, toErrorInfo } from './errors.js';
import { columnsOf, kindOf, rowOf } from './rows.js';
import { BridgeSession, type LogSource, type SubscriptionSink } from './session.js';
import { drainNode, probeHistory, runCronJob, schedulingDecision, type InspectSource } from './inspect.js';

/** What the bridge needs of the Engine (a real cluster through client-node can provide it too). */
export interface BridgeEngine {
  api: ApiServer;
  clock: { now(): number };
}

export interface BridgeOptions {
  engine: BridgeEngine;
  version: string;
  /** Pod logs, once a node agent provides them; without it `logs` subscriptions are refused. */
  logs?: LogSource;
  /** Probe history, exec and scheduling decisions (the node agents and the scheduler). */
  inspect?: InspectSource;
}

const FIELD_MANAGER = 'kubedesk';

type Handlers = { [C in RequestChannel]: (request: RequestOf<C>, session: BridgeSession) => Promise<ResponseOf<C>> };

export class BridgeHandler {
  readonly #opts: BridgeOptions;
  readonly #handlers: Handlers;

  constructor(opts: BridgeOptions) {
    this.#opts = opts;
    const api = opts.engine.api;
    const now = () => opts.engine.clock.now();
    this.#handlers = {
      [CLUSTER_INFO]: async () => this.#clusterInfo(),
      [LIST]: async ({ ref, labelSelector, fieldSelector }) => {
        const info = kindOf(ref);
        const list = await api.list(ref, { labelSelector, fieldSelector });
        const at = now();
        return {
          columns: columnsOf(info),
          rows: list.items.map((o) => rowOf(info, o, at)),
          resourceVersion: list.metadata.resourceVersion ?? '',
        };
      },
      [GET]: async ({ ref }) => api.get(ref),
      [CREATE]: async ({ ref, object }) =>
        api.create({ ...ref, name: undefined }, object, { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' }),
      [APPLY]: async ({ yaml, namespace, dryRun }) => {
        const results = await applyManifests(api, yaml, {
          namespace,
          dryRun: dryRun ? 'All' : undefined,
          fieldManager: FIELD_MANAGER,
        });
        return results.map(({ object: _object, error, ...rest }) =>
          error ? { ...rest, error: fromStatus(error) } : rest,
        );
      },
      [UPDATE]: async ({ ref, object }) =>
        api.update(ref, object, { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' }),
      [PATCH]: async ({ ref, patchType, patch }) =>
        api.patch(ref, patchType, patch, { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' }),
      [DELETE]: async ({ ref, propagationPolicy, gracePeriodSeconds }) => {
        const res = await api.delete(ref, { propagationPolicy, gracePeriodSeconds });
        return res.object ? { removed: res.removed, object: res.object } : { removed: res.removed };
      },
      [SCALE]: async ({ ref, replicas }) => {
        const info = kindOf(ref);
        if (!info.subresources.includes('scale')) {
          throw new StatusError(405, 'MethodNotAllowed', `${info.kind} has no scale subresource; it cannot be scaled`);
        }
        const scale = await api.update(
          { ...ref, subresource: 'scale' } as ResourceRef & { subresource: string },
          {
            apiVersion: 'autoscaling/v1',
            kind: 'Scale',
            metadata: { name: ref.name, namespace: ref.namespace },
            spec: { replicas },
          },
          { fieldManager: FIELD_MANAGER },
        );
        return { replicas: (scale.spec as { replicas?: number } | undefined)?.replicas ?? replicas };
      },
      [EVENTS]: async ({ ref, uid }) => {
        const info = kindOf(ref);
        const fields = [`involvedObject.kind=${info.kind}`, `involvedObject.name=${ref.name}`];
        if (uid) fields.push(`involvedObject.uid=${uid}`);
        const list = await api.list(
          { group: '', resource: 'events', namespace: info.namespaced ? ref.namespace : undefined },
          { fieldSelector: fields.join(',') },
        );
        return list.items.sort((a, b) => eventTime(a) - eventTime(b));
      },
      [SUBSCRIBE]: async (request, session) => {
        await session.open(request);
        return { id: request.id };
      },
      [UNSUBSCRIBE]: async ({ id }, session) => ({ stopped: session.close(id) }),
      [PROBES]: async ({ namespace, pod, container, since }) =>
        probeHistory(api, opts.inspect, namespace, pod, container, since),
      [SCHEDULING]: async ({ namespace, pod }) => schedulingDecision(api, opts.inspect, namespace, pod),
      [EXEC_INPUT]: async ({ id, ...frame }, session) => ({ accepted: session.input(id, frame) }),
      [RUN_CRONJOB]: async ({ namespace, name }) => runCronJob(api, now(), namespace, name),
      [DRAIN]: async ({ node }) => drainNode(api, node),
    };
  }

  /** A session per window or socket; `sink` receives its subscriptions' messages. */
  openSession(sink: SubscriptionSink): BridgeSession {
    return new BridgeSession(
      this.#opts.engine.api,
      () => this.#opts.engine.clock.now(),
      sink,
      this.#opts.logs,
      this.#opts.inspect,
    );
  }

  /** Validates and answers one request; never throws. */
  async request(channel: unknown, payload: unknown, session: BridgeSession): Promise<Reply<unknown>> {
    if (typeof channel !== 'string' || !(REQUEST_CHANNELS as readonly string[]).includes(channel)) {
      return {
        ok: false,
        error: { code: 404, reason: 'NotFound', message: `unknown channel ${JSON.stringify(channel)}`, causes: [] },
      };
    }
    try {
      const c = channel as RequestChannel;
      const request = parseRequest(c, payload);
      const handler = this.#handlers[c] as (r: unknown, s: BridgeSession) => Promise<unknown>;
      return { ok: true, result: await handler(request, session) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  #clusterInfo(): ClusterInfo {
    return {
      version: this.#opts.version,
      backend: 'embedded',
      kinds: KINDS.map((k) => ({
        group: k.group,
        version: k.version,
        kind: k.kind,
        resource: k.plural,
        namespaced: k.namespaced,
        shortNames: [...k.shortNames],
        verbs: [...k.verbs],
        subresources: [...k.subresources],
        columns: columnsOf(k),
      })),
      features: { logs: Boolean(this.#opts.logs) },
      now: new Date(this.#opts.engine.clock.now()).toISOString(),
    };
  }
}

function eventTime(e: KubeObject): number {
  const t = (e['lastTimestamp'] ?? e['eventTime'] ?? e.metadata.creationTimestamp) as string | undefined;
  return t ? Date.parse(t) : 0;
}
