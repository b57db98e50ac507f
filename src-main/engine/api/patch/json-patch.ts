// JSON Patch (RFC 6902), the `application/json-patch+json` patch type, with JSON Pointer paths
// (RFC 6901). Kubernetes applies these with evanphx/json-patch; error messages follow its wording
// (`add operation does not apply: doc is missing path: "/spec/x"`) and name the operation and
// path so the user can see which step failed.
import { badRequest, type StatusError } from '../errors.js';
import { deepCopy, isObject } from '../types.js';
import { jsonEqual, setMember } from './merge-patch.js';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;

/** Splits a JSON Pointer into unescaped reference tokens (`~1` is `/`, `~0` is `~`). */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw badRequest(`invalid JSON pointer ${JSON.stringify(pointer)}: "~" must be followed by 0 or 1`);
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/**
 * Applies the operations in order to a copy of `doc` and returns it. Any failing operation
 * rejects the whole patch with 400 BadRequest, and nothing of `doc` is changed.
 */
export function applyJsonPatch<T = unknown>(doc: unknown, operations: unknown): T {
  if (!Array.isArray(operations)) {
    throw badRequest('json patch must be a JSON array of operations');
  }
  let result = deepCopy(doc);
  operations.forEach((operation, index) => {
    result = applyOperation(result, checkOperation(operation, index));
  });
  return result as T;
}

function checkOperation(operation: unknown, index: number): JsonPatchOperation {
  const where = `json patch operation ${index}`;
  if (!isObject(operation)) throw badRequest(`${where} must be an object, got ${JSON.stringify(operation)}`);
  const { op, path } = operation;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw badRequest(`${where}: unknown op ${JSON.stringify(op)}, expected one of ${OPS.join(', ')}`);
  }
  if (typeof path !== 'string') throw badRequest(`${where} (${op}) is missing its "path" string`);
  if ((op === 'add' || op === 'replace' || op === 'test') && !Object.hasOwn(operation, 'value')) {
    throw badRequest(`${where} (${op} ${JSON.stringify(path)}) is missing its "value"`);
  }
  if ((op === 'move' || op === 'copy') && typeof operation.from !== 'string') {
    throw badRequest(`${where} (${op} ${JSON.stringify(path)}) is missing its "from" string`);
  }
  return operation as JsonPatchOperation;
}

function applyOperation(doc: unknown, operation: JsonPatchOperation): unknown {
  switch (operation.op) {
    case 'add':
      return add(doc, operation.path, deepCopy(operation.value), 'add');
    case 'remove':
      if (operation.path === '') {
        throw badRequest('jsonpatch remove operation does not apply: the whole document ("") cannot be removed');
      }
      return remove(doc, operation.path, 'remove').doc;
    case 'replace': {
      const { doc: without } = remove(doc, operation.path, 'replace');
      return add(without, operation.path, deepCopy(operation.value), 'replace');
    }
    case 'test': {
      const actual = get(doc, operation.path, 'test', 'path');
      if (!jsonEqual(actual, operation.value)) {
        throw badRequest(
          `jsonpatch test operation does not apply: value at ${JSON.stringify(operation.path)} is ` +
            `${JSON.stringify(actual)}, not ${JSON.stringify(operation.value)}`,
        );
      }
      return doc;
    }
    case 'copy': {
      const value = deepCopy(get(doc, operation.from, 'copy', 'from path'));
      return add(doc, operation.path, value, 'copy');
    }
    case 'move': {
      const { from, path } = operation;
      if (path !== from && path.startsWith(`${from}/`)) {
        throw badRequest(
          `jsonpatch move operation does not apply: cannot move ${JSON.stringify(from)} into its own child ${JSON.stringify(path)}`,
        );
      }
      const { doc: without, removed } = remove(doc, from, 'move', 'from path');
      return add(without, path, removed, 'move');
    }
  }
}

function missing(op: string, what: string, pointer: string): StatusError {
  return badRequest(`jsonpatch ${op} operation does not apply: doc is missing ${what}: ${JSON.stringify(pointer)}`);
}

/** Parses an array index token; `-` (one past the end) only where `allowEnd` is set. */
function arrayIndex(token: string, length: number, allowEnd: boolean, op: string, pointer: string): number {
  if (token === '-' && allowEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw badRequest(
      `jsonpatch ${op} operation does not apply: ${JSON.stringify(token)} is not a valid array index in ${JSON.stringify(pointer)}`,
    );
  }
  const index = Number(token);
  const max = allowEnd ? length : length - 1;
  if (index > max) {
    throw badRequest(
      `jsonpatch ${op} operation does not apply: index ${index} is out of bounds for the array of length ${length} at ${JSON.stringify(pointer)}`,
    );
  }
  return index;
}

/** The container holding the last token of `pointer` (which must exist), and that token. */
function parentOf(doc: unknown, pointer: string, op: string, what: string): { parent: unknown; token: string } {
  const tokens = parseJsonPointer(pointer);
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    node = child(node, token, op, what, pointer);
  }
  return { parent: node, token: tokens[tokens.length - 1] };
}

function child(node: unknown, token: string, op: string, what: string, pointer: string): unknown {
  if (Array.isArray(node)) return node[arrayIndexOrMissing(token, node.length, op, what, pointer)];
  if (isObject(node) && Object.hasOwn(node, token)) return node[token];
  throw missing(op, what, pointer);
}

function arrayIndexOrMissing(token: string, length: number, op: string, what: string, pointer: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= length) throw missing(op, what, pointer);
  return Number(token);
}

function get(doc: unknown, pointer: string, op: string, what: string): unknown {
  let node = doc;
  for (const token of parseJsonPointer(pointer)) node = child(node, token, op, what, pointer);
  return node;
}

/** Adds (or for objects, sets) `value` at `pointer`; `doc` is already a private copy. */
function add(doc: unknown, pointer: string, value: unknown, op: string): unknown {
  if (pointer === '') return value;
  const { parent, token } = parentOf(doc, pointer, op, 'path');
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(token, parent.length, true, op, pointer), 0, value);
  } else if (isObject(parent)) {
    setMember(parent, token, value);
  } else {
    throw missing(op, 'path', pointer);
  }
  return doc;
}

function remove(doc: unknown, pointer: string, op: string, what = 'path'): { doc: unknown; removed: unknown } {
  if (pointer === '') return { doc: undefined, removed: doc };
  const { parent, token } = parentOf(doc, pointer, op, what);
  if (Array.isArray(parent)) {
    const index = arrayIndexOrMissing(token, parent.length, op, what, pointer);
    const [removed] = parent.splice(index, 1);
    return { doc, removed };
  }
  if (isObject(parent) && Object.hasOwn(parent, token)) {
    const removed = parent[token];
    delete parent[token];
    return { doc, removed };
  }
  throw missing(op, what, pointer);
}
