// Storage keys. One key per object: `<group>/<resource>/<namespace>/<name>`, with an empty
// group for core and an empty namespace for cluster-scoped kinds — so keys sort by resource,
// then namespace, then name, the order in which Kubernetes lists objects.

export function resourceKey(group: string, resource: string): string {
  return `${group}/${resource}`;
}

export function objectKey(group: string, resource: string, namespace: string | undefined, name: string): string {
  return `${group}/${resource}/${namespace ?? ''}/${name}`;
}

/** The `<group>/<resource>` prefix of an object key. */
export function resourceOfKey(key: string): string {
  const first = key.indexOf('/');
  const second = key.indexOf('/', first + 1);
  return key.slice(0, second);
}

/** `<namespace>/<name>` part of an object key. */
export function nameKeyOf(key: string): string {
  const first = key.indexOf('/');
  const second = key.indexOf('/', first + 1);
  return key.slice(second + 1);
}
