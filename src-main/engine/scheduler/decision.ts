// Why a pod went where it went — or nowhere: the per-pod decision record behind
// `scheduler.why(namespace, name)`, and the FitError message of an unschedulable pod
// (pkg/scheduler/framework/types.go FitError.Error, with DefaultPreemption's PostFilter part).
import type { FilterFailure } from './filters.js';
import type { PluginScores } from './scores.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

/** How many failing nodes and scored nodes a record keeps (the histogram counts them all). */
export const MAX_RECORDED_FAILURES = 200;
export const MAX_RECORDED_SCORES = 20;

export interface NodeFailure {
  node: string;
  plugin: string;
  reasons: string[];
}

export interface NodeScore {
  node: string;
  total: number;
  plugins: PluginScores;
}

export interface SchedulingDecision {
  pod: string;
  uid?: string;
  /** RFC 3339 time of the attempt (scheduler clock). */
  time: string;
  /** Attempts so far, this one included. */
  attempt: number;
  result: 'Scheduled' | 'Unschedulable' | 'BindingFailed';
  node?: string;
  /** The FailedScheduling message, or the bind error. */
  message?: string;
  nodes: { total: number; evaluated: number; feasible: number };
  /** Reason → number of nodes that failed with it (the message's histogram). */
  reasons: Record<string, number>;
  /** Failing nodes with their plugin and reasons (the first MAX_RECORDED_FAILURES). */
  failures: NodeFailure[];
  /** Feasible nodes, best first (the top MAX_RECORDED_SCORES), with each plugin's score. */
  scores: NodeScore[];
}

function sortedHistogram(counts: Map<string, number>): string {
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(', ');
}

/**
 * `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 * 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 No preemption victims found for
 * incoming pod, 2 Preemption is not helpful for scheduling.` — reasons counted per node and sorted
 * as strings. KubeDesk does not preempt: a node that failed for a reason preemption could fix
 * reports that no victims were found, as upstream does when no lower-priority pod is there.
 */
export function fitErrorMessage(numAllNodes: number, failures: Iterable<FilterFailure>): string {
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const f of failures) {
    for (const r of f.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const p = f.unresolvable ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS;
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  let msg = `0/${numAllNodes} nodes are available:`;
  if (reasons.size > 0) msg += ` ${sortedHistogram(reasons)}.`;
  msg += ` preemption: 0/${numAllNodes} nodes are available:`;
  if (preemption.size > 0) msg += ` ${sortedHistogram(preemption)}.`;
  return msg;
}
