// Strategic merge patch, the `application/strategic-merge-patch+json` patch type, after
// k8s.io/apimachinery/pkg/util/strategicpatch. It is a JSON merge patch in which lists tagged
// `patchStrategy:"merge"` (see merge-keys.ts) merge item by item — containers by name, env by
// name, ports by containerPort — instead of being replaced, plus the directives:
//
//   `$patch: replace`        on a map: the map becomes the patch; in a list: the list becomes the
//                            rest of the patch list.
//   `$patch: delete`         on a list item: remove the item with that merge key; on a map:
//                            remove the map.
//   `$patch: merge`          the default; accepted and ignored.
//   `$retainKeys: [k…]`      clear every key of the map not listed (DeploymentStrategy, volumes).
//   `$deleteFromPrimitiveList/<f>: [v…]`  remove values from a merged list of primitives.
//   `$setElementOrder/<f>: [...]`         order of the merged list (items are values, or maps
//                                         holding only the merge key).
//
// As with `IgnoreUnmatchedNulls` in the API server, a `null` for a field the target does not have
// is dropped rather than stored. Kinds without a schema (custom resources) get plain JSON merge
// patch semantics, where Kubernetes would refuse the patch type.
import { badRequest } from '../errors.js';
import { deepCopy, isObject } from '../types.js';
import { jsonEqual, setMember } from './merge-patch.js';
import {
  directive,
  isDirectiveKey,
  isMergeList,
  joinPath,
  patchSchemaFor,
  type FieldPatchMeta,
  type PatchSchema,
} from './merge-keys.js';
import { diffMaps } from './three-way.js';

type JsonMap = Record<string, unknown>;

/** What a `$patch: delete` map merges to: its parent drops it. */
const DELETED = Symbol('deleted');

/**
 * Applies a strategic merge patch to `target` for `kind` (`Deployment`, `apps/v1/Deployment`…)
 * and returns the patched copy. Malformed patches are rejected with 400 BadRequest.
 */
export function applyStrategicMergePatch<T = unknown>(target: unknown, patch: unknown, kind: string): T {
  if (!isObject(patch)) {
    throw badRequest(`strategic merge patch must be a JSON object, got ${describe(patch)}`);
  }
  const original = isObject(target) ? deepCopy(target) : undefined;
  const result = mergeMap(original, patch, patchSchemaFor(kind), '');
  return (result === DELETED ? {} : result) as T;
}

/**
 * The two-way strategic merge patch from `original` to `modified` (CreateTwoWayMergePatch):
 * applying it to `original` gives `modified`. It is the three-way patch whose live object is
 * `original` itself.
 */
export function createStrategicMergePatch(original: unknown, modified: unknown, kind: string): JsonMap {
  if (!isObject(original) || !isObject(modified)) {
    throw badRequest('a strategic merge patch can only be created between two JSON objects');
  }
  return diffMaps(original, modified, original, patchSchemaFor(kind), '');
}

function mergeMap(
  original: JsonMap | undefined,
  patch: JsonMap,
  schema: PatchSchema,
  path: string,
): JsonMap | typeof DELETED {
  const marker = patch[directive.marker];
  if (marker === 'delete') return DELETED;
  if (marker === 'replace') {
    const { [directive.marker]: _, ...rest } = patch;
    return mergeMap(undefined, rest, schema, path) as JsonMap;
  }
  if (marker !== undefined && marker !== 'merge') {
    throw badRequest(
      `unknown patch directive ${describe(marker)} at ${where(path)}: expected replace, delete or merge`,
    );
  }

  const result: JsonMap = original ? { ...original } : {};
  applyRetainKeys(result, patch, path);

  // Lists with a parallel `$setElementOrder/` or `$deleteFromPrimitiveList/` entry are merged
  // together with those directives, which need the merged list.
  const parallel = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (key.startsWith(directive.setElementOrder)) parallel.add(key.slice(directive.setElementOrder.length));
    if (key.startsWith(directive.deleteFromPrimitiveList)) {
      parallel.add(key.slice(directive.deleteFromPrimitiveList.length));
    }
  }
  for (const field of parallel) mergeParallelList(result, patch, field, schema, joinPath(path, field));

  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key) || parallel.has(key)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = mergeValue(result[key], value, schema, joinPath(path, key));
    if (merged === DELETED) delete result[key];
    else setMember(result, key, merged);
  }
  return result;
}

