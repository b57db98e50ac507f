// Columns for the core/v1 kinds other than Pod, after the matching print functions in
// pkg/printers/internalversion/printers.go (Kubernetes v1.30).
import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import type { PrinterColumn } from '../printers.js';
import {
  accessModesAsString,
  ageColumn,
  column,
  formatLabels,
  loadBalancerAddresses,
  nameColumn,
  parseTime,
  translateTimestampSince,
} from './format.js';
import { formatQuantity } from './quantity.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';
/** Annotation that predates spec.storageClassName and still wins over it (helper.GetPersistentVolumeClass). */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

export function namespaceColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Namespace>('STATUS', 'string', 'The status of the namespace', (ns) => ns.status?.phase ?? ''),
    ageColumn(),
  ];
}

/** printNode: the Ready condition as Ready/NotReady (Unknown when absent), plus SchedulingDisabled. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') {
      roles.add(v);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export function nodeColumns(): PrinterColumn[] {
  const addresses = 'List of addresses reachable to the node. Queried from cloud provider, if available.';
  return [
    nameColumn(),
    column<Node>('STATUS', 'string', 'The status of the node', nodeStatus),
    column<Node>('ROLES', 'string', 'The roles of the node', nodeRoles),
    ageColumn(),
    column<Node>(
      'VERSION',
      'string',
      'Kubelet Version reported by the node.',
      (n) => n.status?.nodeInfo?.kubeletVersion ?? '',
    ),
    column<Node>('INTERNAL-IP', 'string', addresses, (n) => nodeAddress(n, 'InternalIP'), 1),
    column<Node>('EXTERNAL-IP', 'string', addresses, (n) => nodeAddress(n, 'ExternalIP'), 1),
    column<Node>(
      'OS-IMAGE',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      (n) => n.status?.nodeInfo?.osImage || '<unknown>',
      1,
    ),
    column<Node>(
      'KERNEL-VERSION',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      (n) => n.status?.nodeInfo?.kernelVersion || '<unknown>',
      1,
    ),
    column<Node>(
      'CONTAINER-RUNTIME',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      (n) => n.status?.nodeInfo?.containerRuntimeVersion || '<unknown>',
      1,
    ),
  ];
}

/** getServiceExternalIP (wide): external IPs, load-balancer ingress, or the external name. */
export function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc.status?.loadBalancer?.ingress);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
  }
  return '<unknown>';
}

/** makePortString: `80/TCP`, `80:30007/TCP` with a node port, comma-separated. */
export function servicePorts(svc: Service): string {
  const pieces = (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(',') : '<none>';
}

export function serviceColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Service>(
      'TYPE',
      'string',
      'type determines how the Service is exposed. Defaults to ClusterIP.',
      (s) => s.spec?.type ?? '',
    ),
    column<Service>(
      'CLUSTER-IP',
      'string',
      'clusterIP is the IP address of the service and is usually assigned randomly.',
      (s) => s.spec?.clusterIPs?.[0] ?? s.spec?.clusterIP ?? '<none>',
    ),
    column<Service>(
      'EXTERNAL-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.',
      serviceExternalIP,
    ),
    column<Service>('PORT(S)', 'string', 'The list of ports that are exposed by this service.', servicePorts),
    ageColumn(),
    column<Service>(
      'SELECTOR',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      (s) => formatLabels(s.spec?.selector),
      1,
    ),
  ];
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** formatEndpoints: the first three `ip:port` pairs, then `+ N more...`; `<none>` without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export function endpointsColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Endpoints>(
      'ENDPOINTS',
      'string',
      'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share.',
      formatEndpoints,
    ),
    ageColumn(),
  ];
}

export function configMapColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<ConfigMap>(
      'DATA',
      'string',
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
      (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    ),
    ageColumn(),
  ];
}

export function secretColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Secret>('TYPE', 'string', 'Used to facilitate programmatic handling of secret data.', (s) => s.type ?? ''),
    column<Secret>(
      'DATA',
      'string',
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'.",
      (s) => Object.keys(s.data ?? {}).length,
    ),
    ageColumn(),
  ];
}

export function serviceAccountColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<ServiceAccount>(
      'SECRETS',
      'string',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      (sa) => (sa.secrets ?? []).length,
    ),
    ageColumn(),
  ];
}

interface EventTimes {
  first: string;
  last: string;
  count: number;
}

