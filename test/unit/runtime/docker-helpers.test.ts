// Pure parts of the docker runtime, without an engine: the stream demultiplexer, JSON lines,
// spec mapping, and the translation of Docker's answers.
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src-main/engine/clock.js';
import { DockerRuntime } from '../../../src-main/engine/runtime/docker/docker-runtime.js';
import { parseDockerTime } from '../../../src-main/engine/runtime/docker/client.js';
import { createOptions, entrypointAndCmd } from '../../../src-main/engine/runtime/docker/containers.js';
import { demultiplex, FrameParser } from '../../../src-main/engine/runtime/docker/demux.js';
import { toRuntimeEvent } from '../../../src-main/engine/runtime/docker/events.js';
import { jsonLines } from '../../../src-main/engine/runtime/docker/json-lines.js';
import { portConflict, sandboxCreateOptions } from '../../../src-main/engine/runtime/docker/sandbox.js';
import { toContainerStats } from '../../../src-main/engine/runtime/docker/stats.js';
import {
  ImageNotFoundError,
  PortInUseError,
  RuntimeUnavailableError,
  type SandboxSpec,
} from '../../../src-main/engine/runtime/types.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function* chunked(buffer: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let offset = 0;
  for (let i = 0; offset < buffer.length; i++) {
    const size = sizes[i % sizes.length];
    yield buffer.subarray(offset, offset + size);
    offset += size;
  }
}

describe('the Docker stream demultiplexer', () => {
  const wire = Buffer.concat(Array.from({ length: 300 }, (_, i) => frame(i % 3 === 0 ? 2 : 1, `line ${i}\n`)));

  it.each([[[1]], [[3, 7]], [[8]], [[13, 1, 50]], [[100_000]]])(
    'yields every frame in order however the transport cuts it (chunks of %j bytes)',
    async (sizes) => {
      const chunks = [];
      for await (const chunk of demultiplex(chunked(wire, sizes), false)) chunks.push(chunk);
      expect(chunks).toHaveLength(300);
      chunks.forEach((chunk, i) => {
        expect(chunk.stream).toBe(i % 3 === 0 ? 'stderr' : 'stdout');
        expect(chunk.data.toString()).toBe(`line ${i}\n`);
      });
    },
  );

  it('passes a TTY stream through as stdout, untouched', async () => {
    const chunks = [];
    for await (const chunk of demultiplex(chunked(Buffer.from('raw\r\nbytes'), [4]), true)) chunks.push(chunk);
    expect(Buffer.concat(chunks.map((c) => c.data)).toString()).toBe('raw\r\nbytes');
    expect(chunks.every((c) => c.stream === 'stdout')).toBe(true);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const parser = new FrameParser();
    const bytes = frame(1, 'hello');
    expect(parser.push(bytes.subarray(0, 10))).toEqual([]);
    expect(parser.leftover).toBe(10);
    expect(parser.push(bytes.subarray(10)).map((c) => c.data.toString())).toEqual(['hello']);
    expect(parser.leftover).toBe(0);
  });

  it('refuses a header that names no stream rather than guessing', () => {
    expect(() => new FrameParser().push(Buffer.from('not a frame header'))).toThrow(/Malformed Docker stream/);
  });
});

describe('Docker JSON lines', () => {
  it('reassembles objects split across chunks', async () => {
    const text = '{"status":"a"}\n{"status":"b"}\n{"error":"c"}';
    const out = [];
    for await (const line of jsonLines(chunked(Buffer.from(text), [5]))) out.push(line);
    expect(out).toEqual([{ status: 'a' }, { status: 'b' }, { error: 'c' }]);
  });
});

describe('container specs for Docker', () => {
  it('maps Kubernetes command/args onto ENTRYPOINT/CMD', () => {
    expect(entrypointAndCmd({})).toEqual({});
    expect(entrypointAndCmd({ args: ['-x'] })).toEqual({ Cmd: ['-x'] });
    expect(entrypointAndCmd({ command: ['/app'] })).toEqual({ Entrypoint: ['/app'], Cmd: [] });
    expect(entrypointAndCmd({ command: ['/app'], args: ['-x'] })).toEqual({ Entrypoint: ['/app'], Cmd: ['-x'] });
  });

  it('joins the sandbox namespaces and sets limits without swap', () => {
    const options = createOptions(
      'sb1',
      { 'io.kubernetes.pod.name': 'web' },
      {
        name: 'app',
        image: 'img',
        env: [{ name: 'A', value: 'b c' }],
        mounts: [{ containerPath: '/data', readOnly: true, source: { type: 'volume', name: 'pvc-1' } }],
        cpuLimit: 1.5,
        memoryLimitBytes: 1 << 20,
        labels: { x: 'y' },
      },
    );
    expect(options.HostConfig).toMatchObject({
      NetworkMode: 'container:sb1',
      IpcMode: 'container:sb1',
      NanoCpus: 1_500_000_000,
      Memory: 1 << 20,
      MemorySwap: 1 << 20,
      Mounts: [{ Type: 'volume', Source: 'pvc-1', Target: '/data', ReadOnly: true }],
    });
    expect(options.Env).toEqual(['A=b c']);
    expect(options.Labels).toMatchObject({ x: 'y', 'io.kubernetes.pod.name': 'web', 'io.kubedesk.sandbox': 'sb1' });
  });

  const pod: SandboxSpec = {
    podUid: 'u1',
    podName: 'web',
    namespace: 'default',
    hostname: 'web',
    image: 'pause',
    labels: {},
    ports: [
      { containerPort: 80, protocol: 'TCP', hostPort: 8080 },
      { containerPort: 53, protocol: 'UDP' },
    ],
  };

  it('publishes every sandbox port on 127.0.0.1, ephemeral when no hostPort is asked for', () => {
    expect(sandboxCreateOptions(pod).HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
  });

  it.each([
    'driver failed programming external connectivity on endpoint k8s_POD (abc): Bind for 127.0.0.1:8080 failed: port is already allocated',
    'driver failed programming external connectivity: Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use',
  ])('reads a taken port out of Docker’s prose: %s', (message) => {
    const error = portConflict({ statusCode: 500, json: { message } }, pod);
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error?.hostPort).toBe(8080);
    expect(error?.message).toContain('Host port 8080 (containerPort 80/TCP) of pod default/web is already in use');
  });
});

