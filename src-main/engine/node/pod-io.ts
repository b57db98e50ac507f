// What the API layers need from the node beyond objects: container logs (current and previous,
// follow, tail, since, timestamps, limitBytes — as kubelet's /containerLogs), exec sessions,
// probe history and metrics. Errors are Kubernetes Status errors with kubelet's wording.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Duplex } from 'node:stream';
import { badRequest, isStatusError, notFound } from '../api/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { Clock } from '../clock.js';
import type { ContainerRuntime, ContainerStatus, ExecSession, LogStream } from '../runtime/types.js';
import type { AgentContext } from './agent-context.js';
import type { MetricsPoint, MetricsSampler, NodeMetrics, PodMetrics } from './metrics.js';
import { groupByName, listPodContainers } from './pod-worker.js';
import type { ProbeRecord } from './probe-manager.js';
import { openPodPort } from './port-forward.js';

export interface LogRequest {
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339 */
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface LogReader extends AsyncIterable<Buffer> {
  /** Stop reading and release the runtime's stream. */
  close(): void;
}

export interface ExecRequest {
  command: string[];
  stdin?: boolean;
  tty?: boolean;
}

export interface PodIO {
  logs(namespace: string, pod: string, container: string | undefined, opts?: LogRequest): Promise<LogReader>;
  exec(namespace: string, pod: string, container: string | undefined, opts: ExecRequest): Promise<ExecSession>;
  probeHistory(namespace: string, pod: string, container?: string): ProbeRecord[];
  metrics(namespace?: string, pod?: string): { pods: PodMetrics[]; node: NodeMetrics };
  metricsHistory(namespace: string, pod: string): MetricsPoint[];
  /** A TCP stream to `port` on the pod's loopback (pods/portforward). */
  portForward(namespace: string, pod: string, port: number): Promise<Duplex>;
}

export function createPodIO(ctx: AgentContext, sampler: MetricsSampler): PodIO {
  return {
    async logs(namespace, name, container, opts = {}) {
      const { pod, cname } = await resolve(ctx.api, namespace, name, container);
      const list = groupByName(await listPodContainers(ctx, pod.metadata!.uid!)).get(cname) ?? [];
      const target = opts.previous ? list[1] : list[0];
      if (!target) {
        if (opts.previous) throw badRequest(`previous terminated container "${cname}" in pod "${name}" not found`);
        throw badRequest(`container "${cname}" in pod "${name}" is waiting to start: ContainerCreating`);
      }
      return openLogs(ctx.runtime, ctx.clock, target, opts);
    },
    async exec(namespace, name, container, opts) {
      const { pod, cname } = await resolve(ctx.api, namespace, name, container);
      const cur = groupByName(await listPodContainers(ctx, pod.metadata!.uid!)).get(cname)?.[0];
      if (!cur || cur.state !== 'running') {
        throw badRequest(`unable to upgrade connection: container not found ("${cname}")`);
      }
      return ctx.runtime.exec(cur.id, { command: opts.command, stdin: opts.stdin ?? false, tty: opts.tty ?? false });
    },
    probeHistory(namespace, name, container) {
      const pod = ctx.api.store.list('/pods', namespace).find((p) => p.metadata.name === name);
      if (!pod) return [];
      return ctx.probes.history(pod.metadata.uid!, container);
    },
    metrics: (namespace, pod) => sampler.metrics(namespace, pod),
    metricsHistory: (namespace, pod) => sampler.history(namespace, pod),
    portForward: (namespace, pod, port) => openPodPort(ctx, namespace, pod, port),
  };
}

async function resolve(
  api: ApiServer,
  namespace: string,
  name: string,
  container: string | undefined,
): Promise<{ pod: Pod; cname: string }> {
  let pod: Pod;
  try {
    pod = (await api.get({ group: '', resource: 'pods', namespace, name })) as Pod;
  } catch (err) {
    if (isStatusError(err) && err.code === 404) throw notFound('', 'pods', name);
    throw err;
  }
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  let cname = container;
  if (!cname) {
    if (pod.spec?.containers.length === 1) cname = pod.spec.containers[0].name;
    else
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${pod.spec?.containers.map((c) => c.name).join(' ')}]`,
      );
  }
  if (!all.includes(cname)) throw badRequest(`container ${cname} is not valid for pod ${name}`);
  return { pod, cname };
}

async function openLogs(
  runtime: ContainerRuntime,
  clock: Clock,
  target: ContainerStatus,
  opts: LogRequest,
): Promise<LogReader> {
  let sinceMs: number | undefined;
  if (opts.sinceSeconds !== undefined) sinceMs = clock.now() - opts.sinceSeconds * 1000;
  if (opts.sinceTime) {
    const t = Date.parse(opts.sinceTime);
    if (Number.isNaN(t)) throw badRequest(`sinceTime is not an RFC 3339 time: ${opts.sinceTime}`);
    sinceMs = t;
  }
  const stream: LogStream = await runtime.logs(target.id, {
    follow: opts.follow ?? false,
    ...(opts.tailLines !== undefined && opts.tailLines >= 0 ? { tail: opts.tailLines } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    timestamps: opts.timestamps ?? false,
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    stream.close();
  };
  const limit = opts.limitBytes && opts.limitBytes > 0 ? opts.limitBytes : Infinity;
  return {
    close,
    async *[Symbol.asyncIterator]() {
      let sent = 0;
      try {
        for await (const chunk of stream) {
          if (closed) break;
          let data = chunk.data;
          if (sent + data.length > limit) data = data.subarray(0, limit - sent);
          sent += data.length;
          if (data.length > 0) yield data;
          if (sent >= limit) break;
        }
      } finally {
        close();
      }
    },
  };
}