function mergeValue(original: unknown, patch: unknown, schema: PatchSchema, path: string): unknown {
  const meta = schema.get(path);
  if (isObject(patch)) {
    const replace = meta?.strategies.includes('replace') || !isObject(original);
    return mergeMap(replace ? undefined : (original as JsonMap), patch, schema, path);
  }
  if (Array.isArray(patch)) {
    return mergeList(Array.isArray(original) ? original : undefined, patch, meta, schema, path);
  }
  return patch;
}

function applyRetainKeys(result: JsonMap, patch: JsonMap, path: string): void {
  if (!Object.hasOwn(patch, directive.retainKeys)) return;
  const keep = patch[directive.retainKeys];
  if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string')) {
    throw badRequest(`$retainKeys at ${where(path)} must be a list of strings, got ${describe(keep)}`);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !isDirectiveKey(key) && !keep.includes(key)) {
      throw badRequest(`${JSON.stringify(key)} at ${where(path)} is set by the patch but not in its $retainKeys list`);
    }
  }
  for (const key of Object.keys(result)) {
    if (!keep.includes(key)) delete result[key];
  }
}

function mergeParallelList(result: JsonMap, patch: JsonMap, field: string, schema: PatchSchema, path: string): void {
  const meta = schema.get(path);
  const original = Array.isArray(result[field]) ? (result[field] as unknown[]) : undefined;
  const order = patch[directive.setElementOrder + field];
  if (order !== undefined && !Array.isArray(order)) {
    throw badRequest(`$setElementOrder/${field} at ${where(path)} must be a list, got ${describe(order)}`);
  }
  let list = original;
  if (Object.hasOwn(patch, field)) {
    const value = patch[field];
    if (value === null) list = undefined;
    else if (Array.isArray(value)) list = mergeList(original, value, meta, schema, path, order);
    else throw badRequest(`${where(path)} must be a list in the patch, got ${describe(value)}`);
  } else if (list && order) {
    list = normalizeOrder(list, order, list, identityOf(meta));
  }
  const deletions = patch[directive.deleteFromPrimitiveList + field];
  if (deletions !== undefined) {
    if (!Array.isArray(deletions)) {
      throw badRequest(
        `$deleteFromPrimitiveList/${field} at ${where(path)} must be a list, got ${describe(deletions)}`,
      );
    }
    list = list?.filter((item) => !deletions.some((d) => jsonEqual(d, item)));
  }
  if (list) setMember(result, field, list);
  else delete result[field];
}

function isDirectiveItem(item: unknown, value?: string): boolean {
  return (
    isObject(item) && Object.hasOwn(item, directive.marker) && (value === undefined || item[directive.marker] === value)
  );
}

type Identity = (item: unknown) => unknown;

/** How list items are matched: by merge key, or by value for a list of primitives. */
function identityOf(meta: FieldPatchMeta | undefined): Identity {
  const key = meta?.mergeKey;
  return key === undefined ? (item) => item : (item) => (isObject(item) ? item[key] : undefined);
}

/**
 * Merges a patch list into a list. `order` is the `$setElementOrder` list, if the patch has one.
 */
