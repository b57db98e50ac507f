// Lifecycle hooks (pkg/kubelet/lifecycle/handlers.go, kuberuntime_container.go): postStart runs
// right after the container starts — if it fails the container is killed (FailedPostStartHook);
// preStop runs before SIGTERM and its time counts against the grace period (FailedPreStopHook).
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1';
import type { ContainerRuntime, PortBinding } from '../runtime/types.js';
import { runHandler } from './handlers.js';

export interface HookTarget {
  runtime: ContainerRuntime;
  pod: Pod;
  container: Container;
  containerId: string;
  ports: (PortBinding & { hostPort: number })[];
}

/** Run a hook; resolves with the kubelet's failure message, or null on success. */
export async function runHook(
  kind: 'PostStart' | 'PreStop',
  handler: LifecycleHandler | undefined,
  t: HookTarget,
  timeoutMs: number,
): Promise<string | null> {
  if (!handler) return null;
  if (handler.sleep) return null; // sleep hooks are a pause; the grace period covers it
  const out = await runHandler(
    handler,
    { runtime: t.runtime, containerId: t.containerId, container: t.container, ports: t.ports },
    Math.max(1000, timeoutMs),
  );
  if (out.result === 'success') return null;
  if (handler.exec) {
    const cmd = JSON.stringify(handler.exec.command ?? []);
    return `${kind}Hook ${cmd} exited with ${out.exitCode ?? 'an error'}: ${out.output || out.message}`;
  }
  return `${kind}Hook failed: ${out.message}`;
}
