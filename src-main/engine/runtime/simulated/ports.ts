// Fake host ports and pod IPs. Host ports are claimed per sandbox, as Docker binds them on
// 127.0.0.1: a requested hostPort already held (by a pod, or by `occupy` — "some other process")
// is refused with PortInUseError; port 0 gets the next free ephemeral port.
import { PortInUseError } from '../types.js';

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
