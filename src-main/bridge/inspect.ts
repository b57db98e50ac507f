// The inspection channels of the contract, answered in main: a pod's probe history, the scheduler's
// decision for it, "run now" for a CronJob and `kubectl drain` for a node. What needs the node
// agents (probe history, exec) comes through an InspectSource, so the handler stays independent of
// how the cluster is assembled; a cluster without agents answers 503 with the reason.
import type { Pod } from 'kubernetes-types/core/v1';
import { StatusError, isStatusError } from '../engine/api/errors.js';
import type { KubeObject } from '../engine/api/types.js';
import type { ApiServer } from '../engine/apiserver/api-server.js';
import { runNow } from '../engine/controllers/cronjob/cronjob-util.js';
import type { ExecSession } from '../engine/runtime/types.js';
import type { SchedulingDecision } from '../engine/scheduler/decision.js';
import type { DrainResult, ExecRequest, ProbeAttempt, SchedulingDecisionInfo } from '../ipc/contract.js';

const FIELD_MANAGER = 'kubedesk';

/** What inspection needs beyond the API server: the node agents and the scheduler. */
export interface InspectSource {
  probeHistory(namespace: string, pod: string, container?: string): ProbeAttempt[];
  exec(request: ExecRequest): Promise<ExecSession>;
  why(namespace: string, pod: string): SchedulingDecision | undefined;
}

interface AgentLike {
  nodeName: string;
  io: {
    probeHistory(namespace: string, pod: string, container?: string): ProbeAttempt[];
    exec(
      namespace: string,
      pod: string,
      container: string | undefined,
      opts: { command: string[]; stdin?: boolean; tty?: boolean },
    ): Promise<ExecSession>;
  };
}

interface ClusterLike {
  engine: {
    api: ApiServer;
    controllers: { scheduler?: { why(ns: string, name: string): SchedulingDecision | undefined } } | null;
  };
  agent: AgentLike;
  simulated?: { agents(): AgentLike[] };
}

/** Inspection over a started cluster: the agent of the pod's node answers for its pods. */
export function clusterInspectSource(cluster: ClusterLike): InspectSource {
  const agents = (): AgentLike[] => [cluster.agent, ...(cluster.simulated?.agents() ?? [])];
  const agentFor = async (namespace: string, name: string): Promise<AgentLike> => {
    const pod = (await getPod(cluster.engine.api, namespace, name)) as Pod;
    const node = pod.spec?.nodeName;
    if (!node) throw new StatusError(400, 'BadRequest', `pod ${name} is not scheduled to a node yet`);
    return agents().find((a) => a.nodeName === node) ?? cluster.agent;
  };
  return {
    probeHistory: (namespace, pod, container) =>
      agents()
        .flatMap((a) => a.io.probeHistory(namespace, pod, container))
        .sort((a, b) => a.time.localeCompare(b.time)),
    async exec(request) {
      const agent = await agentFor(request.namespace, request.pod);
      const session = await agent.io.exec(request.namespace, request.pod, request.container, {
        command: request.command,
        stdin: true,
        tty: request.tty,
      });
      if (request.tty && request.cols && request.rows) await session.resize(request.cols, request.rows).catch(noop);
      return session;
    },
    why: (namespace, pod) => cluster.engine.controllers?.scheduler?.why(namespace, pod),
  };
}

function noop(): void {}

async function getPod(api: ApiServer, namespace: string, name: string): Promise<KubeObject> {
  return api.get({ group: '', resource: 'pods', namespace, name });
}

function unavailable(what: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', `${what} is not available: this engine runs no node agent.`);
}

export async function probeHistory(
  api: ApiServer,
  source: InspectSource | undefined,
  namespace: string,
  pod: string,
  container?: string,
  since?: string,
): Promise<ProbeAttempt[]> {
  await getPod(api, namespace, pod); // 404 for a pod that does not exist
  if (!source) throw unavailable('Probe history');
  const all = source.probeHistory(namespace, pod, container);
  if (!since) return all;
  const after = Date.parse(since);
  // Same-format strings compare in time order; a different format falls back to parsed times.
  return all.filter((a) => (a.time.length === since.length ? a.time > since : Date.parse(a.time) > after));
}

export async function schedulingDecision(
  api: ApiServer,
  source: InspectSource | undefined,
  namespace: string,
  pod: string,
): Promise<SchedulingDecisionInfo | null> {
  await getPod(api, namespace, pod);
  const d = source?.why(namespace, pod);
  if (!d) return null;
  return {
    pod: d.pod,
    time: d.time,
    attempt: d.attempt,
    result: d.result,
    ...(d.node ? { node: d.node } : {}),
    ...(d.message ? { message: d.message } : {}),
    nodes: { ...d.nodes },
    reasons: { ...d.reasons },
    failures: d.failures.map((f) => ({ node: f.node, plugin: f.plugin, reasons: [...f.reasons] })),
    scores: d.scores.map((s) => ({ node: s.node, total: s.total })),
  };
}

export async function runCronJob(api: ApiServer, now: number, namespace: string, name: string): Promise<KubeObject> {
  const cronJob = await api.get({ group: 'batch', resource: 'cronjobs', namespace, name });
  // Named to the millisecond, so two clicks in one second make two runs rather than a conflict.
  const suffix = `-manual-${now.toString(36)}`;
  const job = runNow(cronJob, now, `${name.slice(0, 52 - suffix.length)}${suffix}`);
  return api.create({ group: 'batch', resource: 'jobs', namespace }, job, { fieldManager: FIELD_MANAGER });
}

/**
 * `kubectl drain NODE --ignore-daemonsets --delete-emptydir-data`: mark the node unschedulable,
 * then evict its pods (an eviction is a graceful delete here: there are no PodDisruptionBudgets).
 * DaemonSet pods stay (their controller would put them straight back); so do pods already going.
 */
export async function drainNode(api: ApiServer, node: string): Promise<DrainResult> {
  await api.get({ group: '', resource: 'nodes', name: node });
  await api.patch(
    { group: '', resource: 'nodes', name: node },
    'merge',
    { spec: { unschedulable: true } },
    { fieldManager: FIELD_MANAGER },
  );
  // `node` is a validated object name (no "," or "="), so it is safe inside the selector.
  const pods = (await api.list({ group: '', resource: 'pods' }, { fieldSelector: `spec.nodeName=${node}` })).items;
  const result: DrainResult = { evicted: [], skipped: [] };
  for (const pod of pods) {
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.ownerReferences?.some((o) => o.controller && o.kind === 'DaemonSet')) {
      result.skipped.push({ pod: id, reason: 'managed by a DaemonSet' });
      continue;
    }
    if (pod.metadata.deletionTimestamp) {
      result.skipped.push({ pod: id, reason: 'already terminating' });
      continue;
    }
    try {
      await api.create(
        {
          group: '',
          resource: 'pods',
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          subresource: 'eviction',
        } as never,
        {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
        },
        { fieldManager: FIELD_MANAGER },
      );
      result.evicted.push(id);
    } catch (error) {
      if (isStatusError(error) && error.code === 404) continue; // gone meanwhile
      throw error;
    }
  }
  return result;
}
