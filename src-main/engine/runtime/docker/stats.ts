// One stats sample. The working set is what the kubelet reports and evicts on: memory usage minus
// inactive file cache (cgroup v2 `inactive_file`, v1 `total_inactive_file`).
// https://github.com/google/cadvisor/blob/master/container/libcontainer/handler.go (setMemoryStats)
import type Dockerode from 'dockerode';
import type { ContainerStats } from '../types.js';
import { isNotFound, statusOf, translate } from './client.js';

interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

/** A limit this large is Docker's "unlimited" (the host's memory, or a page-rounded max int). */
const UNLIMITED = 2 ** 62;

export function toContainerStats(raw: DockerStats, now: number, limitBytes?: number): ContainerStats {
  const memory = raw.memory_stats ?? {};
  const usage = memory.usage ?? 0;
  const inactive = memory.stats?.['inactive_file'] ?? memory.stats?.['total_inactive_file'] ?? 0;
  const read = raw.read && !raw.read.startsWith('0001-01-01') ? Date.parse(raw.read) : NaN;
  return {
    timestamp: Number.isNaN(read) ? now : read,
    cpuUsageNanos: raw.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
    memoryLimitBytes: limitBytes ?? (memory.limit && memory.limit < UNLIMITED ? memory.limit : undefined),
  };
}

/** A sample of a running container; null when it is gone or not running. */
export async function stats(
  docker: Dockerode,
  endpoint: string,
  now: number,
  id: string,
): Promise<ContainerStats | null> {
  const container = docker.getContainer(id);
  try {
    const info = await container.inspect();
    if (!info.State.Running) return null;
    // one-shot skips the second sample Docker otherwise waits ~1 s for (precpu); we need no deltas.
    const raw = (await container.stats({ stream: false, 'one-shot': true } as { stream: false })) as DockerStats;
    return toContainerStats(raw, now, info.HostConfig.Memory || undefined);
  } catch (error) {
    if (isNotFound(error) || statusOf(error) === 409) return null;
    translate(endpoint, error);
  }
}
