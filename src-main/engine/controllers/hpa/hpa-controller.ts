// The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go): every
// 15 s each HPA reads its target's scale subresource, measures the target's pods through the
// injected MetricsSource, computes the replica count its metrics ask for (replica-calculator.ts),
// stabilizes and rate-limits it (behavior.ts), writes the new count through `scale`, and reports
// conditions, current metrics and a SuccessfulRescale event. HPAs are stored as autoscaling/v2;
// the API server converts v1 on the way in and out.
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricStatus,
} from 'kubernetes-types/autoscaling/v2';
import type { KubeObject } from '../../api/types.js';
import { parseLabelSelector } from '../../api/selectors/index.js';
import { rfc3339, type TimerHandle } from '../../clock.js';
import { Controller } from '../framework/controller.js';
import { keyOf, splitKey, type Informer } from '../framework/informer.js';
import { PODS, type ControllerContext, type Recorder } from '../framework/context.js';
import { isNotFound } from '../framework/util.js';
import {
  effectiveRules,
  newBehaviorState,
  normalizeWithBehaviors,
  storeScaleEvent,
  type BehaviorState,
} from './behavior.js';
import { ScalingHistory, type ScalingRecord } from './history.js';
import { computeReplicasForMetrics, type MetricsOutcome } from './metric-replicas.js';
import type { MetricsSource } from './metrics-source.js';

export const HPAS = 'autoscaling/horizontalpodautoscalers';
/** --horizontal-pod-autoscaler-sync-period */
export const HPA_SYNC_PERIOD_MS = 15_000;

type HPA = HorizontalPodAutoscaler & KubeObject;
type Condition = Omit<HorizontalPodAutoscalerCondition, 'lastTransitionTime'>;

export interface HPAControllerOptions {
  syncPeriodMs?: number;
  /** Scaling history entries kept per HPA. */
  historyLimit?: number;
}

export class HorizontalPodAutoscalerController extends Controller {
  readonly metrics: MetricsSource;
  #ctx: ControllerContext;
  #hpaInformer: Informer;
  #podInformer: Informer;
  #recorder: Recorder;
  #syncPeriodMs: number;
  #state = new Map<string, BehaviorState>();
  #timers = new Map<string, TimerHandle>();
  #history: ScalingHistory;
  #stopped = false;

