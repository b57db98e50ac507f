// The deploy form's model and its two-way mapping to manifests: form → Deployment (+ Service,
// + HorizontalPodAutoscaler) → YAML for the preview, and YAML edited by hand → form again. Pure
// (unit-tested in test/unit/renderer/deploy-manifest.test.ts). Values the form leaves empty are left
// out, so the server's defaults apply and the preview shows only what the user chose.
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../../../src-main/ipc/contract';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

export interface ProbeForm {
  enabled: boolean;
  type: 'http' | 'tcp' | 'exec';
  path: string;
  port: number;
  /** For exec: the command, split like a shell line. */
  command: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

/** Kubernetes' probe defaults (core/v1 Probe), shown in the form as the starting values. */
export const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };

export interface EnvForm {
  name: string;
  source: 'value' | 'configMap' | 'secret';
  /** The value, or the ConfigMap/Secret name. */
  value: string;
  key: string;
}

export interface DeployForm {
  name: string;
  namespace: string;
  image: string;
  imagePullPolicy: '' | 'IfNotPresent' | 'Never' | 'Always';
  replicas: number;
  ports: { containerPort: number; protocol: 'TCP' | 'UDP' }[];
  env: EnvForm[];
  command: string;
  args: string;
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  probes: Record<ProbeKind, ProbeForm>;
  strategy: { type: 'RollingUpdate' | 'Recreate'; maxSurge: string; maxUnavailable: string };
  labels: { key: string; value: string }[];
  changeCause: string;
  service: {
    enabled: boolean;
    type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
    ports: { port: number; targetPort: number }[];
  };
  hpa: { enabled: boolean; min: number; max: number; cpu: number };
}

export const RESOURCE_PRESETS: Record<string, DeployForm['resources']> = {
  none: { requests: { cpu: '', memory: '' }, limits: { cpu: '', memory: '' } },
  small: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
  medium: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  large: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
};

const probe = (type: ProbeForm['type'], port = 8080): ProbeForm => ({
  enabled: false,
  type,
  path: '/',
  port,
  command: '',
  ...PROBE_DEFAULTS,
});

export function emptyForm(namespace = 'default'): DeployForm {
  return {
    name: '',
    namespace,
    image: '',
    imagePullPolicy: '',
    replicas: 1,
    ports: [],
    env: [],
    command: '',
    args: '',
    resources: structuredClone(RESOURCE_PRESETS.none),
    probes: { startup: probe('http'), liveness: probe('http'), readiness: probe('http') },
    strategy: { type: 'RollingUpdate', maxSurge: '', maxUnavailable: '' },
    labels: [],
    changeCause: '',
    service: { enabled: false, type: 'ClusterIP', ports: [] },
    hpa: { enabled: false, min: 1, max: 5, cpu: 80 },
  };
}

// ---- command lines ----

/** Splits a command line into arguments as a POSIX shell would for quotes and backslashes (no expansion). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The inverse of splitArgs: arguments with spaces or quotes are single-quoted. */
export function joinArgs(args: readonly string[]): string {
  return args
    .map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

// ---- form → manifests ----

function labelsOf(form: DeployForm): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of form.labels) if (l.key.trim()) labels[l.key.trim()] = l.value;
  if (Object.keys(labels).length === 0 && form.name) labels['app'] = form.name;
  return labels;
}

function probeOf(p: ProbeForm): Record<string, unknown> | undefined {
  if (!p.enabled) return undefined;
  const out: Record<string, unknown> = {};
  if (p.type === 'http') out['httpGet'] = { path: p.path || '/', port: p.port };
  else if (p.type === 'tcp') out['tcpSocket'] = { port: p.port };
  else out['exec'] = { command: splitArgs(p.command) };
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
    if (p[k] !== PROBE_DEFAULTS[k]) out[k] = p[k];
  }
  return out;
}

function quantities(q: { cpu: string; memory: string }): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (q.cpu.trim()) out['cpu'] = q.cpu.trim();
  if (q.memory.trim()) out['memory'] = q.memory.trim();
  return Object.keys(out).length ? out : undefined;
}

