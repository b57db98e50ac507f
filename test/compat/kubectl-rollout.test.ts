// The seed example with the real kubectl on real Docker: Deployment nginx-deployment, 3 replicas
// of a local image, rolled to a new image, two revisions in history, undo back to the first.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { dockerOrSkip } from '../fixtures/docker.js';
import { ensurePauseImage, ensureTestImage, TEST_IMAGE } from '../fixtures/images.js';
import { serveCluster } from './harness.js';

const run = promisify(execFile);
const docker = await dockerOrSkip();
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('SKIPPED: kubectl rollout tests — kubectl is not on PATH');
const IMAGE_V2 = 'kubedesk-test/busybox:2';

let h: Awaited<ReturnType<typeof serveCluster>>;

async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', h.cluster.api.kubeconfigPath, ...args], {
    timeout: 120_000,
  });
  return stdout;
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: nginx
        image: ${TEST_IMAGE}
        imagePullPolicy: Never
        command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet:
            path: /
            port: 8080
          periodSeconds: 1
`;

describe.skipIf(!docker || !haveKubectl)('kubectl rollout on Docker (the nginx-deployment seed example)', () => {
  beforeAll(async () => {
    await ensureTestImage(docker!);
    await ensurePauseImage(docker!);
    await docker!.getImage(TEST_IMAGE).tag({ repo: 'kubedesk-test/busybox', tag: '2' });
    h = await serveCluster();
    const file = path.join(h.dataDir, 'nginx.yaml');
    await writeFile(file, manifest);
    await kubectl(['apply', '-f', file]);
  });
  afterAll(async () => h?.stop());

  it('rolls out 3 ready replicas', async () => {
    expect(await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s'])).toContain(
      'deployment "nginx-deployment" successfully rolled out',
    );
    const pods = await kubectl(['get', 'pods', '-l', 'app=nginx', '--no-headers']);
    expect(
      pods
        .trim()
        .split('\n')
        .filter((l) => /\s1\/1\s+Running\s/.test(l)),
    ).toHaveLength(3);
  });

  it('rolls to a new image and shows two revisions, then undo returns to the first image', async () => {
    await kubectl(['set', 'image', 'deployment/nginx-deployment', `nginx=${IMAGE_V2}`]);
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    const history = await kubectl(['rollout', 'history', 'deployment/nginx-deployment']);
    expect(
      history
        .trim()
        .split('\n')
        .slice(2)
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['1', '2']);
    const rev1 = await kubectl(['rollout', 'history', 'deployment/nginx-deployment', '--revision=1']);
    expect(rev1).toContain(`Image:\t${TEST_IMAGE}`);

    expect(await kubectl(['rollout', 'undo', 'deployment/nginx-deployment'])).toContain('rolled back');
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    const image = await kubectl([
      'get',
      'deployment',
      'nginx-deployment',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image).toBe(TEST_IMAGE);
    // The first revision's ReplicaSet was reused and became revision 3.
    const after = await kubectl(['rollout', 'history', 'deployment/nginx-deployment']);
    expect(
      after
        .trim()
        .split('\n')
        .slice(2)
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['2', '3']);
    expect((await kubectl(['get', 'rs', '-l', 'app=nginx', '--no-headers'])).trim().split('\n')).toHaveLength(2);
  });

  it('scale, pause, resume and restart work unchanged', async () => {
    await kubectl(['scale', 'deployment/nginx-deployment', '--replicas=1']);
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    expect(await kubectl(['get', 'deployment', 'nginx-deployment', '-o', 'jsonpath={.status.readyReplicas}'])).toBe(
      '1',
    );
    expect(await kubectl(['rollout', 'pause', 'deployment/nginx-deployment'])).toContain('paused');
    expect(await kubectl(['rollout', 'resume', 'deployment/nginx-deployment'])).toContain('resumed');
    expect(await kubectl(['rollout', 'restart', 'deployment/nginx-deployment'])).toContain('restarted');
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    const revs = (await kubectl(['rollout', 'history', 'deployment/nginx-deployment'])).trim().split('\n').slice(2);
    expect(revs.map((l) => l.trim().split(/\s+/)[0])).toEqual(['2', '3', '4']);
  });

  it('revision history and a diff between two revisions are readable through the API', async () => {
    const list = JSON.parse(
      await kubectl([
        'get',
        '--raw',
        '/apis/kubedesk.io/v1alpha1/namespaces/default/deployments/nginx-deployment/revisions',
      ]),
    ) as {
      items: { revision: number }[];
    };
    expect(list.items.map((r) => r.revision).sort()).toEqual([2, 3, 4]);
    const diff = JSON.parse(
      await kubectl([
        'get',
        '--raw',
        '/apis/kubedesk.io/v1alpha1/namespaces/default/deployments/nginx-deployment/revisiondiff?from=2&to=3',
      ]),
    ) as { template: { path: string; from?: unknown; to?: unknown }[] };
    expect(diff.template).toContainEqual(
      expect.objectContaining({ path: 'spec.containers[nginx].image', from: IMAGE_V2, to: TEST_IMAGE }),
    );
  });

  it('an unschedulable pod is Pending and the scheduler says why', async () => {
    await h.cluster.engine.api.create(
      { group: '', resource: 'pods', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'picky' },
        spec: {
          nodeSelector: { disk: 'ssd' },
          containers: [{ name: 'c', image: TEST_IMAGE, imagePullPolicy: 'Never' }],
        },
      },
    );
    let why: { message?: string } = {};
    for (let i = 0; i < 50 && !why.message; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        why = JSON.parse(
          await kubectl(['get', '--raw', '/apis/kubedesk.io/v1alpha1/namespaces/default/pods/picky/scheduling']),
        ) as { message?: string };
      } catch {
        // not decided yet
      }
    }
    expect(why.message).toContain("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector");
    const described = await kubectl(['describe', 'pod', 'picky']);
    expect(described).toMatch(/Warning\s+FailedScheduling/);
    await kubectl(['delete', 'pod', 'picky']);
  });

  it('cordon, drain (evicting through pods/eviction) and uncordon', async () => {
    expect(await kubectl(['cordon', 'kubedesk'])).toContain('node/kubedesk cordoned');
    const drained = await kubectl([
      'drain',
      'kubedesk',
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=90s',
    ]);
    expect(drained).toContain('node/kubedesk drained');
    const pending = await kubectl(['get', 'pods', '-l', 'app=nginx', '-o', 'jsonpath={.items[*].status.phase}']);
    expect(pending.split(' ').every((p) => p === 'Pending')).toBe(true);
    expect(await kubectl(['uncordon', 'kubedesk'])).toContain('node/kubedesk uncordoned');
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
  });

  it('kubectl autoscale creates an HPA that the controller keeps current', async () => {
    // Utilization is a percentage of requests: without a CPU request there is nothing to scale on.
    await kubectl(['set', 'resources', 'deployment', 'nginx-deployment', '--requests=cpu=100m']);
    await kubectl(['rollout', 'status', 'deployment/nginx-deployment', '--timeout=90s']);
    expect(
      await kubectl(['autoscale', 'deployment', 'nginx-deployment', '--cpu-percent=50', '--min=1', '--max=3']),
    ).toContain('horizontalpodautoscaler.autoscaling/nginx-deployment autoscaled');
    let row = '';
    for (let i = 0; i < 60 && !/Deployment\/nginx-deployment\s+cpu: \d+%\/50%/.test(row); i++) {
      await new Promise((r) => setTimeout(r, 500));
      row = await kubectl(['get', 'hpa', 'nginx-deployment', '--no-headers']);
    }
    expect(row).toMatch(/^nginx-deployment\s+Deployment\/nginx-deployment\s+cpu: \d+%\/50%\s+1\s+3\s+\d+/);
  });

  it('kubectl create job --from=cronjob runs a CronJob now', async () => {
    await kubectl([
      'create',
      'cronjob',
      'tick',
      `--image=${TEST_IMAGE}`,
      '--schedule=*/5 * * * *',
      '--',
      'echo',
      'tick',
    ]);
    expect(await kubectl(['create', 'job', 'tick-now', '--from=cronjob/tick'])).toContain('job.batch/tick-now created');
    const job = JSON.parse(await kubectl(['get', 'job', 'tick-now', '-o', 'json'])) as {
      metadata: { annotations: Record<string, string>; ownerReferences: { kind: string; name: string }[] };
    };
    expect(job.metadata.annotations['cronjob.kubernetes.io/instantiate']).toBe('manual');
    expect(job.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'tick' });
  });
});
