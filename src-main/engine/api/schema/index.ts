// Runtime type checking of decoded manifests against the Kubernetes OpenAPI types, from the
// generated k8s-schema.json (see generate.ts for its shape). This is the decode step of the API
// server: wrong JSON types are rejected, unknown fields are reported so the caller can either
// fail (fieldValidation=Strict: `strict decoding error: unknown field "spec.replicsa"`) or drop
// them, as the API server does by default.
import { cause, type Cause } from '../errors.js';
import { isObject } from '../types.js';
import { parseQuantity } from '../quantity.js';

/** resource.Quantity's parse error (apimachinery/pkg/api/resource). */
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
import schemaJson from './k8s-schema.json' with { type: 'json' };

/** A field's type: a primitive, `[]T`, `{}T` (string-keyed map) or a definition name. */
export type TypeExpr = string;
/** A model: field name → type expression. */
export type Definition = Record<string, TypeExpr>;

interface SchemaFile {
  kinds: Record<string, string>;
  definitions: Record<string, Definition>;
}

const schema = schemaJson as SchemaFile;

/** Deeper than this the object is rejected rather than walked, so junk cannot blow the stack. */
export const MAX_DEPTH = 100;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export interface TypeCheckResult {
  errors: Cause[];
  unknownFields: string[];
}

function rootType(apiVersion: string, kind: string): string | undefined {
  return schema.kinds[`${apiVersion}/${kind}`];
}

/** The root definition name and every definition reachable from it, or undefined if not served. */
export function schemaFor(
  apiVersion: string,
  kind: string,
): { root: string; definitions: Record<string, Definition> } | undefined {
  const root = rootType(apiVersion, kind);
  if (!root) return undefined;
  const definitions: Record<string, Definition> = {};
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (definitions[name] || !schema.definitions[name]) continue;
    definitions[name] = schema.definitions[name];
    for (const expr of Object.values(definitions[name])) pending.push(expr.replace(/^(\[\]|\{\})+/, ''));
  }
  return { root, definitions };
}

class Walker {
  readonly errors: Cause[] = [];
  readonly unknownFields: string[] = [];
  constructor(private readonly prune: boolean) {}

  value(value: unknown, type: TypeExpr, path: string, depth: number): void {
    // JSON null means "unset" for every optional field in Kubernetes' decoder.
    if (value === null || value === undefined) return;
    if (depth > MAX_DEPTH) {
      this.errors.push(cause.invalid(path, '...', `nesting too deep: more than ${MAX_DEPTH} levels`));
      return;
    }
    if (type.startsWith('[]')) {
      if (!Array.isArray(value)) return this.wrongType(path, value, 'array');
      value.forEach((item, i) => this.value(item, type.slice(2), `${path}[${i}]`, depth + 1));
      return;
    }
    if (type.startsWith('{}')) {
      if (!isObject(value)) return this.wrongType(path, value, 'object');
      for (const [k, v] of Object.entries(value)) this.value(v, type.slice(2), `${path}[${k}]`, depth + 1);
      return;
    }
    switch (type) {
      case 'any':
        return;
      case 'string':
      case 'date':
      case 'byte':
        if (typeof value !== 'string') this.wrongType(path, value, 'string');
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.wrongType(path, value, 'boolean');
        return;
      case 'double':
        if (typeof value !== 'number') this.wrongType(path, value, 'number');
        return;
      case 'int32':
      case 'int64':
        if (typeof value !== 'number' || !Number.isInteger(value)) return this.wrongType(path, value, 'integer');
        if (type === 'int32' && value > INT32_MAX) {
          this.errors.push(cause.invalid(path, value, `${path} in body should be less than or equal to ${INT32_MAX}`));
        } else if (type === 'int32' && value < INT32_MIN) {
          this.errors.push(
            cause.invalid(path, value, `${path} in body should be greater than or equal to ${INT32_MIN}`),
          );
        }
        return;
      case 'intOrString':
        if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return;
        return this.wrongType(path, value, 'integer or string');
      case 'quantity':
        // resource.Quantity unmarshals from a JSON string or a JSON number.
        if (typeof value !== 'string' && typeof value !== 'number')
          return this.wrongType(path, value, 'string or number');
        // A malformed quantity fails to decode in Kubernetes (400), before validation runs.
        if (parseQuantity(value) === null) this.errors.push(cause.invalid(path, value, QUANTITY_ERROR));
        return;
      default:
        return this.object(value, type, path, depth);
    }
  }

  object(value: unknown, type: string, path: string, depth: number): void {
    const def = schema.definitions[type];
    if (!isObject(value)) return this.wrongType(path, value, 'object');
    if (!def) return;
    for (const [k, v] of Object.entries(value)) {
      const fieldPath = path ? `${path}.${k}` : k;
      const fieldType = def[k];
      if (fieldType === undefined) {
        this.unknownFields.push(fieldPath);
        if (this.prune) delete value[k];
        continue;
      }
      this.value(v, fieldType, fieldPath, depth + 1);
    }
  }

  wrongType(path: string, value: unknown, expected: string): void {
    this.errors.push(cause.typeInvalid(path, summarize(value), `${path} in body must be of type ${expected}`));
  }
}

/** Values in type errors are shown in full when scalar, by their JSON type when composite. */
function summarize(value: unknown): unknown {
  if (Array.isArray(value)) return '[...]';
  if (isObject(value)) return '{...}';
  return value;
}

/**
 * Check `obj` against the schema of `apiVersion`/`kind`. Kinds without a schema pass unchecked.
 * Unknown fields are reported (not errors): the caller applies fieldValidation.
 */
export function typeCheck(obj: unknown, apiVersion: string, kind: string): TypeCheckResult {
  return walk(obj, apiVersion, kind, false);
}

/** Remove, in place, every field the schema does not know; returns what was removed. */
export function pruneUnknownFields(obj: unknown, apiVersion: string, kind: string): string[] {
  return walk(obj, apiVersion, kind, true).unknownFields;
}

function walk(obj: unknown, apiVersion: string, kind: string, prune: boolean): TypeCheckResult {
  const walker = new Walker(prune);
  const root = rootType(apiVersion, kind);
  if (root) walker.object(obj, root, '', 0);
  return { errors: walker.errors, unknownFields: walker.unknownFields };
}
