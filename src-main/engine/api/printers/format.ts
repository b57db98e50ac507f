// Formatting helpers shared by the printer columns. Each follows a named upstream function so the
// cells read exactly as a real API server renders them for `kubectl get`.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { Container } from 'kubernetes-types/core/v1';
import type { PrinterColumn } from '../printers.js';
import type { KubeObject } from '../types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * apimachinery/pkg/util/duration.HumanDuration: a succinct duration with ~2-3 significant figures
 * (`45s`, `5m10s`, `7m`, `3h5m`, `2d3h`, `3y45d`). Go's integer conversions truncate toward zero,
 * hence `Math.trunc`. Up to 2s in the future is tolerated as clock skew and shown as `0s`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.trunc(hours / 24 / 365);
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** printers.go translateTimestampSince: the age of a timestamp, `<unknown>` for a zero time. */
export function translateTimestampSince(ms: number | undefined, now: number): string {
  if (ms === undefined || Number.isNaN(ms)) return '<unknown>';
  return humanDuration(now - ms);
}

/** An RFC 3339 timestamp (metav1.Time or MicroTime) as epoch milliseconds; undefined when unset. */
export function parseTime(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The age of an object's `creationTimestamp`, as every AGE column shows it. */
export function ageOf(obj: KubeObject, now: number): string {
  return translateTimestampSince(parseTime(obj.metadata.creationTimestamp), now);
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, values sorted, e.g.
 * `app=web,tier in (a,b),!legacy`. A nil or empty selector prints as the empty string; an invalid
 * one yields undefined.
 */
export function labelSelectorString(selector: LabelSelector | undefined | null): string | undefined {
  if (!selector) return '';
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, text: `${key}=${value}` });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...(expr.values ?? [])].sort();
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return undefined;
        requirements.push({ key: expr.key, text: `${expr.key} ${expr.operator.toLowerCase()} (${values.join(',')})` });
        break;
      case 'Exists':
        if (values.length > 0) return undefined;
        requirements.push({ key: expr.key, text: expr.key });
        break;
      case 'DoesNotExist':
        if (values.length > 0) return undefined;
        requirements.push({ key: expr.key, text: `!${expr.key}` });
        break;
      default:
        return undefined;
    }
  }
  // labels.internalSelector.Add sorts requirements by key.
  requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return requirements.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString, but `<none>` when empty, `<error>` when invalid. */
export function formatSelector(selector: LabelSelector | undefined | null): string {
  const s = labelSelectorString(selector);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when empty (service and node selectors). */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, duplicates dropped. */
export function accessModesAsString(modes: string[] | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** printers.go layoutContainerCells: container names and images, comma-separated. */
export function layoutContainerCells(containers: Container[] | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return { names: list.map((c) => c.name).join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** printers.go printBoolPtr. */
export function printBoolPtr(value: boolean | undefined | null): string {
  if (value === undefined || value === null) return '<unset>';
  return value ? 'True' : 'False';
}

/**
 * loadBalancerStatusStringer with wide=true: the API server always builds tables as for
 * `-o wide` (its TableConvertor passes Wide: true), so addresses are never clipped here.
 */
export function loadBalancerAddresses(ingress: { ip?: string; hostname?: string }[] | undefined): string {
  const set = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

// Column descriptions shared by every kind (metav1.ObjectMeta{}.SwaggerDoc()).
export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
export const CONTAINERS_DESCRIPTION = 'Names of each container in the template.';
export const IMAGES_DESCRIPTION = 'Images referenced by each container in the template.';

export function nameColumn(priority: 0 | 1 = 0): PrinterColumn {
  return {
    name: 'NAME',
    type: 'string',
    format: 'name',
    description: NAME_DESCRIPTION,
    priority,
    cell: (obj) => obj.metadata.name ?? '',
  };
}

export function ageColumn(): PrinterColumn {
  return { name: 'AGE', type: 'string', description: AGE_DESCRIPTION, priority: 0, cell: ageOf };
}

/** A column whose cell reads the object as its `kubernetes-types` type. */
export function column<T>(
  name: string,
  type: PrinterColumn['type'],
  description: string,
  cell: (obj: T, now: number) => string | number | boolean,
  priority: 0 | 1 = 0,
): PrinterColumn {
  return { name, type, description, priority, cell: (obj, now) => cell(obj as unknown as T, now) };
}

/** CONTAINERS and IMAGES (wide) for anything with a pod template. */
export function templateColumns<T>(containersOf: (obj: T) => Container[] | undefined): PrinterColumn[] {
  return [
    column<T>('CONTAINERS', 'string', CONTAINERS_DESCRIPTION, (o) => layoutContainerCells(containersOf(o)).names, 1),
    column<T>('IMAGES', 'string', IMAGES_DESCRIPTION, (o) => layoutContainerCells(containersOf(o)).images, 1),
  ];
}
