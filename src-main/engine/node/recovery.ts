// Crash-only recovery (DESIGN.md "Level-triggered, crash-only"): at start the agent lists what
// the runtime holds for this cluster. Containers and sandboxes of pods that still exist and are
// bound here are adopted as they are — the pod workers find them by label and neither restart nor
// duplicate them; those of pods that are gone are removed, with their volume directories. The
// back-off of crash-looping containers is rebuilt from their attempt label, so a restart of the
// app does not turn a crash loop into a tight loop.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../runtime/types.js';
import { delayForAttempt } from './backoff.js';
import { attemptOf } from './pod-status.js';
import { groupByName } from './pod-worker.js';
import type { AgentContext } from './agent-context.js';

export interface RecoveryResult {
  adoptedContainers: number;
  removedContainers: number;
  removedSandboxes: number;
}

export async function recover(ctx: AgentContext, podUids: Set<string>, dataDir: string): Promise<RecoveryResult> {
  const { runtime } = ctx;
  const result: RecoveryResult = { adoptedContainers: 0, removedContainers: 0, removedSandboxes: 0 };
  const containers = await runtime.listContainers({ [LABEL_CLUSTER]: ctx.clusterId });
  const sandboxes = await runtime.listSandboxes({ [LABEL_CLUSTER]: ctx.clusterId });
  const sandboxIds = new Set(sandboxes.map((s) => s.id));
  const kept = new Map<string, typeof containers>();
  for (const c of containers) {
    if (sandboxIds.has(c.id)) continue;
    const uid = c.labels[LABEL_POD_UID];
    if (uid && podUids.has(uid)) {
      let list = kept.get(uid);
      if (!list) kept.set(uid, (list = []));
      list.push(c);
      result.adoptedContainers++;
      continue;
    }
    if (c.state === 'running') await runtime.stopContainer(c.id, 0).catch(() => undefined);
    await runtime.removeContainer(c.id).catch(() => undefined);
    result.removedContainers++;
  }
  for (const s of sandboxes) {
    if (podUids.has(s.labels[LABEL_POD_UID] ?? s.podUid)) continue;
    await runtime.stopSandbox(s.id, 0).catch(() => undefined);
    await runtime.removeSandbox(s.id).catch(() => undefined);
    result.removedSandboxes++;
  }
  // Back-off: a container that restarted n times waits what the n-th restart set, from its end.
  for (const [uid, list] of kept) {
    for (const [name, group] of groupByName(list)) {
      const cur = group[0];
      const attempt = attemptOf(cur);
      if (cur.state === 'exited' && attempt > 0) {
        ctx.backoff.set(`${uid}/${name}`, delayForAttempt(attempt), cur.finishedAt ?? ctx.clock.now());
      }
    }
  }
  const podsDir = path.join(dataDir, 'pods');
  for (const entry of await fsp.readdir(podsDir).catch(() => [] as string[])) {
    if (!podUids.has(entry)) await fsp.rm(path.join(podsDir, entry), { recursive: true, force: true });
  }
  return result;
}
