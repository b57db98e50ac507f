// Columns for apps/v1 kinds, after printDeployment, printReplicaSet, printDaemonSet,
// printStatefulSet and printControllerRevision in pkg/printers/internalversion/printers.go (v1.30).
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { PrinterColumn } from '../printers.js';
import {
  ageColumn,
  column,
  formatLabels,
  formatSelector,
  labelSelectorString,
  nameColumn,
  templateColumns,
} from './format.js';

const READY_DESCRIPTION = 'Number of the pod with ready state';
const SELECTOR_DESCRIPTION =
  'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.';

export function deploymentColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Deployment>(
      'READY',
      'string',
      READY_DESCRIPTION,
      (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
    ),
    column<Deployment>(
      'UP-TO-DATE',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      (d) => d.status?.updatedReplicas ?? 0,
    ),
    column<Deployment>(
      'AVAILABLE',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      (d) => d.status?.availableReplicas ?? 0,
    ),
    ageColumn(),
    ...templateColumns<Deployment>((d) => d.spec?.template?.spec?.containers),
    // printDeployment uses selector.String(), so an empty selector is blank rather than <none>.
    column<Deployment>(
      'SELECTOR',
      'string',
      SELECTOR_DESCRIPTION,
      (d) => labelSelectorString(d.spec?.selector) ?? '<invalid>',
      1,
    ),
  ];
}

export function replicaSetColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<ReplicaSet>(
      'DESIRED',
      'integer',
      'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.',
      (rs) => rs.spec?.replicas ?? 1,
    ),
    column<ReplicaSet>(
      'CURRENT',
      'integer',
      'Replicas is the most recently observed number of replicas.',
      (rs) => rs.status?.replicas ?? 0,
    ),
    column<ReplicaSet>(
      'READY',
      'integer',
      'The number of ready replicas for this replica set.',
      (rs) => rs.status?.readyReplicas ?? 0,
    ),
    ageColumn(),
    ...templateColumns<ReplicaSet>((rs) => rs.spec?.template?.spec?.containers),
    column<ReplicaSet>(
      'SELECTOR',
      'string',
      'Selector is a label query over pods that should match the replica count.',
      (rs) => formatSelector(rs.spec?.selector),
      1,
    ),
  ];
}

export function daemonSetColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<DaemonSet>(
      'DESIRED',
      'integer',
      'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      (ds) => ds.status?.desiredNumberScheduled ?? 0,
    ),
    column<DaemonSet>(
      'CURRENT',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
      (ds) => ds.status?.currentNumberScheduled ?? 0,
    ),
    column<DaemonSet>(
      'READY',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      (ds) => ds.status?.numberReady ?? 0,
    ),
    column<DaemonSet>(
      'UP-TO-DATE',
      'integer',
      'The total number of nodes that are running updated daemon pod',
      (ds) => ds.status?.updatedNumberScheduled ?? 0,
    ),
    column<DaemonSet>(
      'AVAILABLE',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      (ds) => ds.status?.numberAvailable ?? 0,
    ),
    column<DaemonSet>(
      'NODE SELECTOR',
      'string',
      "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node.",
      (ds) => formatLabels(ds.spec?.template?.spec?.nodeSelector),
    ),
    ageColumn(),
    ...templateColumns<DaemonSet>((ds) => ds.spec?.template?.spec?.containers),
    column<DaemonSet>(
      'SELECTOR',
      'string',
      'A label query over pods that are managed by the daemon set. Must match in order to be controlled.',
      (ds) => formatSelector(ds.spec?.selector),
      1,
    ),
  ];
}

export function statefulSetColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<StatefulSet>(
      'READY',
      'string',
      READY_DESCRIPTION,
      (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`,
    ),
    ageColumn(),
    ...templateColumns<StatefulSet>((s) => s.spec?.template?.spec?.containers),
  ];
}

/** CONTROLLER: the controller owner as `kind.group/name`, lower-cased (formatResourceName). */
export function controllerOf(cr: ControllerRevision): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  if (!ref.kind) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export function controllerRevisionColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<ControllerRevision>('CONTROLLER', 'string', 'Controller of the object', controllerOf),
    column<ControllerRevision>(
      'REVISION',
      'string',
      'Revision indicates the revision of the state represented by Data.',
      (cr) => cr.revision ?? 0,
    ),
    ageColumn(),
  ];
}
