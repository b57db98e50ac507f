// What the cluster serves (kinds, printer columns, features), loaded once and retried until the
// backend answers.
import type { ClusterInfo, ErrorInfo, KindSummary } from '../../../src-main/ipc/contract';
import { api } from './api';
import { toErrorInfo } from './errors';

class Cluster {
  info = $state.raw<ClusterInfo | null>(null);
  error = $state<ErrorInfo | null>(null);

  constructor() {
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.info = await api.clusterInfo();
      this.error = null;
    } catch (error) {
      this.error = toErrorInfo(error);
      setTimeout(() => void this.load(), 2000);
    }
  }

  kind(group: string, resource: string): KindSummary | undefined {
    return this.info?.kinds.find((k) => k.group === group && k.resource === resource);
  }
}

export const cluster = new Cluster();
