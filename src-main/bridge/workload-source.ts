// What the workload dashboards read beside the API: the node agents' metrics history, the HPA
// controller's scaling history and the local runtime's images. A cluster provides it; without one
// (engine-only tests) those channels answer 503 with what is missing.
import type { Engine } from '../engine/index.js';
import type { NodeAgent } from '../engine/node/index.js';
import type { ContainerRuntime } from '../engine/runtime/types.js';
import type { LocalImage, MetricsSample, ReplicaCount, ScalingDecision } from '../ipc/contract.js';
import { ReplicaRecorder } from './replica-recorder.js';

export interface WorkloadSource {
  metricsHistory(namespace: string, pod: string): MetricsSample[];
  scalingHistory(namespace: string, name: string): ScalingDecision[];
  localImages(): Promise<LocalImage[]>;
  replicaHistory(resource: string, namespace: string, name: string): ReplicaCount[];
}

/** The parts of a running cluster the source reads (server/cluster.ts `Cluster` has them all). */
export interface WorkloadCluster {
  engine: Pick<Engine, 'controllers' | 'store' | 'clock'>;
  agent: Pick<NodeAgent, 'io'>;
  runtime: Pick<ContainerRuntime, 'listImages'>;
  simulated?: { agents(): Pick<NodeAgent, 'io'>[] };
}

export function clusterWorkloadSource(cluster: WorkloadCluster): WorkloadSource {
  const agents = () => [cluster.agent, ...(cluster.simulated?.agents() ?? [])];
  const clock = cluster.engine.clock;
  // Recording starts with the source (one per running cluster) and lasts as long as the process.
  const replicas = new ReplicaRecorder(cluster.engine.store, () => clock.now()).start();
  return {
    replicaHistory: (resource, namespace, name) => replicas.history(resource, namespace, name),
    metricsHistory(namespace, pod) {
      // A pod runs on one node; the agent that ran it has its samples.
      for (const a of agents()) {
        const h = a.io.metricsHistory(namespace, pod);
        if (h.length > 0) return h;
      }
      return [];
    },
    scalingHistory: (namespace, name) => cluster.engine.controllers?.hpa?.history(namespace, name) ?? [],
    async localImages() {
      const images = await cluster.runtime.listImages();
      return images
        .map((i) => ({ tags: i.tags.filter((t) => t !== '<none>:<none>'), sizeBytes: i.sizeBytes }))
        .filter((i) => i.tags.length > 0);
    },
  };
}
