// YAML for the object views: what to show (no managedFields noise) and where a server-reported
// field path sits in the text, so validation errors appear at their line.
import { isMap, isSeq, parseDocument, stringify, type Node } from 'yaml';

export function toYaml(object: unknown): string {
  const copy = structuredClone(object) as { metadata?: Record<string, unknown> };
  if (copy.metadata) delete copy.metadata['managedFields'];
  return stringify(copy, { lineWidth: 0 });
}

/** `spec.template.spec.containers[0].image` → ['spec', 'template', 'spec', 'containers', 0, 'image']. */
export function splitFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.match(/[^.[\]]+|\[\d+\]|\[[^\]]*\]/g) ?? []) {
    if (/^\[\d+\]$/.test(part)) out.push(Number(part.slice(1, -1)));
    else if (part.startsWith('[')) out.push(part.slice(1, -1));
    else out.push(part);
  }
  return out;
}

/** 1-based line of the deepest existing node on `field`'s path in the first document, or null. */
export function lineOfField(text: string, field: string): number | null {
  const doc = parseDocument(text);
  let node: unknown = doc.contents;
  let found: Node | null = null;
  for (const key of splitFieldPath(field)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      found = item;
      node = item;
    } else break;
  }
  const offset = found?.range?.[0];
  if (offset === undefined) return null;
  return text.slice(0, offset).split('\n').length;
}