const intOrPercent = (s: string): string | number => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

/** Drops undefined values so the YAML shows only what is set. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function toManifests(form: DeployForm): KubeObject[] {
  const labels = labelsOf(form);
  const container: Record<string, unknown> = { name: form.name || 'main', image: form.image };
  if (form.imagePullPolicy) container['imagePullPolicy'] = form.imagePullPolicy;
  if (form.command.trim()) container['command'] = splitArgs(form.command);
  if (form.args.trim()) container['args'] = splitArgs(form.args);
  if (form.ports.length) {
    container['ports'] = form.ports.map((p) => (p.protocol === 'TCP' ? { containerPort: p.containerPort } : p));
  }
  const env = form.env.filter((e) => e.name.trim());
  if (env.length) {
    container['env'] = env.map((e) =>
      e.source === 'value'
        ? { name: e.name, value: e.value }
        : {
            name: e.name,
            valueFrom: {
              [e.source === 'configMap' ? 'configMapKeyRef' : 'secretKeyRef']: { name: e.value, key: e.key },
            },
          },
    );
  }
  const requests = quantities(form.resources.requests);
  const limits = quantities(form.resources.limits);
  if (requests || limits) container['resources'] = { requests, limits };
  for (const k of PROBE_KINDS) {
    const p = probeOf(form.probes[k]);
    if (p) container[`${k}Probe`] = p;
  }
  const strategy: Record<string, unknown> = { type: form.strategy.type };
  if (
    form.strategy.type === 'RollingUpdate' &&
    (form.strategy.maxSurge.trim() || form.strategy.maxUnavailable.trim())
  ) {
    strategy['rollingUpdate'] = {
      maxSurge: form.strategy.maxSurge.trim() ? intOrPercent(form.strategy.maxSurge) : undefined,
      maxUnavailable: form.strategy.maxUnavailable.trim() ? intOrPercent(form.strategy.maxUnavailable) : undefined,
    };
  }
  const metadata = (extra: Record<string, unknown> = {}) => ({
    name: form.name,
    namespace: form.namespace || undefined,
    labels,
    ...extra,
  });
  const out: KubeObject[] = [
    clean({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(
        form.changeCause.trim() ? { annotations: { 'kubernetes.io/change-cause': form.changeCause.trim() } } : {},
      ),
      spec: {
        replicas: form.hpa.enabled ? undefined : form.replicas,
        selector: { matchLabels: labels },
        strategy,
        template: { metadata: { labels }, spec: { containers: [container] } },
      },
    }) as KubeObject,
  ];
  if (form.service.enabled) {
    out.push(
      clean({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(),
        spec: {
          type: form.service.type,
          selector: labels,
          ports: form.service.ports.map((p) => ({ port: p.port, targetPort: p.targetPort })),
        },
      }) as KubeObject,
    );
  }
  if (form.hpa.enabled) {
    out.push(
      clean({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: form.name },
          minReplicas: form.hpa.min,
          maxReplicas: form.hpa.max,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: form.hpa.cpu } },
            },
          ],
        },
      }) as KubeObject,
    );
  }
  return out;
}

export function toYamlText(form: DeployForm): string {
  return toManifests(form)
    .map((o) => stringify(o, { lineWidth: 0 }))
    .join('---\n');
}

// ---- manifests → form ----

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (v: unknown, ...path: (string | number)[]): unknown => {
  let cur = v;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
    else if (isObj(cur) && typeof p === 'string') cur = cur[p];
    else return undefined;
  }
  return cur;
};
const str = (v: unknown, d = '') => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);
const int = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

function probeFrom(p: unknown, fallback: ProbeForm): ProbeForm {
  if (!isObj(p)) return { ...fallback, enabled: false };
  const base: ProbeForm = {
    ...fallback,
    enabled: true,
    initialDelaySeconds: int(p['initialDelaySeconds'], PROBE_DEFAULTS.initialDelaySeconds),
    periodSeconds: int(p['periodSeconds'], PROBE_DEFAULTS.periodSeconds),
    timeoutSeconds: int(p['timeoutSeconds'], PROBE_DEFAULTS.timeoutSeconds),
    failureThreshold: int(p['failureThreshold'], PROBE_DEFAULTS.failureThreshold),
  };
  if (isObj(p['httpGet']))
    return {
      ...base,
      type: 'http',
      path: str(get(p, 'httpGet', 'path'), '/'),
      port: int(get(p, 'httpGet', 'port'), 80),
    };
  if (isObj(p['tcpSocket'])) return { ...base, type: 'tcp', port: int(get(p, 'tcpSocket', 'port'), 80) };
  const cmd = get(p, 'exec', 'command');
  return { ...base, type: 'exec', command: Array.isArray(cmd) ? joinArgs(cmd.map((c) => str(c))) : '' };
}

/**
 * The form for manifests edited by hand: the first Deployment (required) and the Service and
 * HorizontalPodAutoscaler of the same name if present. Throws with a readable message when the
 * text is not YAML or holds no Deployment. Fields the form has no control for stay in the YAML.
 */
