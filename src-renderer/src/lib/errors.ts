// Failures as the UI shows them: Kubernetes Status information (code, reason, field causes),
// whichever transport the error came through.
import type { ErrorCause, ErrorInfo } from '../../../src-main/ipc/contract';

export class ApiError extends Error implements ErrorInfo {
  readonly code: number;
  readonly reason: string;
  readonly causes: ErrorCause[];

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.code = info.code;
    this.reason = info.reason;
    this.causes = info.causes ?? [];
  }
}

/** Any thrown value as ErrorInfo (the preload rebuilds errors with the same fields). */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error) {
    const e = error as Partial<ErrorInfo>;
    return {
      code: Number(e.code) || 500,
      reason: String(e.reason),
      message: String(e.message ?? 'The request failed'),
      causes: Array.isArray(e.causes) ? e.causes : [],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 0, reason: 'ClientError', message, causes: [] };
}

/** A one-line hint of what to do next, for the errors people actually meet. */
export function hintFor(info: ErrorInfo): string | null {
  switch (info.reason) {
    case 'Conflict':
      return 'Someone changed this object meanwhile. Reload it and apply your change again.';
    case 'AlreadyExists':
      return 'An object with this name exists already. Pick another name or edit the existing one.';
    case 'Invalid':
      return 'Fix the fields listed above and apply again.';
    case 'NotFound':
      return 'It may have been deleted meanwhile.';
    case 'ServiceUnavailable':
      return 'The cluster is not ready for this yet.';
    case 'Disconnected':
      return 'KubeDesk reconnects automatically; if this persists, restart `npm run serve` and log in again.';
    default:
      return null;
  }
}
