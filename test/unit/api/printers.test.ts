import { describe, expect, it } from 'vitest';
import { KINDS } from '../../../src-main/engine/api/registry.js';
import {
  formatQuantity,
  formatSelector,
  humanDuration,
  printerColumns,
  translateTimestampSince,
  type PrinterColumn,
} from '../../../src-main/engine/api/printers.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** An RFC 3339 timestamp `ms` before NOW. */
function ago(ms: number): string {
  return new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function obj(
  apiVersion: string,
  kind: string,
  body: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: 'x', namespace: 'default', creationTimestamp: ago(5 * M), ...meta },
    ...body,
  } as KubeObject;
}

/** The row `kubectl get -o wide` shows, keyed by header. */
function row(o: KubeObject, now = NOW): Record<string, string | number | boolean> {
  return Object.fromEntries(printerColumns(o.kind).map((c) => [c.name, c.cell(o, now)]));
}

function headers(kind: string, wide = false): string[] {
  return printerColumns(kind)
    .filter((c: PrinterColumn) => wide || c.priority === 0)
    .map((c) => c.name);
}

describe('HumanDuration (apimachinery duration_test.go)', () => {
  const ms = 1;
  const cases: [number, string][] = [
    // TestHumanDuration
    [S, '1s'],
    [70 * S, '70s'],
    [190 * S, '3m10s'],
    [70 * M, '70m'],
    [47 * H, '47h'],
    [49 * H, '2d1h'],
    [(8 * 24 + 2) * H, '8d'],
    [367 * 24 * H, '367d'],
    [(365 * 2 * 24 + 25) * H, '2y1d'],
    [(365 * 8 * 24 + 2) * H, '8y'],
    // TestHumanDurationBoundaries
    [-2 * S, '<invalid>'],
    [-2 * S + ms, '0s'],
    [0, '0s'],
    [S - ms, '0s'],
    [2 * M - ms, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [10 * M - ms, '9m59s'],
    [10 * M, '10m'],
    [10 * M + S, '10m'],
    [3 * H - ms, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - ms, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [2 * D - ms, '47h'],
    [2 * D, '2d'],
    [2 * D + H, '2d1h'],
    [8 * D - ms, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * 365 * D - ms, '729d'],
    [2 * 365 * D, '2y'],
    [2 * 365 * D + 23 * H, '2y'],
    [2 * 365 * D + 23 * H + 59 * M, '2y'],
    [2 * 365 * D + D - ms, '2y'],
    [2 * 365 * D + D, '2y1d'],
    [3 * 365 * D, '3y'],
    [4 * 365 * D, '4y'],
    [5 * 365 * D, '5y'],
    [6 * 365 * D, '6y'],
    [7 * 365 * D, '7y'],
    [8 * 365 * D - ms, '7y364d'],
    [8 * 365 * D, '8y'],
    [8 * 365 * D + 364 * D, '8y'],
    [9 * 365 * D, '9y'],
    // Examples from the kubectl docs and the brief.
    [5 * M + 10 * S, '5m10s'],
    [7 * M, '7m'],
    [3 * H + 5 * M, '3h5m'],
    [5 * D, '5d'],
    [2 * D + 3 * H, '2d3h'],
    [(3 * 365 + 45) * D, '3y45d'],
  ];
  it.each(cases)('%d ms is shown as %s', (duration, want) => {
    expect(humanDuration(duration)).toBe(want);
  });

  it('a missing timestamp is <unknown>', () => {
    expect(translateTimestampSince(undefined, NOW)).toBe('<unknown>');
    expect(translateTimestampSince(NOW - 45 * S, NOW)).toBe('45s');
  });
});

describe('column definitions', () => {
  it('every registered kind has columns, NAME first (Event: LAST SEEN first, NAME wide-only, as upstream)', () => {
    for (const k of KINDS) {
      const cols = printerColumns(k.kind);
      expect(cols.length, k.kind).toBeGreaterThan(1);
      const name = cols.find((c) => c.name === 'NAME')!;
      expect(name.format).toBe('name');
      expect(name.type).toBe('string');
      if (k.kind !== 'Event') expect(cols[0].name).toBe('NAME');
      const age = cols.find((c) => c.name === 'AGE');
      if (age) expect(age.type).toBe('string');
      for (const c of cols) expect(c.description, `${k.kind} ${c.name}`).not.toBe('');
    }
    expect(KINDS.every((k) => k.columns.length > 1)).toBe(true);
  });

  it.each([
    ['Namespace', ['NAME', 'STATUS', 'AGE'], []],
    [
      'Node',
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    ],
    ['Pod', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']],
    ['Service', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR']],
    ['Endpoints', ['NAME', 'ENDPOINTS', 'AGE'], []],
    ['ConfigMap', ['NAME', 'DATA', 'AGE'], []],
    ['Secret', ['NAME', 'TYPE', 'DATA', 'AGE'], []],
    [
      'Event',
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME'],
    ],
    [
      'PersistentVolumeClaim',
      ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
      ['VOLUMEMODE'],
    ],
    [
      'PersistentVolume',
      [
        'NAME',
        'CAPACITY',
        'ACCESS MODES',
        'RECLAIM POLICY',
        'STATUS',
        'CLAIM',
        'STORAGECLASS',
        'VOLUMEATTRIBUTESCLASS',
        'REASON',
        'AGE',
      ],
      ['VOLUMEMODE'],
    ],
    ['ServiceAccount', ['NAME', 'SECRETS', 'AGE'], []],
    ['Deployment', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    ['ReplicaSet', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    [
      'DaemonSet',
      ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
      ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    ],
    ['StatefulSet', ['NAME', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES']],
    ['ControllerRevision', ['NAME', 'CONTROLLER', 'REVISION', 'AGE'], []],
    ['Job', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']],
    [
      'CronJob',
      ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
      ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    ],
    ['HorizontalPodAutoscaler', ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'], []],
    ['Ingress', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], []],
    ['Lease', ['NAME', 'HOLDER', 'AGE'], []],
  ])('%s shows the kubectl v1.30 headers', (kind, normal, wideOnly) => {
    expect(headers(kind)).toEqual(normal);
    expect(headers(kind, true).filter((h) => !normal.includes(h))).toEqual(wideOnly);
  });

  it('column types follow upstream: RESTARTS string, replica set counts and cron job ACTIVE integer, SUSPEND boolean', () => {
    const type = (kind: string, name: string) => printerColumns(kind).find((c) => c.name === name)!.type;
    expect(type('Pod', 'RESTARTS')).toBe('string');
    expect(type('ReplicaSet', 'DESIRED')).toBe('integer');
    expect(type('DaemonSet', 'AVAILABLE')).toBe('integer');
    expect(type('CronJob', 'ACTIVE')).toBe('integer');
    expect(type('CronJob', 'SUSPEND')).toBe('boolean');
    expect(type('ConfigMap', 'DATA')).toBe('string');
  });

  it('an unknown kind gets NAME and AGE like upstream default handlers', () => {
    expect(printerColumns('Widget').map((c) => c.name)).toEqual(['NAME', 'AGE']);
  });
});

describe('Namespace and Node', () => {
  it('a namespace shows its phase and age', () => {
    const ns = obj(
      'v1',
      'Namespace',
      { status: { phase: 'Active' } },
      { name: 'default', namespace: undefined, creationTimestamp: ago(3 * D + 4 * H) },
    );
    expect(row(ns)).toEqual({ NAME: 'default', STATUS: 'Active', AGE: '3d4h' });
  });

  it('a ready control-plane node that is cordoned shows Ready,SchedulingDisabled and its roles', () => {
    const node = obj(
      'v1',
      'Node',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [
            { type: 'InternalIP', address: '172.18.0.2' },
            { type: 'Hostname', address: 'kubedesk' },
          ],
          nodeInfo: {
            kubeletVersion: 'v1.30.0',
            osImage: 'Docker Desktop',
            kernelVersion: '6.6.12-linuxkit',
            containerRuntimeVersion: 'docker://25.0.3',
          },
        },
      },
      {
        name: 'kubedesk',
        labels: {
          'node-role.kubernetes.io/control-plane': '',
          'node-role.kubernetes.io/worker': '',
          'kubernetes.io/hostname': 'kubedesk',
        },
      },
    );
    expect(row(node)).toEqual({
      NAME: 'kubedesk',
      STATUS: 'Ready,SchedulingDisabled',
      ROLES: 'control-plane,worker',
      AGE: '5m',
      VERSION: 'v1.30.0',
      'INTERNAL-IP': '172.18.0.2',
      'EXTERNAL-IP': '<none>',
      'OS-IMAGE': 'Docker Desktop',
      'KERNEL-VERSION': '6.6.12-linuxkit',
      'CONTAINER-RUNTIME': 'docker://25.0.3',
    });
  });

  it('a node whose Ready condition is Unknown is NotReady; without conditions it is Unknown with <none> roles', () => {
    const notReady = obj('v1', 'Node', { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    expect(row(notReady).STATUS).toBe('NotReady');
    const bare = obj('v1', 'Node', { status: {} });
    expect(row(bare)).toMatchObject({
      STATUS: 'Unknown',
      ROLES: '<none>',
      'OS-IMAGE': '<unknown>',
      'INTERNAL-IP': '<none>',
    });
  });
});

describe('Pod', () => {
  const spec = { containers: [{ name: 'app', image: 'nginx' }], nodeName: 'kubedesk' };

  it('a running ready pod shows 1/1 Running with its IP and node', () => {
    const pod = obj(
      'v1',
      'Pod',
      {
        spec,
        status: {
          phase: 'Running',
          podIP: '10.244.0.5',
          podIPs: [{ ip: '10.244.0.5' }],
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'app',
              ready: true,
              restartCount: 0,
              image: 'nginx',
              imageID: '',
              state: { running: { startedAt: ago(M) } },
            },
          ],
        },
      },
      { name: 'web-1' },
    );
    expect(row(pod)).toEqual({
      NAME: 'web-1',
      READY: '1/1',
      STATUS: 'Running',
      RESTARTS: '0',
      AGE: '5m',
      IP: '10.244.0.5',
      NODE: 'kubedesk',
      'NOMINATED NODE': '<none>',
      'READINESS GATES': '<none>',
    });
  });

  it('a pod with a crash-looping container shows CrashLoopBackOff and restarts with the time since', () => {
    const pod = obj('v1', 'Pod', {
      spec,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            image: 'nginx',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
            lastState: {
              terminated: { exitCode: 1, reason: 'Error', startedAt: ago(3 * M), finishedAt: ago(2 * M + 30 * S) },
            },
          },
        ],
      },
    });
    expect(row(pod)).toMatchObject({ READY: '0/1', STATUS: 'CrashLoopBackOff', RESTARTS: '4 (2m30s ago)' });
  });

  it('a pending pod not yet scheduled shows Pending with <none> IP and node', () => {
    const pod = obj('v1', 'Pod', { spec: { containers: spec.containers }, status: { phase: 'Pending' } });
    expect(row(pod)).toMatchObject({ READY: '0/1', STATUS: 'Pending', RESTARTS: '0', IP: '<none>', NODE: '<none>' });
  });

  it('a scheduling-gated pod shows SchedulingGated', () => {
    const pod = obj('v1', 'Pod', {
      spec,
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    });
    expect(row(pod).STATUS).toBe('SchedulingGated');
  });

  it('init containers: waiting on the first shows Init:0/2', () => {
    const pod = obj('v1', 'Pod', {
      spec: { ...spec, initContainers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 0,
            image: '',
            imageID: '',
            state: { running: { startedAt: ago(S) } },
          },
          {
            name: 'b',
            ready: false,
            restartCount: 0,
            image: '',
            imageID: '',
            state: { waiting: { reason: 'PodInitializing' } },
          },
        ],
      },
    });
    expect(row(pod).STATUS).toBe('Init:0/2');
  });

  it.each([
    [{ waiting: { reason: 'CrashLoopBackOff' } }, 'Init:CrashLoopBackOff'],
    [{ terminated: { exitCode: 1, reason: 'Error' } }, 'Init:Error'],
    [{ terminated: { exitCode: 1 } }, 'Init:ExitCode:1'],
    [{ terminated: { exitCode: 137, signal: 9 } }, 'Init:Signal:9'],
  ])('a failing init container in state %j shows %s', (state, want) => {
    const pod = obj('v1', 'Pod', {
      spec: { ...spec, initContainers: [{ name: 'a' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'a', ready: false, restartCount: 2, image: '', imageID: '', state }],
      },
    });
    expect(row(pod)).toMatchObject({ STATUS: want, RESTARTS: '2' });
  });

  it('a sidecar (restartable init container) counts toward READY and its restarts are kept', () => {
    const pod = obj('v1', 'Pod', {
      spec: { ...spec, initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          {
            name: 'proxy',
            ready: true,
            started: true,
            restartCount: 1,
            image: '',
            imageID: '',
            state: { running: {} },
          },
        ],
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } },
        ],
      },
    });
    expect(row(pod)).toMatchObject({ READY: '2/2', STATUS: 'Running', RESTARTS: '1' });
  });

  it('terminated containers show Completed, their reason, Signal:N or ExitCode:N', () => {
    const withState = (state: object) =>
      obj('v1', 'Pod', {
        spec,
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: '', imageID: '', state }],
        },
      });
    expect(row(withState({ terminated: { exitCode: 0, reason: 'Completed' } })).STATUS).toBe('Completed');
    expect(row(withState({ terminated: { exitCode: 137, reason: 'OOMKilled' } })).STATUS).toBe('OOMKilled');
    expect(row(withState({ terminated: { exitCode: 0, signal: 15 } })).STATUS).toBe('Signal:15');
    expect(row(withState({ terminated: { exitCode: 2 } })).STATUS).toBe('ExitCode:2');
  });

  it('a completed container next to a running one shows NotReady until the pod is Ready', () => {
    const pod = (ready: boolean) =>
      obj('v1', 'Pod', {
        spec: { containers: [{ name: 'job' }, { name: 'sidecar' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
          containerStatuses: [
            {
              name: 'job',
              ready: false,
              restartCount: 0,
              image: '',
              imageID: '',
              state: { terminated: { exitCode: 0, reason: 'Completed' } },
            },
            { name: 'sidecar', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } },
          ],
        },
      });
    expect(row(pod(false))).toMatchObject({ READY: '1/2', STATUS: 'NotReady' });
    expect(row(pod(true)).STATUS).toBe('Running');
  });

  it('a pod being deleted shows Terminating, or Unknown when its node was lost', () => {
    const meta = { deletionTimestamp: ago(S) };
    const running = obj('v1', 'Pod', { spec, status: { phase: 'Running' } }, meta);
    expect(row(running).STATUS).toBe('Terminating');
    const lost = obj('v1', 'Pod', { spec, status: { phase: 'Running', reason: 'NodeLost' } }, meta);
    expect(row(lost).STATUS).toBe('Unknown');
  });

  it('the pod reason (Evicted) replaces the phase, and readiness gates count true conditions', () => {
    const pod = obj('v1', 'Pod', {
      spec: { ...spec, readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        nominatedNodeName: 'node-2',
        conditions: [{ type: 'example.com/lb', status: 'True' }],
      },
    });
    expect(row(pod)).toMatchObject({ STATUS: 'Evicted', 'NOMINATED NODE': 'node-2', 'READINESS GATES': '1/2' });
  });
});

