// The simulated runtime: the shared contract (on real time, as the docker runtime runs it), then
// its model on fake time — tag conventions, exits, OOM, stats, probes, logs, grace, scale.
import { describe, expect, it } from 'vitest';
import { FakeClock, realClock } from '../../../src-main/engine/clock.js';
import { createRuntime } from '../../../src-main/engine/runtime/index.js';
import { parseCommand, understood } from '../../../src-main/engine/runtime/simulated/script.js';
import { SimulatedRuntime } from '../../../src-main/engine/runtime/simulated/simulated-runtime.js';
import { ImageNotFoundError, PortInUseError, type ContainerSpec } from '../../../src-main/engine/runtime/types.js';
import { readAll, runtimeContract } from './contract.js';

const IMAGE = 'kubedesk-test/busybox:1';
const PAUSE = 'kubedesk-test/pause:1';

runtimeContract('simulated', () => new SimulatedRuntime({ clock: realClock, images: [IMAGE, PAUSE] }), {
  image: IMAGE,
  pauseImage: PAUSE,
  missingImage: 'kubedesk-test/nothing:missing',
});

/** Lets queued microtasks (event delivery, exec start) run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(images: string[] = []) {
  const clock = new FakeClock();
  const sim = createRuntime('simulated', { clock, images: [PAUSE, ...images] });
  let n = 0;
  const pod = (ports: { containerPort: number; protocol: 'TCP'; hostPort?: number }[] = []) =>
    sim.runSandbox({
      podUid: `uid-${++n}`,
      podName: `pod-${n}`,
      namespace: 'default',
      hostname: `pod-${n}`,
      ports,
      image: PAUSE,
      labels: {},
    });
  const start = async (image: string, extra: Partial<ContainerSpec> = {}) => {
    const sandbox = await pod();
    const id = await sim.createContainer(sandbox.id, { name: 'app', image, env: [], mounts: [], labels: {}, ...extra });
    await sim.startContainer(id);
    return id;
  };
  return { clock, sim, pod, start };
}

describe('the simulated runtime on fake time', () => {
  it('crashes a `:crash` image with exit 1 one second after start, and emits start then die', async () => {
    const { clock, sim, start } = setup(['app:crash']);
    const events: string[] = [];
    sim.watchEvents((e) => events.push(e.type));
    const id = await start('app:crash');
    clock.advance(999);
    expect((await sim.inspectContainer(id))?.state).toBe('running');
    clock.advance(1);
    expect(await sim.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 1 });
    await flush();
    expect(events).toEqual(['start', 'die']);
  });

  it('follows setImageBehaviour over tag conventions, for an exact image or a whole repository', async () => {
    const { clock, sim, start } = setup(['app:crash', 'job:1']);
    sim.setImageBehaviour('app:crash', { exitAfterMs: 5000, exitCode: 42 });
    sim.setImageBehaviour('job', { exitAfterMs: 100 });
    const crash = await start('app:crash');
    const job = await start('job:1');
    clock.advance(5000);
    expect((await sim.inspectContainer(crash))?.exitCode).toBe(42);
    expect((await sim.inspectContainer(job))?.exitCode).toBe(0);
  });

  it('fails pulls of `:missing` images and takes its modelled time for slow ones', async () => {
    const { clock, sim } = setup();
    await expect(sim.pullImage('app:missing')).rejects.toBeInstanceOf(ImageNotFoundError);
    const progress: string[] = [];
    let done = false;
    const pull = sim.pullImage('app:slow', (p) => progress.push(p.status)).then(() => (done = true));
    clock.advance(4999);
    await flush();
    expect(done).toBe(false);
    clock.advance(1);
    await pull;
    expect(progress).toContain('Pull complete');
    expect(await sim.imagePresent('app:slow')).toBe(true);
  });

  it('OOM-kills a container whose modelled memory exceeds its limit, with an oom event', async () => {
    const { sim, start } = setup(['big:1']);
    sim.setImageBehaviour('big:1', { memoryBytes: 512 * 1024 * 1024 });
    const events: string[] = [];
    sim.watchEvents((e) => events.push(e.type));
    const id = await start('big:1', { memoryLimitBytes: 128 * 1024 * 1024 });
    expect(await sim.inspectContainer(id)).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });
    await flush();
    expect(events).toEqual(['start', 'oom', 'die']);
  });

  it('grows CPU usage by cores × elapsed time and reports the modelled working set', async () => {
    const { clock, sim, start } = setup(['busy:1']);
    sim.setImageBehaviour('busy:1', { cpuCores: 0.5, memoryBytes: 100 });
    const id = await start('busy:1');
    clock.advance(2000);
    expect(await sim.stats(id)).toMatchObject({ cpuUsageNanos: 1e9, memoryWorkingSetBytes: 100 });
  });

  it('fails probes on request and until a slow app is ready', async () => {
    const { clock, sim, start } = setup(['slow-app:1']);
    sim.setImageBehaviour('slow-app:1', { readyAfterMs: 3000 });
    const id = await start('slow-app:1');
    expect(await sim.probeHttp(id)).toEqual({ statusCode: 503 });
    clock.advance(3000);
    expect(await sim.probeHttp(id)).toEqual({ statusCode: 200 });
    expect((await sim.execSync(id, ['cat', '/tmp/healthy'], 1000)).exitCode).toBe(0);
    sim.failProbe(id, true);
    expect(await sim.probeHttp(id)).toEqual({ statusCode: 503 });
    expect(await sim.probeTcp(id)).toBe(false);
    expect((await sim.execSync(id, ['cat', '/tmp/healthy'], 1000)).exitCode).toBe(1);
    sim.failProbe(id, false);
    expect(await sim.probeTcp(id)).toBe(true);
  });

  it('writes rate-modelled log lines lazily, and emitted lines to followers', async () => {
    const { clock, sim, start } = setup(['chatty:1']);
    sim.setImageBehaviour('chatty:1', { logLinesPerSecond: 10, logLine: (n) => `tick ${n}` });
    const id = await start('chatty:1');
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect((await readAll(await sim.logs(id, { tail: 2 }))).stdout).toBe('tick 9\ntick 10\n');
    const follow = await sim.logs(id, { follow: true, tail: 0 });
    sim.emitLog(id, 'hello');
    clock.advance(100);
    sim.crash(id, 2);
    expect((await readAll(follow)).stdout).toBe('hello\ntick 11\n');
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops a SIGTERM-ignoring container only when the grace period has passed on the clock', async () => {
    const { clock, sim, start } = setup(['stubborn:1']);
    sim.setImageBehaviour('stubborn:1', { ignoreSigterm: true });
    const id = await start('stubborn:1');
    let stopped = false;
    const stop = sim.stopContainer(id, 30).then(() => (stopped = true));
    clock.advance(29_999);
    await flush();
    expect(stopped).toBe(false);
    clock.advance(1);
    await stop;
    expect((await sim.inspectContainer(id))?.exitCode).toBe(137);
  });

  it('times an exec out on the clock', async () => {
    const { clock, sim, start } = setup([IMAGE]);
    const id = await start(IMAGE, { command: ['sleep', 'infinity'] });
    const result = sim.execSync(id, ['sleep', '10'], 1000);
    clock.advance(1000);
    expect(await result).toMatchObject({ timedOut: true, exitCode: -1 });
  });

  it('runs a container script in modelled time', async () => {
    const { clock, sim, start } = setup([IMAGE]);
    const id = await start(IMAGE, { command: ['sh', '-c', 'echo a; sleep 60; echo b >&2; exit 5'] });
    clock.advance(59_999);
    expect((await sim.inspectContainer(id))?.state).toBe('running');
    clock.advance(1);
    expect(await sim.inspectContainer(id)).toMatchObject({ exitCode: 5 });
    expect(await readAll(await sim.logs(id, {}))).toEqual({ stdout: 'a\n', stderr: 'b\n' });
  });

  it('refuses a host port held by another process, and frees a pod’s ports when its sandbox stops', async () => {
    const { sim, pod } = setup();
    sim.occupyHostPort(8080);
    await expect(pod([{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }])).rejects.toBeInstanceOf(PortInUseError);
    const first = await pod([{ containerPort: 80, protocol: 'TCP', hostPort: 9090 }]);
    await expect(pod([{ containerPort: 80, protocol: 'TCP', hostPort: 9090 }])).rejects.toThrow('9090');
    await sim.stopSandbox(first.id);
    expect((await pod([{ containerPort: 80, protocol: 'TCP', hostPort: 9090 }])).ports[0].hostPort).toBe(9090);
  });

  it('runs 10,000 idle containers cheaply, with no timers', async () => {
    const { clock, sim } = setup(['web:1']);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const sandbox = await sim.runSandbox({
        podUid: `u${i}`,
        podName: `p${i}`,
        namespace: 'bench',
        hostname: `p${i}`,
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        image: PAUSE,
        labels: {},
      });
      const id = await sim.createContainer(sandbox.id, {
        name: 'web',
        image: 'web:1',
        env: [],
        mounts: [],
        labels: {},
      });
      await sim.startContainer(id);
    }
    const elapsed = performance.now() - started;
    expect(sim.containerCount).toBe(10_000);
    expect(clock.pendingTimers).toBe(0);
    expect((await sim.listContainers({ 'io.kubernetes.pod.namespace': 'bench' })).length).toBe(10_000);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('the simulated shell', () => {
  it.each([
    [['sh', '-c', 'echo hi; sleep 1 & wait; exit 3'], true],
    [['sh', '-c', "trap 'exit 0' TERM; sleep 1000 & wait"], true],
    [['/bin/httpd', '-f', '-p', '8080'], true],
    [['sh', '-c', 'cat /etc/passwd | grep root'], false],
    [['nginx', '-g', 'daemon off;'], false],
  ])('knows whether it can run %j', (argv, expected) => {
    expect(understood(parseCommand(argv))).toBe(expected);
  });
});
