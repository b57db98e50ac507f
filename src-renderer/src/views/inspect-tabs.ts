// The inspection views' extra tabs on an object's page (pods: probe timeline and terminal).
export function extraTabs(group: string, resource: string): string[] {
  return group === '' && resource === 'pods' ? ['probes', 'terminal'] : [];
}

export function isInspectTab(group: string, resource: string, tab: string): boolean {
  return extraTabs(group, resource).includes(tab);
}
