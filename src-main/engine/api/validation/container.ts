// Container validation, following pkg/apis/core/validation/validation.go (validateContainers,
// validateContainerPorts, validateProbe, ValidateEnv, ValidateContainerResourceRequirements,
// ValidateVolumeMounts).
import type { Container, ContainerPort, EnvVar, Probe, ResourceRequirements, Volume } from 'kubernetes-types/core/v1';
import { cause, type Cause } from '../errors.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  isInRange,
} from '../names.js';
import { compareQuantity, parseQuantity } from '../quantity.js';
import { nonNegative, notFound, QUANTITY_FORMAT_ERROR, quantityString } from './helpers.js';

export const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** Containers and initContainers share one name space; `names` carries it across both lists. */
export function validateContainers(
  containers: Container[],
  field: string,
  volumes: Volume[],
  names: Set<string>,
  options: { isInit?: boolean } = {},
): Cause[] {
  const errs: Cause[] = [];
  containers.forEach((c, i) => {
    const p = `${field}[${i}]`;
    if (!c.name) errs.push(cause.required(`${p}.name`, ''));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(cause.invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(cause.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image) errs.push(cause.required(`${p}.image`, ''));
    else if (c.image.trim() !== c.image) {
      errs.push(cause.invalid(`${p}.image`, c.image, 'must not have leading or trailing whitespace'));
    }
    errs.push(...validatePorts(c.ports ?? [], `${p}.ports`));
    errs.push(...validateEnv(c.env ?? [], `${p}.env`));
    errs.push(...validateResources(c.resources, `${p}.resources`));
    errs.push(...validateVolumeMounts(c.volumeMounts ?? [], volumes, `${p}.volumeMounts`));
    if (options.isInit && c.restartPolicy === undefined) {
      // Regular init containers may not have probes (validateInitContainers).
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[probe])
          errs.push(
            cause.forbidden(`${p}.${probe}`, `may not be set for init containers without restartPolicy=Always`),
          );
      }
    } else {
      errs.push(...validateProbes(c, p));
    }
    if (c.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      errs.push(cause.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    }
    if (c.terminationMessagePolicy && !['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) {
      errs.push(
        cause.notSupported(`${p}.terminationMessagePolicy`, c.terminationMessagePolicy, [
          'File',
          'FallbackToLogsOnError',
        ]),
      );
    }
  });
  return errs;
}

function validatePorts(ports: ContainerPort[], field: string): Cause[] {
  const errs: Cause[] = [];
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${field}[${i}]`;
    if (port.name) {
      const msgs = isValidPortName(port.name);
      for (const msg of msgs) errs.push(cause.invalid(`${p}.name`, port.name, msg));
      if (msgs.length === 0 && names.has(port.name)) errs.push(cause.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(cause.required(`${p}.containerPort`, ''));
    else
      for (const msg of isValidPortNum(port.containerPort))
        errs.push(cause.invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort) {
      for (const msg of isInRange(port.hostPort, 0, 65535))
        errs.push(cause.invalid(`${p}.hostPort`, port.hostPort, msg));
    }
    if (!port.protocol) errs.push(cause.required(`${p}.protocol`, ''));
    else if (!SUPPORTED_PROTOCOLS.includes(port.protocol)) {
      errs.push(cause.notSupported(`${p}.protocol`, port.protocol, SUPPORTED_PROTOCOLS));
    }
    const key = `${port.protocol ?? 'TCP'}/${port.containerPort}`;
    if (port.containerPort && seen.has(key)) errs.push(cause.duplicate(`${p}.containerPort`, key));
    seen.add(key);
  });
  return errs;
}

function validateProbes(c: Container, field: string): Cause[] {
  const errs: Cause[] = [];
  for (const name of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe = c[name];
    if (!probe) continue;
    errs.push(...validateProbe(probe, `${field}.${name}`));
    if (name !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
      errs.push(cause.invalid(`${field}.${name}.successThreshold`, probe.successThreshold, 'must be 1'));
    }
  }
  return errs;
}

/** validateProbe and validateHandler: exactly one of exec, httpGet, tcpSocket, grpc. */
export function validateProbe(probe: Probe, field: string): Cause[] {
  const errs = validateHandler(probe, field);
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    errs.push(...nonNegative(probe[k], `${field}.${k}`));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(
      cause.invalid(
        `${field}.terminationGracePeriodSeconds`,
        probe.terminationGracePeriodSeconds,
        'must be greater than 0',
      ),
    );
  }
  return errs;
}

export function validateHandler(h: Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket' | 'grpc'>, field: string): Cause[] {
  const errs: Cause[] = [];
  let n = 0;
  for (const kind of ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const) {
    if (!h[kind]) continue;
    if (n > 0) {
      errs.push(cause.forbidden(`${field}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    if (kind === 'exec' && (h.exec?.command ?? []).length === 0) errs.push(cause.required(`${field}.exec.command`, ''));
    if (kind === 'httpGet') {
      const g = h.httpGet!;
      if (!g.path) errs.push(cause.required(`${field}.httpGet.path`, ''));
      errs.push(...validatePortNumOrName(g.port, `${field}.httpGet.port`));
      if (g.scheme && !['HTTP', 'HTTPS'].includes(g.scheme)) {
        errs.push(cause.notSupported(`${field}.httpGet.scheme`, g.scheme, ['HTTP', 'HTTPS']));
      }
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(h.tcpSocket!.port, `${field}.tcpSocket.port`));
    if (kind === 'grpc') {
      for (const msg of isValidPortNum(h.grpc!.port)) errs.push(cause.invalid(`${field}.grpc.port`, h.grpc!.port, msg));
    }
  }
  if (n === 0) errs.push(cause.required(field, 'must specify a handler type'));
  return errs;
}

