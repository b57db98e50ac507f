// Small shared pieces of the validators: the field.Error shapes errors.ts does not have, and the
// numeric checks apimachinery's validation package words in a fixed way.
import { cause, type Cause } from '../errors.js';
import { formatQuantity, parseQuantity } from '../quantity.js';

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_ERROR = 'must be greater than zero';
export const IMMUTABLE_ERROR = 'field is immutable';

/** field.NotFound. */
export function notFound(field: string, value: unknown): Cause {
  return { type: 'FieldValueNotFound', field, message: `Not found: ${JSON.stringify(value ?? '')}` };
}

/** field.TooLong for a byte budget over a whole collection (annotations, ConfigMap data). */
export function tooLongBytes(field: string, max: number): Cause {
  return { type: 'FieldValueTooLong', field, message: `Too long: must have at most ${max} bytes` };
}

/** ValidateNonnegativeField. */
export function nonNegative(value: unknown, field: string): Cause[] {
  return typeof value === 'number' && value < 0 ? [cause.invalid(field, value, IS_NEGATIVE_ERROR)] : [];
}

/** ValidatePositiveField. */
export function positive(value: unknown, field: string): Cause[] {
  return typeof value === 'number' && value <= 0 ? [cause.invalid(field, value, IS_NOT_POSITIVE_ERROR)] : [];
}

/** ValidateImmutableField: deep equality on JSON data. */
export function immutable(next: unknown, old: unknown, field: string): Cause[] {
  return equal(next, old) ? [] : [cause.invalid(field, next, IMMUTABLE_ERROR)];
}

/** Semantic equality for decoded JSON (key order does not matter; undefined equals absent). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => equal(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!equal(ao[k], bo[k])) return false;
    return true;
  }
  return false;
}

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** A quantity's canonical string, as Quantity.String() prints it in messages. */
export function quantityString(value: string | number): string {
  const q = parseQuantity(value);
  return q ? formatQuantity(q.value, q.format) : String(value);
}

/** The messages for an IntOrString field holding a percentage (validation.IsValidPercent). */
export function isValidPercent(value: string): string[] {
  if (/^[0-9]+%$/.test(value)) return [];
  return [
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ];
}

export type Obj = Record<string, unknown>;
export const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
