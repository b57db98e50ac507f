// pods/portforward on the node: find the pod's sandbox and a running container, and ask the
// runtime for a stream to the port on the pod's loopback. Errors are Status errors worded as the
// kubelet words them, so kubectl shows what it shows against a real cluster.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Duplex } from 'node:stream';
import { badRequest, isStatusError, notFound, StatusError } from '../api/errors.js';
import { LABEL_CLUSTER, LABEL_POD_UID, LABEL_ROLE } from '../runtime/types.js';
import type { AgentContext } from './agent-context.js';
import { listPodContainers } from './pod-worker.js';

export async function openPodPort(ctx: AgentContext, namespace: string, name: string, port: number): Promise<Duplex> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port ${port}: must be 1-65535`);
  let pod: Pod;
  try {
    pod = (await ctx.api.get({ group: '', resource: 'pods', namespace, name })) as Pod;
  } catch (err) {
    if (isStatusError(err) && err.code === 404) throw notFound('', 'pods', name);
    throw err;
  }
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') {
    throw badRequest(`unable to forward port because pod is not running. Current status=${phase}`);
  }
  if (pod.spec?.nodeName && pod.spec.nodeName !== ctx.nodeName) {
    throw new StatusError(
      400,
      'BadRequest',
      `pod ${name} runs on node ${pod.spec.nodeName}, which has no containers to forward to (port-forward reaches pods on ${ctx.nodeName})`,
    );
  }
  if (!ctx.runtime.openPodPort) {
    throw new StatusError(
      400,
      'BadRequest',
      `port-forward is not available on the ${ctx.runtime.type} runtime: its pods run no processes`,
    );
  }
  const uid = pod.metadata!.uid!;
  const sandbox = (await ctx.runtime.listSandboxes({ [LABEL_POD_UID]: uid, [LABEL_CLUSTER]: ctx.clusterId })).find(
    (s) => s.state === 'ready',
  );
  if (!sandbox) throw badRequest(`unable to forward port: pod ${name} has no running sandbox`);
  const running = (await listPodContainers(ctx, uid)).find(
    (c) => c.state === 'running' && c.labels[LABEL_ROLE] === 'app',
  );
  return ctx.runtime.openPodPort(sandbox, port, running?.id);
}
