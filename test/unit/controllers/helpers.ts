// Shared set-up for controller and scheduler tests: an engine on a fake clock, the controllers
// started over it, and "fake kubelet" helpers that write pod status through /status as a node
// agent would (upstream controller tests do the same with fake clients).
import { Engine } from '../../../src-main/engine/index.js';
import { FakeClock, rfc3339 } from '../../../src-main/engine/clock.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { deepCopy } from '../../../src-main/engine/api/types.js';
import type { ApiServer } from '../../../src-main/engine/apiserver/api-server.js';
import { EventRecorder } from '../../../src-main/engine/controllers/events.js';
import {
  startControllers,
  type RunningControllers,
  type StartControllersOptions,
} from '../../../src-main/engine/controllers/index.js';

export interface Harness {
  engine: Engine;
  clock: FakeClock;
  api: ApiServer;
  ctrl: RunningControllers;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function harness(
  opts: StartControllersOptions = {},
  api?: (engine: Engine) => ApiServer,
): Promise<Harness> {
  const clock = new FakeClock();
  const engine = await Engine.start({ clock });
  const a = api ? api(engine) : engine.api;
  const ctrl = startControllers(
    { api: a, store: engine.store, clock, recorder: (c) => new EventRecorder(a, c) },
    { scheduler: false, nodeLifecycle: false, hpa: false, ...opts },
  );
  return {
    engine,
    clock,
    api: a,
    ctrl,
    settle: () => ctrl.whenIdle(),
    stop: async () => {
      ctrl.stop();
      await engine.stop();
    },
  };
}

export const podsRef = (namespace = 'default', name?: string, subresource?: string) => ({
  group: '',
  resource: 'pods',
  namespace,
  name,
  subresource,
});
export const rsRef = (namespace = 'default', name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'replicasets',
  namespace,
  name,
  subresource,
});
export const deployRef = (namespace = 'default', name?: string, subresource?: string) => ({
  group: 'apps',
  resource: 'deployments',
  namespace,
  name,
  subresource,
});
export const nodeRef = (name?: string, subresource?: string) => ({ group: '', resource: 'nodes', name, subresource });

export function pods(h: Harness, ns = 'default'): KubeObject[] {
  return h.engine.store.list('/pods', ns);
}

export function replicaSets(h: Harness, ns = 'default'): KubeObject[] {
  return h.engine.store.list('apps/replicasets', ns);
}

export function get(h: Harness, key: string): KubeObject | undefined {
  return h.engine.store.get(key);
}

export function isReady(pod: KubeObject): boolean {
  const conds = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** What a kubelet reports for a started pod: Running, and Ready since now. */
export async function markReady(h: Harness, pod: KubeObject, ready = true): Promise<void> {
  const latest = h.engine.store.get(`/pods/${pod.metadata.namespace}/${pod.metadata.name}`);
  if (!latest) return;
  const body = deepCopy(latest);
  const now = rfc3339(h.clock.now());
  const others = ((latest.status as { conditions?: { type: string }[] })?.conditions ?? []).filter(
    (c) => c.type !== 'Ready' && c.type !== 'ContainersReady',
  );
  body.status = {
    ...(latest.status as object),
    phase: 'Running',
    conditions: [
      ...others,
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now },
    ],
  };
  await h.api.update(podsRef(pod.metadata.namespace, pod.metadata.name, 'status'), body);
}

export async function markAllReady(h: Harness, ns = 'default'): Promise<number> {
  let n = 0;
  for (const p of pods(h, ns)) {
    if (!isReady(p) && !p.metadata.deletionTimestamp) {
      await markReady(h, p);
      n++;
    }
  }
  return n;
}

/** Bind a pod to a node (so that deleting it is graceful, as for a real kubelet). */
export async function bind(h: Harness, pod: KubeObject, node = 'kubedesk'): Promise<void> {
  await h.api.create(podsRef(pod.metadata.namespace, pod.metadata.name, 'binding'), { target: { name: node } });
}

/** The kubelet's side of graceful deletion: containers stopped, pod removed. */
export async function reapTerminating(h: Harness, ns = 'default'): Promise<number> {
  let n = 0;
  for (const p of pods(h, ns)) {
    if (!p.metadata.deletionTimestamp) continue;
    await h.api.delete(podsRef(ns, p.metadata.name), { gracePeriodSeconds: 0 });
    n++;
  }
  return n;
}

export function events(h: Harness, reason?: string): { reason: string; message: string; type: string; name: string }[] {
  return h.engine.store
    .list('/events')
    .map((e) => ({
      reason: e.reason as string,
      message: e.message as string,
      type: e.type as string,
      name: (e.involvedObject as { name: string }).name,
    }))
    .filter((e) => !reason || e.reason === reason);
}

export function deployment(
  name: string,
  o: {
    replicas?: number;
    image?: string;
    strategy?: unknown;
    minReadySeconds?: number;
    progressDeadlineSeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, annotations: o.annotations },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: labels },
      strategy: o.strategy,
      minReadySeconds: o.minReadySeconds,
      progressDeadlineSeconds: o.progressDeadlineSeconds,
      revisionHistoryLimit: o.revisionHistoryLimit,
      paused: o.paused,
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: o.image ?? 'nginx:1.25' }] } },
    },
  };
}

export function replicaSet(
  name: string,
  replicas: number,
  o: { minReadySeconds?: number; labels?: Record<string, string> } = {},
): KubeObject {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      minReadySeconds: o.minReadySeconds,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } },
    },
  };
}