describe('Service and Endpoints', () => {
  it('a ClusterIP service shows its IP, <none> external IP, ports and selector', () => {
    const svc = obj('v1', 'Service', {
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        selector: { 'k8s-app': 'kube-dns', tier: 'dns' },
      },
    });
    expect(row(svc)).toMatchObject({
      TYPE: 'ClusterIP',
      'CLUSTER-IP': '10.96.0.10',
      'EXTERNAL-IP': '<none>',
      'PORT(S)': '53/UDP,53/TCP',
      SELECTOR: 'k8s-app=kube-dns,tier=dns',
    });
  });

  it('a NodePort service shows port:nodePort', () => {
    const svc = obj('v1', 'Service', {
      spec: { type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 30007, protocol: 'TCP' }] },
    });
    expect(row(svc)).toMatchObject({ 'PORT(S)': '80:30007/TCP', 'EXTERNAL-IP': '<none>', SELECTOR: '<none>' });
  });

  it('a LoadBalancer service is <pending> until it has ingress, then shows the addresses', () => {
    const spec = {
      type: 'LoadBalancer',
      clusterIPs: ['10.96.1.2'],
      ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }],
    };
    expect(row(obj('v1', 'Service', { spec }))['EXTERNAL-IP']).toBe('<pending>');
    const ready = obj('v1', 'Service', {
      spec,
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }, { hostname: 'lb.example.com' }] } },
    });
    expect(row(ready)['EXTERNAL-IP']).toBe('127.0.0.1,lb.example.com');
  });

  it('an ExternalName service shows the external name and <none> cluster IP', () => {
    const svc = obj('v1', 'Service', { spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    expect(row(svc)).toMatchObject({ 'CLUSTER-IP': '<none>', 'EXTERNAL-IP': 'db.example.com', 'PORT(S)': '<none>' });
  });

  it('endpoints list the first three addresses and how many more', () => {
    const ep = obj('v1', 'Endpoints', {
      subsets: [
        {
          addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip) => ({ ip })),
          ports: [
            { port: 80, protocol: 'TCP' },
            { port: 443, protocol: 'TCP' },
          ],
        },
      ],
    });
    expect(row(ep).ENDPOINTS).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more...');
    const two = obj('v1', 'Endpoints', {
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [{ port: 8080 }] }],
    });
    expect(row(two).ENDPOINTS).toBe('10.0.0.1:8080,[fd00::1]:8080');
    expect(row(obj('v1', 'Endpoints', {})).ENDPOINTS).toBe('<none>');
  });
});

