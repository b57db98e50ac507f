// Pod termination (kubelet killPod / podWorkers' terminating state): when the API server marks a
// pod with deletionTimestamp, every running container gets Killing, its preStop hook, SIGTERM and
// SIGKILL once the grace period (deletionGracePeriodSeconds, counted from when the agent saw the
// deletion) runs out; then containers, sandbox and the pod's volume directories go, and the pod is
// deleted with grace 0 — the kubelet's confirmation that nothing of it still runs.
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../runtime/types.js';
import { EventReason } from './constants.js';
import { runHook } from './hooks.js';
import { groupByName, listPodContainers } from './pod-worker.js';
import { containerFieldPath } from './util.js';
import type { AgentContext, PodState } from './agent-context.js';

export async function terminatePod(ctx: AgentContext, pod: Pod & KubeObject, state: PodState): Promise<void> {
  const uid = pod.metadata.uid!;
  const now = ctx.clock.now();
  state.terminatingSince ??= now;
  const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  const left = Math.max(0, grace - Math.floor((now - state.terminatingSince) / 1000));
  ctx.probes.removePod(uid);
  const sandboxes = await ctx.runtime.listSandboxes({ [LABEL_POD_UID]: uid, [LABEL_CLUSTER]: ctx.clusterId });
  const ports = sandboxes.find((s) => s.state === 'ready')?.ports ?? [];
  const byName = groupByName(await listPodContainers(ctx, uid));
  const specs = new Map<string, Container>(
    [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]),
  );
  await Promise.all(
    [...byName].flatMap(([name, list]) =>
      list
        .filter((c) => c.state === 'running')
        .map(async (cur) => {
          const c = specs.get(name);
          void ctx.recorder.event(
            pod,
            'Normal',
            EventReason.Killing,
            `Stopping container ${name}`,
            containerFieldPath(pod, name),
          );
          const t0 = ctx.clock.now();
          if (c?.lifecycle?.preStop) {
            const failed = await runHook(
              'PreStop',
              c.lifecycle.preStop,
              { runtime: ctx.runtime, pod, container: c, containerId: cur.id, ports },
              left * 1000,
            );
            if (failed)
              void ctx.recorder.event(
                pod,
                'Warning',
                EventReason.FailedPreStopHook,
                failed,
                containerFieldPath(pod, name),
              );
          }
          const rest = Math.max(0, left - Math.floor((ctx.clock.now() - t0) / 1000));
          await ctx.runtime.stopContainer(cur.id, rest);
        }),
    ),
  );
  await removePodResources(ctx, uid);
  try {
    await ctx.api.delete(
      { group: '', resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name },
      { gracePeriodSeconds: 0, preconditions: { uid } },
    );
  } catch (err) {
    if (!(isStatusError(err) && (err.code === 404 || err.code === 409))) throw err;
  }
}

/** Stop and remove everything the runtime holds for a pod, and its volume directories. */
export async function removePodResources(ctx: AgentContext, uid: string, stopTimeoutSeconds = 0): Promise<void> {
  const containers = await listPodContainers(ctx, uid);
  await Promise.all(
    containers.map(async (c) => {
      if (c.state === 'running') await ctx.runtime.stopContainer(c.id, stopTimeoutSeconds);
      await ctx.runtime.removeContainer(c.id).catch(() => undefined);
    }),
  );
  for (const s of await ctx.runtime.listSandboxes({ [LABEL_POD_UID]: uid, [LABEL_CLUSTER]: ctx.clusterId })) {
    await ctx.runtime.stopSandbox(s.id, 0).catch(() => undefined);
    await ctx.runtime.removeSandbox(s.id).catch(() => undefined);
  }
  await ctx.volumes.tearDown(uid);
  ctx.probes.removePod(uid, true);
  ctx.images.forgetPod(uid);
  ctx.backoff.resetPrefix(`${uid}/`);
  ctx.sandboxBackoff.reset(uid);
}
