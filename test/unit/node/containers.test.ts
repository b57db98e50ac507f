import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, condition, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

describe('images by imagePullPolicy', () => {
  it('Never with the image absent waits in ErrImageNeverPull with the kubelet message', async () => {
    h = await harness();
    await h.createPod(pod('never', [{ name: 'main', image: 'absent:1', imagePullPolicy: 'Never' }]));
    const s = await h.status('never');
    expect(s.phase).toBe('Pending');
    expect(containerState(s, 'main')!.state?.waiting).toEqual({
      reason: 'ErrImageNeverPull',
      message: 'Container image "absent:1" is not present with pull policy of Never',
    });
    const events = await h.events('never');
    expect(events).toContainEqual(
      expect.objectContaining({
        reason: 'ErrImageNeverPull',
        type: 'Warning',
        message: 'Container image "absent:1" is not present with pull policy of Never',
      }),
    );
  });

  it('IfNotPresent pulls an absent image with Pulling/Pulled; Always pulls even when present', async () => {
    h = await harness();
    await h.createPod(pod('pull', [{ name: 'main', image: 'fresh:2', imagePullPolicy: 'IfNotPresent' }]));
    expect((await h.status('pull')).phase).toBe('Running');
    const reasons = (await h.events('pull')).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toContain('Pulling: Pulling image "fresh:2"');
    expect(reasons.some((r) => r.startsWith('Pulled: Successfully pulled image "fresh:2" in'))).toBe(true);
    await h.createPod(pod('always', [{ name: 'main', image: 'app:1', imagePullPolicy: 'Always' }]));
    expect((await h.events('always')).map((e) => e.reason)).toContain('Pulling');
  });

  it('a long pull reports its progress as Pulling events', async () => {
    h = await harness();
    h.runtime.setImageBehaviour('big:1', { pullLatencyMs: 12_000, sizeBytes: 300 * 1024 * 1024 });
    await h.createPod(pod('slowpull', [{ name: 'main', image: 'big:1', imagePullPolicy: 'IfNotPresent' }]));
    await h.advance(13_000);
    const messages = (await h.events('slowpull')).map((e) => String(e.message));
    expect(messages).toContain('Pulling image "big:1"');
    expect(messages.some((m) => /^Pulling image "big:1": 300\.0 MiB of 300\.0 MiB, \d of 1 layers done$/.test(m))).toBe(
      true,
    );
    expect((await h.status('slowpull')).phase).toBe('Running');
  });

  it('a failed pull is ErrImagePull, then ImagePullBackOff until the back-off passes', async () => {
    h = await harness();
    await h.createPod(pod('bad', [{ name: 'main', image: 'nope:missing' }]));
    // The first pass fails with ErrImagePull; any pass inside the back-off reports ImagePullBackOff.
    let w = containerState(await h.status('bad'), 'main')!.state?.waiting;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(w?.reason);
    expect(w?.message).toContain('nope:missing');
    await h.advance(1000);
    h.agent.resync('default', 'bad');
    await h.settle();
    w = containerState(await h.status('bad'), 'main')!.state?.waiting;
    expect(w).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:missing"' });
    const events = (await h.events('bad')).map((e) => `${e.type} ${e.reason}: ${e.message}`);
    expect(events).toContain('Warning Failed: Error: ErrImagePull');
    expect(events).toContain('Warning Failed: Error: ImagePullBackOff');
    expect(events).toContain('Normal BackOff: Back-off pulling image "nope:missing"');
    // After 10 s it is tried again (and fails again).
    await h.advance(10_000);
    expect((await h.events('bad')).find((e) => e.reason === 'Pulling')!.count).toBe(2);
  });
});