/** ValidatePortNumOrName. */
export function validatePortNumOrName(port: number | string | undefined, field: string): Cause[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => cause.invalid(field, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => cause.invalid(field, port, m));
  return [cause.required(field, '')];
}

function validateEnv(env: EnvVar[], field: string): Cause[] {
  const errs: Cause[] = [];
  env.forEach((e, i) => {
    const p = `${field}[${i}]`;
    if (!e.name) errs.push(cause.required(`${p}.name`, ''));
    else for (const msg of isEnvVarName(e.name)) errs.push(cause.invalid(`${p}.name`, e.name, msg));
    const from = e.valueFrom;
    if (!from) return;
    const vp = `${p}.valueFrom`;
    const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter(
      (k) => from[k],
    );
    if (sources.length === 0) {
      errs.push(
        cause.invalid(
          vp,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    } else if (e.value) {
      errs.push(cause.invalid(vp, '', 'may not be specified when `value` is not empty'));
    } else if (sources.length > 1) {
      errs.push(cause.invalid(vp, '', 'may not have more than one field specified at a time'));
    }
    if (from.fieldRef && !from.fieldRef.fieldPath) errs.push(cause.required(`${vp}.fieldRef.fieldPath`, ''));
    if (from.resourceFieldRef && !from.resourceFieldRef.resource) {
      errs.push(cause.required(`${vp}.resourceFieldRef.resource`, ''));
    }
    for (const ref of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const sel = from[ref];
      if (!sel) continue;
      if (!sel.name) errs.push(cause.required(`${vp}.${ref}.name`, ''));
      if (!sel.key) errs.push(cause.required(`${vp}.${ref}.key`, ''));
      else for (const msg of isConfigMapKey(sel.key)) errs.push(cause.invalid(`${vp}.${ref}.key`, sel.key, msg));
    }
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];
const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
/** helper.IsOvercommitAllowed: extended resources and hugepages must request what they limit. */
const overcommitAllowed = (name: string) => isNative(name) && !isHugePages(name);

function validateResourceName(name: string, field: string): Cause[] {
  const errs = isQualifiedName(name).map((m) => cause.invalid(field, name, m));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name)) {
      errs.push(cause.invalid(field, name, 'must be a standard resource for containers'));
    }
  } else if (!isNative(name) && name.startsWith('requests.')) {
    errs.push(cause.invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateContainerResourceRequirements: known names, parseable values, requests ≤ limits. */
export function validateResources(res: ResourceRequirements | undefined, field: string): Cause[] {
  if (!res) return [];
  const errs: Cause[] = [];
  const check = (bag: 'limits' | 'requests') => {
    for (const [name, value] of Object.entries(res[bag] ?? {})) {
      const p = `${field}.${bag}[${name}]`;
      errs.push(...validateResourceName(name, p));
      const q = parseQuantity(value as string | number);
      if (!q) errs.push(cause.invalid(p, value, QUANTITY_FORMAT_ERROR));
      else if (q.value < 0) errs.push(cause.invalid(p, quantityString(value), 'must be greater than or equal to 0'));
      else if ((isHugePages(name) || !isNative(name)) && q.milli % 1000 !== 0) {
        errs.push(cause.invalid(p, quantityString(value), 'must be an integer'));
      }
    }
  };
  check('limits');
  check('requests');
  for (const [name, value] of Object.entries(res.requests ?? {})) {
    const p = `${field}.requests[${name}]`;
    const limit = res.limits?.[name];
    if (!parseQuantity(value as string | number)) continue;
    if (limit !== undefined) {
      if (!parseQuantity(limit as string | number)) continue;
      const cmp = compareQuantity(value as string | number, limit as string | number);
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(
          cause.invalid(p, quantityString(value), `must be equal to ${name} limit of ${quantityString(limit)}`),
        );
      } else if (cmp > 0) {
        errs.push(
          cause.invalid(
            p,
            quantityString(value),
            `must be less than or equal to ${name} limit of ${quantityString(limit)}`,
          ),
        );
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(cause.required(`${field}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

function validateVolumeMounts(
  mounts: NonNullable<Container['volumeMounts']>,
  volumes: Volume[],
  field: string,
): Cause[] {
  const errs: Cause[] = [];
  const paths = new Set<string>();
  const declared = new Set(volumes.map((v) => v.name));
  mounts.forEach((m, i) => {
    const p = `${field}[${i}]`;
    if (!m.name) errs.push(cause.required(`${p}.name`, ''));
    if (!declared.has(m.name)) errs.push(notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(cause.required(`${p}.mountPath`, ''));
    else if (paths.has(m.mountPath)) errs.push(cause.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    paths.add(m.mountPath);
    if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      errs.push(cause.invalid(`${p}.subPath`, m.subPath, "must be a relative path without '..'"));
    }
  });
  return errs;
}
