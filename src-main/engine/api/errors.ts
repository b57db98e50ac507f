// API errors as Kubernetes' `Status` objects. The reasons and codes follow
// k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewConflict, NewInvalid…) so clients such as
// kubectl and client-go classify them exactly as they would with a real API server.
import type { Status, StatusCause } from './types.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

export interface Cause {
  /** e.g. `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`. */
  type: string;
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** Message without the field prefix, e.g. `Required value`. */
  message: string;
}

export interface StatusDetailsInit {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Cause[];
  retryAfterSeconds?: number;
}

/** An error that crosses every boundary (in-process, HTTP, IPC) as a `Status` object. */
export class StatusError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetailsInit | undefined;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetailsInit) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) {
      const { causes, ...rest } = this.details;
      status.details = { ...rest };
      if (causes && causes.length > 0) {
        status.details.causes = causes.map((c): StatusCause => ({
          reason: c.type,
          message: `${c.message}`,
          field: c.field,
        }));
      }
    }
    return status;
  }
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

/** `group` + `resource` as Kubernetes prints it in messages: `deployments.apps`, `pods`. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(group: string, resource: string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });
}

export function alreadyExists(group: string, resource: string, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: resource,
  });
}

/** Optimistic-concurrency failure, with the message client-go's retry helpers recognise. */
export function conflict(group: string, resource: string, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`,
    { name, group: group || undefined, kind: resource },
  );
}

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * 422 Invalid with one cause per bad field. The message follows apimachinery's NewInvalid:
 * `Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or
 * equal to 0, …]` (brackets only when there is more than one cause).
 */
export function invalid(group: string, kind: string, name: string, causes: Cause[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const parts = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name,
    group: group || undefined,
    kind,
    causes,
  });
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function gone(message: string): StatusError {
  return new StatusError(410, 'Gone', message);
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function forbidden(group: string, resource: string, name: string, why: string): StatusError {
  const what = name ? `${qualifiedResource(group, resource)} "${name}"` : qualifiedResource(group, resource);
  return new StatusError(403, 'Forbidden', `${what} is forbidden: ${why}`, {
    name: name || undefined,
    group: group || undefined,
    kind: resource,
  });
}

export function unauthorized(message = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', message);
}

export function tooLarge(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
  );
}

/** Cause helpers with Kubernetes' field.Error type names and message shapes. */
export const cause = {
  required: (field: string, detail?: string): Cause => ({
    type: 'FieldValueRequired',
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  }),
  invalid: (field: string, value: unknown, detail: string): Cause => ({
    type: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, allowed: readonly string[]): Cause => ({
    type: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${formatValue(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): Cause => ({
    type: 'FieldValueDuplicate',
    field,
    message: `Duplicate value: ${formatValue(value)}`,
  }),
  forbidden: (field: string, detail: string): Cause => ({
    type: 'FieldValueForbidden',
    field,
    message: `Forbidden: ${detail}`,
  }),
  tooLong: (field: string, max: number): Cause => ({
    type: 'FieldValueTooLong',
    field,
    message: `Too long: may not be more than ${max} bytes`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): Cause => ({
    type: 'FieldValueTypeInvalid',
    field,
    message: `Invalid value: ${formatValue(value)}: ${detail}`,
  }),
};

/** Values appear in messages the way Go's %#v-ish formatting in field.Error shows them. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  if (typeof value === 'object') {
    const s = JSON.stringify(value);
    return s.length > 100 ? `${s.slice(0, 97)}...` : s;
  }
  return String(value);
}
