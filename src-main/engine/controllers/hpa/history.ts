// The scaling history of each HPA: every rescale the controller made, with the metric values
// behind it — the data for the UI's scaling charts. Bounded per HPA (oldest dropped first) and
// kept in memory only, like the controller's recommendations.

/** Entries kept per HPA. */
export const HISTORY_LIMIT = 100;

export interface MetricValue {
  /** e.g. `cpu resource utilization (percentage of request)` */
  metric: string;
  /** Utilization in percent of request, for Utilization targets. */
  currentUtilization?: number;
  targetUtilization?: number;
  /** Average per pod: millicores for cpu, bytes for memory. */
  currentAverageValue?: number;
  targetAverageValue?: number;
}

export interface ScalingRecord {
  /** Epoch ms. */
  time: number;
  from: number;
  to: number;
  reason: string;
  metrics: MetricValue[];
}

export class ScalingHistory {
  #limit: number;
  #entries = new Map<string, ScalingRecord[]>();

  constructor(limit = HISTORY_LIMIT) {
    this.#limit = limit;
  }

  record(key: string, entry: ScalingRecord): void {
    let list = this.#entries.get(key);
    if (!list) this.#entries.set(key, (list = []));
    list.push(entry);
    if (list.length > this.#limit) list.splice(0, list.length - this.#limit);
  }

  /** Oldest first; a copy. */
  get(key: string): ScalingRecord[] {
    return [...(this.#entries.get(key) ?? [])];
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
