// The pod sandbox (kuberuntime_sandbox.go): the container that holds the pod's network namespace
// and publishes every container port on 127.0.0.1 — hostPort when given, else an ephemeral port.
// A sandbox that is gone or stopped is re-created, and the containers in the old one are killed
// (SandboxChanged), as computePodActions does. The published ports are recorded on the pod in the
// `kubedesk.io/host-ports` annotation for the UI and port-forwarding.
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';
import { isStatusError } from '../api/errors.js';
import {
  LABEL_ATTEMPT,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
  PortInUseError,
  SANDBOX_CONTAINER_NAME,
  type ContainerStatus,
  type PortBinding,
  type SandboxSpec,
  type SandboxStatus,
} from '../runtime/types.js';
import { podDnsConfig } from '../network/pod-dns.js';
import { EventReason, HOST_PORTS_ANNOTATION } from './constants.js';
import { errorMessage, isJsonEqual } from './util.js';
import { attemptOf } from './pod-status.js';
import type { AgentContext, PodState } from './agent-context.js';
import { serviceTargetPorts } from './service-target-ports.js';

/** The sandbox could not be created; the pod stays Pending and is retried after `retryInMs`. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

export interface HostPortEntry {
  container: string;
  containerPort: number;
  protocol: string;
  hostPort: number;
}

/**
 * Every port to publish: the declared container ports, plus the numeric ports of httpGet /
 * tcpSocket probes and hooks that are not declared (the host can only reach published ports).
 */