describe('ConfigMap, Secret, ServiceAccount, Lease', () => {
  it('a config map counts data and binaryData keys', () => {
    const cm = obj('v1', 'ConfigMap', { data: { 'a.conf': 'x', 'b.conf': 'y' }, binaryData: { logo: 'AA==' } });
    expect(row(cm).DATA).toBe(3);
  });

  it('a secret shows its type and number of keys', () => {
    const secret = obj('v1', 'Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } });
    expect(row(secret)).toMatchObject({ TYPE: 'kubernetes.io/tls', DATA: 2 });
  });

  it('a service account shows how many secrets it references', () => {
    expect(row(obj('v1', 'ServiceAccount', {})).SECRETS).toBe(0);
    expect(row(obj('v1', 'ServiceAccount', { secrets: [{ name: 'tok' }] })).SECRETS).toBe(1);
  });

  it('a lease shows its holder', () => {
    const lease = obj(
      'coordination.k8s.io/v1',
      'Lease',
      { spec: { holderIdentity: 'kubedesk_1234' } },
      { name: 'kube-scheduler' },
    );
    expect(row(lease)).toMatchObject({ NAME: 'kube-scheduler', HOLDER: 'kubedesk_1234' });
    expect(row(obj('coordination.k8s.io/v1', 'Lease', { spec: {} })).HOLDER).toBe('');
  });
});

describe('Event', () => {
  it('a repeated event shows the object as kind/name, its source, first seen and count', () => {
    const ev = obj(
      'v1',
      'Event',
      {
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container app\n',
        type: 'Warning',
        source: { component: 'kubelet', host: 'kubedesk' },
        firstTimestamp: ago(10 * M),
        lastTimestamp: ago(30 * S),
        count: 7,
      },
      { name: 'web-1.17c9a8f0a1b2c3d4' },
    );
    expect(row(ev)).toEqual({
      'LAST SEEN': '30s',
      TYPE: 'Warning',
      REASON: 'BackOff',
      OBJECT: 'pod/web-1',
      SUBOBJECT: 'spec.containers{app}',
      SOURCE: 'kubelet, kubedesk',
      MESSAGE: 'Back-off restarting failed container app',
      'FIRST SEEN': '10m',
      COUNT: 7,
      NAME: 'web-1.17c9a8f0a1b2c3d4',
    });
  });

  it('an events.k8s.io-style event falls back to eventTime, series and the reporting controller', () => {
    const ev = obj('v1', 'Event', {
      involvedObject: { kind: 'Node', name: 'kubedesk' },
      reason: 'Starting',
      type: 'Normal',
      message: 'Starting kubelet.',
      eventTime: new Date(NOW - 4 * M).toISOString().replace('Z', '000Z'),
      reportingComponent: 'kubelet',
      reportingInstance: 'kubedesk',
    });
    expect(row(ev)).toMatchObject({
      'LAST SEEN': '4m',
      'FIRST SEEN': '4m',
      COUNT: 1,
      SOURCE: 'kubelet, kubedesk',
      OBJECT: 'node/kubedesk',
    });
    const series = obj('v1', 'Event', { ...ev, series: { count: 12, lastObservedTime: ago(20 * S) } });
    expect(row(series)).toMatchObject({ 'LAST SEEN': '20s', COUNT: 12 });
  });
});

describe('PersistentVolumeClaim and PersistentVolume', () => {
  it('a bound claim shows its volume, canonical capacity and abbreviated access modes', () => {
    const pvc = obj('v1', 'PersistentVolumeClaim', {
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: 'standard',
        volumeName: 'pvc-1',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Bound', accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], capacity: { storage: '1024Mi' } },
    });
    expect(row(pvc)).toMatchObject({
      STATUS: 'Bound',
      VOLUME: 'pvc-1',
      CAPACITY: '1Gi',
      'ACCESS MODES': 'RWO,RWOP',
      STORAGECLASS: 'standard',
      VOLUMEATTRIBUTESCLASS: '<unset>',
      VOLUMEMODE: 'Filesystem',
    });
  });

  it('a pending claim shows blank volume, capacity and access modes; a deleted one is Terminating', () => {
    const spec = { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } };
    expect(row(obj('v1', 'PersistentVolumeClaim', { spec, status: { phase: 'Pending' } }))).toMatchObject({
      STATUS: 'Pending',
      VOLUME: '',
      CAPACITY: '',
      'ACCESS MODES': '',
      STORAGECLASS: '',
      VOLUMEMODE: '<unset>',
    });
    const deleting = obj(
      'v1',
      'PersistentVolumeClaim',
      { spec, status: { phase: 'Bound' } },
      { deletionTimestamp: ago(S) },
    );
    expect(row(deleting).STATUS).toBe('Terminating');
  });

  it('a volume shows its claim as namespace/name and the beta storage-class annotation wins', () => {
    const pv = obj(
      'v1',
      'PersistentVolume',
      {
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
          persistentVolumeReclaimPolicy: 'Delete',
          claimRef: { namespace: 'default', name: 'data' },
          storageClassName: 'standard',
          hostPath: { path: '/data' },
        },
        status: { phase: 'Bound' },
      },
      { namespace: undefined, annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    );
    expect(row(pv)).toMatchObject({
      CAPACITY: '10Gi',
      'ACCESS MODES': 'RWO,ROX',
      'RECLAIM POLICY': 'Delete',
      STATUS: 'Bound',
      CLAIM: 'default/data',
      STORAGECLASS: 'legacy',
      VOLUMEATTRIBUTESCLASS: '<unset>',
      REASON: '',
      VOLUMEMODE: '<unset>',
    });
  });
});

