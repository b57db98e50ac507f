// The ContainerRuntime contract: one set of behaviours both runtimes must show. The simulated
// runtime runs it in the unit suite, the docker runtime in the integration suite. Commands are
// busybox shell that the simulated runtime's tiny shell also understands (see script.ts).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ImageNotFoundError,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_ROLE,
  PortInUseError,
  type ContainerRuntime,
  type ContainerSpec,
  type LogChunk,
  type LogOptions,
  type SandboxStatus,
} from '../../../src-main/engine/runtime/types.js';

export interface ContractOptions {
  /** An image with busybox's sh, echo, sleep, seq, cat. */
  image: string;
  pauseImage: string;
  /** An image no registry has. */
  missingImage: string;
  /** Runs before the suite (build fixture images, …). */
  prepare?: (runtime: ContainerRuntime) => Promise<void>;
}

/** A port nothing listens on right now. */
export async function freeHostPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function readAll(stream: AsyncIterable<LogChunk>): Promise<{ stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const chunk of stream) (chunk.stream === 'stderr' ? err : out).push(chunk.data);
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  if (!stream) return Promise.resolve('');
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
    stream.on('error', reject);
  });
}

export function runtimeContract(
  name: string,
  makeRuntime: () => ContainerRuntime | Promise<ContainerRuntime>,
  opts: ContractOptions,
): void {
  describe(`${name} runtime contract`, () => {
    const cluster = `test-${randomBytes(4).toString('hex')}`;
    const labels = { 'io.kubedesk.test': '1', [LABEL_CLUSTER]: cluster };
    const volumes = new Set<string>();
    let runtime: ContainerRuntime;
    let pods = 0;

    beforeAll(async () => {
      runtime = await makeRuntime();
      await opts.prepare?.(runtime);
    });

    afterAll(async () => {
      if (!runtime) return;
      for (const c of await runtime.listContainers({ [LABEL_CLUSTER]: cluster })) await runtime.removeContainer(c.id);
      for (const s of await runtime.listSandboxes({ [LABEL_CLUSTER]: cluster })) await runtime.removeSandbox(s.id);
      for (const v of volumes) await runtime.removeVolume(v);
      await runtime.close();
    });

    async function sandbox(
      ports: SandboxStatus['ports'] | { containerPort: number; protocol: 'TCP'; hostPort?: number }[] = [],
    ) {
      const n = ++pods;
      return runtime.runSandbox({
        podUid: `uid-${cluster}-${n}`,
        podName: `pod-${n}`,
        namespace: 'default',
        hostname: `pod-${n}`,
        ports,
        image: opts.pauseImage,
        labels,
      });
    }

    function spec(command: string[], extra: Partial<ContainerSpec> = {}): ContainerSpec {
      return { name: 'main', image: opts.image, command, env: [], mounts: [], labels, ...extra };
    }

    async function run(command: string[], extra: Partial<ContainerSpec> = {}): Promise<string> {
      const pod = await sandbox();
      const id = await runtime.createContainer(pod.id, spec(command, extra));
      await runtime.startContainer(id);
      return id;
    }

    async function logsOf(id: string, options: LogOptions = {}) {
      return readAll(await runtime.logs(id, options));
    }

    it('reports what it is and answers pings', async () => {
      const info = await runtime.info();
      expect(info.runtimeVersion).toMatch(/^\w+:\/\/./);
      expect(info.cpus).toBeGreaterThan(0);
      expect(info.memoryBytes).toBeGreaterThan(0);
      expect(await runtime.ping()).toBe(true);
    });

    it('knows which images are present, and a pull of an image no registry has fails with ImageNotFoundError', async () => {
      expect(await runtime.imagePresent(opts.image)).toBe(true);
      expect(await runtime.imagePresent(opts.missingImage)).toBe(false);
      expect((await runtime.listImages()).some((i) => i.tags.includes(opts.image))).toBe(true);
      const started = Date.now();
      const pull = runtime.pullImage(opts.missingImage, () => undefined, AbortSignal.timeout(15_000));
      await expect(pull).rejects.toBeInstanceOf(ImageNotFoundError);
      await expect(pull).rejects.toThrow(opts.missingImage);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('refuses to create a container from an image that is not present', async () => {
      const pod = await sandbox();
      await expect(
        runtime.createContainer(pod.id, spec(['true'], { image: opts.missingImage })),
      ).rejects.toBeInstanceOf(ImageNotFoundError);
    });

    it('runs a sandbox that publishes its ports on 127.0.0.1 and is listed by its labels', async () => {
      const pod = await sandbox([{ containerPort: 8080, protocol: 'TCP' }]);
      expect(pod.state).toBe('ready');
      expect(pod.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(pod.ports).toEqual([
        expect.objectContaining({ containerPort: 8080, protocol: 'TCP', hostIP: '127.0.0.1' }),
      ]);
      expect(pod.ports[0].hostPort).toBeGreaterThan(0);
      expect(pod.labels[LABEL_ROLE]).toBe('sandbox');
      const listed = await runtime.listSandboxes({ [LABEL_CLUSTER]: cluster, 'io.kubernetes.pod.uid': pod.podUid });
      expect(listed.map((s) => s.id)).toEqual([pod.id]);
      expect(listed[0].ports[0].hostPort).toBe(pod.ports[0].hostPort);
    });

    it('binds a requested hostPort, and a second sandbox asking for it gets PortInUseError naming the port', async () => {
      const hostPort = await freeHostPort();
      const first = await sandbox([{ containerPort: 80, protocol: 'TCP', hostPort }]);
      expect(first.ports[0].hostPort).toBe(hostPort);
      const second = sandbox([{ containerPort: 81, protocol: 'TCP', hostPort }]);
      await expect(second).rejects.toBeInstanceOf(PortInUseError);
      await expect(second).rejects.toThrow(String(hostPort));
      await runtime.stopSandbox(first.id, 5);
      await runtime.removeSandbox(first.id);
      expect(await runtime.listSandboxes({ 'io.kubernetes.pod.uid': first.podUid })).toEqual([]);
    });

    it('creates a container that is not started until asked', async () => {
      const pod = await sandbox();
      const id = await runtime.createContainer(pod.id, spec(['sleep', '1000']));
      const created = await runtime.inspectContainer(id);
      expect(created).toMatchObject({ id, name: 'main', image: opts.image, state: 'created' });
      expect(created!.startedAt).toBeUndefined();
      expect(created!.exitCode).toBeUndefined();
      expect(created!.labels[LABEL_CONTAINER_NAME]).toBe('main');
    });

    it('runs a container to its exit code and keeps stdout apart from stderr', async () => {
      const id = await run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(await runtime.waitContainer(id)).toBe(3);
      const status = await runtime.inspectContainer(id);
      expect(status).toMatchObject({ state: 'exited', exitCode: 3 });
      expect(status!.oomKilled).toBeFalsy();
      expect(status!.finishedAt!).toBeGreaterThanOrEqual(status!.startedAt!);
      expect(await logsOf(id)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    });

    it('passes args after the command, as Kubernetes args follow command', async () => {
      const id = await run(['echo'], { args: ['hello', 'world'] });
      expect(await runtime.waitContainer(id)).toBe(0);
      expect((await logsOf(id)).stdout).toBe('hello world\n');
    });

    it('stops a container that exits on SIGTERM at once', async () => {
      const id = await run(['sh', '-c', "trap 'exit 0' TERM; sleep 1000 & wait"]);
      await eventually(async () => (await runtime.inspectContainer(id))?.state === 'running');
      const started = Date.now();
      await runtime.stopContainer(id, 10);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await runtime.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 0 });
    });

    it('kills a container that ignores SIGTERM once the grace period is over', async () => {
      const id = await run(['sh', '-c', "trap '' TERM; sleep 1000 & wait"]);
      await new Promise((resolve) => setTimeout(resolve, 200)); // let the shell install its trap
      const started = Date.now();
      await runtime.stopContainer(id, 1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(await runtime.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137 });
    });

    it('treats stopping a stopped container and removing a removed one as done', async () => {
      const id = await run(['true']);
      await runtime.waitContainer(id);
      await runtime.stopContainer(id, 1);
      await runtime.removeContainer(id);
      expect(await runtime.inspectContainer(id)).toBeNull();
      await runtime.removeContainer(id);
      await runtime.stopContainer(id, 1);
    });

    it('lists app containers by label, never sandboxes', async () => {
      const pod = await sandbox();
      const mark = { ...labels, 'test.kubedesk.io/pick': pod.id.slice(0, 12) };
      const picked = await runtime.createContainer(pod.id, spec(['true'], { name: 'picked', labels: mark }));
      await runtime.createContainer(pod.id, spec(['true'], { name: 'other' }));
      const listed = await runtime.listContainers({ 'test.kubedesk.io/pick': pod.id.slice(0, 12) });
      expect(listed.map((c) => c.id)).toEqual([picked]);
      const all = await runtime.listContainers({ [LABEL_CLUSTER]: cluster });
      expect(all.every((c) => c.labels[LABEL_ROLE] !== 'sandbox')).toBe(true);
    });

    it('returns the last lines with tail, and prefixes RFC 3339 nanosecond timestamps', async () => {
      const id = await run(['seq', '1', '5']);
      await runtime.waitContainer(id);
      expect((await logsOf(id, { tail: 2 })).stdout).toBe('4\n5\n');
      expect((await logsOf(id, { tail: 0 })).stdout).toBe('');
      const stamped = (await logsOf(id, { timestamps: true })).stdout.trimEnd().split('\n');
      expect(stamped).toHaveLength(5);
      for (const [i, line] of stamped.entries()) {
        expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z ${i + 1}$`));
      }
    });

    it('returns only lines at or after sinceMs', async () => {
      const id = await run(['sh', '-c', 'echo one; sleep 0.3; echo two']);
      await runtime.waitContainer(id);
      const stamped = (await logsOf(id, { timestamps: true })).stdout.trimEnd().split('\n');
      const secondAt = Date.parse(stamped[1].split(' ')[0].replace(/(\.\d{3})\d+/, '$1'));
      expect((await logsOf(id, { sinceMs: secondAt })).stdout).toBe('two\n');
      expect((await logsOf(id, { sinceMs: 0 })).stdout).toBe('one\ntwo\n');
    });

    it('follows a running container and ends the stream when it exits', async () => {
      const id = await run(['sh', '-c', 'echo a; sleep 0.5; echo b; exit 0']);
      const { stdout } = await logsOf(id, { follow: true });
      expect(stdout).toBe('a\nb\n');
      expect((await runtime.inspectContainer(id))?.state).toBe('exited');
    });

    it('stops following when the log stream is closed', async () => {
      const id = await run(['sh', '-c', 'echo first; sleep 1000']);
      const stream = await runtime.logs(id, { follow: true });
      const iterator = stream[Symbol.asyncIterator]();
      expect((await iterator.next()).value?.data.toString()).toBe('first\n');
      stream.close();
      expect((await iterator.next()).done).toBe(true);
    });

    it('runs exec commands to their exit codes, with output, timeouts and an output cap', async () => {
      const id = await run(['sleep', '1000']);
      await eventually(async () => (await runtime.inspectContainer(id))?.state === 'running');
      expect(await runtime.execSync(id, ['true'], 5_000)).toMatchObject({ exitCode: 0, timedOut: false });
      expect(await runtime.execSync(id, ['sh', '-c', 'exit 7'], 5_000)).toMatchObject({ exitCode: 7 });
      const echoed = await runtime.execSync(id, ['echo', 'hi', 'there'], 5_000);
      expect(echoed.stdout.toString()).toBe('hi there\n');
      const missing = await runtime.execSync(id, ['cat', '/no/such/file'], 5_000);
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr.toString()).toContain('/no/such/file');
      const capped = await runtime.execSync(id, ['seq', '1', '1000'], 5_000, 10);
      expect(capped.stdout.toString()).toBe('1\n2\n3\n4\n5\n');
      const started = Date.now();
      const slow = await runtime.execSync(id, ['sleep', '30'], 300);
      expect(slow.timedOut).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('streams an exec session with stdin and reports its exit code', async () => {
      const id = await run(['sleep', '1000']);
      const session = await runtime.exec(id, { command: ['cat'], stdin: true });
      const out = collect(session.stdout);
      session.stdin!.end('through stdin\n');
      expect(await out).toBe('through stdin\n');
      expect(await session.exitCode).toBe(0);
    });

    it('samples stats of a running container, and none of a stopped one', async () => {
      const id = await run(['sleep', '1000'], { memoryLimitBytes: 64 * 1024 * 1024 });
      await eventually(async () => (await runtime.inspectContainer(id))?.state === 'running');
      const sample = await runtime.stats(id);
      expect(sample).toMatchObject({ memoryLimitBytes: 64 * 1024 * 1024 });
      expect(sample!.cpuUsageNanos).toBeGreaterThanOrEqual(0);
      expect(sample!.memoryWorkingSetBytes).toBeGreaterThan(0);
      expect(sample!.timestamp).toBeGreaterThan(0);
      await runtime.stopContainer(id, 0);
      expect(await runtime.stats(id)).toBeNull();
    });

    it('emits start and die events for cluster containers until stopped', async () => {
      const seen: { type: string; containerId: string; labels: Record<string, string> }[] = [];
      const stop = runtime.watchEvents((e) => seen.push(e));
      await new Promise((resolve) => setTimeout(resolve, 200)); // the event stream is open
      const id = await run(['sh', '-c', 'exit 2']);
      await runtime.waitContainer(id);
      await eventually(async () => seen.some((e) => e.containerId === id && e.type === 'die'));
      const mine = seen.filter((e) => e.containerId === id);
      expect(mine.map((e) => e.type)).toEqual(['start', 'die']);
      expect(mine[0].labels[LABEL_CLUSTER]).toBe(cluster);
      stop();
      const after = await run(['true']);
      await runtime.waitContainer(after);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen.some((e) => e.containerId === after)).toBe(false);
    });

    it('creates named volumes idempotently and removes them', async () => {
      const volume = `${cluster}-data`;
      volumes.add(volume);
      await runtime.ensureVolume(volume, labels);
      await runtime.ensureVolume(volume, labels);
      const id = await run(['sh', '-c', 'echo kept'], {
        mounts: [{ containerPath: '/data', source: { type: 'volume', name: volume } }],
      });
      await runtime.waitContainer(id);
      await runtime.removeContainer(id);
      await runtime.removeVolume(volume);
      await runtime.removeVolume(volume);
    });
  });
}