export function fromYamlText(text: string, previous: DeployForm): DeployForm {
  const docs = parseAllDocuments(text);
  const objects: Obj[] = [];
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    if (d.errors.length) throw new Error(`YAML error: ${d.errors[0].message.split('\n')[0]}`);
    const v: unknown = d.toJS();
    if (isObj(v)) objects.push(v);
  }
  const deployment = objects.find((o) => o['kind'] === 'Deployment');
  if (!deployment) throw new Error('The YAML needs a Deployment (kind: Deployment) for the form to follow it.');
  const name = str(get(deployment, 'metadata', 'name'));
  const c = get(deployment, 'spec', 'template', 'spec', 'containers', 0);
  const form = emptyForm(str(get(deployment, 'metadata', 'namespace'), previous.namespace));
  form.name = name;
  form.image = str(get(c, 'image'));
  const policy = str(get(c, 'imagePullPolicy'));
  form.imagePullPolicy = (
    ['IfNotPresent', 'Never', 'Always'].includes(policy) ? policy : ''
  ) as DeployForm['imagePullPolicy'];
  form.replicas = int(get(deployment, 'spec', 'replicas'), previous.replicas);
  const ports = get(c, 'ports');
  form.ports = Array.isArray(ports)
    ? ports.map((p) => ({
        containerPort: int(get(p, 'containerPort'), 0),
        protocol: str(get(p, 'protocol')) === 'UDP' ? 'UDP' : 'TCP',
      }))
    : [];
  const env = get(c, 'env');
  form.env = Array.isArray(env)
    ? env.map((e): EnvForm => {
        const cm = get(e, 'valueFrom', 'configMapKeyRef');
        const sec = get(e, 'valueFrom', 'secretKeyRef');
        if (isObj(cm))
          return { name: str(get(e, 'name')), source: 'configMap', value: str(cm['name']), key: str(cm['key']) };
        if (isObj(sec))
          return { name: str(get(e, 'name')), source: 'secret', value: str(sec['name']), key: str(sec['key']) };
        return { name: str(get(e, 'name')), source: 'value', value: str(get(e, 'value')), key: '' };
      })
    : [];
  const cmd = get(c, 'command');
  const args = get(c, 'args');
  form.command = Array.isArray(cmd) ? joinArgs(cmd.map((x) => str(x))) : '';
  form.args = Array.isArray(args) ? joinArgs(args.map((x) => str(x))) : '';
  form.resources = {
    requests: {
      cpu: str(get(c, 'resources', 'requests', 'cpu')),
      memory: str(get(c, 'resources', 'requests', 'memory')),
    },
    limits: { cpu: str(get(c, 'resources', 'limits', 'cpu')), memory: str(get(c, 'resources', 'limits', 'memory')) },
  };
  for (const k of PROBE_KINDS) form.probes[k] = probeFrom(get(c, `${k}Probe`), previous.probes[k]);
  const strategyType = str(get(deployment, 'spec', 'strategy', 'type'));
  form.strategy = {
    type: strategyType === 'Recreate' ? 'Recreate' : 'RollingUpdate',
    maxSurge: str(get(deployment, 'spec', 'strategy', 'rollingUpdate', 'maxSurge')),
    maxUnavailable: str(get(deployment, 'spec', 'strategy', 'rollingUpdate', 'maxUnavailable')),
  };
  const labels = get(deployment, 'metadata', 'labels');
  form.labels = isObj(labels) ? Object.entries(labels).map(([key, value]) => ({ key, value: str(value) })) : [];
  // The default `app: <name>` label is implied by an empty list; keep the form quiet about it.
  if (form.labels.length === 1 && form.labels[0].key === 'app' && form.labels[0].value === name) form.labels = [];
  form.changeCause = str(get(deployment, 'metadata', 'annotations', 'kubernetes.io/change-cause'));
  const service = objects.find((o) => o['kind'] === 'Service');
  if (service) {
    const type = str(get(service, 'spec', 'type'), 'ClusterIP');
    const sp = get(service, 'spec', 'ports');
    form.service = {
      enabled: true,
      type: (['NodePort', 'LoadBalancer'].includes(type) ? type : 'ClusterIP') as DeployForm['service']['type'],
      ports: Array.isArray(sp)
        ? sp.map((p) => ({
            port: int(get(p, 'port'), 80),
            targetPort: int(get(p, 'targetPort'), int(get(p, 'port'), 80)),
          }))
        : [],
    };
  }
  const hpa = objects.find((o) => o['kind'] === 'HorizontalPodAutoscaler');
  if (hpa) {
    const metrics = get(hpa, 'spec', 'metrics');
    const cpu = Array.isArray(metrics) ? metrics.find((m) => get(m, 'resource', 'name') === 'cpu') : undefined;
    form.hpa = {
      enabled: true,
      min: int(get(hpa, 'spec', 'minReplicas'), 1),
      max: int(get(hpa, 'spec', 'maxReplicas'), previous.hpa.max),
      cpu: int(get(cpu, 'resource', 'target', 'averageUtilization'), previous.hpa.cpu),
    };
    if (get(deployment, 'spec', 'replicas') === undefined) form.replicas = previous.replicas;
  }
  return form;
}

