// Creating pods from a template (controller.GetPodFromTemplate / RealPodControl) and the
// slow-start batching every workload controller uses to create them.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { newControllerRef } from '../framework/util.js';

/**
 * slowStartBatch: run `fn` `count` times in batches of 1, 2, 4, … (all calls of a batch at once),
 * stopping at the first batch with a failure. A quota or admission error thus costs one failed
 * call, not hundreds. Returns how many calls succeeded and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => Promise<void>,
): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += batch - failed.length;
    if (failed.length > 0) return { successes, error: failed[0].reason };
    remaining -= batch;
  }
  return { successes };
}

/** The name prefix of a controller's pods: `<owner>-` (getPodsPrefix). */
export function podsPrefix(ownerName: string): string {
  return `${ownerName}-`;
}

/** controller.GetPodFromTemplate: a Pod for `owner` made from its template, named by generateName. */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject): KubeObject {
  const labels = { ...(template.metadata?.labels ?? {}) };
  if (Object.keys(labels).length === 0) throw new Error('unable to create pods, no labels');
  const metadata: KubeObject['metadata'] = {
    generateName: podsPrefix(owner.metadata.name!),
    labels,
    ownerReferences: [newControllerRef(owner)],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  if (template.metadata?.finalizers) metadata.finalizers = [...template.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: deepCopy(template.spec ?? {}) };
}
