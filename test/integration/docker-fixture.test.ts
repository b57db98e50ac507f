import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerOrSkip, execInContainer, readLogs, TEST_LABELS } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_HTTP_PORT } from '../fixtures/images.js';

const docker = await dockerOrSkip();

/** Polls until the server answers at all; docker-proxy accepts connections before httpd listens. */
async function fetchWhenUp(url: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within 5 s: ${String(lastError)}`);
}

describe.skipIf(!docker)('the offline busybox test image', () => {
  const client = docker!;
  const created: Dockerode.Container[] = [];
  let image: string;

  async function createContainer(options: Dockerode.ContainerCreateOptions): Promise<Dockerode.Container> {
    const container = await client.createContainer({ Image: image, Labels: { ...TEST_LABELS }, ...options });
    created.push(container);
    return container;
  }

  beforeAll(async () => {
    image = await ensureTestImage(client);
  });

  afterAll(async () => {
    for (const container of created) {
      await container.remove({ force: true }).catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error;
      });
    }
  });

  it('is reused rather than imported again when it already exists', async () => {
    const before = await client.getImage(image).inspect();
    await ensureTestImage(client);
    expect((await client.getImage(image).inspect()).Id).toBe(before.Id);
  });

  it('runs echo, and its output comes back through the demultiplexed log stream', async () => {
    const container = await createContainer({ Cmd: ['/bin/echo', 'hello from busybox'], Tty: false });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    expect(StatusCode).toBe(0);
    expect(await readLogs(client, container)).toEqual({ stdout: 'hello from busybox\n', stderr: '' });
  });

  it('keeps stderr apart from stdout', async () => {
    const container = await createContainer({ Cmd: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'] });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    expect(StatusCode).toBe(3);
    expect(await readLogs(client, container)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
  });

  it('serves /cgi-bin/health with 200, and with 503 once /tmp/fail exists', async () => {
    const port = `${TEST_HTTP_PORT}/tcp`;
    const container = await createContainer({
      Cmd: ['/bin/httpd', '-f', '-p', String(TEST_HTTP_PORT), '-h', '/www'],
      ExposedPorts: { [port]: {} },
      // Published on loopback only, on an ephemeral port: the host never uses container IPs.
      HostConfig: { PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await container.start();
    const binding = (await container.inspect()).NetworkSettings.Ports[port]?.[0];
    expect(binding?.HostIp).toBe('127.0.0.1');
    const health = `http://127.0.0.1:${binding!.HostPort}/cgi-bin/health`;

    const healthy = await fetchWhenUp(health);
    expect(healthy.status).toBe(200);
    expect(await healthy.text()).toBe('ok\n');

    expect(await execInContainer(container, ['/bin/touch', '/tmp/fail'])).toBe(0);
    const failing = await fetch(health);
    expect(failing.status).toBe(503);

    const index = await fetch(`http://127.0.0.1:${binding!.HostPort}/`);
    expect(await index.text()).toContain('KubeDesk test server');
  });

  it('has a pause image whose sandbox container stops at once on SIGTERM', async () => {
    const pause = await ensurePauseImage(client);
    const container = await createContainer({ Image: pause });
    await container.start();
    const started = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await container.inspect()).State.ExitCode).toBe(0);
  });
});
