// EndpointSlice validation, following pkg/apis/discovery/validation/validation.go
// (ValidateEndpointSlice, validateEndpoints, validateEndpointPorts, ValidateEndpointSliceUpdate).
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { cause, type Cause } from '../errors.js';
import { isDNS1123Label, isValidPortNum } from '../names.js';
import { SUPPORTED_PROTOCOLS } from './container.js';
import { isIP } from './service.js';

export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
/** maxEndpoints, maxPorts and maxAddresses of the upstream validation. */
const MAX_ENDPOINTS = 1000;
const MAX_PORTS = 20000;
const MAX_ADDRESSES = 100;

/** field.TooMany */
function tooMany(field: string, actual: number, max: number): Cause {
  return { type: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

function validateAddress(addressType: string, address: string, field: string): Cause[] {
  switch (addressType) {
    case 'IPv4':
      return isIP(address) && !address.includes(':')
        ? []
        : [cause.invalid(field, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIP(address) && address.includes(':')
        ? []
        : [cause.invalid(field, address, 'must be a valid IPv6 address')];
    default:
      return address.split('.').every((l) => isDNS1123Label(l).length === 0)
        ? []
        : [cause.invalid(field, address, 'must be a valid FQDN')];
  }
}

export function validateEndpointSlice(slice: EndpointSlice): Cause[] {
  const errs: Cause[] = [];
  const addressType = slice.addressType ?? '';
  if (!addressType) errs.push(cause.required('addressType', ''));
  else if (!ADDRESS_TYPES.includes(addressType)) {
    errs.push(cause.notSupported('addressType', addressType, ADDRESS_TYPES));
  }
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) {
    errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  }
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errs.push(cause.required(`${p}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(`${p}.addresses`, addresses.length, MAX_ADDRESSES));
    if (ADDRESS_TYPES.includes(addressType)) {
      addresses.forEach((a, j) => errs.push(...validateAddress(addressType, a, `${p}.addresses[${j}]`)));
    }
    if (ep.hostname)
      for (const msg of isDNS1123Label(ep.hostname)) errs.push(cause.invalid(`${p}.hostname`, ep.hostname, msg));
  });
  const ports = slice.ports ?? [];
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) for (const msg of isDNS1123Label(name)) errs.push(cause.invalid(`${p}.name`, name, msg));
    if (names.has(name)) errs.push(cause.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.port != null)
      for (const msg of isValidPortNum(port.port)) errs.push(cause.invalid(`${p}.port`, port.port, msg));
    if (!port.protocol) errs.push(cause.required(`${p}.protocol`, ''));
    else if (!SUPPORTED_PROTOCOLS.includes(port.protocol)) {
      errs.push(cause.notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PROTOCOLS));
    }
  });
  return errs;
}

/** ValidateEndpointSliceUpdate: addressType is immutable. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): Cause[] {
  if (slice.addressType === old.addressType) return [];
  return [cause.invalid('addressType', slice.addressType, 'field is immutable')];
}
