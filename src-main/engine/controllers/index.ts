// The built-in workload controllers and the scheduler, started together over one set of shared
// informers (kube-controller-manager + kube-scheduler in one process). Crash-only: everything is
// rebuilt from the store at start; nothing here is persisted.
import type { ApiServer } from '../apiserver/api-server.js';
import type { Clock } from '../clock.js';
import type { ObjectStore } from '../store/object-store.js';
import type { EventRecorder } from './events.js';
import type { Controller } from './framework/controller.js';
import type { ControllerContext } from './framework/context.js';
import { InformerFactory } from './framework/informer.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { JobController } from './job/job-controller.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetController } from './daemonset/daemonset-controller.js';
import { StatefulSetController } from './statefulset/statefulset-controller.js';
import { HorizontalPodAutoscalerController } from './hpa/hpa-controller.js';
import { metricsFromNodeAgents, type MetricsAgent, type MetricsSource } from './hpa/metrics-source.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './node-lifecycle/node-lifecycle-controller.js';
import { Scheduler, type SchedulerOptions } from '../scheduler/scheduler.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';

/** The slice of Engine the controllers need. */
export interface ControllerHost {
  api: ApiServer;
  store: ObjectStore;
  clock: Clock;
  recorder(component: string): EventRecorder;
}

export interface StartControllersOptions {
  /** Which to run (default: all). */
  replicaSets?: boolean;
  deployments?: boolean;
  jobs?: boolean;
  cronJobs?: boolean;
  daemonSets?: boolean;
  statefulSets?: boolean;
  /** Endpoints and EndpointSlices of Services. */
  endpoints?: boolean;
  /** HPA metrics: a source, or the node agents to read them from. */
  hpa?: false | { metrics?: MetricsSource; agents?: () => Iterable<MetricsAgent> };
  nodeLifecycle?: boolean | NodeLifecycleOptions;
  scheduler?: boolean | SchedulerOptions;
  /** Workers per controller (default 4). */
  workers?: number;
}

export interface RunningControllers {
  readonly informers: InformerFactory;
  readonly replicaSets?: ReplicaSetController;
  readonly deployments?: DeploymentController;
  readonly jobs?: JobController;
  readonly cronJobs?: CronJobController;
  readonly daemonSets?: DaemonSetController;
  readonly statefulSets?: StatefulSetController;
  readonly endpoints?: EndpointsController;
  readonly hpa?: HorizontalPodAutoscalerController;
  readonly nodeLifecycle?: NodeLifecycleController;
  readonly scheduler?: Scheduler;
  stop(): void;
  /** Resolves once no controller has work queued or in progress and every write has landed. */
  whenIdle(): Promise<void>;
}

export function startControllers(engine: ControllerHost, opts: StartControllersOptions = {}): RunningControllers {
  const informers = new InformerFactory(engine.store);
  const ctx: ControllerContext = {
    api: engine.api,
    clock: engine.clock,
    informers,
    recorder: (c) => engine.recorder(c),
    workers: opts.workers,
  };
  const controllers: Controller[] = [];
  const replicaSets = opts.replicaSets === false ? undefined : new ReplicaSetController(ctx);
  const deployments = opts.deployments === false ? undefined : new DeploymentController(ctx);
  if (replicaSets) controllers.push(replicaSets);
  if (deployments) controllers.push(deployments);
  const jobs = opts.jobs === false ? undefined : new JobController(ctx);
  const cronJobs = opts.cronJobs === false ? undefined : new CronJobController(ctx);
  if (jobs) controllers.push(jobs);
  if (cronJobs) controllers.push(cronJobs);
  const daemonSets = opts.daemonSets === false ? undefined : new DaemonSetController(ctx);
  const statefulSets = opts.statefulSets === false ? undefined : new StatefulSetController(ctx);
  if (daemonSets) controllers.push(daemonSets);
  if (statefulSets) controllers.push(statefulSets);
  const endpoints = opts.endpoints === false ? undefined : new EndpointsController(ctx);
  if (endpoints) controllers.push(endpoints);
  const hpa =
    opts.hpa === false
      ? undefined
      : new HorizontalPodAutoscalerController(
          ctx,
          opts.hpa?.metrics ?? metricsFromNodeAgents(engine.store, opts.hpa?.agents ?? (() => [])),
        );
  const nodeLifecycle =
    opts.nodeLifecycle === false
      ? undefined
      : new NodeLifecycleController(ctx, typeof opts.nodeLifecycle === 'object' ? opts.nodeLifecycle : {});
  if (hpa) controllers.push(hpa);
  if (nodeLifecycle) controllers.push(nodeLifecycle);
  const scheduler =
    opts.scheduler === false ? undefined : new Scheduler(ctx, typeof opts.scheduler === 'object' ? opts.scheduler : {});
  informers.start();
  scheduler?.start();
  hpa?.start();
  nodeLifecycle?.start();

  const busy = () => [...controllers.map((c) => c.whenIdle()), scheduler?.whenIdle() ?? Promise.resolve()];
  return {
    informers,
    replicaSets,
    deployments,
    jobs,
    cronJobs,
    daemonSets,
    statefulSets,
    endpoints,
    hpa,
    nodeLifecycle,
    scheduler,
    stop() {
      scheduler?.stop();
      for (const c of controllers) c.stop();
      informers.stop();
    },
    async whenIdle() {
      // Writes land asynchronously and their watch events enqueue more work: wait until a full
      // round finds every queue empty and nothing left in flight.
      for (let i = 0; i < 1000; i++) {
        await Promise.all(busy());
        await engine.store.flush();
        await new Promise((r) => setImmediate(r));
        const idle = controllers.every((c) => c.queue.length === 0) && (scheduler?.idle ?? true);
        if (idle) {
          const settled = await Promise.race([
            Promise.all(busy()).then(() => true),
            new Promise<boolean>((r) => setImmediate(() => r(false))),
          ]);
          if (settled && controllers.every((c) => c.queue.length === 0) && (scheduler?.idle ?? true)) return;
        }
      }
    },
  };
}

export { InformerFactory, Informer, keyOf, splitKey, type Lister } from './framework/informer.js';
export { ControllerExpectations } from './framework/expectations.js';
export { Controller } from './framework/controller.js';
export { ReplicaSetController } from './replicaset/replicaset-controller.js';
export { DeploymentController } from './deployment/deployment-controller.js';
export { revisionDiff, rolloutHistory, replicaSetForRevision, type RevisionDiff } from './deployment/history.js';
export { Scheduler } from '../scheduler/scheduler.js';
export { JobController } from './job/job-controller.js';
export { CronJobController } from './cronjob/cronjob-controller.js';
export { runNow } from './cronjob/cronjob-util.js';
export { DaemonSetController } from './daemonset/daemonset-controller.js';
export { StatefulSetController } from './statefulset/statefulset-controller.js';
export { HorizontalPodAutoscalerController } from './hpa/hpa-controller.js';
export { metricsFromNodeAgents, type MetricsSource, type PodMetricSample } from './hpa/metrics-source.js';
export type { ScalingRecord } from './hpa/history.js';
export { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
export { EndpointsController } from './endpoints/endpoints-controller.js';