export function sandboxPorts(pod: Pod, serviceTargets: readonly number[] = []): PortBinding[] {
  const out: PortBinding[] = [];
  const seen = new Set<string>();
  const add = (p: PortBinding) => {
    const key = `${p.containerPort}/${p.protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  const all: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of all) {
    for (const p of c.ports ?? []) {
      add({
        containerPort: p.containerPort,
        protocol: (p.protocol ?? 'TCP') as PortBinding['protocol'],
        ...(p.hostPort ? { hostPort: p.hostPort } : {}),
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
      });
    }
  }
  // Undeclared ports that Services selecting the pod target (see service-target-ports.ts).
  for (const port of serviceTargets) add({ containerPort: port, protocol: 'TCP' });
  for (const c of all) {
    const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
    for (const h of handlers) {
      const port = h?.httpGet?.port ?? h?.tcpSocket?.port;
      if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
        add({ containerPort: Number(port), protocol: 'TCP' });
      }
    }
  }
  return out;
}

export async function ensureSandbox(
  ctx: AgentContext,
  pod: Pod & KubeObject,
  state: PodState,
  byName: Map<string, ContainerStatus[]>,
): Promise<SandboxStatus> {
  const uid = pod.metadata.uid!;
  const { runtime } = ctx;
  const existing = await runtime.listSandboxes({ [LABEL_POD_UID]: uid, [LABEL_CLUSTER]: ctx.clusterId });
  let sandbox = existing.find((s) => s.state === 'ready') ?? null;
  if (!sandbox) {
    if (existing.length > 0) {
      void ctx.recorder.event(
        pod,
        'Normal',
        EventReason.SandboxChanged,
        'Pod sandbox changed, it will be killed and re-created.',
      );
      for (const [name, list] of byName) {
        // Restart counts carry on across the new sandbox, as the kubelet's do.
        if (list[0]) state.nextAttempt.set(name, attemptOf(list[0]) + 1);
        for (const c of list) if (c.state === 'running') await runtime.stopContainer(c.id, 0);
      }
      for (const s of existing) await runtime.removeSandbox(s.id).catch(() => undefined);
      // Containers stopped with the sandbox did not crash: restart them without back-off.
      ctx.backoff.resetPrefix(`${uid}/`);
    }
    const wait = ctx.sandboxBackoff.remaining(uid, state.sandboxFailedAt ?? 0);
    if (wait > 0) throw new SandboxError('waiting to retry sandbox creation', wait);
    try {
      sandbox = await runtime.runSandbox({
        podUid: uid,
        podName: pod.metadata.name!,
        namespace: pod.metadata.namespace!,
        hostname: pod.spec?.hostname ?? pod.metadata.name!,
        ports: sandboxPorts(pod, serviceTargetPorts(ctx.api.store.list('/services', pod.metadata.namespace), pod)),
        image: ctx.sandboxImage,
        labels: {
          [LABEL_POD_NAME]: pod.metadata.name!,
          [LABEL_POD_NAMESPACE]: pod.metadata.namespace!,
          [LABEL_POD_UID]: uid,
          [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME,
          [LABEL_CLUSTER]: ctx.clusterId,
          [LABEL_ATTEMPT]: '0',
          [LABEL_ROLE]: 'sandbox',
        },
        ...sandboxNetworking(ctx, pod),
      });
    } catch (err) {
      const msg =
        err instanceof PortInUseError
          ? `Failed to create pod sandbox: host port ${err.hostPort} is already allocated: ${err.message}`
          : `Failed to create pod sandbox: ${errorMessage(err)}`;
      void ctx.recorder.event(pod, 'Warning', EventReason.FailedCreatePodSandBox, msg);
      const delay = ctx.sandboxBackoff.next(uid);
      state.sandboxFailedAt = ctx.clock.now();
      throw new SandboxError(msg, delay);
    }
    ctx.sandboxBackoff.reset(uid);
    state.sandboxFailedAt = undefined;
  }
  await recordHostPorts(ctx, pod, sandbox);
  return sandbox;
}

/** Keep `kubedesk.io/host-ports` in step with what the sandbox actually bound. */
async function recordHostPorts(ctx: AgentContext, pod: Pod & KubeObject, sandbox: SandboxStatus): Promise<void> {
  const entries: HostPortEntry[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      const bound = sandbox.ports.find((b) => b.containerPort === p.containerPort && b.protocol === protocol);
      if (bound)
        entries.push({ container: c.name, containerPort: p.containerPort, protocol, hostPort: bound.hostPort });
    }
  }
  // Published ports no container declares (Service targets, probe ports): no container name.
  for (const b of sandbox.ports) {
    if (entries.some((e) => e.containerPort === b.containerPort && e.protocol === b.protocol)) continue;
    entries.push({ container: '', containerPort: b.containerPort, protocol: b.protocol, hostPort: b.hostPort });
  }
  const value = JSON.stringify(entries);
  const have = pod.metadata.annotations?.[HOST_PORTS_ANNOTATION];
  if (entries.length === 0 && have === undefined) return;
  if (have !== undefined && isJsonEqual(JSON.parse(have) as unknown, entries)) return;
  try {
    await ctx.api.patch(
      { group: '', resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name },
      'merge',
      { metadata: { uid: pod.metadata.uid, annotations: { [HOST_PORTS_ANNOTATION]: value } } },
      { fieldManager: 'kubelet' },
    );
  } catch (err) {
    if (!(isStatusError(err) && (err.code === 404 || err.code === 409))) throw err;
  }
}

/** Network and resolver of a new sandbox (Kubernetes' pod DNS, see network/pod-dns.ts). */
function sandboxNetworking(ctx: AgentContext, pod: Pod): Partial<SandboxSpec> {
  const pn = ctx.podNetwork?.();
  const network = pn?.network ?? ctx.network;
  const dns = podDnsConfig(pod, pn?.dnsServer, pn?.clusterDomain);
  // A pod with spec.subdomain has the FQDN <hostname>.<subdomain>.<ns>.svc.<domain> (kubelet GeneratePodHostNameAndDomain).
  const subdomain = pod.spec?.subdomain;
  const domainname =
    subdomain && pn ? `${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${pn.clusterDomain}` : undefined;
  return {
    ...(network ? { network } : {}),
    ...(domainname ? { domainname } : {}),
    ...(dns.servers ? { dnsServers: dns.servers } : {}),
    ...(dns.search ? { dnsSearch: dns.search } : {}),
    ...(dns.options ? { dnsOptions: dns.options } : {}),
  };
}
