// ConfigMap and Secret validation (pkg/apis/core/validation/validation.go: ValidateConfigMap,
// ValidateSecret and their updates), plus the Secret normalisation the apiserver runs first.
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1';
import { cause, type Cause } from '../errors.js';
import { isConfigMapKey } from '../names.js';
import { equal, immutable, tooLongBytes } from './helpers.js';

/** core.MaxSecretSize, also the ConfigMap limit: 1 MiB. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const REDACTED = '<secret contents redacted>';

export function validateConfigMap(cm: ConfigMap): Cause[] {
  const errs: Cause[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    size += Buffer.byteLength(String(value));
    for (const msg of isConfigMapKey(key)) errs.push(cause.invalid(`data[${key}]`, key, msg));
    if (cm.binaryData && key in cm.binaryData) {
      errs.push(cause.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    }
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    size += base64Length(String(value));
    for (const msg of isConfigMapKey(key)) errs.push(cause.invalid(`binaryData[${key}]`, key, msg));
    if (cm.data && key in cm.data) {
      errs.push(cause.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
    }
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLongBytes('', MAX_SECRET_SIZE));
  return errs;
}

/** `immutable: true` freezes the payload and cannot be unset. */
function validateImmutableUpdate(
  next: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  old: typeof next,
): Cause[] {
  if (old.immutable !== true) return [];
  const errs: Cause[] = [];
  const detail = 'field is immutable when `immutable` is set';
  if (next.immutable !== true) errs.push(cause.forbidden('immutable', detail));
  if (!equal(next.data ?? {}, old.data ?? {})) errs.push(cause.forbidden('data', detail));
  if ('binaryData' in next || 'binaryData' in old) {
    if (!equal(next.binaryData ?? {}, old.binaryData ?? {})) errs.push(cause.forbidden('binaryData', detail));
  }
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): Cause[] {
  return [...validateConfigMap(cm), ...validateImmutableUpdate(cm, old)];
}

/** Keys each Secret type requires in `data`. */
export function validateSecret(s: Secret): Cause[] {
  const errs: Cause[] = [];
  const data = s.data ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(cause.invalid(`data[${key}]`, key, msg));
    size += base64Length(value);
  }
  if (size > MAX_SECRET_SIZE) errs.push(tooLongBytes('data', MAX_SECRET_SIZE));
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const requireKey = (k: string) => {
    if (!has(k)) errs.push(cause.required(`data[${k}]`, ''));
  };
  const requireJson = (k: string) => {
    if (!has(k)) return requireKey(k);
    try {
      const parsed: unknown = JSON.parse(Buffer.from(data[k], 'base64').toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('json: cannot unmarshal into map');
    } catch (err) {
      errs.push(cause.invalid(`data[${k}]`, REDACTED, (err as Error).message));
    }
  };
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(cause.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      }
      break;
    case 'kubernetes.io/dockercfg':
      requireJson('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      requireJson('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        requireKey('username');
        requireKey('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(cause.required('data[ssh-privatekey]', ''));
      break;
    case 'kubernetes.io/tls':
      requireKey('tls.crt');
      requireKey('tls.key');
      break;
    default:
  }
  return errs;
}

export function validateSecretUpdate(s: Secret, old: Secret): Cause[] {
  return [...validateSecret(s), ...immutable(s.type, old.type, 'type'), ...validateImmutableUpdate(s, old)];
}

/** The decoded length of standard base64 text. */
function base64Length(b64: string): number {
  const clean = b64.replace(/[\r\n]/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

/** Where Go's base64.StdEncoding would report `illegal base64 data at input byte N`, or -1. */
export function base64ErrorOffset(value: string): number {
  const text = value.replace(/[\r\n]/g, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '=') {
      const rest = text.slice(i);
      const ok = text.length % 4 === 0 && (rest === '=' || rest === '==') && i >= text.length - 2;
      return ok ? -1 : i;
    }
    if (!/[A-Za-z0-9+/]/.test(c)) return i;
  }
  return text.length % 4 === 0 ? -1 : text.length - (text.length % 4 === 1 ? 1 : 0);
}

/**
 * Decode-time handling of a Secret: `data` values must be base64 (as []byte fields decode), and
 * `stringData` is merged into `data`, base64-encoded, winning over `data`, then removed — what the
 * secret registry's PrepareForCreate/Update does. Returns causes for undecodable values.
 */
export function normalizeSecret(obj: Secret): Cause[] {
  const errs: Cause[] = [];
  for (const [key, value] of Object.entries(obj.data ?? {})) {
    const at = typeof value === 'string' ? base64ErrorOffset(value) : 0;
    if (at >= 0) errs.push(cause.invalid(`data[${key}]`, REDACTED, `illegal base64 data at input byte ${at}`));
  }
  if (obj.stringData) {
    const data = (obj.data ??= {});
    for (const [key, value] of Object.entries(obj.stringData))
      data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    delete obj.stringData;
  }
  return errs;
}
