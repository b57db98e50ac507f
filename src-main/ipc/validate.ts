// Hand-written schema combinators for the contract's requests. Each schema parses untrusted input
// into its typed value or throws a SchemaError naming the field path, what was expected and what
// came — the same shape as a Kubernetes field error, so the UI shows it the same way.

export class SchemaError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'SchemaError';
  }
}

export interface Schema<T> {
  parse(value: unknown, field?: string): T;
  /** Whether an absent key is allowed in an object schema. */
  readonly optional?: boolean;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new SchemaError(field, `expected ${expected}, got ${describeValue(value)}`);
}

export interface StringRules {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** Words for the pattern in error messages. */
  patternName?: string;
}

export function string(rules: StringRules): Schema<string> {
  return {
    parse(value, field = 'value') {
      if (typeof value !== 'string') fail(field, 'a string', value);
      if (value.length < (rules.min ?? 0)) fail(field, `at least ${rules.min} characters`, value);
      if (value.length > rules.max) fail(field, `at most ${rules.max} characters`, value);
      if (rules.pattern && !rules.pattern.test(value)) fail(field, rules.patternName ?? `${rules.pattern}`, value);
      return value;
    },
  };
}

export function integer(min: number, max: number): Schema<number> {
  return {
    parse(value, field = 'value') {
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(field, 'an integer', value);
      if (value < min || value > max) fail(field, `an integer from ${min} to ${max}`, value);
      return value;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    parse(value, field = 'value') {
      if (typeof value !== 'boolean') fail(field, 'true or false', value);
      return value;
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return {
    parse(value, field = 'value') {
      if (typeof value !== 'string' || !values.includes(value as T)) fail(field, `one of ${values.join(', ')}`, value);
      return value as T;
    },
  };
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    parse(value, field) {
      return value === undefined ? undefined : schema.parse(value, field);
    },
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

type Shape = Record<string, Schema<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends Schema<infer T> ? T : never };

/** A plain object with exactly these keys: unknown keys are rejected, not ignored. */
export function object<S extends Shape>(shape: S): Schema<Parsed<S>> {
  return {
    parse(value, field = 'value') {
      if (!isPlainObject(value)) fail(field, 'an object', value);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) {
          throw new SchemaError(field, `unknown field "${key}" (allowed: ${Object.keys(shape).join(', ') || 'none'})`);
        }
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const v = value[key];
        if (v === undefined && !schema.optional) throw new SchemaError(`${field}.${key}`, 'required value is missing');
        const parsed = schema.parse(v, `${field}.${key}`);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as Parsed<S>;
    },
  };
}

/**
 * Any JSON value (a Kubernetes object body or patch): checked for depth and size only, since the
 * API server validates its content. Rejects what JSON cannot carry (functions, cycles, NaN…).
 */
export function json(limits: { maxBytes: number; maxDepth: number }): Schema<unknown> {
  return {
    parse(value, field = 'value') {
      let text: string | undefined;
      try {
        checkDepth(value, limits.maxDepth, field);
        text = JSON.stringify(value);
      } catch (error) {
        if (error instanceof SchemaError) throw error;
        throw new SchemaError(field, 'expected JSON data');
      }
      if (text === undefined) fail(field, 'JSON data', value);
      if (text.length > limits.maxBytes) throw new SchemaError(field, `larger than ${limits.maxBytes} bytes`);
      return JSON.parse(text) as unknown;
    },
  };
}

function checkDepth(value: unknown, depth: number, field: string): void {
  if (typeof value === 'number' && !Number.isFinite(value)) fail(field, 'a finite number', value);
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    fail(field, 'JSON data', value);
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth <= 0) throw new SchemaError(field, 'nested too deeply');
  if (Array.isArray(value)) value.forEach((v, i) => checkDepth(v, depth - 1, `${field}[${i}]`));
  else for (const [k, v] of Object.entries(value)) checkDepth(v, depth - 1, `${field}.${k}`);
}
