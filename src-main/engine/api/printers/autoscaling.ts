// HorizontalPodAutoscaler columns, after printHorizontalPodAutoscaler and formatHPAMetrics in
// pkg/printers/internalversion/printers.go (v1.30, where resource targets carry their name).
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2';
import type { PrinterColumn } from '../printers.js';
import { ageColumn, column, nameColumn } from './format.js';
import { formatQuantity } from './quantity.js';

/** Quantity.String(), which prints `<nil>` for a nil pointer. */
function quantity(value: string | number | undefined): string {
  return value === undefined || value === null ? '<nil>' : formatQuantity(value);
}

function percent(value: number | undefined): string | undefined {
  return value === undefined || value === null ? undefined : `${value}%`;
}

function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External': {
      const target = spec.external?.target;
      if (target?.averageValue !== undefined) {
        const avg = status?.external?.current?.averageValue;
        const current = avg !== undefined ? quantity(avg) : '<unknown>';
        return `${current}/${quantity(target.averageValue)} (avg)`;
      }
      const current = status?.external ? quantity(status.external.current?.value) : '<unknown>';
      return `${current}/${quantity(target?.value)}`;
    }
    case 'Pods': {
      const current = status?.pods ? quantity(status.pods.current?.averageValue) : '<unknown>';
      return `${current}/${quantity(spec.pods?.target?.averageValue)}`;
    }
    case 'Object': {
      const target = spec.object?.target;
      if (target?.averageValue !== undefined) {
        const avg = status?.object?.current?.averageValue;
        const current = avg !== undefined ? quantity(avg) : '<unknown>';
        return `${current}/${quantity(target.averageValue)} (avg)`;
      }
      const current = status?.object ? quantity(status.object.current?.value) : '<unknown>';
      return `${current}/${quantity(target?.value)}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const current = spec.type === 'Resource' ? status?.resource : status?.containerResource;
      const name = source?.name ?? '';
      if (source?.target?.averageValue !== undefined) {
        const value = current ? quantity(current.current?.averageValue) : '<unknown>';
        return `${name}: ${value}/${quantity(source.target.averageValue)}`;
      }
      const value = percent(current?.current?.averageUtilization) ?? '<unknown>';
      const target = percent(source?.target?.averageUtilization) ?? '<auto>';
      return `${name}: ${value}/${target}`;
    }
    default:
      return '<unknown type>';
  }
}

/** TARGETS: `cpu: 45%/80%`, at most two metrics and then `+ N more...`; `<none>` without metrics. */
export function formatHPAMetrics(hpa: HorizontalPodAutoscaler): string {
  const specs = hpa.spec?.metrics ?? [];
  if (specs.length === 0) return '<none>';
  const statuses = hpa.status?.currentMetrics ?? [];
  const max = 2;
  const list = specs.map((spec, i) => formatMetric(spec, statuses[i]));
  const ret = list.slice(0, max).join(', ');
  return list.length > max ? `${ret} + ${list.length - max} more...` : ret;
}

export function horizontalPodAutoscalerColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<HorizontalPodAutoscaler>(
      'REFERENCE',
      'string',
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
      (h) => `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}`,
    ),
    column<HorizontalPodAutoscaler>(
      'TARGETS',
      'string',
      'metrics contains the specifications for which to use to calculate the desired replica count.',
      formatHPAMetrics,
    ),
    column<HorizontalPodAutoscaler>(
      'MINPODS',
      'string',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
      (h) =>
        h.spec?.minReplicas !== undefined && h.spec.minReplicas !== null ? String(h.spec.minReplicas) : '<unset>',
    ),
    column<HorizontalPodAutoscaler>(
      'MAXPODS',
      'string',
      'maxReplicas is the upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
      (h) => h.spec?.maxReplicas ?? 0,
    ),
    column<HorizontalPodAutoscaler>(
      'REPLICAS',
      'string',
      'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
      (h) => h.status?.currentReplicas ?? 0,
    ),
    ageColumn(),
  ];
}
