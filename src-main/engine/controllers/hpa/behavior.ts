// Scaling behavior (pkg/controller/podautoscaler/horizontal.go: normalizeDesiredReplicasWithBehaviors):
// first the stabilization window — scale down only to the highest recommendation of the last
// window, scale up only to the lowest — then the rate policies, which cap how far the count may
// move per period given the scale events already made in it. Pure: the caller owns the state.
//
// Worked example with the defaults: 2 replicas recommended 4 at t=0 are scaled to 4 at once
// (scale-up has no window; the policies allow max(2 + 4, 2 × 2) = 6). If the load then drops and
// every later sync recommends 1, the 300 s scale-down window still holds the t=0 recommendation of
// 4 until t=300 s, when it leaves the window and the count drops to 1 (100% per 15 s allows it).
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from 'kubernetes-types/autoscaling/v2';

/** --horizontal-pod-autoscaler-downscale-stabilization */
export const DOWNSCALE_STABILIZATION_SECONDS = 300;

/** SetDefaults_HorizontalPodAutoscalerBehavior: scale up by max(+100%, +4 pods) per 15 s, no window. */
export const DEFAULT_SCALE_UP: Required<HPAScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** Scale down by up to 100% per 15 s, after the 300 s window. */
export const DEFAULT_SCALE_DOWN: Required<HPAScalingRules> = {
  stabilizationWindowSeconds: DOWNSCALE_STABILIZATION_SECONDS,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

export interface Recommendation {
  timestamp: number;
  replicas: number;
}

export interface ScaleEvent {
  timestamp: number;
  replicaChange: number;
  outdated: boolean;
}

/** What the controller remembers per HPA between syncs (lost on restart, as upstream). */
export interface BehaviorState {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export function newBehaviorState(): BehaviorState {
  return { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
}

export interface NormalizationArgs {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  scaleUp: Required<HPAScalingRules>;
  scaleDown: Required<HPAScalingRules>;
}

export interface ConditionOutcome {
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  /** The AbleToScale condition (status True). */
  ableToScale: ConditionOutcome;
  /** The ScalingLimited condition; `limited` is its status. */
  scalingLimited: ConditionOutcome & { limited: boolean };
}

/** A behavior with every unset field taken from the defaults (and the controller's 300 s flag). */
export function effectiveRules(behavior: HorizontalPodAutoscalerBehavior | undefined): {
  scaleUp: Required<HPAScalingRules>;
  scaleDown: Required<HPAScalingRules>;
} {
  return {
    scaleUp: { ...DEFAULT_SCALE_UP, ...stripUndefined(behavior?.scaleUp) },
    scaleDown: { ...DEFAULT_SCALE_DOWN, ...stripUndefined(behavior?.scaleDown) },
  };
}

function stripUndefined(rules: HPAScalingRules | undefined): Partial<HPAScalingRules> {
  const out: Partial<HPAScalingRules> = {};
  for (const [k, v] of Object.entries(rules ?? {})) if (v !== undefined && v !== null) Object.assign(out, { [k]: v });
  return out;
}

export function normalizeWithBehaviors(state: BehaviorState, args: NormalizationArgs, now: number): Normalized {
  const stabilized = stabilizeRecommendation(state, args, now);
  const ableToScale =
    stabilized.replicas !== args.desiredReplicas
      ? { reason: stabilized.reason, message: stabilized.message }
      : { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
  const limited = convertWithBehaviorRate(state, { ...args, desiredReplicas: stabilized.replicas }, now);
  return {
    replicas: limited.replicas,
    ableToScale,
    scalingLimited: {
      reason: limited.reason,
      message: limited.message,
      limited: limited.replicas !== stabilized.replicas,
    },
  };
}

/** stabilizeRecommendationWithBehaviors */
function stabilizeRecommendation(
  state: BehaviorState,
  args: NormalizationArgs,
  now: number,
): { replicas: number } & ConditionOutcome {
  const upCutoff = now - args.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = now - args.scaleDown.stabilizationWindowSeconds * 1000;
  let up = args.desiredReplicas;
  let down = args.desiredReplicas;
  let oldIndex = -1;
  state.recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) up = Math.min(rec.replicas, up);
    if (rec.timestamp > downCutoff) down = Math.max(rec.replicas, down);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  let replicas = args.currentReplicas;
  if (replicas < up) replicas = up;
  if (replicas > down) replicas = down;
  // Record the unstabilized recommendation, reusing a slot that left both windows.
  const rec = { timestamp: now, replicas: args.desiredReplicas };
  if (oldIndex >= 0) state.recommendations[oldIndex] = rec;
  else state.recommendations.push(rec);
  return args.desiredReplicas >= args.currentReplicas
    ? {
        replicas,
        reason: 'ScaleUpStabilized',
        message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
      }
    : {
        replicas,
        reason: 'ScaleDownStabilized',
        message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
      };
}

/** convertDesiredReplicasWithBehaviorRate */
function convertWithBehaviorRate(
  state: BehaviorState,
  args: NormalizationArgs,
  now: number,
): { replicas: number } & ConditionOutcome {
  if (args.desiredReplicas > args.currentReplicas) {
    const limit = Math.max(args.currentReplicas, scaleUpLimit(args.currentReplicas, state, args.scaleUp, now));
    let max = args.maxReplicas;
    let outcome: ConditionOutcome = {
      reason: 'TooManyReplicas',
      message: 'the desired replica count is more than the maximum replica count',
    };
    if (max > limit) {
      max = limit;
      outcome = {
        reason: 'ScaleUpLimit',
        message: 'the desired replica count is increasing faster than the maximum scale rate',
      };
    }
    if (args.desiredReplicas > max) return { replicas: max, ...outcome };
  } else if (args.desiredReplicas < args.currentReplicas) {
    const limit = Math.min(args.currentReplicas, scaleDownLimit(args.currentReplicas, state, args.scaleDown, now));
    let min = args.minReplicas;
    let outcome: ConditionOutcome = {
      reason: 'TooFewReplicas',
      message: 'the desired replica count is less than the minimum replica count',
    };
    if (min < limit) {
      min = limit;
      outcome = {
        reason: 'ScaleDownLimit',
        message: 'the desired replica count is decreasing faster than the maximum scale rate',
      };
    }
    if (args.desiredReplicas < min) return { replicas: min, ...outcome };
  }
  return {
    replicas: args.desiredReplicas,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

/** getReplicasChangePerPeriod: events strictly inside the last `periodSeconds`. */
function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.timestamp > cutoff && !e.outdated) sum += e.replicaChange;
  return sum;
}

/** calculateScaleUpLimitWithScalingRules */
function scaleUpLimit(current: number, state: BehaviorState, rules: Required<HPAScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, state.scaleUpEvents, now) +
      changeInPeriod(p.periodSeconds, state.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/** calculateScaleDownLimitWithBehaviors */
function scaleDownLimit(current: number, state: BehaviorState, rules: Required<HPAScalingRules>, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  // Min picks the policy allowing the smallest change, i.e. the highest floor.
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, state.scaleUpEvents, now) +
      changeInPeriod(p.periodSeconds, state.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

/** storeScaleEvent: remember a rescale, reusing a slot older than the longest policy period. */
export function storeScaleEvent(
  state: BehaviorState,
  rules: { scaleUp: Required<HPAScalingRules>; scaleDown: Required<HPAScalingRules> },
  prevReplicas: number,
  newReplicas: number,
  now: number,
): void {
  const up = newReplicas > prevReplicas;
  const events = up ? state.scaleUpEvents : state.scaleDownEvents;
  const longest = Math.max(0, ...(up ? rules.scaleUp : rules.scaleDown).policies.map((p) => p.periodSeconds));
  const cutoff = now - longest * 1000;
  for (const e of events) if (e.timestamp < cutoff) e.outdated = true;
  const event = { timestamp: now, replicaChange: Math.abs(newReplicas - prevReplicas), outdated: false };
  const slot = events.findIndex((e) => e.outdated);
  if (slot >= 0) events[slot] = event;
  else events.push(event);
}