function mergeList(
  original: unknown[] | undefined,
  patch: unknown[],
  meta: FieldPatchMeta | undefined,
  schema: PatchSchema,
  path: string,
  order?: unknown[],
): unknown[] {
  // Lists without `patchStrategy:"merge"` are atomic, as in JSON merge patch.
  if (!isMergeList(meta)) return deepCopy(patch);
  const clean = (item: unknown) => (isObject(item) ? (mergeMap(undefined, item, schema, path) as JsonMap) : item);
  const identity = identityOf(meta);
  // `$patch: replace` anywhere in the list: the list is the other items, nothing merges. With no
  // list to merge into, the patch list (minus directives) is the new value.
  if (original === undefined || patch.some((item) => isDirectiveItem(item, 'replace'))) {
    const keep = (item: unknown) =>
      !isDirectiveItem(item) || (isDirectiveItem(item, 'merge') && hasMergeKey(item, meta));
    const list = patch.filter(keep).map(clean);
    return order ? normalizeOrder(list, order, [], identity) : list;
  }

  let merged = [...original];
  const patchItems: unknown[] = [];
  if (meta.mergeKey === undefined) {
    // A merged list of primitives is a set: values already present are not added twice.
    for (const item of patch) {
      if (isObject(item) || Array.isArray(item)) {
        throw badRequest(`${where(path)} is a list of primitives; the patch has ${describe(item)}`);
      }
      if (!merged.some((existing) => jsonEqual(existing, item))) merged.push(item);
      patchItems.push(item);
    }
  } else {
    const key = meta.mergeKey;
    for (const item of patch) {
      if (isDirectiveItem(item, 'merge') && !hasMergeKey(item, meta)) continue;
      if (!isObject(item) || !Object.hasOwn(item, key)) {
        // strategicpatch's ErrNoMergeKey: "map: %v does not contain declared merge key: %s".
        throw badRequest(`map: ${describe(item)} does not contain declared merge key: ${key} (at ${where(path)})`);
      }
      const same = (existing: unknown) => jsonEqual(identity(existing), item[key]);
      if (item[directive.marker] === 'delete') {
        merged = merged.filter((existing) => !same(existing));
        continue;
      }
      const index = merged.findIndex(same);
      const result = mergeMap(index >= 0 ? (merged[index] as JsonMap) : undefined, item, schema, path);
      if (result === DELETED) {
        if (index >= 0) merged.splice(index, 1);
        continue;
      }
      if (index >= 0) merged[index] = result;
      else merged.push(result);
      patchItems.push(item);
    }
  }
  return normalizeOrder(merged, order ?? patchItems, original, identity);
}

function hasMergeKey(item: unknown, meta: FieldPatchMeta): boolean {
  return meta.mergeKey !== undefined && isObject(item) && Object.hasOwn(item, meta.mergeKey);
}

/**
 * The order of a merged list, as strategicpatch's normalizeElementOrder decides it: items named
 * in `order` (the `$setElementOrder` list, or else the patch list) follow that order; the others
 * ("server-only" items) keep the order they had in `original`; then the two are interleaved so
 * that each server-only item stays before the patch items it preceded in `original`. Items new to
 * the list sort ahead of the server-only items after them — which is why the `kubectl patch` docs
 * show a container added by a patch first.
 */
function normalizeOrder(merged: unknown[], order: unknown[], original: unknown[], identity: Identity): unknown[] {
  const orderIds = order.map(identity);
  const originalIds = original.map(identity);
  const indexIn = (ids: unknown[], item: unknown) => {
    const id = identity(item);
    return id === undefined ? -1 : ids.findIndex((other) => jsonEqual(other, id));
  };
  const byIndex = (ids: unknown[]) => (a: unknown, b: unknown) => {
    const ia = indexIn(ids, a);
    const ib = indexIn(ids, b);
    return ia >= 0 && ib >= 0 ? ia - ib : 0;
  };
  const patchItems = merged.filter((item) => indexIn(orderIds, item) >= 0).sort(byIndex(orderIds));
  const serverOnly = merged.filter((item) => indexIn(orderIds, item) < 0).sort(byIndex(originalIds));

  // mergeSortedSlice(serverOnly, patchItems, original).
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) result.push(serverOnly[i++]);
    else if (i >= serverOnly.length) result.push(patchItems[j++]);
    else {
      const li = indexIn(originalIds, serverOnly[i]);
      const ri = indexIn(originalIds, patchItems[j]);
      if (li >= 0 && ri >= 0 && li < ri) result.push(serverOnly[i++]);
      else result.push(patchItems[j++]);
    }
  }
  return result;
}

function where(path: string): string {
  return path === '' ? 'the object root' : JSON.stringify(path);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