/** printEvent: first/last seen fall back to eventTime and series for events.k8s.io-style events. */
function eventTimes(ev: Event, now: number): EventTimes {
  const firstMs = parseTime(ev.firstTimestamp);
  const first =
    firstMs !== undefined
      ? translateTimestampSince(firstMs, now)
      : translateTimestampSince(parseTime(ev.eventTime), now);
  const lastMs = parseTime(ev.lastTimestamp);
  let last = lastMs !== undefined ? translateTimestampSince(lastMs, now) : first;
  let count = ev.count ?? 0;
  if (ev.series) {
    last = translateTimestampSince(parseTime(ev.series.lastObservedTime), now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  return { first, last, count };
}

/** OBJECT: `pod/web-1`, the involved object's kind lower-cased. */
export function eventObject(ev: Event): string {
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  return ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
}

/** formatEventSource: `component, host`, falling back to reportingComponent/reportingInstance. */
export function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export function eventColumns(): PrinterColumn[] {
  return [
    column<Event>(
      'LAST SEEN',
      'string',
      'The time at which the most recent occurrence of this event was recorded.',
      (e, now) => eventTimes(e, now).last,
    ),
    column<Event>(
      'TYPE',
      'string',
      'Type of this event (Normal, Warning), new types could be added in the future',
      (e) => e.type ?? '',
    ),
    column<Event>(
      'REASON',
      'string',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      (e) => e.reason ?? '',
    ),
    column<Event>('OBJECT', 'string', 'The object that this event is about.', eventObject),
    column<Event>(
      'SUBOBJECT',
      'string',
      'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].',
      (e) => e.involvedObject?.fieldPath ?? '',
      1,
    ),
    column<Event>(
      'SOURCE',
      'string',
      'The component reporting this event. Should be a short machine understandable string.',
      eventSource,
      1,
    ),
    column<Event>('MESSAGE', 'string', 'A human-readable description of the status of this operation.', (e) =>
      (e.message ?? '').trim(),
    ),
    column<Event>(
      'FIRST SEEN',
      'string',
      'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
      (e, now) => eventTimes(e, now).first,
      1,
    ),
    column<Event>(
      'COUNT',
      'string',
      'The number of times this event has occurred.',
      (e, now) => eventTimes(e, now).count,
      1,
    ),
    nameColumn(1),
  ];
}

function storageClassOf(obj: PersistentVolume | PersistentVolumeClaim): string {
  const annotated = obj.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated;
  return obj.spec?.storageClassName ?? '';
}

export function persistentVolumeClaimColumns(): PrinterColumn[] {
  const bound = (pvc: PersistentVolumeClaim): boolean => !!pvc.spec?.volumeName;
  return [
    nameColumn(),
    column<PersistentVolumeClaim>(
      'STATUS',
      'string',
      'phase represents the current phase of PersistentVolumeClaim.',
      (pvc) => (pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '')),
    ),
    column<PersistentVolumeClaim>(
      'VOLUME',
      'string',
      'volumeName is the binding reference to the PersistentVolume backing this claim.',
      (pvc) => pvc.spec?.volumeName ?? '',
    ),
    column<PersistentVolumeClaim>(
      'CAPACITY',
      'string',
      'capacity represents the actual resources of the underlying volume.',
      (pvc) => (bound(pvc) ? formatQuantity(pvc.status?.capacity?.storage) : ''),
    ),
    column<PersistentVolumeClaim>(
      'ACCESS MODES',
      'string',
      'accessModes contains the actual access modes the volume backing the PVC has.',
      (pvc) => (bound(pvc) ? accessModesAsString(pvc.status?.accessModes) : ''),
    ),
    column<PersistentVolumeClaim>('STORAGECLASS', 'string', 'StorageClass of the pvc', storageClassOf),
    column<PersistentVolumeClaim>(
      'VOLUMEATTRIBUTESCLASS',
      'string',
      'VolumeAttributesClass of the pvc',
      (pvc) => pvc.spec?.volumeAttributesClassName ?? '<unset>',
    ),
    ageColumn(),
    column<PersistentVolumeClaim>(
      'VOLUMEMODE',
      'string',
      'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.',
      (pvc) => pvc.spec?.volumeMode ?? '<unset>',
      1,
    ),
  ];
}

export function persistentVolumeColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<PersistentVolume>(
      'CAPACITY',
      'string',
      "capacity is the description of the persistent volume's resources and capacity.",
      (pv) => formatQuantity(pv.spec?.capacity?.storage),
    ),
    column<PersistentVolume>(
      'ACCESS MODES',
      'string',
      'accessModes contains all ways the volume can be mounted.',
      (pv) => accessModesAsString(pv.spec?.accessModes),
    ),
    column<PersistentVolume>(
      'RECLAIM POLICY',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
      (pv) => pv.spec?.persistentVolumeReclaimPolicy ?? '',
    ),
    column<PersistentVolume>(
      'STATUS',
      'string',
      'phase indicates if a volume is available, bound to a claim, or released by a claim.',
      (pv) => (pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '')),
    ),
    column<PersistentVolume>(
      'CLAIM',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
      (pv) => (pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ''}/${pv.spec.claimRef.name ?? ''}` : ''),
    ),
    column<PersistentVolume>('STORAGECLASS', 'string', 'StorageClass of the pv', storageClassOf),
    column<PersistentVolume>(
      'VOLUMEATTRIBUTESCLASS',
      'string',
      'VolumeAttributesClass of the pv',
      (pv) => pv.spec?.volumeAttributesClassName ?? '<unset>',
    ),
    column<PersistentVolume>(
      'REASON',
      'string',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
      (pv) => pv.status?.reason ?? '',
    ),
    ageColumn(),
    column<PersistentVolume>(
      'VOLUMEMODE',
      'string',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      (pv) => pv.spec?.volumeMode ?? '<unset>',
      1,
    ),
  ];
}