describe('init containers', () => {
  it('run in order to completion before the app containers start', async () => {
    h = await harness();
    await h.createPod(
      pod('init', [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep infinity'] }], {
        initContainers: [
          { name: 'first', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2'] },
          { name: 'second', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2'] },
        ],
      }),
    );
    let s = await h.status('init');
    expect(s.phase).toBe('Pending');
    expect(containerState(s, 'first')!.state?.running).toBeTruthy();
    expect(containerState(s, 'second')!.state?.waiting?.reason).toBe('PodInitializing');
    expect(containerState(s, 'app')!.state?.waiting?.reason).toBe('PodInitializing');
    expect(condition(s, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [first second]',
    });
    await h.advance(2500);
    s = await h.status('init');
    expect(containerState(s, 'first')!.state?.terminated?.reason).toBe('Completed');
    expect(containerState(s, 'second')!.state?.running).toBeTruthy();
    expect(containerState(s, 'app')!.state?.running).toBeFalsy();
    await h.advance(2500);
    s = await h.status('init');
    expect(s.phase).toBe('Running');
    expect(condition(s, 'Initialized')?.status).toBe('True');
    expect(containerState(s, 'app')!.state?.running).toBeTruthy();
  });

  it('a failing init container with restartPolicy Never fails the pod and no app container starts', async () => {
    h = await harness();
    await h.createPod(
      pod('initfail', [{ name: 'app', image: 'busybox:1.36' }], {
        restartPolicy: 'Never',
        initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'exit 2'] }],
      }),
    );
    await h.advance(1000);
    const s = await h.status('initfail');
    expect(s.phase).toBe('Failed');
    expect(await h.runtime.listContainers({ 'io.kubernetes.container.name': 'app' })).toEqual([]);
  });
});

describe('environment', () => {
  it('resolves value, configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef, envFrom and $(VAR)', async () => {
    h = await harness();
    await h.engine.api.create(
      { group: '', resource: 'configmaps', namespace: 'default' },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { mode: 'fast', A: '1' } },
    );
    await h.engine.api.create(
      { group: '', resource: 'secrets', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'sec' },
        data: { pw: Buffer.from('hunter2').toString('base64') },
      },
    );
    const created = await h.createPod(
      pod(
        'env',
        [
          {
            name: 'main',
            image: 'busybox:1.36',
            command: ['echo', '$(GREETING)'],
            resources: { limits: { memory: '64Mi' } },
            envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
            env: [
              { name: 'GREETING', value: 'hello $(POD)' },
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
              { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'pw' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            ],
          },
        ],
        {},
        { labels: { app: 'x' } },
      ),
    );
    const [c] = await h.runtime.listContainers({
      'io.kubernetes.pod.uid': created.metadata.uid!,
      'io.kubernetes.container.name': 'main',
    });
    const spec = h.createdSpecs.get(c.id)!;
    const env = Object.fromEntries(spec.env.map((e) => [e.name, e.value]));
    expect(spec.command).toEqual(['echo', 'hello $(POD)']);
    expect(spec.memoryLimitBytes).toBe(64 * 1024 * 1024);
    expect(env).toMatchObject({
      CFG_mode: 'fast',
      CFG_A: '1',
      POD: 'env',
      MODE: 'fast',
      PW: 'hunter2',
      NODE: 'kubedesk',
      MEM: '64',
    });
    expect(env.IP).toMatch(/^10\.88\./);
    // $(POD) was defined after GREETING, so it stays as written (Kubernetes expands in order).
    expect(env.GREETING).toBe('hello $(POD)');
  });

  it('a missing ConfigMap or key is CreateContainerConfigError with the kubelet message, and recovers when created', async () => {
    h = await harness();
    await h.createPod(
      pod('cfgerr', [
        {
          name: 'main',
          image: 'busybox:1.36',
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'later', key: 'k' } } }],
        },
      ]),
    );
    let w = containerState(await h.status('cfgerr'), 'main')!.state?.waiting;
    expect(w).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "later" not found' });
    expect((await h.events('cfgerr')).map((e) => e.message)).toContain('Error: configmap "later" not found');
    await h.engine.api.create(
      { group: '', resource: 'configmaps', namespace: 'default' },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' }, data: { other: 'v' } },
    );
    await h.settle();
    w = containerState(await h.status('cfgerr'), 'main')!.state?.waiting;
    expect(w).toEqual({
      reason: 'CreateContainerConfigError',
      message: "couldn't find key k in ConfigMap default/later",
    });
    await h.engine.api.patch({ group: '', resource: 'configmaps', namespace: 'default', name: 'later' }, 'merge', {
      data: { k: 'v' },
    });
    await h.settle();
    expect((await h.status('cfgerr')).phase).toBe('Running');
  });
});