// ---- server errors → form fields ----

export type FormField =
  | 'name'
  | 'namespace'
  | 'image'
  | 'replicas'
  | 'ports'
  | 'env'
  | 'command'
  | 'args'
  | 'resources'
  | 'startup'
  | 'liveness'
  | 'readiness'
  | 'strategy'
  | 'labels'
  | 'service'
  | 'hpa';

const CONTAINER_FIELDS: [RegExp, FormField][] = [
  [/^(image|imagePullPolicy)\b/, 'image'],
  [/^ports\b/, 'ports'],
  [/^(env|envFrom)\b/, 'env'],
  [/^command\b/, 'command'],
  [/^args\b/, 'args'],
  [/^resources\b/, 'resources'],
  [/^startupProbe\b/, 'startup'],
  [/^livenessProbe\b/, 'liveness'],
  [/^readinessProbe\b/, 'readiness'],
  [/^name\b/, 'name'],
];

/** Which form control a server-reported field path (a Status cause) belongs to; null if none. */
export function formFieldOf(kind: string | undefined, field: string): FormField | null {
  if (kind === 'Service') return 'service';
  if (kind === 'HorizontalPodAutoscaler') return 'hpa';
  if (/^metadata\.name\b/.test(field)) return 'name';
  if (/^metadata\.namespace\b/.test(field)) return 'namespace';
  if (/^metadata\.labels\b|^spec\.selector\b|^spec\.template\.metadata\.labels\b/.test(field)) return 'labels';
  if (/^spec\.replicas\b/.test(field)) return 'replicas';
  if (/^spec\.strategy\b/.test(field)) return 'strategy';
  const container = /^spec\.template\.spec\.containers\[[^\]]+\]\.?(.*)$/.exec(field);
  if (container) {
    for (const [re, f] of CONTAINER_FIELDS) if (re.test(container[1])) return f;
    return 'image';
  }
  return null;
}