describe('apps/v1 workloads', () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.25' },
        { name: 'log', image: 'busybox' },
      ],
    },
  };

  it('a deployment mid-rollout shows ready/desired, up-to-date, available and its selector', () => {
    const d = obj('apps/v1', 'Deployment', {
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 4, readyReplicas: 2, updatedReplicas: 1, availableReplicas: 2 },
    });
    expect(row(d)).toMatchObject({
      READY: '2/3',
      'UP-TO-DATE': 1,
      AVAILABLE: 2,
      CONTAINERS: 'web,log',
      IMAGES: 'nginx:1.25,busybox',
      SELECTOR: 'app=web',
    });
  });

  it('a new deployment with no status shows 0/N and zero counts', () => {
    const d = obj('apps/v1', 'Deployment', {
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(row(d)).toMatchObject({ READY: '0/2', 'UP-TO-DATE': 0, AVAILABLE: 0 });
  });

  it('a replica set shows integer desired/current/ready and a set-based selector', () => {
    const rs = obj('apps/v1', 'ReplicaSet', {
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: 'web', 'pod-template-hash': '5d9c' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }],
        },
        template,
      },
      status: { replicas: 3, readyReplicas: 1 },
    });
    expect(row(rs)).toMatchObject({
      DESIRED: 3,
      CURRENT: 3,
      READY: 1,
      SELECTOR: 'app=web,pod-template-hash=5d9c,tier in (a,b)',
    });
  });

  it('a daemon set shows its scheduling counts and node selector', () => {
    const ds = obj('apps/v1', 'DaemonSet', {
      spec: {
        selector: { matchLabels: { name: 'fluentd' } },
        template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
      },
      status: {
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        numberReady: 0,
        updatedNumberScheduled: 1,
        numberAvailable: 0,
        numberMisscheduled: 0,
      },
    });
    expect(row(ds)).toMatchObject({
      DESIRED: 1,
      CURRENT: 1,
      READY: 0,
      'UP-TO-DATE': 1,
      AVAILABLE: 0,
      'NODE SELECTOR': 'kubernetes.io/os=linux',
      SELECTOR: 'name=fluentd',
    });
  });

  it('a stateful set shows ready/desired and its containers', () => {
    const sts = obj('apps/v1', 'StatefulSet', {
      spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template },
      status: { replicas: 3, readyReplicas: 3 },
    });
    expect(row(sts)).toMatchObject({ READY: '3/3', CONTAINERS: 'web,log', IMAGES: 'nginx:1.25,busybox' });
  });

  it('a controller revision shows its controller as kind.group/name and its revision', () => {
    const cr = obj(
      'apps/v1',
      'ControllerRevision',
      { revision: 2, data: {} },
      {
        name: 'fluentd-6c7b8d9f',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'u1', controller: true }],
      },
    );
    expect(row(cr)).toMatchObject({ CONTROLLER: 'daemonset.apps/fluentd', REVISION: 2 });
    expect(row(obj('apps/v1', 'ControllerRevision', { revision: 1 })).CONTROLLER).toBe('<none>');
  });
});

