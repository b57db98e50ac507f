// List/watch filtering by label and field selectors, compiled once per request.
import type { KubeObject } from '../api/types.js';
import { isObject } from '../api/types.js';
import type { KindInfo } from '../api/registry.js';
import { parseLabelSelector, parseFieldSelector } from '../api/selectors/index.js';

export type ObjectFilter = (obj: KubeObject) => boolean;

export function compileFilter(
  info: KindInfo,
  labelSelector?: string,
  fieldSelector?: string,
  name?: string,
): ObjectFilter {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : null;
  const fields = fieldSelector ? parseFieldSelector(fieldSelector, info.kind) : null;
  if (!labels && !fields && !name) return () => true;
  return (obj) =>
    (!name || obj.metadata.name === name) &&
    (!labels || labels.matches(obj.metadata.labels ?? {})) &&
    (!fields || fields.matches(obj));
}

/** A LabelSelector object as the string form (`app=web,tier in (a,b)`), as Scale.status.selector carries it. */
export function formatLabelSelectorString(selector: unknown): string {
  if (!isObject(selector)) return '';
  const parts: string[] = [];
  const matchLabels = isObject(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : {};
  for (const k of Object.keys(matchLabels).sort()) parts.push(`${k}=${matchLabels[k]}`);
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const e of exprs as { key: string; operator: string; values?: string[] }[]) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
    }
  }
  return parts.join(',');
}
