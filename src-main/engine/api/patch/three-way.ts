// The three-way strategic merge patch behind `kubectl apply`, after
// strategicpatch.CreateThreeWayMergePatch. Three objects take part:
//
//   original  the configuration applied last time (the last-applied-configuration annotation),
//   modified  the configuration being applied now,
//   current   the live object, with server defaults, controller changes and status.
//
// The patch sets every field of `modified` that differs from `current`, and deletes what the
// user removed: fields in `original` but not in `modified` (as `null`), merged list items (as
// `$patch: delete` by merge key) and primitive-set values (`$deleteFromPrimitiveList`). A field
// only `current` has — `status`, `spec.progressDeadlineSeconds` filled in by defaulting, a label
// added by another tool — is left alone, since the user never claimed it.
//
// Worked example: last time `env: [A, B]` was applied; now `env: [A]`, replicas 3 → 5; live has
// `env: [A, B]`, replicas 3 and a defaulted `revisionHistoryLimit: 10`. The patch is
// `{spec: {replicas: 5, template: {spec: {containers: [{name: app, env: [{name: B, $patch: delete}],
// $setElementOrder/env: [{name: A}]}]}}}}` (abridged): B goes, the default stays.
import { deepCopy, isObject } from '../types.js';
import { jsonEqual, setMember } from './merge-patch.js';
import {
  directive,
  isMergeList,
  joinPath,
  patchSchemaFor,
  type FieldPatchMeta,
  type PatchSchema,
} from './merge-keys.js';

type JsonMap = Record<string, unknown>;

/**
 * The patch that `kubectl apply` sends: apply it to `current` with applyStrategicMergePatch.
 * `original` is undefined on the first apply (nothing is deleted then).
 */
export function createThreeWayMergePatch(
  original: unknown,
  modified: unknown,
  current: unknown,
  kind: string,
): JsonMap {
  return diffMaps(
    isObject(original) ? original : undefined,
    isObject(modified) ? modified : {},
    isObject(current) ? current : undefined,
    patchSchemaFor(kind),
    '',
  );
}

/**
 * The patch for one map. Exported for the two-way patch, which is this with current = original.
 * `path` is the map's path in the schema (merge-keys.ts).
 */
export function diffMaps(
  original: JsonMap | undefined,
  modified: JsonMap,
  current: JsonMap | undefined,
  schema: PatchSchema,
  path: string,
): JsonMap {
  const live = current ?? {};
  const patch: JsonMap = {};
  for (const [key, want] of Object.entries(modified)) {
    const fieldPath = joinPath(path, key);
    const meta = schema.get(fieldPath);
    if (!Object.hasOwn(live, key)) {
      setMember(patch, key, deepCopy(want));
      continue;
    }
    const have = live[key];
    const before = original?.[key];
    if (isObject(want) && isObject(have) && !meta?.strategies.includes('replace')) {
      const sub = diffMaps(isObject(before) ? before : undefined, want, have, schema, fieldPath);
      if (Object.keys(sub).length > 0) setMember(patch, key, withRetainKeys(sub, want, meta));
    } else if (Array.isArray(want) && Array.isArray(have)) {
      diffLists(patch, key, Array.isArray(before) ? before : undefined, want, have, meta, schema, fieldPath);
    } else if (!jsonEqual(want, have)) {
      setMember(patch, key, deepCopy(want));
    }
  }
  for (const key of Object.keys(original ?? {})) {
    if (!Object.hasOwn(modified, key) && Object.hasOwn(live, key)) setMember(patch, key, null);
  }
  return patch;
}

/**
 * With `patchStrategy:"retainKeys"`, a changed map also lists the keys it keeps, so that keys the
 * server filled in for a different choice (rollingUpdate after switching to Recreate) are cleared.
 */
function withRetainKeys(sub: JsonMap, modified: JsonMap, meta: FieldPatchMeta | undefined): JsonMap {
  if (!meta?.strategies.includes('retainKeys')) return sub;
  return { ...sub, [directive.retainKeys]: Object.keys(modified).sort() };
}

function diffLists(
  patch: JsonMap,
  key: string,
  original: unknown[] | undefined,
  modified: unknown[],
  current: unknown[],
  meta: FieldPatchMeta | undefined,
  schema: PatchSchema,
  path: string,
): void {
  if (!isMergeList(meta)) {
    if (!jsonEqual(modified, current)) setMember(patch, key, deepCopy(modified));
    return;
  }
  const mergeKey = meta.mergeKey;
  const identity = (item: unknown) => (mergeKey === undefined ? item : (item as JsonMap)[mergeKey]);
  if (!isKeyable(modified, mergeKey) || !isKeyable(current, mergeKey)) {
    // Items without their merge key, or repeated ones, cannot be matched: send the whole list.
    if (!jsonEqual(modified, current))
      setMember(patch, key, [{ [directive.marker]: 'replace' }, ...deepCopy(modified)]);
    return;
  }
  const find = (list: unknown[], id: unknown) => list.find((item) => jsonEqual(identity(item), id));
  const previous = (original ?? []).filter((item) => mergeKey === undefined || isObject(item));

  const items: unknown[] = [];
  const removed: unknown[] = [];
  for (const want of modified) {
    const have = find(current, identity(want));
    if (have === undefined) {
      items.push(deepCopy(want));
    } else if (mergeKey !== undefined) {
      const before = find(previous, identity(want));
      const sub = diffMaps(isObject(before) ? before : undefined, want as JsonMap, have as JsonMap, schema, path);
      if (Object.keys(sub).length > 0) {
        items.push({ [mergeKey]: identity(want), ...withRetainKeys(sub, want as JsonMap, meta) });
      }
    }
  }
  for (const before of previous) {
    const id = identity(before);
    if (id === undefined || find(modified, id) !== undefined || find(current, id) === undefined) continue;
    if (mergeKey === undefined) removed.push(id);
    else items.push({ [mergeKey]: id, [directive.marker]: 'delete' });
  }
  if (items.length > 0) setMember(patch, key, items);
  if (removed.length > 0) setMember(patch, directive.deleteFromPrimitiveList + key, removed);
  if (items.length > 0 || removed.length > 0 || !sameRelativeOrder(modified, current, identity)) {
    const order = modified.map((want) => (mergeKey === undefined ? want : { [mergeKey]: identity(want) }));
    setMember(patch, directive.setElementOrder + key, order);
  }
}

/** True when every item can be told apart by its merge key (or by value, for primitives). */
function isKeyable(list: unknown[], mergeKey: string | undefined): boolean {
  const ids: unknown[] = [];
  for (const item of list) {
    if (
      mergeKey === undefined ? isObject(item) || Array.isArray(item) : !isObject(item) || !Object.hasOwn(item, mergeKey)
    ) {
      return false;
    }
    const id = mergeKey === undefined ? item : (item as JsonMap)[mergeKey];
    if (ids.some((seen) => jsonEqual(seen, id))) return false;
    ids.push(id);
  }
  return true;
}

/** Whether the items both lists hold appear in the same order in each. */
function sameRelativeOrder(modified: unknown[], current: unknown[], identity: (item: unknown) => unknown): boolean {
  const wanted = modified.map(identity);
  const inCurrent = current.map(identity).filter((id) => wanted.some((w) => jsonEqual(w, id)));
  const inModified = wanted.filter((id) => inCurrent.some((c) => jsonEqual(c, id)));
  return jsonEqual(inModified, inCurrent);
}
