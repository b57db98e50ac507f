// Names, defaults and reason strings the node agent shares with Kubernetes. Reasons and messages
// are the kubelet's own (pkg/kubelet/events/event.go, pkg/kubelet/container/sync_result.go,
// pkg/kubelet/images/types.go, pkg/kubelet/status/generate.go) so that tools matching on them work.

export const DEFAULT_NODE_NAME = 'kubedesk';
export const DEFAULT_SANDBOX_IMAGE = 'registry.k8s.io/pause:3.10';
export const KUBELET_VERSION = 'v1.30.0-kubedesk';
/** The kubelet's default --max-pods. */
export const MAX_PODS = 110;
/** nodeStatusUpdateFrequency / the lease renew interval (a quarter of the lease duration). */
export const DEFAULT_HEARTBEAT_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;
/** nodeStatusReportFrequency: an unchanged node status is still posted this often. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;
export const DEFAULT_STATS_INTERVAL_MS = 5_000;
/** Safety-net resync of every pod worker (events from the runtime do the fast path). */
export const RESYNC_MS = 10_000;
/** Annotation with the host ports the pod's container ports are published on. */
export const HOST_PORTS_ANNOTATION = 'kubedesk.io/host-ports';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** CrashLoopBackOff and ImagePullBackOff: 10 s doubling to 5 min (kubelet's backOffPeriod, MaxContainerBackOff). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long without failing starts its back-off from scratch. */
export const BACKOFF_RESET_MS = 10 * 60_000;

/** Container waiting reasons (kubelet container/sync_result.go, images/types.go). */
export const Waiting = {
  ContainerCreating: 'ContainerCreating',
  PodInitializing: 'PodInitializing',
  CrashLoopBackOff: 'CrashLoopBackOff',
  ErrImagePull: 'ErrImagePull',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerError',
  RunContainerError: 'RunContainerError',
} as const;

/** Event reasons the kubelet records (pkg/kubelet/events/event.go). */
export const EventReason = {
  Pulling: 'Pulling',
  Pulled: 'Pulled',
  Failed: 'Failed',
  BackOff: 'BackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  Created: 'Created',
  Started: 'Started',
  Killing: 'Killing',
  Unhealthy: 'Unhealthy',
  FailedPostStartHook: 'FailedPostStartHook',
  FailedPreStopHook: 'FailedPreStopHook',
  FailedCreatePodSandBox: 'FailedCreatePodSandBox',
  SandboxChanged: 'SandboxChanged',
  FailedMount: 'FailedMount',
  NodeReady: 'NodeReady',
  NodeNotReady: 'NodeNotReady',
  Starting: 'Starting',
  RegisteredNode: 'RegisteredNode',
} as const;

/** Pod condition reasons (pkg/kubelet/status/generate.go). */
export const PodReason = {
  ContainersNotReady: 'ContainersNotReady',
  ContainersNotInitialized: 'ContainersNotInitialized',
  PodCompleted: 'PodCompleted',
} as const;

export type ProbeType = 'liveness' | 'readiness' | 'startup';
