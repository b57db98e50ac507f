// Fake host ports and pod IPs. Host ports are claimed per sandbox, as Docker binds them on
// 127.0.0.1: a requested hostPort already held (by a pod, or by `occupy` — "some other process")
// is refused with PortInUseError; port 0 gets the next free ephemeral port.
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_ROLE,
  PortInUseError,
  SANDBOX_CONTAINER_NAME,
  type SandboxSpec,
  type SandboxStatus,
} from '../types.js';

/** Linux's default ephemeral range (net.ipv4.ip_local_port_range). */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

export class PortAllocator {
  #owners = new Map<number, string>();
  #cursor = EPHEMERAL_FIRST;

  isFree(port: number): boolean {
    return !this.#owners.has(port);
  }

  /** Claims `port` for `owner`, or throws PortInUseError naming it. */
  claim(port: number, owner: string, describe: string): void {
    const holder = this.#owners.get(port);
    if (holder !== undefined && holder !== owner) {
      throw new PortInUseError(
        port,
        `Host port ${port}${describe} is already in use on 127.0.0.1. Choose another hostPort, or stop whatever holds it.`,
      );
    }
    this.#owners.set(port, owner);
  }

  ephemeral(owner: string): number {
    for (let tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
      const port = this.#cursor;
      this.#cursor = port >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!this.#owners.has(port)) {
        this.#owners.set(port, owner);
        return port;
      }
    }
    throw new Error('No ephemeral host port is free on 127.0.0.1 (all 28,232 are in use).');
  }

  release(port: number, owner: string): void {
    if (this.#owners.get(port) === owner) this.#owners.delete(port);
  }
}

/** Pod IPs from 10.88.0.0/16 (podman's default pod network), never reused while the runtime lives. */
export class IpAllocator {
  #next = 2;

  allocate(): string {
    const n = this.#next++;
    return `10.88.${(n >> 8) & 0xff}.${n & 0xff}`;
  }
}

/** A running sandbox's status, its host ports claimed (all or none: a conflict releases the rest). */
export function newSandbox(
  spec: SandboxSpec,
  id: string,
  portAllocator: PortAllocator,
  ips: IpAllocator,
  now: number,
): SandboxStatus {
  const ports: SandboxStatus['ports'] = [];
  try {
    for (const port of spec.ports) {
      let hostPort = port.hostPort ?? 0;
      if (hostPort) {
        const what = ` (containerPort ${port.containerPort}/${port.protocol}) of pod ${spec.namespace}/${spec.podName}`;
        portAllocator.claim(hostPort, id, what);
      } else hostPort = portAllocator.ephemeral(id);
      ports.push({ ...port, hostPort, hostIP: port.hostIP || '127.0.0.1' });
    }
  } catch (error) {
    for (const port of ports) portAllocator.release(port.hostPort, id);
    throw error;
  }
  const labels = {
    ...spec.labels,
    [LABEL_POD_NAME]: spec.podName,
    [LABEL_POD_NAMESPACE]: spec.namespace,
    [LABEL_POD_UID]: spec.podUid,
    [LABEL_CONTAINER_NAME]: SANDBOX_CONTAINER_NAME,
    [LABEL_ROLE]: 'sandbox',
  };
  return { id, podUid: spec.podUid, state: 'ready', ip: ips.allocate(), ports, labels, createdAt: now };
}
