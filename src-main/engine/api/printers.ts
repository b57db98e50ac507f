// Printer columns per kind, as `kubectl get` shows them (pkg/printers/internalversion/printers.go,
// AddHandlers, Kubernetes v1.30). The API server renders a meta.k8s.io/v1 Table from these; kubectl
// prints the priority-0 columns, and the priority-1 ones too with `-o wide`.
//
// Upstream's server-side TableConvertor always generates cells as for `-o wide` (addresses are not
// clipped, every column is filled), so the cells here never depend on the output mode.
import type { KubeObject } from './types.js';
import { ageColumn, nameColumn } from './printers/format.js';
import { podColumns } from './printers/pod.js';
import {
  configMapColumns,
  endpointsColumns,
  eventColumns,
  namespaceColumns,
  nodeColumns,
  persistentVolumeClaimColumns,
  persistentVolumeColumns,
  secretColumns,
  serviceAccountColumns,
  serviceColumns,
} from './printers/core.js';
import {
  controllerRevisionColumns,
  daemonSetColumns,
  deploymentColumns,
  replicaSetColumns,
  statefulSetColumns,
} from './printers/apps.js';
import { cronJobColumns, jobColumns } from './printers/batch.js';
import { horizontalPodAutoscalerColumns } from './printers/autoscaling.js';
import { ingressClassColumns, ingressColumns } from './printers/networking.js';
import { leaseColumns } from './printers/coordination.js';
import { endpointSliceColumns } from './printers/discovery.js';

export interface PrinterColumn {
  /** Header as kubectl prints it, e.g. `READY`, `PORT(S)`. */
  name: string;
  /** OpenAPI type of the cell as in a meta.k8s.io/v1 Table column definition. */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: 0 | 1;
  /** The cell value for one object; `now` (ms) is used for ages and durations. */
  cell: (obj: KubeObject, now: number) => string | number | boolean;
}

const COLUMNS: Record<string, () => PrinterColumn[]> = {
  Namespace: namespaceColumns,
  Node: nodeColumns,
  Pod: podColumns,
  Service: serviceColumns,
  Endpoints: endpointsColumns,
  ConfigMap: configMapColumns,
  Secret: secretColumns,
  Event: eventColumns,
  PersistentVolumeClaim: persistentVolumeClaimColumns,
  PersistentVolume: persistentVolumeColumns,
  ServiceAccount: serviceAccountColumns,
  Deployment: deploymentColumns,
  ReplicaSet: replicaSetColumns,
  DaemonSet: daemonSetColumns,
  StatefulSet: statefulSetColumns,
  ControllerRevision: controllerRevisionColumns,
  Job: jobColumns,
  CronJob: cronJobColumns,
  HorizontalPodAutoscaler: horizontalPodAutoscalerColumns,
  Ingress: ingressColumns,
  IngressClass: ingressClassColumns,
  Lease: leaseColumns,
  EndpointSlice: endpointSliceColumns,
};

/**
 * The columns for a kind. Kinds without their own printer get NAME and AGE, as upstream's
 * AddDefaultHandlers does for any object.
 */
export function printerColumns(kind: string): PrinterColumn[] {
  const columns = COLUMNS[kind];
  return columns ? columns() : [nameColumn(), ageColumn()];
}

export {
  translateTimestampSince,
  humanDuration,
  formatSelector,
  labelSelectorString,
  formatLabels,
} from './printers/format.js';
export { formatQuantity } from './printers/quantity.js';
export { summarizePod, type PodSummary } from './printers/pod.js';
