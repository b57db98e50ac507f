// Service and Endpoints validation, following pkg/apis/core/validation/validation.go
// (ValidateService, validateServicePort, ValidateServiceUpdate, ValidateEndpoints).
import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import { cause, type Cause } from '../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from '../names.js';
import { SUPPORTED_PROTOCOLS, validatePortNumOrName } from './container.js';
import { validateLabels } from './meta.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
/** The default --service-node-port-range. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

const IPV4_RE = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIP(value: string): boolean {
  return IPV4_RE.test(value) || (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value));
}

export function validateService(svc: Service): Cause[] {
  const spec = svc.spec;
  if (!spec) return [cause.required('spec', '')];
  const errs: Cause[] = [];
  const type = spec.type ?? '';
  const ports = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (!SERVICE_TYPES.includes(type)) errs.push(cause.notSupported('spec.type', type, SERVICE_TYPES));
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(cause.required('spec.externalName', ''));
    else {
      const name = spec.externalName.replace(/\.$/, '');
      for (const msg of isDNS1123Subdomain(name)) errs.push(cause.invalid('spec.externalName', spec.externalName, msg));
    }
  } else if (ports.length === 0 && !headless) {
    errs.push(cause.required('spec.ports', ''));
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errs.push(cause.required(`${p}.name`, ''));
    else if (port.name) {
      for (const msg of isDNS1123Label(port.name)) errs.push(cause.invalid(`${p}.name`, port.name, msg));
      if (names.has(port.name)) errs.push(cause.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    for (const msg of isValidPortNum(port.port)) errs.push(cause.invalid(`${p}.port`, port.port, msg));
    if (!port.protocol) errs.push(cause.required(`${p}.protocol`, ''));
    else if (!SUPPORTED_PROTOCOLS.includes(port.protocol)) {
      errs.push(cause.notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PROTOCOLS));
    }
    errs.push(...validatePortNumOrName(port.targetPort, `${p}.targetPort`));
    const key = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (seen.has(key)) errs.push(cause.duplicate(p, key));
    seen.add(key);
    if (port.nodePort) {
      if (type === 'ClusterIP') {
        errs.push(cause.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      } else if (port.nodePort < NODE_PORT_RANGE.min || port.nodePort > NODE_PORT_RANGE.max) {
        errs.push(
          cause.invalid(
            `${p}.nodePort`,
            port.nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
      }
    }
  });
  if (!spec.sessionAffinity) errs.push(cause.required('spec.sessionAffinity', ''));
  else if (!SESSION_AFFINITIES.includes(spec.sessionAffinity)) {
    errs.push(cause.notSupported('spec.sessionAffinity', spec.sessionAffinity, SESSION_AFFINITIES));
  }
  if (spec.clusterIP && spec.clusterIP !== 'None' && !isIP(spec.clusterIP)) {
    errs.push(cause.invalid('spec.clusterIP', spec.clusterIP, "must be empty, 'None', or a valid IP address"));
  }
  if (type === 'ExternalName' && spec.clusterIP) {
    errs.push(cause.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  }
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  return errs;
}

/**
 * ValidateServiceUpdate: clusterIP cannot change once allocated. An update that omits it keeps
 * the old one (the registry copies allocated values forward before validating).
 */
export function validateServiceUpdate(svc: Service, old: Service): Cause[] {
  const errs = validateService(svc);
  const before = old.spec?.clusterIP;
  const after = svc.spec?.clusterIP;
  if (before && after && before !== after && svc.spec?.type !== 'ExternalName') {
    errs.push(cause.invalid('spec.clusterIP', after, 'field is immutable'));
  }
  return errs;
}

/** ValidateEndpoints: every address is an IP, every port valid. */
export function validateEndpoints(ep: Endpoints): Cause[] {
  const errs: Cause[] = [];
  (ep.subsets ?? []).forEach((subset, i) => {
    const p = `subsets[${i}]`;
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      (subset[list] ?? []).forEach((a, j) => {
        if (!a.ip) errs.push(cause.required(`${p}.${list}[${j}].ip`, ''));
        else if (!isIP(a.ip)) errs.push(cause.invalid(`${p}.${list}[${j}].ip`, a.ip, 'must be a valid IP address'));
      });
    }
    (subset.ports ?? []).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      if (port.name)
        for (const msg of isDNS1123Label(port.name)) errs.push(cause.invalid(`${pp}.name`, port.name, msg));
      for (const msg of isValidPortNum(port.port)) errs.push(cause.invalid(`${pp}.port`, port.port, msg));
      if (!port.protocol) errs.push(cause.required(`${pp}.protocol`, ''));
      else if (!SUPPORTED_PROTOCOLS.includes(port.protocol)) {
        errs.push(cause.notSupported(`${pp}.protocol`, port.protocol, SUPPORTED_PROTOCOLS));
      }
    });
  });
  return errs;
}
