// The namespace every view filters by ('' is "All namespaces"), remembered across launches.
const STORAGE_KEY = 'kubedesk.namespace';

function load(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? 'default';
  } catch {
    return 'default';
  }
}

class NamespaceSelection {
  current = $state(load());

  set(namespace: string): void {
    this.current = namespace;
    try {
      localStorage.setItem(STORAGE_KEY, namespace);
    } catch {
      // storage may be unavailable (private mode); the choice then lasts for this session only
    }
  }

  get all(): boolean {
    return this.current === '';
  }
}

export const namespace = new NamespaceSelection();