  constructor(ctx: ControllerContext, metrics: MetricsSource, opts: HPAControllerOptions = {}) {
    super('horizontal-pod-autoscaler', ctx.clock, { workers: ctx.workers });
    this.#ctx = ctx;
    this.metrics = metrics;
    this.#recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.#syncPeriodMs = opts.syncPeriodMs ?? HPA_SYNC_PERIOD_MS;
    this.#history = new ScalingHistory(opts.historyLimit);
    this.#hpaInformer = ctx.informers.informer(HPAS);
    this.#podInformer = ctx.informers.informer(PODS);
    this.#hpaInformer.addEventHandler({
      onAdd: (hpa) => this.enqueue(keyOf(hpa)),
      // Our own status writes must not cause extra syncs: they would add recommendations off the
      // 15 s beat. A spec change is worth an immediate pass.
      onUpdate: (old, hpa) => {
        if (old.metadata.generation !== hpa.metadata.generation) this.enqueue(keyOf(hpa));
      },
      onDelete: (hpa) => this.enqueue(keyOf(hpa)),
    });
  }

  /** Nothing to start beyond the informers: each HPA schedules its own 15 s resync. */
  start(): void {}

  override stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    super.stop();
  }

  /** The scaling decisions made for an HPA, oldest first. */
  history(namespace: string, name: string): ScalingRecord[] {
    return this.#history.get(`${namespace}/${name}`);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.#hpaInformer.get(namespace, name) as HPA | undefined;
    if (!hpa) {
      this.#timers.get(key)?.cancel();
      this.#timers.delete(key);
      this.#state.delete(key);
      this.#history.forget(key);
      return;
    }
    this.#scheduleResync(key);
    await this.#reconcile(key, hpa);
  }

  #scheduleResync(key: string): void {
    if (this.#stopped) return;
    this.#timers.get(key)?.cancel();
    this.#timers.set(
      key,
      this.clock.setTimer(() => {
        this.#timers.delete(key);
        this.enqueue(key);
      }, this.#syncPeriodMs),
    );
  }

  /** reconcileAutoscaler */
  async #reconcile(key: string, hpa: HPA): Promise<void> {
    const spec = hpa.spec!;
    const now = this.clock.now();
    // Start from the conditions already there: a pass that does not evaluate metrics (the target
    // is outside min/max) leaves ScalingActive and ScalingLimited as they were, as upstream does.
    const conditions: Condition[] = (hpa.status?.conditions ?? []).map(({ type, status, reason, message }) => ({
      type,
      status,
      reason,
      message,
    }));
    const setCondition = (type: string, status: string, reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const c = { type, status, reason, message };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    const ref = this.#scaleRef(hpa);
    let scale: KubeObject;
    try {
      scale = await this.#ctx.api.get(ref);
    } catch (err) {
      const message = (err as Error).message;
      setCondition(
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${message}`,
      );
      void this.#recorder.event(hpa, 'Warning', 'FailedGetScale', message);
      await this.#writeStatus(hpa, { ...hpa.status, desiredReplicas: hpa.status?.desiredReplicas ?? 0 }, conditions);
      return;
    }
    setCondition(
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    const currentReplicas = (scale.spec as { replicas?: number }).replicas ?? 0;
    const minReplicas = spec.minReplicas ?? 1;
    const maxReplicas = spec.maxReplicas;
    let desired = 0;
    let reason = '';
    let rescale = true;
    let outcome: MetricsOutcome | null = null;

    if (currentReplicas === 0 && minReplicas !== 0) {
      // Scaled to zero by hand: autoscaling is off until someone scales it up again.
      rescale = false;
      setCondition(
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
    } else if (currentReplicas > maxReplicas) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const selectorText = (scale.status as { selector?: string } | undefined)?.selector ?? '';
      const selector = parseLabelSelector(selectorText);
      const pods = this.#podInformer.list(hpa.metadata.namespace, selector);
      const samples = await this.metrics.podMetrics(hpa.metadata.namespace!, selector);
      outcome = computeReplicasForMetrics(spec.metrics ?? [], currentReplicas, pods, samples, now);
      setCondition('ScalingActive', outcome.active.status, outcome.active.reason, outcome.active.message);
      if (outcome.replicas === -1) {
        void this.#recorder.event(hpa, 'Warning', outcome.active.reason, outcome.active.message);
        await this.#writeStatus(
          hpa,
          statusOf(hpa, currentReplicas, hpa.status?.desiredReplicas ?? currentReplicas, outcome.statuses, false, now),
          conditions,
        );
        return;
      }
      desired = outcome.replicas;
      if (desired > currentReplicas) reason = `${outcome.metricName} above target`;
      if (desired < currentReplicas) reason = 'All metrics below target';
      const state = this.#behaviorState(key);
      const normalized = normalizeWithBehaviors(
        state,
        { currentReplicas, desiredReplicas: desired, minReplicas, maxReplicas, ...effectiveRules(spec.behavior) },
        now,
      );
      setCondition('AbleToScale', 'True', normalized.ableToScale.reason, normalized.ableToScale.message);
      setCondition(
        'ScalingLimited',
        normalized.scalingLimited.limited ? 'True' : 'False',
        normalized.scalingLimited.reason,
        normalized.scalingLimited.message,
      );
      desired = normalized.replicas;
      rescale = desired !== currentReplicas;
    }

    if (rescale) {
      try {
        await this.#ctx.api.patch(ref, 'merge', { spec: { replicas: desired } });
      } catch (err) {
        const message = (err as Error).message;
        void this.#recorder.event(
          hpa,
          'Warning',
          'FailedRescale',
          `New size: ${desired}; reason: ${reason}; error: ${message}`,
        );
        setCondition(
          'AbleToScale',
          'False',
          'FailedUpdateScale',
          `the HPA controller was unable to update the target scale: ${message}`,
        );
        await this.#writeStatus(
          hpa,
          statusOf(hpa, currentReplicas, currentReplicas, outcome?.statuses ?? [], false, now),
          conditions,
        );
        if (isNotFound(err)) return;
        throw err;
      }
      setCondition(
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
      );
      void this.#recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
      storeScaleEvent(this.#behaviorState(key), effectiveRules(spec.behavior), currentReplicas, desired, now);
      this.#history.record(key, {
        time: now,
        from: currentReplicas,
        to: desired,
        reason,
        metrics: outcome?.values ?? [],
      });
    } else {
      desired = currentReplicas;
    }
    await this.#writeStatus(
      hpa,
      statusOf(hpa, currentReplicas, desired, outcome?.statuses ?? [], rescale, now),
      conditions,
    );
  }

  #behaviorState(key: string): BehaviorState {
    let s = this.#state.get(key);
    if (!s) this.#state.set(key, (s = newBehaviorState()));
    return s;
  }

  /** The `scale` subresource of spec.scaleTargetRef (Deployment → apps/deployments, …). */
  #scaleRef(hpa: HPA) {
    const target = hpa.spec!.scaleTargetRef;
    const apiVersion = target.apiVersion ?? '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    return {
      group,
      resource: `${target.kind.toLowerCase()}s`,
      namespace: hpa.metadata.namespace,
      name: target.name,
      subresource: 'scale',
    };
  }

  /** Write status only when it changed; a condition keeps its lastTransitionTime unless its status changed. */
  async #writeStatus(hpa: HPA, status: HorizontalPodAutoscalerStatus, conditions: Condition[]): Promise<void> {
    const now = rfc3339(this.clock.now());
    const old = hpa.status?.conditions ?? [];
    const next: HorizontalPodAutoscalerStatus = {
      ...status,
      conditions: conditions.map((c) => {
        const prev = old.find((o) => o.type === c.type);
        return { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
      }),
    };
    if (JSON.stringify(compact(hpa.status)) === JSON.stringify(compact(next))) return;
    try {
      await this.#ctx.api.patch(
        {
          group: 'autoscaling',
          resource: 'horizontalpodautoscalers',
          namespace: hpa.metadata.namespace,
          name: hpa.metadata.name,
          subresource: 'status',
        },
        'merge',
        { status: { ...nullMissing(hpa.status, next), ...next } },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** setStatus: lastScaleTime moves only on a rescale. */
function statusOf(
  hpa: HPA,
  currentReplicas: number,
  desiredReplicas: number,
  currentMetrics: MetricStatus[],
  rescaled: boolean,
  now: number,
): HorizontalPodAutoscalerStatus {
  const status: HorizontalPodAutoscalerStatus = {
    observedGeneration: hpa.metadata.generation,
    currentReplicas,
    desiredReplicas,
  };
  const lastScaleTime = rescaled ? rfc3339(now) : hpa.status?.lastScaleTime;
  if (lastScaleTime) status.lastScaleTime = lastScaleTime;
  if (currentMetrics.length > 0) status.currentMetrics = currentMetrics;
  return status;
}

function compact(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? {}));
}

/** A merge patch removes a field only when told to with null. */
function nullMissing(
  old: HorizontalPodAutoscalerStatus | undefined,
  next: HorizontalPodAutoscalerStatus,
): Record<string, null> {
  const out: Record<string, null> = {};
  for (const k of Object.keys(old ?? {})) if (!(k in next)) out[k] = null;
  return out;
}
