// The scheduler (pkg/scheduler): takes pending pods with no node from its queue, filters the
// nodes, scores the feasible ones, assumes the pod on the best node at once (so the next pod sees
// the capacity taken) and binds through the `pods/binding` subresource in the background.
// Unschedulable pods get PodScheduled=False and a FailedScheduling event, and wait for a cluster
// change. Every attempt leaves a decision record, read with `why(namespace, name)`.
//
// Speed: node aggregates (requests, ports, pod count) are kept incrementally from pod events;
// each attempt looks at a bounded number of nodes (percentageOfNodesToScore, adaptive as
// upstream: 50% − nodes/125, at least 5% and 100 nodes), starting where the last attempt stopped.
// The pod-to-pod plugins (PodTopologySpread, InterPodAffinity) run after the per-node filters and
// do nothing for a pod without such terms unless a placed pod has anti-affinity; their per-domain
// counts come from PlacedPods' incrementally kept per-selector counts.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { deepCopy } from '../api/types.js';
import { rfc3339 } from '../clock.js';
import type { ControllerContext, Recorder } from '../controllers/framework/context.js';
import { NODES, PODS } from '../controllers/framework/context.js';
import type { Informer } from '../controllers/framework/informer.js';
import { isNotFound } from '../controllers/framework/util.js';
import type { TimerHandle } from '../clock.js';
import {
  MAX_RECORDED_FAILURES,
  MAX_RECORDED_SCORES,
  fitErrorMessage,
  type NodeScore,
  type SchedulingDecision,
} from './decision.js';
import { runFilters, type FilterFailure } from './filters.js';
import { filterInterPodAffinity, preFilterInterPodAffinity, scoreInterPodAffinity } from './inter-pod-affinity.js';
import { NodeInfo, podInfoOf, type PodInfo } from './node-info.js';
import { PlacedPods } from './placed-pods.js';
import { filterPodTopologySpread, preFilterPodTopologySpread, scorePodTopologySpread } from './pod-topology-spread.js';
import type { PodIdentity } from './pod-terms.js';
import { SchedulingQueue } from './queue.js';
import { pluginScoresAt, scoreNodes } from './scores.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
const FLUSH_INTERVAL_MS = 30_000;

export interface SchedulerOptions {
  schedulerName?: string;
  /** 0 (default) = adaptive, as kube-scheduler's default; 100 = every node. */
  percentageOfNodesToScore?: number;
  /** Decision records kept (oldest dropped first). */
  maxDecisions?: number;
  /** Milliseconds of scheduling per turn of the event loop before yielding to I/O. */
  sliceMs?: number;
}

/** Filters whose verdict depends on other pods: a pod placed elsewhere can change it. */
const POD_TO_POD_PLUGINS = new Set(['InterPodAffinity', 'PodTopologySpread']);

export class Scheduler {
  readonly schedulerName: string;
  #ctx: ControllerContext;
  #opts: Required<SchedulerOptions>;
  #recorder: Recorder;
  #pods: Informer;
  #nodesInformer: Informer;
  #nodes = new Map<string, NodeInfo>();
  #nodeList: NodeInfo[] | null = null;
  #podStates = new PlacedPods(this.#nodes);
  /** Parked pods that failed a pod-to-pod filter: retried when a pod is placed or relabelled. */
  #parkedOnPods = new Set<string>();
  #decisions = new Map<string, SchedulingDecision>();
  #queue: SchedulingQueue;
  #nextStart = 0;
  #pending = false;
  #inflight = new Set<Promise<unknown>>();
  #idleWaiters: (() => void)[] = [];
  #flushTimer: TimerHandle | null = null;
  #stopped = false;
  /** Pods bound since start (benchmarks). */
  scheduledCount = 0;

