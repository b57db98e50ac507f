// What every controller is built from: the API server to write through, the shared informers to
// read from, the clock, and an event recorder per component.
import type { ApiServer } from '../../apiserver/api-server.js';
import type { Clock } from '../../clock.js';
import type { EventRecorder } from '../events.js';
import type { InformerFactory } from './informer.js';

/** The slice of an event recorder a controller uses (EventRecorder satisfies it). */
export type Recorder = Pick<EventRecorder, 'event'>;

export interface ControllerContext {
  api: ApiServer;
  clock: Clock;
  informers: InformerFactory;
  recorder(component: string): Recorder;
  /** Workers per controller (default 4). */
  workers?: number;
}

/** Shared index names. */
export const INDEX_CONTROLLER_UID = 'controllerUid';
export const INDEX_ORPHANS = 'orphansByNamespace';
export const INDEX_NODE_NAME = 'nodeName';

/** Store resource names (`<group>/<plural>`). */
export const PODS = '/pods';
export const NODES = '/nodes';
export const REPLICA_SETS = 'apps/replicasets';
export const DEPLOYMENTS = 'apps/deployments';