describe('batch/v1', () => {
  const template = { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } };

  it('a completed job shows Complete, 1/1 and the time from start to completion', () => {
    const job = obj('batch/v1', 'Job', {
      spec: {
        completions: 1,
        parallelism: 1,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
        template,
      },
      status: {
        succeeded: 1,
        startTime: ago(4 * M),
        completionTime: ago(4 * M - 12 * S),
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      },
    });
    expect(row(job)).toMatchObject({
      STATUS: 'Complete',
      COMPLETIONS: '1/1',
      DURATION: '12s',
      CONTAINERS: 'pi',
      IMAGES: 'perl:5.34',
      SELECTOR: 'batch.kubernetes.io/controller-uid=abc',
    });
  });

  it('a running work-queue job shows n/1 of P and a duration counting up from its start', () => {
    const job = obj('batch/v1', 'Job', {
      spec: { parallelism: 3, template },
      status: { succeeded: 0, active: 3, startTime: ago(5 * M + 10 * S) },
    });
    expect(row(job)).toMatchObject({ STATUS: 'Running', COMPLETIONS: '0/1 of 3', DURATION: '5m10s' });
  });

  it.each([
    [[{ type: 'Failed', status: 'True' }], {}, 'Failed'],
    [[{ type: 'Suspended', status: 'True' }], {}, 'Suspended'],
    [[{ type: 'FailureTarget', status: 'True' }], {}, 'FailureTarget'],
    [[{ type: 'Suspended', status: 'False' }], {}, 'Running'],
    [[], { deletionTimestamp: ago(S) }, 'Terminating'],
  ])('a job with conditions %j shows status %s', (conditions, meta, want) => {
    const job = obj('batch/v1', 'Job', { spec: { completions: 2, template }, status: { conditions } }, meta);
    expect(row(job)).toMatchObject({ STATUS: want, COMPLETIONS: '0/2', DURATION: '' });
  });

  it('a cron job shows schedule, time zone, suspend, active jobs and when it last ran', () => {
    const cj = obj('batch/v1', 'CronJob', {
      spec: { schedule: '*/5 * * * *', timeZone: 'Europe/Paris', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'backup-1' }], lastScheduleTime: ago(3 * M) },
    });
    expect(row(cj)).toMatchObject({
      SCHEDULE: '*/5 * * * *',
      TIMEZONE: 'Europe/Paris',
      SUSPEND: 'False',
      ACTIVE: 1,
      'LAST SCHEDULE': '3m',
      CONTAINERS: 'pi',
      SELECTOR: '<none>',
    });
    const fresh = obj('batch/v1', 'CronJob', { spec: { schedule: '@hourly', jobTemplate: { spec: { template } } } });
    expect(row(fresh)).toMatchObject({ TIMEZONE: '<none>', SUSPEND: '<unset>', ACTIVE: 0, 'LAST SCHEDULE': '<none>' });
  });
});

