// Replica counts seen from watches, kept per workload for the whole session (so leaving the
// scaling view and coming back keeps the line). At most MAX_WORKLOADS are kept, least recently
// used dropped first.
import { ReplicaHistory } from './series';

const MAX_WORKLOADS = 50;
const histories = new Map<string, ReplicaHistory>();

export function replicaHistoryFor(key: string): ReplicaHistory {
  let h = histories.get(key);
  if (h) histories.delete(key);
  else h = new ReplicaHistory();
  histories.set(key, h);
  while (histories.size > MAX_WORKLOADS) histories.delete(histories.keys().next().value!);
  return h;
}
