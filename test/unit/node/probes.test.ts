import { afterEach, describe, expect, it } from 'vitest';
import { harness, pod, containerState, condition, type Harness } from './helpers.js';

let h: Harness;
afterEach(async () => h?.close());

async function containerId(name: string, container = 'web'): Promise<string> {
  const s = await h.status(name);
  return containerState(s, container)!.containerID!.replace(/^[a-z]+:\/\//, '');
}

describe('probes', () => {
  it('a failing liveness probe restarts the container with Unhealthy and Killing events', async () => {
    h = await harness();
    await h.createPod(
      pod(
        'live',
        [
          {
            name: 'web',
            image: 'app:1',
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
          },
        ],
        { terminationGracePeriodSeconds: 1 },
      ),
    );
    const first = await containerId('live');
    await h.advance(3000);
    expect(containerState(await h.status('live'), 'web')!.restartCount).toBe(0);
    h.runtime.failProbe(first, true);
    await h.advance(4000);
    const cs = containerState(await h.status('live'), 'web')!;
    expect(cs.restartCount).toBe(1);
    expect(cs.state?.running).toBeTruthy();
    expect(cs.containerID).not.toContain(first);
    const events = (await h.events('live')).map((e) => `${e.type} ${e.reason}: ${e.message}`);
    expect(events).toContain('Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 503');
    expect(events).toContain('Normal Killing: Container web failed liveness probe, will be restarted');
  });

  it('a failing readiness probe flips Ready without restarting', async () => {
    h = await harness();
    await h.createPod(
      pod('ready', [
        {
          name: 'web',
          image: 'app:1',
          readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 },
        },
      ]),
    );
    await h.advance(1000);
    let s = await h.status('ready');
    expect(condition(s, 'Ready')?.status).toBe('True');
    h.runtime.failProbe(await containerId('ready'), true);
    await h.advance(2000);
    s = await h.status('ready');
    expect(condition(s, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    expect(condition(s, 'ContainersReady')?.status).toBe('False');
    expect(containerState(s, 'web')!.ready).toBe(false);
    expect(containerState(s, 'web')!.restartCount).toBe(0);
    h.runtime.failProbe(await containerId('ready'), false);
    await h.advance(2000);
    expect(condition(await h.status('ready'), 'Ready')?.status).toBe('True');
  });

  it('a startup probe gates liveness and readiness until it succeeds', async () => {
    h = await harness();
    h.runtime.setImageBehaviour('slow-app:1', { readyAfterMs: 5000 });
    h.runtime.addImage('slow-app:1');
    await h.createPod(
      pod('startup', [
        {
          name: 'web',
          image: 'slow-app:1',
          startupProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 30 },
          livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 1 },
        },
      ]),
    );
    await h.advance(3000);
    let cs = containerState(await h.status('startup'), 'web')!;
    expect(cs.started).toBe(false);
    expect(cs.ready).toBe(false);
    expect(cs.restartCount).toBe(0);
    const history = h.agent.io.probeHistory('default', 'startup', 'web');
    expect(history.every((r) => r.probe === 'startup')).toBe(true);
    await h.advance(4000);
    cs = containerState(await h.status('startup'), 'web')!;
    expect(cs.started).toBe(true);
    expect(cs.ready).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(
      h.agent.io
        .probeHistory('default', 'startup', 'web')
        .some((r) => r.probe === 'liveness' && r.result === 'success'),
    ).toBe(true);
  });

  it('keeps every attempt in a bounded history with result, latency, status and output', async () => {
    h = await harness();
    await h.createPod(
      pod('hist', [
        {
          name: 'web',
          image: 'app:1',
          readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1 },
          livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 1000 },
        },
      ]),
    );
    await h.advance(3000);
    const records = h.agent.io.probeHistory('default', 'hist', 'web');
    const ready = records.find((r) => r.probe === 'readiness')!;
    expect(ready).toMatchObject({ result: 'success', exitCode: 0, output: 'ok\n', container: 'web' });
    expect(ready.latencyMs).toBeGreaterThanOrEqual(0);
    expect(ready.time).toMatch(/^2026-01-01T00:00:0\d\.\d{6}Z$/);
    expect(records.find((r) => r.probe === 'liveness')).toMatchObject({ result: 'success', httpStatus: 200 });
    h.runtime.failProbe(await containerId('hist'), true);
    await h.advance(1000);
    const failed = h.agent.io.probeHistory('default', 'hist', 'web').filter((r) => r.result === 'failure');
    expect(failed.some((r) => r.probe === 'liveness' && r.httpStatus === 503)).toBe(true);
    expect(failed.some((r) => r.probe === 'readiness' && r.exitCode === 1)).toBe(true);
    // Bounded: 500 attempts per container at most.
    await h.advance(260_000);
    expect(h.agent.io.probeHistory('default', 'hist', 'web').length).toBe(500);
  });
});
