// Version conversion. Only HorizontalPodAutoscaler is served in two versions: stored as
// autoscaling/v2, also served as autoscaling/v1, whose spec has a single CPU target
// (`targetCPUUtilizationPercentage`) — as pkg/apis/autoscaling/v1/conversion.go maps it.
import type { KubeObject } from '../api/types.js';
import type { KindInfo } from '../api/registry.js';
import { apiVersionOf } from '../api/registry.js';

interface MetricSpecLike {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number } };
}

/** Present a stored object in the version the client asked for. */
export function toVersion(obj: KubeObject, info: KindInfo, version: string): KubeObject {
  if (version === info.version) return obj;
  if (info.kind === 'HorizontalPodAutoscaler' && version === 'v1') return hpaV2toV1(obj);
  return obj;
}

/** Convert a request body in `version` to the storage version; `old` keeps fields v1 cannot express. */
export function toStorage(obj: KubeObject, info: KindInfo, version: string, old?: KubeObject): KubeObject {
  if (version === info.version) return obj;
  if (info.kind === 'HorizontalPodAutoscaler' && version === 'v1') return hpaV1toV2(obj, old);
  return obj;
}

function hpaV2toV1(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const metrics = (spec.metrics ?? []) as MetricSpecLike[];
  const cpu = metrics.find(
    (m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.type === 'Utilization',
  );
  const currentMetrics = (status.currentMetrics ?? []) as {
    type?: string;
    resource?: { name?: string; current?: { averageUtilization?: number } };
  }[];
  const currentCpu = currentMetrics.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
  const v1Spec: Record<string, unknown> = {
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
  };
  if (cpu?.resource?.target?.averageUtilization !== undefined) {
    v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  }
  const v1Status: Record<string, unknown> = {
    observedGeneration: status.observedGeneration,
    lastScaleTime: status.lastScaleTime,
    currentReplicas: status.currentReplicas ?? 0,
    desiredReplicas: status.desiredReplicas ?? 0,
  };
  if (currentCpu?.resource?.current?.averageUtilization !== undefined) {
    v1Status.currentCPUUtilizationPercentage = currentCpu.resource.current.averageUtilization;
  }
  return { ...obj, apiVersion: 'autoscaling/v1', spec: dropUndefined(v1Spec), status: dropUndefined(v1Status) };
}

function hpaV1toV2(obj: KubeObject, old?: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const oldSpec = (old?.spec ?? {}) as Record<string, unknown>;
  const otherMetrics = ((oldSpec.metrics ?? []) as MetricSpecLike[]).filter(
    (m) => !(m.type === 'Resource' && m.resource?.name === 'cpu'),
  );
  const metrics: MetricSpecLike[] = [...otherMetrics];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.unshift({
      type: 'Resource',
      resource: {
        name: 'cpu',
        target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage },
      },
    });
  }
  const v2Spec: Record<string, unknown> = {
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    behavior: oldSpec.behavior,
  };
  if (metrics.length > 0) v2Spec.metrics = metrics;
  return { ...obj, apiVersion: 'autoscaling/v2', spec: dropUndefined(v2Spec), status: old?.status ?? obj.status };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function storageApiVersion(info: KindInfo): string {
  return apiVersionOf(info);
}
