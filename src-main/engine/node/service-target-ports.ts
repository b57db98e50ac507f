// Service target ports a pod must publish. The host reaches a pod only through the ports its
// sandbox publishes on 127.0.0.1, and Docker fixes those when the sandbox is created. Kubernetes
// lets a Service target any port of a pod, declared as a containerPort or not (the seed example:
// `port: 80, targetPort: 9376`), so the sandbox also publishes the numeric target ports of the
// Services that select the pod when it starts. A Service created later, targeting an undeclared
// port, reaches the pod from the host only after the pod is re-created (README, "Differences").
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types.js';

/** Numeric TCP target ports of `services` (one namespace's) whose selector matches the pod. */
export function serviceTargetPorts(services: readonly KubeObject[], pod: Pod): number[] {
  const labels = pod.metadata?.labels ?? {};
  const out = new Set<number>();
  for (const obj of services) {
    const svc = obj as unknown as Service;
    const selector = svc.spec?.selector ?? {};
    const keys = Object.keys(selector);
    if (keys.length === 0 || svc.spec?.type === 'ExternalName') continue;
    if (!keys.every((k) => labels[k] === selector[k])) continue;
    for (const p of svc.spec?.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const target = p.targetPort ?? p.port;
      if (typeof target === 'number') out.add(target);
      else if (/^\d+$/.test(target)) out.add(Number(target));
    }
  }
  return [...out].sort((a, b) => a - b);
}