describe('HorizontalPodAutoscaler', () => {
  const cpu = (target: object) => ({ type: 'Resource', resource: { name: 'cpu', target } });

  it('a CPU autoscaler shows current/target utilisation with the resource name', () => {
    const hpa = obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [cpu({ type: 'Utilization', averageUtilization: 80 })],
      },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }],
      },
    });
    expect(row(hpa)).toMatchObject({
      REFERENCE: 'Deployment/web',
      TARGETS: 'cpu: 45%/80%',
      MINPODS: '1',
      MAXPODS: 10,
      REPLICAS: 2,
    });
  });

  it('before metrics arrive the current value is <unknown>; more than two metrics are summarised', () => {
    const hpa = obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        metrics: [
          cpu({ type: 'Utilization', averageUtilization: 80 }),
          {
            type: 'Resource',
            resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '524288Ki' } },
          },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
          { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
        ],
      },
    });
    expect(row(hpa)).toMatchObject({
      TARGETS: 'cpu: <unknown>/80%, memory: <unknown>/512Mi + 2 more...',
      MINPODS: '<unset>',
      REPLICAS: 0,
    });
  });

  it('pods, object and external metrics show current/target values and (avg) for average targets', () => {
    const hpa = obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
          {
            type: 'External',
            external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } },
          },
        ],
      },
      status: {
        currentMetrics: [
          { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '1500m' } } },
          { type: 'External', external: { metric: { name: 'queue' }, current: { averageValue: '12' } } },
        ],
      },
    });
    expect(row(hpa).TARGETS).toBe('1500m/1k, 12/30 (avg)');
    expect(
      row(
        obj('autoscaling/v2', 'HorizontalPodAutoscaler', {
          spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, maxReplicas: 1 },
        }),
      ).TARGETS,
    ).toBe('<none>');
  });
});

