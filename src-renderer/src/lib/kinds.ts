// The navigation: resource kinds grouped as the Kubernetes docs group them.
export interface NavKind {
  label: string;
  group: string;
  resource: string;
}

const k = (label: string, group: string, resource: string): NavKind => ({ label, group, resource });

export const WORKLOADS: NavKind[] = [
  k('Pods', '', 'pods'),
  k('Deployments', 'apps', 'deployments'),
  k('ReplicaSets', 'apps', 'replicasets'),
  k('StatefulSets', 'apps', 'statefulsets'),
  k('DaemonSets', 'apps', 'daemonsets'),
  k('Jobs', 'batch', 'jobs'),
  k('CronJobs', 'batch', 'cronjobs'),
];

export const kindGroups: { label: string; kinds: NavKind[] }[] = [
  { label: 'Workloads', kinds: WORKLOADS },
  {
    label: 'Network',
    kinds: [
      k('Services', '', 'services'),
      k('Endpoints', '', 'endpoints'),
      k('Ingresses', 'networking.k8s.io', 'ingresses'),
    ],
  },
  {
    label: 'Config & storage',
    kinds: [
      k('ConfigMaps', '', 'configmaps'),
      k('Secrets', '', 'secrets'),
      k('Volume Claims', '', 'persistentvolumeclaims'),
      k('Persistent Volumes', '', 'persistentvolumes'),
    ],
  },
  {
    label: 'Cluster',
    kinds: [
      k('Nodes', '', 'nodes'),
      k('ServiceAccounts', '', 'serviceaccounts'),
      k('Autoscalers', 'autoscaling', 'horizontalpodautoscalers'),
      k('Revisions', 'apps', 'controllerrevisions'),
      k('Leases', 'coordination.k8s.io', 'leases'),
    ],
  },
];

export function labelFor(group: string, resource: string): string {
  for (const g of kindGroups)
    for (const kind of g.kinds) if (kind.group === group && kind.resource === resource) return kind.label;
  return resource;
}
