// A Job's pods from its template (pkg/controller/job: getPodFromTemplate plus
// addCompletionIndexEnvVariables / addCompletionIndexAnnotation for Indexed Jobs).
import type { Container, PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { podFromTemplate } from '../replicaset/pod-control.js';
import { COMPLETION_INDEX, COMPLETION_INDEX_ENV, jobPodLabels, jobSpec } from './job-util.js';

/**
 * The pod a Job creates: its template plus the Job labels; for an Indexed Job also the index
 * (annotation, label, `JOB_COMPLETION_INDEX`), the hostname `<job>-<index>` and the name prefix
 * `<job>-<index>-`, as upstream.
 */
export function jobPod(job: KubeObject, index?: number): KubeObject {
  const template = deepCopy(jobSpec(job).template ?? {}) as PodTemplateSpec;
  template.metadata = { ...(template.metadata ?? {}) };
  template.metadata.labels = { ...(template.metadata.labels ?? {}), ...jobPodLabels(job) };
  const pod = podFromTemplate(template, job);
  if (index === undefined) return pod;
  const idx = String(index);
  pod.metadata.generateName = `${job.metadata.name}-${idx}-`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX]: idx };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX]: idx };
  const spec = pod.spec as { hostname?: string; containers?: Container[]; initContainers?: Container[] };
  if (!spec.hostname) spec.hostname = `${job.metadata.name}-${idx}`;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV)) continue;
    c.env = [
      ...(c.env ?? []),
      {
        name: COMPLETION_INDEX_ENV,
        valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
      },
    ];
  }
  return pod;
}
