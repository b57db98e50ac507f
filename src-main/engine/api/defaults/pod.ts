// Pod and pod-template defaulting, following pkg/apis/core/v1/defaults.go (SetDefaults_Pod,
// SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume, …).
import type { Container, PodSpec, Probe, Volume, EnvVar, Pod } from 'kubernetes-types/core/v1';

/** Default mode of projected files, 0644 (SetDefaults_SecretVolumeSource and friends). */
const DEFAULT_MODE = 0o644;

export interface PodSpecDefaultOptions {
  /**
   * Whether an unset restartPolicy becomes `Always`. Upstream defaults every template this way;
   * KubeDesk leaves Job templates alone so that a missing restartPolicy is reported as required
   * rather than as "Always is not supported" (see README, Differences from Kubernetes).
   */
  restartPolicy?: boolean;
}

/** SetDefaults_PodSpec plus the per-field defaulters generated for everything inside it. */
export function defaultPodSpec(spec: PodSpec, options: PodSpecDefaultOptions = {}): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = 'ClusterFirst';
  if (!spec.restartPolicy && options.restartPolicy !== false) spec.restartPolicy = 'Always';
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined) spec.terminationGracePeriodSeconds = 30;
  if (!spec.schedulerName) spec.schedulerName = 'default-scheduler';
  for (const c of spec.initContainers ?? []) defaultContainer(c, spec.hostNetwork === true);
  for (const c of spec.containers ?? []) defaultContainer(c, spec.hostNetwork === true);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** SetDefaults_Pod: what only a Pod (not a template) gets. */
export function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  // A container with limits but no requests requests what it is limited to.
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [name, value] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = value;
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  defaultPodSpec(spec);
}

/** SetDefaults_Container and what is nested inside a container. */
function defaultContainer(c: Container, hostNetwork: boolean): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = '/dev/termination-log';
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const p of c.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    // defaultHostNetworkPorts: with hostNetwork the host port is the container port.
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (handler?.httpGet) defaultHttpGet(handler.httpGet);
  }
  for (const e of c.env ?? []) defaultEnvVar(e);
}

/**
 * The tag parsers.ParseImageName reports: `latest` when the reference has neither tag nor
 * digest, '' when it has only a digest.
 */
export function imageTag(image: string): string {
  if (image.includes('@')) {
    const [name] = image.split('@');
    const tag = tagOf(name);
    return tag ?? '';
  }
  return tagOf(image) ?? 'latest';
}

function tagOf(ref: string): string | undefined {
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : ref.slice(colon + 1);
}

function defaultProbe(p: Probe): void {
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  if (p.httpGet) defaultHttpGet(p.httpGet);
}

/** SetDefaults_HTTPGetAction. */
function defaultHttpGet(h: { path?: string; scheme?: string }): void {
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

/** SetDefaults_ObjectFieldSelector. */
function defaultEnvVar(e: EnvVar): void {
  const ref = e.valueFrom?.fieldRef;
  if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
}

/** SetDefaults_Volume and the volume-source defaulters. */
function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter((k) => k !== 'name' && (v as unknown as Record<string, unknown>)[k] != null);
  if (sources.length === 0) v.emptyDir = {};
  if (v.configMap && v.configMap.defaultMode === undefined) v.configMap.defaultMode = DEFAULT_MODE;
  if (v.secret && v.secret.defaultMode === undefined) v.secret.defaultMode = DEFAULT_MODE;
  if (v.projected && v.projected.defaultMode === undefined) v.projected.defaultMode = DEFAULT_MODE;
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = DEFAULT_MODE;
    for (const item of v.downwardAPI.items ?? [])
      if (item.fieldRef && !item.fieldRef.apiVersion) item.fieldRef.apiVersion = 'v1';
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = '';
}
