// Every failure crosses the contract as data with Kubernetes' Status information (code, reason,
// causes with field paths), so the UI can point at the failing field. Stacks never cross.
import { isStatusError } from '../engine/api/errors.js';
import type { Status } from '../engine/api/types.js';
import type { ErrorInfo } from '../ipc/contract.js';
import { SchemaError } from '../ipc/validate.js';

export function fromStatus(status: Status): ErrorInfo {
  return {
    code: status.code ?? 500,
    reason: status.reason ?? 'InternalError',
    message: status.message ?? 'the request failed',
    causes: (status.details?.causes ?? []).map((c) => ({
      reason: c.reason ?? 'FieldValueInvalid',
      message: c.message ?? '',
      field: c.field ?? '',
    })),
  };
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (isStatusError(error)) return fromStatus(error.toStatus());
  if (error instanceof SchemaError) {
    return {
      code: 400,
      reason: 'BadRequest',
      message: `invalid request: ${error.message}`,
      causes: [{ reason: 'FieldValueInvalid', field: error.field, message: error.detail }],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}`, causes: [] };
}

export function errorInfo(code: number, reason: string, message: string): ErrorInfo {
  return { code, reason, message, causes: [] };
}
