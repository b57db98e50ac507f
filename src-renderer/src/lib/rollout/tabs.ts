// The workload dashboards' tabs on an object view: Rollout for kinds with rollouts, Scaling for
// kinds with a scale subresource or a DaemonSet-like replica count.
export function workloadTabs(group: string, resource: string): string[] {
  if (group !== 'apps') return [];
  if (resource === 'deployments' || resource === 'statefulsets') return ['rollout', 'scaling'];
  if (resource === 'daemonsets') return ['rollout'];
  return [];
}