describe('Ingress', () => {
  it('an ingress shows its class, hosts, address and TLS ports', () => {
    const ing = obj('networking.k8s.io/v1', 'Ingress', {
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }],
        tls: [{ hosts: ['a.example.com'] }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    });
    expect(row(ing)).toMatchObject({
      CLASS: 'nginx',
      HOSTS: 'a.example.com,b.example.com',
      ADDRESS: '127.0.0.1',
      PORTS: '80, 443',
    });
  });

  it('an ingress without class or host shows <none> and *, and many hosts are summarised', () => {
    expect(row(obj('networking.k8s.io/v1', 'Ingress', { spec: { defaultBackend: {} } }))).toMatchObject({
      CLASS: '<none>',
      HOSTS: '*',
      ADDRESS: '',
      PORTS: '80',
    });
    const many = obj('networking.k8s.io/v1', 'Ingress', {
      spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => ({ host: `${h}.test` })) },
    });
    expect(row(many).HOSTS).toBe('a.test,b.test,c.test + 2 more...');
  });
});

describe('formatSelector (metav1.FormatLabelSelector)', () => {
  it.each([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { tier: 'web', app: 'shop' } }, 'app=shop,tier=web'],
    [
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] },
      'app=web,tier in (a,b)',
    ],
    [
      {
        matchExpressions: [
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'beta', operator: 'Exists' },
        ],
      },
      'beta,!canary,env notin (dev)',
    ],
    [{ matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }, '<error>'],
    [{ matchExpressions: [{ key: 'x', operator: 'Near', values: ['y'] }] }, '<error>'],
  ])('%j formats as %s', (selector, want) => {
    expect(formatSelector(selector as never)).toBe(want);
  });
});

describe('formatQuantity (resource.Quantity canonical form)', () => {
  it.each([
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['512', '512'],
    ['0.5', '500m'],
    ['1500m', '1500m'],
    ['1000', '1k'],
    ['1e3', '1e3'],
    ['12e2', '1200'],
    ['100Mi', '100Mi'],
    ['0', '0'],
    ['0.5Gi', '512Mi'],
    ['1.5', '1500m'],
    ['10G', '10G'],
  ])('%s prints as %s', (input, want) => {
    expect(formatQuantity(input)).toBe(want);
  });
});
