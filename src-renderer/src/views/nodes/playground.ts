// The Node object that makes a simulated node: the kubedesk.io/simulated label plus capacity
// annotations, which the cluster's SimulatedNodes watch turns into a running agent. Pure, so the
// form's checks are unit-tested.
import { parseQuantity, SIMULATED_LABEL } from './capacity';

export interface PlaygroundForm {
  name: string;
  cpu: string;
  memory: string;
  pods: number;
  /** `k=v, k2=v2` */
  labels: string;
  /** `key[=value]:Effect`, optional */
  taint: string;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function simulatedNode(form: PlaygroundForm): { node: Record<string, unknown> } | { error: string } {
  const name = form.name.trim();
  if (!NAME.test(name) || name.length > 253)
    return { error: `"${name}" is not a valid node name (lower-case letters, digits, "-", ".")` };
  const cpu = parseQuantity(form.cpu.trim());
  if (!(cpu > 0)) return { error: `CPU "${form.cpu}" is not a positive quantity (e.g. 4 or 500m)` };
  const memory = parseQuantity(form.memory.trim());
  if (!(memory > 0)) return { error: `Memory "${form.memory}" is not a positive quantity (e.g. 8Gi)` };
  if (!Number.isInteger(form.pods) || form.pods < 1) return { error: 'Max pods must be a whole number of at least 1' };
  const labels: Record<string, string> = {};
  for (const part of form.labels
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v = '', ...rest] = part.split('=');
    if (rest.length || !LABEL_KEY.test(k) || !LABEL_VALUE.test(v) || v.length > 63) {
      return { error: `label "${part}" is not key=value` };
    }
    labels[k] = v;
  }
  const taints: { key: string; value?: string; effect: string }[] = [];
  if (form.taint.trim()) {
    const m = /^([^=:\s]+)(?:=([^:\s]*))?:(\w+)$/.exec(form.taint.trim());
    if (!m || !LABEL_KEY.test(m[1]) || !EFFECTS.includes(m[3])) {
      return { error: `taint "${form.taint}" is not key[=value]:Effect with Effect one of ${EFFECTS.join(', ')}` };
    }
    taints.push({ key: m[1], ...(m[2] ? { value: m[2] } : {}), effect: m[3] });
  }
  return {
    node: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { ...labels, [SIMULATED_LABEL]: 'true', 'kubernetes.io/hostname': name },
        annotations: {
          'kubedesk.io/simulated-cpu': form.cpu.trim(),
          'kubedesk.io/simulated-memory': form.memory.trim(),
          'kubedesk.io/simulated-pods': String(form.pods),
        },
      },
      spec: taints.length ? { taints } : {},
    },
  };
}