describe('Docker answers', () => {
  it("treats Docker's zero time as never", () => {
    expect(parseDockerTime('0001-01-01T00:00:00Z')).toBeUndefined();
    expect(parseDockerTime('2026-01-01T00:00:01.123456789Z')).toBe(Date.parse('2026-01-01T00:00:01.123Z'));
  });

  it('computes the working set from cgroup v2 and v1 stats', () => {
    const v2 = {
      cpu_stats: { cpu_usage: { total_usage: 42 } },
      memory_stats: { usage: 100, limit: 1000, stats: { inactive_file: 30 } },
    };
    expect(toContainerStats(v2, 5)).toEqual({
      timestamp: 5,
      cpuUsageNanos: 42,
      memoryWorkingSetBytes: 70,
      memoryLimitBytes: 1000,
    });
    const v1 = { memory_stats: { usage: 100, stats: { total_inactive_file: 60 } } };
    expect(toContainerStats(v1, 5).memoryWorkingSetBytes).toBe(40);
  });

  it('turns container events into runtime events, keeping only labels', () => {
    expect(
      toRuntimeEvent({
        Type: 'container',
        Action: 'die',
        Actor: { ID: 'c1', Attributes: { name: 'x', image: 'busybox', exitCode: '1', 'io.kubedesk.cluster': 't' } },
      }),
    ).toEqual({ type: 'die', containerId: 'c1', labels: { 'io.kubedesk.cluster': 't' } });
    expect(toRuntimeEvent({ Type: 'container', Action: 'create', Actor: { ID: 'c1' } })).toBeUndefined();
  });
});

describe('the docker runtime without an engine', () => {
  it('says how to start Docker when the engine cannot be reached', async () => {
    const nowhere = new DockerRuntime({ socketPath: `/tmp/kubedesk-no-docker-${process.pid}.sock` });
    expect(await nowhere.ping()).toBe(false);
    const info = nowhere.info();
    await expect(info).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(info).rejects.toThrow(
      /Docker is not running \(cannot reach .*kubedesk-no-docker.*systemctl start docker/,
    );
  });

  it('fails a pull on an in-stream error line, naming the image', async () => {
    const docker = {
      pull: async () =>
        Readable.from([
          '{"status":"Pulling from app"}\n{"error":"manifest unknown","errorDetail":',
          '{"message":"manifest unknown"}}\n',
        ]),
    } as unknown as Dockerode;
    const progress: string[] = [];
    const pull = new DockerRuntime({ docker }).pullImage('app:1', (p) => progress.push(p.status));
    await expect(pull).rejects.toBeInstanceOf(ImageNotFoundError);
    await expect(pull).rejects.toThrow('Failed to pull image "app:1": manifest unknown');
    expect(progress).toEqual(['Pulling from app']);
  });

  it('reopens a dropped event stream from the last event seen, without repeating it', async () => {
    const clock = new FakeClock();
    const event = (id: string, action: string, timeNano: number) =>
      JSON.stringify({ Type: 'container', Action: action, timeNano, Actor: { ID: id, Attributes: {} } }) + '\n';
    const calls: { since?: number }[] = [];
    const answers = [[event('a', 'start', 5e9)], [event('a', 'start', 5e9), event('a', 'die', 6e9)]];
    const docker = {
      getEvents: async (opts: { since?: number }) => {
        calls.push(opts);
        return Readable.from(answers.shift() ?? [], { objectMode: false });
      },
    } as unknown as Dockerode;
    const seen: string[] = [];
    const stop = new DockerRuntime({ docker, clock }).watchEvents((e) => seen.push(`${e.containerId}:${e.type}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['a:start']);
    clock.advance(250);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['a:start', 'a:die']);
    expect(calls[1].since).toBe(5);
    stop();
  });
});

describe('choosing the Docker endpoint', () => {
  it('honours DOCKER_HOST, and an explicit socket path over it', () => {
    const saved = process.env['DOCKER_HOST'];
    process.env['DOCKER_HOST'] = 'unix:///tmp/kubedesk-elsewhere.sock';
    try {
      expect(new DockerRuntime().endpoint).toBe('/tmp/kubedesk-elsewhere.sock');
      expect(new DockerRuntime({ socketPath: '/tmp/explicit.sock' }).endpoint).toBe('/tmp/explicit.sock');
    } finally {
      if (saved === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = saved;
    }
  });
});