  constructor(ctx: ControllerContext, opts: SchedulerOptions = {}) {
    this.#ctx = ctx;
    this.#opts = {
      schedulerName: opts.schedulerName ?? DEFAULT_SCHEDULER_NAME,
      percentageOfNodesToScore: opts.percentageOfNodesToScore ?? 0,
      maxDecisions: opts.maxDecisions ?? 50_000,
      sliceMs: opts.sliceMs ?? 20,
    };
    this.schedulerName = this.#opts.schedulerName;
    this.#recorder = ctx.recorder(this.schedulerName);
    this.#queue = new SchedulingQueue(ctx.clock, () => this.#kick());
    this.#pods = ctx.informers.informer(PODS);
    this.#nodesInformer = ctx.informers.informer(NODES);
    this.#nodesInformer.addEventHandler({
      onAdd: (n) => this.#setNode(n),
      onUpdate: (_o, n) => this.#setNode(n),
      onDelete: (n) => this.#deleteNode(n),
    });
    this.#pods.addEventHandler({
      onAdd: (p) => this.#onPod(undefined, p),
      onUpdate: (o, p) => this.#onPod(o, p),
      onDelete: (p) => this.#onPodDeleted(p),
    });
  }

  /** Start the periodic retry of long-unschedulable pods (informers are started by the caller). */
  start(): void {
    const tick = () => {
      this.#queue.flushLeftover();
      this.#flushTimer = this.#ctx.clock.setTimer(tick, FLUSH_INTERVAL_MS);
    };
    this.#flushTimer = this.#ctx.clock.setTimer(tick, FLUSH_INTERVAL_MS);
  }

  stop(): void {
    this.#stopped = true;
    this.#flushTimer?.cancel();
    this.#queue.close();
  }

  /** True when nothing is queued to try and no bind or status write is in flight. */
  get idle(): boolean {
    return this.#queue.activeLength === 0 && !this.#pending && this.#inflight.size === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  /** The last scheduling decision for a pod: nodes that failed which filter, scores, time. */
  why(namespace: string, name: string): SchedulingDecision | undefined {
    return this.#decisions.get(`${namespace}/${name}`);
  }

  /** Pods waiting for a cluster change. */
  get unschedulableCount(): number {
    return this.#queue.unschedulableCount;
  }

  // --- cache ----------------------------------------------------------------------------------

  #nodeInfo(name: string): NodeInfo {
    let ni = this.#nodes.get(name);
    if (!ni) this.#nodes.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  #setNode(node: KubeObject): void {
    const ni = this.#nodeInfo(node.metadata.name!);
    const isNew = !ni.node;
    const changed = ni.setNode(node);
    // A new list on label changes too: plugins cache per-list topology domains.
    if (isNew || changed) this.#nodeList = null;
    // Heartbeats change nothing the filters read; only real changes retry parked pods.
    if (isNew || changed) this.#queue.moveAllUnschedulable();
  }

  #deleteNode(node: KubeObject): void {
    const ni = this.#nodes.get(node.metadata.name!);
    if (!ni) return;
    ni.node = undefined;
    if (ni.podCount === 0) this.#nodes.delete(ni.name);
    this.#nodeList = null;
  }

  #readyNodes(): NodeInfo[] {
    if (!this.#nodeList) this.#nodeList = [...this.#nodes.values()].filter((n) => n.node !== undefined);
    return this.#nodeList;
  }

  #account(key: string, pod: KubeObject, nodeName: string, assumed: boolean): void {
    const st = this.#podStates.get(key);
    const labels = pod.metadata.labels ?? {};
    if (st && st.node === nodeName) {
      st.assumed = assumed && st.assumed;
      if (this.#podStates.relabel(key, labels)) this.#retryParkedOnPods();
      return;
    }
    if (st) this.#unaccount(key);
    const info = podInfoOf(pod);
    this.#nodeInfo(nodeName).addPod(info);
    this.#podStates.set(key, { node: nodeName, info, assumed, namespace: info.namespace, labels });
    this.#retryParkedOnPods();
  }

  #retryParkedOnPods(): void {
    if (this.#parkedOnPods.size === 0) return;
    this.#parkedOnPods.clear();
    this.#queue.moveAllUnschedulable();
  }

  #unaccount(key: string): boolean {
    const st = this.#podStates.get(key);
    if (!st) return false;
    const ni = this.#nodes.get(st.node);
    ni?.removePod(st.info);
    if (ni && !ni.node && ni.podCount === 0) this.#nodes.delete(ni.name);
    this.#podStates.delete(key);
    return true;
  }

  #onPod(old: KubeObject | undefined, pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const spec = (pod as Pod).spec;
    const phase = (pod as Pod).status?.phase;
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    if (spec?.nodeName) {
      this.#queue.done(key);
      if (terminal) {
        // A finished pod holds no resources: room for the parked ones.
        if (this.#unaccount(key)) this.#queue.moveAllUnschedulable();
      } else this.#account(key, pod, spec.nodeName, false);
      return;
    }
    if (this.#podStates.has(key)) return; // assumed, bind in flight
    if (
      (spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== this.schedulerName ||
      pod.metadata.deletionTimestamp ||
      terminal
    ) {
      this.#queue.done(key);
      return;
    }
    // Our own status writes (PodScheduled=False) must not retry the pod; spec or label changes do.
    if (
      old &&
      this.#queue.has(key) &&
      old.metadata.generation === pod.metadata.generation &&
      JSON.stringify(old.metadata.labels ?? {}) === JSON.stringify(pod.metadata.labels ?? {})
    )
      return;
    this.#queue.add(key, spec?.priority ?? 0);
  }

  #onPodDeleted(pod: KubeObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    this.#queue.done(key);
    this.#decisions.delete(key);
    this.#parkedOnPods.delete(key);
    if (this.#unaccount(key)) this.#queue.moveAllUnschedulable();
  }

  // --- scheduling -----------------------------------------------------------------------------

  #kick(): void {
    if (this.#pending || this.#stopped) return;
    this.#pending = true;
    setImmediate(() => this.#run());
  }

  #run(): void {
    this.#pending = false;
    if (this.#stopped) return;
    const deadline = performance.now() + this.#opts.sliceMs;
    while (performance.now() < deadline) {
      const key = this.#queue.pop();
      if (key === undefined) break;
      this.#scheduleOne(key);
    }
    if (this.#queue.activeLength > 0) this.#kick();
    else this.#maybeIdle();
  }

  #maybeIdle(): void {
    if (!this.idle) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  /** numFeasibleNodesToFind */
  numFeasibleNodesToFind(numAllNodes: number): number {
    const pct0 = this.#opts.percentageOfNodesToScore;
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || pct0 >= 100) return numAllNodes;
    let pct = pct0;
    if (pct === 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.floor(numAllNodes / 125));
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.floor((numAllNodes * pct) / 100));
  }

  #scheduleOne(key: string): void {
    if (this.#queue.isStale(key)) return;
    const slash = key.indexOf('/');
    const pod = this.#pods.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pod || (pod as Pod).spec?.nodeName || pod.metadata.deletionTimestamp || this.#podStates.has(key)) {
      if (!this.#podStates.has(key)) this.#queue.done(key);
      return;
    }
    const info = podInfoOf(pod);
    const nodes = this.#readyNodes();
    const numAll = nodes.length;
    const now = this.#ctx.clock.now();
    const decision: SchedulingDecision = {
      pod: key,
      uid: pod.metadata.uid,
      time: rfc3339(now),
      attempt: this.#queue.attempts(key) + 1,
      result: 'Unschedulable',
      nodes: { total: numAll, evaluated: 0, feasible: 0 },
      reasons: {},
      failures: [],
      scores: [],
    };
    if (numAll === 0) {
      decision.message = ERR_NO_NODES_AVAILABLE;
      this.#unschedulable(pod, key, decision);
      return;
    }
    const self: PodIdentity = { namespace: info.namespace, labels: pod.metadata.labels ?? {} };
    const spread = preFilterPodTopologySpread(info, self, this.#podStates, nodes);
    const podAffinity = preFilterInterPodAffinity(info, self, this.#podStates);
    const toFind = this.numFeasibleNodesToFind(numAll);
    const feasible: NodeInfo[] = [];
    const failures: FilterFailure[] = [];
    let processed = 0;
    const start = this.#nextStart % numAll;
    for (let i = 0; i < numAll && feasible.length < toFind; i++) {
      const node = nodes[(start + i) % numAll];
      processed++;
      const f =
        runFilters(info, undefined, node) ??
        (spread && filterPodTopologySpread(spread, node)) ??
        (podAffinity && filterInterPodAffinity(podAffinity, node));
      if (!f) {
        feasible.push(node);
        continue;
      }
      failures.push(f);
      for (const r of f.reasons) decision.reasons[r] = (decision.reasons[r] ?? 0) + 1;
      if (decision.failures.length < MAX_RECORDED_FAILURES) {
        decision.failures.push({ node: node.name, plugin: f.plugin, reasons: f.reasons });
      }
    }
    this.#nextStart = (start + processed) % numAll;
    decision.nodes.evaluated = processed;
    decision.nodes.feasible = feasible.length;
    if (feasible.length === 0) {
      if (failures.some((f) => POD_TO_POD_PLUGINS.has(f.plugin))) this.#parkedOnPods.add(key);
      decision.message = fitErrorMessage(numAll, failures);
      this.#unschedulable(pod, key, decision);
      return;
    }
    const chosen = this.#selectHost(info, self, feasible, decision);
    this.#account(key, pod, chosen.name, true);
    decision.result = 'Scheduled';
    decision.node = chosen.name;
    this.#record(key, decision);
    this.#track(this.#bind(pod, key, chosen.name, decision));
  }

  /** Score and pick the best node; ties are broken at random, as upstream's selectHost does. */
  #selectHost(info: PodInfo, self: PodIdentity, feasible: NodeInfo[], decision: SchedulingDecision): NodeInfo {
    const scores = scoreNodes(info, feasible, {
      spread: scorePodTopologySpread(info, this.#podStates, this.#readyNodes(), feasible),
      podAffinity: scoreInterPodAffinity(info, self, this.#podStates, feasible),
    });
    let best = 0;
    let ties = 1;
    for (let i = 1; i < feasible.length; i++) {
      if (scores.total[i] > scores.total[best]) {
        best = i;
        ties = 1;
      } else if (scores.total[i] === scores.total[best]) {
        ties++;
        if (Math.random() * ties < 1) best = i;
      }
    }
    // Keep the top few for `why`, the chosen node first (a bounded insertion, not a full sort).
    const topIdx: number[] = [];
    for (let i = 0; i < feasible.length; i++) {
      if (i === best) continue;
      const t = scores.total[i];
      if (topIdx.length === MAX_RECORDED_SCORES - 1 && t <= scores.total[topIdx[topIdx.length - 1]]) continue;
      let j = topIdx.length;
      while (j > 0 && scores.total[topIdx[j - 1]] < t) j--;
      topIdx.splice(j, 0, i);
      if (topIdx.length > MAX_RECORDED_SCORES - 1) topIdx.pop();
    }
    const top: NodeScore[] = [best, ...topIdx].map((i) => ({
      node: feasible[i].name,
      total: scores.total[i],
      plugins: pluginScoresAt(scores, i),
    }));
    decision.scores = top;
    return feasible[best];
  }

  async #bind(pod: KubeObject, key: string, node: string, decision: SchedulingDecision): Promise<void> {
    const { namespace, name } = pod.metadata;
    try {
      await this.#ctx.api.create(
        { group: '', resource: 'pods', namespace, name, subresource: 'binding' },
        {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        },
      );
    } catch (err) {
      // Forget the assumed pod and retry after backoff (the pod may be gone: then nothing to do).
      this.#unaccount(key);
      decision.result = 'BindingFailed';
      decision.message = (err as Error).message;
      if (isNotFound(err) || !this.#pods.get(namespace, name!)) {
        this.#queue.done(key);
        return;
      }
      this.#queue.failed(key, false);
      void this.#recorder.event(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${(err as Error).message}`);
      return;
    }
    this.scheduledCount++;
    this.#queue.done(key);
    void this.#recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
  }

  #unschedulable(pod: KubeObject, key: string, decision: SchedulingDecision): void {
    this.#queue.failed(key, true);
    this.#record(key, decision);
    const message = decision.message!;
    void this.#recorder.event(pod, 'Warning', 'FailedScheduling', message);
    this.#track(this.#setUnschedulableCondition(pod, message));
  }

  /** PodScheduled=False, reason Unschedulable — written only when the message changes. */
  async #setUnschedulableCondition(pod: KubeObject, message: string): Promise<void> {
    const key = `/pods/${pod.metadata.namespace}/${pod.metadata.name}`;
    const latest = this.#ctx.api.store.get(key);
    if (!latest || latest.metadata.uid !== pod.metadata.uid || (latest as Pod).spec?.nodeName) return;
    const conditions: PodCondition[] = (latest as Pod).status?.conditions ?? [];
    const old = conditions.find((c) => c.type === 'PodScheduled');
    if (old && old.status === 'False' && old.reason === 'Unschedulable' && old.message === message) return;
    const cond: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null as unknown as undefined,
      lastTransitionTime: old?.status === 'False' ? old.lastTransitionTime : rfc3339(this.#ctx.clock.now()),
      reason: 'Unschedulable',
      message,
    };
    const body = deepCopy(latest);
    body.status = {
      ...((latest as Pod).status ?? {}),
      conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), cond],
    };
    try {
      await this.#ctx.api.update(
        {
          group: '',
          resource: 'pods',
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          subresource: 'status',
        },
        body,
      );
    } catch (err) {
      // Gone or changed meanwhile: the next attempt writes the condition again.
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
    }
  }

  #record(key: string, d: SchedulingDecision): void {
    this.#decisions.delete(key);
    this.#decisions.set(key, d);
    if (this.#decisions.size > this.#opts.maxDecisions) {
      this.#decisions.delete(this.#decisions.keys().next().value!);
    }
  }

  #track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => {
      console.error(`scheduler: ${(err as Error).message}`);
    });
    this.#inflight.add(tracked);
    void tracked.then(() => {
      this.#inflight.delete(tracked);
      this.#maybeIdle();
    });
  }
}
