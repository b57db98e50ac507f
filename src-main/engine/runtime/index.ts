// Picks the container runtime: `docker` (the local engine; the default) or `simulated` (no
// containers — tests, benchmarks and the no-Docker playground).
import type { ContainerRuntime } from './types.js';
import { DockerRuntime, type DockerRuntimeOptions } from './docker/docker-runtime.js';
import { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated/simulated-runtime.js';

export type RuntimeKind = 'docker' | 'simulated';

export type RuntimeOptions<K extends RuntimeKind> = K extends 'docker' ? DockerRuntimeOptions : SimulatedRuntimeOptions;

export function createRuntime(kind: 'docker', opts?: DockerRuntimeOptions): DockerRuntime;
export function createRuntime(kind: 'simulated', opts?: SimulatedRuntimeOptions): SimulatedRuntime;
export function createRuntime(
  kind: RuntimeKind,
  opts?: DockerRuntimeOptions | SimulatedRuntimeOptions,
): ContainerRuntime;
export function createRuntime(
  kind: RuntimeKind,
  opts: DockerRuntimeOptions | SimulatedRuntimeOptions = {},
): ContainerRuntime {
  switch (kind) {
    case 'docker':
      return new DockerRuntime(opts as DockerRuntimeOptions);
    case 'simulated':
      return new SimulatedRuntime(opts as SimulatedRuntimeOptions);
    default:
      throw new Error(`Unknown container runtime "${String(kind)}"; expected "docker" or "simulated".`);
  }
}

export * from './types.js';
export { DockerRuntime, type DockerRuntimeOptions } from './docker/docker-runtime.js';
export { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated/simulated-runtime.js';
export type { ImageBehaviour } from './simulated/behaviour.js';
