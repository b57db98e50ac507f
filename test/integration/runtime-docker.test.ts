// The docker runtime against a real engine: the shared contract, then what only a real kernel
// shows — a 100,000-line burst through a follow, OOM kills, SIGKILL after the grace period, TTYs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src-main/engine/runtime/docker/docker-runtime.js';
import { dockerSince } from '../../src-main/engine/runtime/docker/logs.js';
import { LABEL_CLUSTER, type ContainerSpec } from '../../src-main/engine/runtime/types.js';
import { dockerOrSkip, TEST_LABELS } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, PAUSE_IMAGE, TEST_HTTP_PORT, TEST_IMAGE } from '../fixtures/images.js';
import { eventually, runtimeContract } from '../unit/runtime/contract.js';

const docker = await dockerOrSkip();
const MISSING_IMAGE = 'kubedesk-test/not-in-any-registry:missing';

describe.skipIf(!docker)('docker runtime', () => {
  runtimeContract('docker', () => new DockerRuntime({ docker: docker! }), {
    image: TEST_IMAGE,
    pauseImage: PAUSE_IMAGE,
    missingImage: MISSING_IMAGE,
    prepare: async () => {
      await ensureTestImage(docker!);
      await ensurePauseImage(docker!);
    },
  });

  describe('on a real engine', () => {
    const cluster = `test-${randomBytes(4).toString('hex')}`;
    const labels = { ...TEST_LABELS, [LABEL_CLUSTER]: cluster };
    const runtime = new DockerRuntime({ docker: docker!, cluster });
    let n = 0;

    beforeAll(async () => {
      await ensureTestImage(docker!);
      await ensurePauseImage(docker!);
    });

    afterAll(async () => {
      const leftovers = await docker!.listContainers({
        all: true,
        filters: { label: [`${LABEL_CLUSTER}=${cluster}`] },
      });
      await Promise.all(
        leftovers.map((c) =>
          docker!
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
      await docker!.pruneNetworks({ filters: { label: [`${LABEL_CLUSTER}=${cluster}`] } });
      await runtime.close();
    });

    async function pod(ports: { containerPort: number; protocol: 'TCP' }[] = [], network?: string) {
      n++;
      return runtime.runSandbox({
        podUid: `uid-${cluster}-${n}`,
        podName: `pod-${n}`,
        namespace: 'default',
        hostname: `pod-${n}`,
        ports,
        image: PAUSE_IMAGE,
        labels,
        network,
      });
    }

    async function run(command: string[], extra: Partial<ContainerSpec> = {}, sandboxId?: string): Promise<string> {
      const sandbox = sandboxId ?? (await pod()).id;
      const id = await runtime.createContainer(sandbox, {
        name: 'main',
        image: TEST_IMAGE,
        command,
        env: [],
        mounts: [],
        labels,
        ...extra,
      });
      await runtime.startContainer(id);
      return id;
    }

    it('follows a 100,000-line burst without losing or reordering a line', async () => {
      const id = await run(['seq', '1', '100000']);
      const stream = await runtime.logs(id, { follow: true });
      let expected = 1;
      let partial = '';
      for await (const chunk of stream) {
        expect(chunk.stream).toBe('stdout');
        const lines = (partial + chunk.data.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (Number(line) !== expected) throw new Error(`expected line ${expected}, got ${JSON.stringify(line)}`);
          expected++;
        }
      }
      expect(partial).toBe('');
      expect(expected - 1).toBe(100_000);
    });

    it('reports a container that outgrows its memory limit as OOM-killed with exit 137', async () => {
      const events: string[] = [];
      const stop = runtime.watchEvents((e) => events.push(e.type));
      // busybox tail holds a newline-free stream in memory until the kernel kills it.
      const id = await run(['tail', '/dev/zero'], { memoryLimitBytes: 8 * 1024 * 1024 });
      expect(await runtime.waitContainer(id)).toBe(137);
      expect(await runtime.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });
      await eventually(async () => events.includes('die'));
      expect(events).toContain('oom');
      stop();
    });

    it('honours command/args as Kubernetes does: args alone keep the image entrypoint, command drops its CMD', async () => {
      const info = (id: string) => docker!.getContainer(id).inspect();
      const sandbox = (await pod()).id;
      const create = (extra: Partial<ContainerSpec>) =>
        runtime.createContainer(sandbox, { name: 'c', image: TEST_IMAGE, env: [], mounts: [], labels, ...extra });
      const argsOnly = await info(await create({ args: ['-c', 'true'] }));
      expect(argsOnly.Config.Entrypoint).toBeNull();
      expect(argsOnly.Config.Cmd).toEqual(['-c', 'true']);
      const commandOnly = await info(await create({ command: ['/bin/echo'] }));
      expect(commandOnly.Config.Entrypoint).toEqual(['/bin/echo']);
      // The image's CMD (/bin/sh) is not appended to an overridden entrypoint.
      expect(commandOnly.Config.Cmd ?? []).toEqual([]);
    });

    it('shares the sandbox network, env, limits and mounts with the app container', async () => {
      const sandbox = await pod([{ containerPort: TEST_HTTP_PORT, protocol: 'TCP' }]);
      const id = await run(
        ['httpd', '-f', '-p', String(TEST_HTTP_PORT), '-h', '/www'],
        {
          env: [{ name: 'GREETING', value: 'hello; $(not a shell)' }],
          cpuLimit: 0.5,
          memoryLimitBytes: 64 * 1024 * 1024,
          mounts: [{ containerPath: '/scratch', source: { type: 'tmpfs', sizeBytes: 1024 * 1024 } }],
        },
        sandbox.id,
      );
      const info = await docker!.getContainer(id).inspect();
      expect(info.HostConfig.NetworkMode).toBe(`container:${sandbox.id}`);
      expect(info.HostConfig.NanoCpus).toBe(500_000_000);
      expect(info.HostConfig.MemorySwap).toBe(64 * 1024 * 1024);
      expect(info.Config.Env).toContain('GREETING=hello; $(not a shell)');
      const url = `http://127.0.0.1:${sandbox.ports[0].hostPort}/cgi-bin/health`;
      const response = await eventually(() => fetch(url).catch(() => undefined));
      expect(response.status).toBe(200);
      const env = await runtime.execSync(id, ['sh', '-c', 'echo "$GREETING"'], 5_000);
      expect(env.stdout.toString()).toBe('hello; $(not a shell)\n');
      const mounted = await runtime.execSync(id, ['sh', '-c', 'grep " /scratch " /proc/mounts'], 5_000);
      expect(mounted.stdout.toString()).toContain('tmpfs');
    });

    it('joins a cluster network created with ensureNetwork, and reports the IP there', async () => {
      const network = `kubedesk-${cluster}`;
      const first = await runtime.ensureNetwork(network, labels);
      expect(await runtime.ensureNetwork(network, labels)).toBe(first);
      const sandbox = await pod([], network);
      const info = await docker!.getContainer(sandbox.id).inspect();
      expect(sandbox.ip).toBe(info.NetworkSettings.Networks[network].IPAddress);
      await runtime.removeSandbox(sandbox.id);
    });

    it('resizes a TTY exec, and the terminal sees the new size', async () => {
      const id = await run(['sleep', '1000']);
      const session = await runtime.exec(id, { command: ['sh'], tty: true, stdin: true });
      expect(session.stderr).toBeNull();
      let output = '';
      session.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await session.resize(123, 45);
      session.stdin!.write('stty size\n');
      await eventually(async () => output.includes('45 123'));
      session.stdin!.write('exit 4\n');
      expect(await session.exitCode).toBe(4);
    });

    it('reads logs of a TTY container raw (no multiplexing headers)', async () => {
      const id = await run(['sh', '-c', 'echo tty-line'], { tty: true });
      await runtime.waitContainer(id);
      const chunks: Buffer[] = [];
      for await (const chunk of await runtime.logs(id, {})) chunks.push(chunk.data);
      expect(Buffer.concat(chunks).toString()).toBe('tty-line\r\n');
    });

    it('removes a sandbox together with its containers', async () => {
      const sandbox = await pod();
      const id = await run(['sleep', '1000'], {}, sandbox.id);
      await runtime.removeSandbox(sandbox.id);
      expect(await runtime.inspectContainer(id)).toBeNull();
    });

    it('formats sinceMs as Docker wants it: seconds with nanoseconds', () => {
      expect(dockerSince(1_700_000_000_123)).toBe('1700000000.123000000');
    });
  });
});
