// Field validators shared by the contract's schemas: names as Kubernetes allows them, ids as the
// renderer makes them. One definition each, so every channel accepts and refuses the same values.
import { string } from './validate.js';

/** DNS-1123 subdomain-ish, as object names are; generous enough for events' dotted names. */
export const NAME = string({
  min: 1,
  max: 253,
  pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
  patternName: 'a Kubernetes name (lower-case letters, digits, "-" and ".")',
});
export const NAMESPACE = string({
  min: 1,
  max: 63,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  patternName: 'a namespace name (DNS-1123 label)',
});
export const CONTAINER = string({
  min: 1,
  max: 63,
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  patternName: 'a container name (DNS-1123 label)',
});
export const SUBSCRIPTION_ID = string({
  min: 1,
  max: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  patternName: 'an id of letters, digits, "-" and "_"',
});
