// HorizontalPodAutoscaler defaulting: pkg/apis/autoscaling/v2/defaults.go and
// pkg/apis/autoscaling/v1/defaults.go.
import type { HorizontalPodAutoscaler as HPAv1 } from 'kubernetes-types/autoscaling/v1';
import type { HorizontalPodAutoscaler as HPAv2, HPAScalingRules } from 'kubernetes-types/autoscaling/v2';

/** The CPU target used when an HPA names no metrics (autoscaling.DefaultCPUUtilization). */
export const DEFAULT_CPU_UTILIZATION = 80;

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2/defaults.go). */
export function defaultHPAv2(hpa: HPAv2): void {
  const spec = (hpa.spec ??= {} as HPAv2['spec'] & object);
  if (spec.minReplicas === undefined) spec.minReplicas = 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
      },
    ];
  }
  // SetDefaults_HorizontalPodAutoscalerBehavior: only a behavior that is given is completed.
  if (spec.behavior) {
    spec.behavior.scaleUp = withDefaults(spec.behavior.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    // scaleDown's stabilization window stays unset: the controller's
    // --horizontal-pod-autoscaler-downscale-stabilization flag (300s) applies.
    spec.behavior.scaleDown = withDefaults(spec.behavior.scaleDown, {
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
  }
}

/** copyHPAScalingRules: the given rules with their unset fields taken from the defaults. */
function withDefaults(given: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!given) return defaults;
  const out = { ...given };
  if (out.stabilizationWindowSeconds === undefined && defaults.stabilizationWindowSeconds !== undefined) {
    out.stabilizationWindowSeconds = defaults.stabilizationWindowSeconds;
  }
  if (!out.selectPolicy) out.selectPolicy = defaults.selectPolicy;
  if (!out.policies) out.policies = defaults.policies;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v1/defaults.go). */
export function defaultHPAv1(hpa: HPAv1): void {
  const spec = (hpa.spec ??= {} as HPAv1['spec'] & object);
  if (spec.minReplicas === undefined) spec.minReplicas = 1;
}
