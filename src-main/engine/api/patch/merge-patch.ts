// JSON merge patch (RFC 7386), the `application/merge-patch+json` patch type. Objects merge
// recursively, `null` deletes a member, and anything else — arrays included — replaces the target.
import { deepCopy, isObject } from '../types.js';

/** Applies `patch` to `target` as RFC 7386 §2 `MergePatch(Target, Patch)`. Inputs are not mutated. */
export function applyMergePatch<T = unknown>(target: unknown, patch: unknown): T {
  return mergePatchValue(target, patch) as T;
}

function mergePatchValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepCopy(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setMember(result, key, mergePatchValue(result[key], value));
  }
  // Members the patch did not name are shared with `target` above; copy them so the result owns
  // its data, as the rest of the engine assumes.
  for (const key of Object.keys(result)) {
    if (!Object.hasOwn(patch, key)) result[key] = deepCopy(result[key]);
  }
  return result;
}

/**
 * The merge patch that turns `original` into `modified`: changed and added members with their new
 * value, removed members as `null`. A `null` inside `modified` cannot be expressed (it would read
 * as a deletion), as RFC 7386 §1 notes.
 */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isObject(original) || !isObject(modified)) return deepCopy(modified);
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) setMember(patch, key, null);
  }
  for (const [key, value] of Object.entries(modified)) {
    if (!Object.hasOwn(original, key)) {
      setMember(patch, key, deepCopy(value));
    } else if (!jsonEqual(original[key], value)) {
      const changed =
        isObject(original[key]) && isObject(value) ? createMergePatch(original[key], value) : deepCopy(value);
      setMember(patch, key, changed);
    }
  }
  return patch;
}

/** Structural equality of JSON values; key order in objects does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** Sets an own data property, so that a member named `__proto__` stays data, never a prototype. */
export function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
