// A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
// envFrom sources first, then env (which overrides), with `$(VAR)` references expanded against
// what came before (third_party/forked/golang/expansion). A missing ConfigMap/Secret or key that
// is not optional fails the container with CreateContainerConfigError and the kubelet's message.
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { parseQuantity } from '../api/quantity.js';

/** A container whose configuration cannot be built; its message is the waiting message. */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

type SourceKind = 'ConfigMap' | 'Secret';

/** Reads ConfigMaps and Secrets of one namespace, once per build. */
export class ConfigSource {
  #api: ApiServer;
  #namespace: string;
  #cache = new Map<string, KubeObject | null>();

  constructor(api: ApiServer, namespace: string) {
    this.#api = api;
    this.#namespace = namespace;
  }

  /** The object's data (Secret values decoded), or null when it does not exist. */
  async data(kind: SourceKind, name: string): Promise<Record<string, Buffer> | null> {
    const key = `${kind}/${name}`;
    if (!this.#cache.has(key)) {
      const resource = kind === 'ConfigMap' ? 'configmaps' : 'secrets';
      try {
        this.#cache.set(key, await this.#api.get({ group: '', resource, namespace: this.#namespace, name }));
      } catch (err) {
        if (!(isStatusError(err) && err.code === 404)) throw err;
        this.#cache.set(key, null);
      }
    }
    const obj = this.#cache.get(key);
    if (!obj) return null;
    const out: Record<string, Buffer> = {};
    if (kind === 'ConfigMap') {
      for (const [k, v] of Object.entries((obj.data as Record<string, string>) ?? {})) out[k] = Buffer.from(v, 'utf8');
      for (const [k, v] of Object.entries((obj.binaryData as Record<string, string>) ?? {}))
        out[k] = Buffer.from(v, 'base64');
    } else {
      for (const [k, v] of Object.entries((obj.data as Record<string, string>) ?? {}))
        out[k] = Buffer.from(v, 'base64');
      for (const [k, v] of Object.entries((obj.stringData as Record<string, string>) ?? {}))
        out[k] = Buffer.from(v, 'utf8');
    }
    return out;
  }

  /** The kubelet's error for a missing object: `configmap "x" not found`. */
  static notFound(kind: SourceKind, name: string): string {
    return `${kind.toLowerCase()} "${name}" not found`;
  }

  get namespace(): string {
    return this.#namespace;
  }
}

export async function buildEnv(
  pod: Pod,
  c: Container,
  src: ConfigSource,
  podIP: string | undefined,
  serviceEnv: { name: string; value: string }[] = [],
): Promise<{ name: string; value: string }[]> {
  // Service variables come first: `$(VAR)` may refer to them, and the container's own env wins.
  const env = new Map<string, string>(serviceEnv.map((e) => [e.name, e.value]));
  for (const from of c.envFrom ?? []) {
    const kind: SourceKind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const data = await src.data(kind, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(ConfigSource.notFound(kind, ref.name));
    }
    for (const [k, v] of Object.entries(data)) env.set(`${from.prefix ?? ''}${k}`, v.toString('utf8'));
  }
  for (const e of c.env ?? []) {
    let value: string | undefined;
    const vf = e.valueFrom;
    if (!vf) {
      value = expand(e.value ?? '', env);
    } else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const kind: SourceKind = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const data = await src.data(kind, ref.name ?? '');
      if (!data) {
        if (ref.optional) continue;
        throw new ContainerConfigError(ConfigSource.notFound(kind, ref.name ?? ''));
      }
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${src.namespace}/${ref.name}`);
      }
      value = data[ref.key].toString('utf8');
    } else if (vf.fieldRef) {
      value = fieldValue(pod, vf.fieldRef, podIP);
    } else if (vf.resourceFieldRef) {
      value = resourceValue(pod, c, vf.resourceFieldRef);
    }
    if (value !== undefined) env.set(e.name, value);
  }
  return [...env].map(([name, value]) => ({ name, value }));
}

/** `$(VAR)` expansion as Kubernetes does it: unknown references stay as written, `$$` escapes. */
export function expand(input: string, env: Map<string, string> | Record<string, string>): string {
  const lookup = (k: string) => (env instanceof Map ? env.get(k) : env[k]);
  return input.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    const v = lookup(name!);
    return v === undefined ? m : v;
  });
}

/** The downward API's fieldRef values (pkg/fieldpath). */
export function fieldValue(pod: Pod, ref: ObjectFieldSelector, podIP: string | undefined): string {
  const meta = pod.metadata ?? {};
  const path = ref.fieldPath;
  const sub = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (sub) return (sub[1] === 'labels' ? meta.labels : meta.annotations)?.[sub[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return '127.0.0.1';
    case 'status.podIP':
    case 'status.podIPs':
      return podIP ?? '';
    default:
      return '';
  }
}

/** `key="value"` lines, sorted, as fieldpath.FormatMap writes labels and annotations. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}

/**
 * resourceFieldRef (pkg/api/v1/resource ExtractContainerResourceValue): limits default to the
 * node's allocatable when unset; values are divided by the divisor and rounded up.
 */
export function resourceValue(
  pod: Pod,
  c: Container,
  ref: ResourceFieldSelector,
  nodeAllocatable?: { cpu: number; memory: number },
): string {
  const target = ref.containerName
    ? ([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
        (x) => x.name === ref.containerName,
      ) ?? c)
    : c;
  const [kind, name] = ref.resource.split('.') as ['limits' | 'requests', string];
  const raw = target.resources?.[kind]?.[name];
  let value = raw !== undefined ? (parseQuantity(raw)?.value ?? 0) : undefined;
  if (value === undefined)
    value = kind === 'limits' ? (name === 'cpu' ? (nodeAllocatable?.cpu ?? 1) : (nodeAllocatable?.memory ?? 0)) : 0;
  const divisor = ref.divisor !== undefined ? (parseQuantity(ref.divisor)?.value ?? 1) : 1;
  return String(Math.ceil(value / (divisor || 1) - 1e-9));
}

/** Limits and requests in the runtime's units. */
export function resourcesOf(c: Container): {
  cpuLimit?: number;
  memoryLimitBytes?: number;
  cpuRequest?: number;
  memoryRequestBytes?: number;
} {
  const q = (v: string | number | undefined) => (v === undefined ? undefined : parseQuantity(v)?.value);
  return {
    cpuLimit: q(c.resources?.limits?.cpu),
    memoryLimitBytes: q(c.resources?.limits?.memory),
    cpuRequest: q(c.resources?.requests?.cpu),
    memoryRequestBytes: q(c.resources?.requests?.memory),
  };
}
