/** Resource kinds in the navigation, grouped as the Kubernetes docs group them. */
export const kindGroups = [
  {
    label: 'Workloads',
    kinds: ['Pods', 'Deployments', 'ReplicaSets', 'StatefulSets', 'DaemonSets', 'Jobs', 'CronJobs'],
  },
  { label: 'Network', kinds: ['Services'] },
  { label: 'Config', kinds: ['ConfigMaps', 'Secrets'] },
  { label: 'Cluster', kinds: ['Namespaces', 'Nodes', 'Events'] },
] as const;

export type KindName = (typeof kindGroups)[number]['kinds'][number];
