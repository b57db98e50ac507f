import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, condition, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('pod workers', () => {
  it('a pod bound to the node runs: sandbox, podIP, Running phase, Ready conditions and kubelet events', async () => {
    h = await harness();
    await h.createPod(pod('web', [{ name: 'web', image: 'app:1', ports: [{ containerPort: 80 }] }]));
    const p = await h.getPod('web');
    const s = p.status!;
    expect(s.phase).toBe('Running');
    expect(s.podIP).toMatch(/^10\.88\./);
    expect(s.podIPs).toEqual([{ ip: s.podIP }]);
    expect(s.hostIP).toBe('127.0.0.1');
    const cs = containerState(s, 'web')!;
    expect(cs.state?.running?.startedAt).toBeTruthy();
    expect(cs.ready).toBe(true);
    expect(cs.started).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(cs.containerID).toMatch(/^simulated:\/\//);
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) {
      expect(condition(s, t)?.status, t).toBe('True');
    }
    const ports = JSON.parse(p.metadata!.annotations!['kubedesk.io/host-ports']) as { hostPort: number }[];
    expect(ports).toEqual([{ container: 'web', containerPort: 80, protocol: 'TCP', hostPort: expect.any(Number) }]);
    const events = await h.events('web');
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        'Pulled: Container image "app:1" already present on machine',
        'Created: Created container: web',
        'Started: Started container web',
      ]),
    );
  });
});

describe('restart policy and CrashLoopBackOff', () => {
  it('a crash-looping container backs off 10 s, 20 s, 40 s with restartCount and lastState', async () => {
    h = await harness();
    h.runtime.addImage('app:crash');
    const created = await h.createPod(pod('crash', [{ name: 'web', image: 'app:crash' }]));
    const uid = created.metadata.uid!;
    // t=1 s: first exit → restarted at once (the kubelet's first restart has no back-off).
    await h.advance(1500);
    let cs = containerState(await h.status('crash'), 'web')!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeTruthy();
    // t=2 s: second exit → CrashLoopBackOff 10 s.
    await h.advance(1000);
    const s = await h.status('crash');
    cs = containerState(s, 'web')!;
    expect(s.phase).toBe('Running');
    expect(cs.state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=web pod=crash_default(${uid})`,
    });
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(cs.lastState?.terminated?.containerID).toMatch(/^simulated:\/\//);
    expect(cs.restartCount).toBe(1);
    expect(condition(s, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    await h.advance(8000); // t=10.5 s: still backing off
    expect(containerState(await h.status('crash'), 'web')!.state?.waiting?.reason).toBe('CrashLoopBackOff');
    await h.advance(2000); // t=12.5 s: restarted
    cs = containerState(await h.status('crash'), 'web')!;
    expect(cs.restartCount).toBe(2);
    expect(cs.state?.running).toBeTruthy();
    await h.advance(1000); // t=13.5 s: exits → 20 s
    expect(containerState(await h.status('crash'), 'web')!.state?.waiting?.message).toContain('back-off 20s');
    await h.advance(20_000); // t=33.5 s: restarted at 33 s, exited? (runs 1 s) → at 34 s
    await h.advance(1000);
    cs = containerState(await h.status('crash'), 'web')!;
    expect(cs.restartCount).toBe(3);
    expect(cs.state?.waiting?.message).toContain('back-off 40s');
    const events = await h.events('crash');
    const backoff = events.find((e) => e.reason === 'BackOff')!;
    expect(backoff).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container web in pod crash_default(${uid})`,
    });
    expect(backoff.count).toBeGreaterThan(1);
    // Only the current and the previous container are kept.
    expect(
      (await h.runtime.listContainers({ 'io.kubernetes.pod.uid': uid, 'io.kubedesk.role': 'app' })).length,
    ).toBeLessThanOrEqual(2);
  });

  it('restartPolicy Never: a container that exits 0 makes the pod Succeeded and is not restarted', async () => {
    h = await harness();
    h.runtime.addImage('app:complete');
    await h.createPod(pod('job', [{ name: 'main', image: 'app:complete' }], { restartPolicy: 'Never' }));
    await h.advance(5000);
    const s = await h.status('job');
    expect(s.phase).toBe('Succeeded');
    const cs = containerState(s, 'main')!;
    expect(cs.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs.restartCount).toBe(0);
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    // Containers stay (logs stay readable) until the pod is deleted.
    expect((await h.runtime.listContainers({ 'io.kubernetes.container.name': 'main' })).length).toBe(1);
  });

  it('restartPolicy Never: a failing container makes the pod Failed', async () => {
    h = await harness();
    h.runtime.addImage('app:crash');
    await h.createPod(pod('fail', [{ name: 'main', image: 'app:crash' }], { restartPolicy: 'Never' }));
    await h.advance(5000);
    const s = await h.status('fail');
    expect(s.phase).toBe('Failed');
    expect(containerState(s, 'main')!.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('restartPolicy OnFailure restarts a failing container and lets a completed one finish', async () => {
    h = await harness();
    await h.createPod(
      pod('onfail', [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1; exit 3'] }], {
        restartPolicy: 'OnFailure',
      }),
    );
    await h.advance(1500);
    let s = await h.status('onfail');
    expect(s.phase).toBe('Running');
    expect(containerState(s, 'main')!.restartCount).toBe(1);
    await h.createPod(
      pod('done', [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1; exit 0'] }], {
        restartPolicy: 'OnFailure',
      }),
    );
    await h.advance(2000);
    s = await h.status('done');
    expect(s.phase).toBe('Succeeded');
    expect(containerState(s, 'main')!.restartCount).toBe(0);
  });

  it('an OOM-killed container reports reason OOMKilled', async () => {
    h = await harness();
    h.runtime.addImage('app:oom');
    await h.createPod(pod('oom', [{ name: 'main', image: 'app:oom' }], { restartPolicy: 'Never' }));
    await h.advance(2000);
    expect(containerState(await h.status('oom'), 'main')!.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'OOMKilled',
    });
  });
});
