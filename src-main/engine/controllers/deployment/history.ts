// Rollout history for the UI and for `kubectl rollout history|undo` parity: the revisions of a
// Deployment are its ReplicaSets, numbered by `deployment.kubernetes.io/revision` (a rolled-back
// ReplicaSet carries its earlier numbers in `revision-history`). Pure functions: callers pass the
// Deployment and its ReplicaSets (e.g. from `api.list` with the Deployment's selector).
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../api/types.js';
import { deepCopy } from '../../api/types.js';
import { controllerOf } from '../framework/util.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  REVISION_HISTORY_ANNOTATION,
  revisionOf,
  type ReplicaSetObj,
} from './util.js';

export interface RevisionInfo {
  revision: number;
  /** Earlier revision numbers this ReplicaSet held before a rollback made it current again. */
  previousRevisions: number[];
  replicaSet: string;
  changeCause?: string;
  createdAt?: string;
  template: PodTemplateSpec;
}

/** The revisions of `deployment`, oldest first (as `kubectl rollout history` lists them). */
export function rolloutHistory(deployment: KubeObject, replicaSets: readonly KubeObject[]): RevisionInfo[] {
  return replicaSets
    .filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid)
    .map((rs) => revisionInfo(rs as ReplicaSetObj))
    .filter((r) => r.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

function revisionInfo(rs: ReplicaSetObj): RevisionInfo {
  const a = rs.metadata.annotations ?? {};
  const previous = (a[REVISION_HISTORY_ANNOTATION] ?? '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number)
    .filter(Number.isInteger);
  return {
    revision: revisionOf(rs),
    previousRevisions: previous,
    replicaSet: rs.metadata.name!,
    changeCause: a[CHANGE_CAUSE_ANNOTATION],
    createdAt: rs.metadata.creationTimestamp,
    template: templateWithoutHash(rs.spec.template),
  };
}

/** The template as the user wrote it: without the controller's pod-template-hash label. */
export function templateWithoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const c = deepCopy(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  return c;
}

/** The ReplicaSet that holds (or held, before a rollback) `revision`. */
export function replicaSetForRevision(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
  revision: number,
): KubeObject | undefined {
  const owned = replicaSets.filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid);
  return (
    owned.find((rs) => revisionOf(rs) === revision) ??
    owned.find((rs) => revisionInfo(rs as ReplicaSetObj).previousRevisions.includes(revision))
  );
}

export interface FieldChange {
  /** `spec.containers[main].image` — list items with a `name` are addressed by it. */
  path: string;
  op: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

export interface RevisionDiff {
  deployment: string;
  from: { revision: number; replicaSet: string; changeCause?: string };
  to: { revision: number; replicaSet: string; changeCause?: string };
  changeCause?: { from?: string; to?: string };
  /** Differences of the pod templates (pod-template-hash ignored), in path order. */
  template: FieldChange[];
}

/** A structured diff of two revisions (ReplicaSets) of a Deployment: pod template and change cause. */
export function revisionDiff(deployment: KubeObject, rsA: KubeObject, rsB: KubeObject): RevisionDiff {
  const a = revisionInfo(rsA as ReplicaSetObj);
  const b = revisionInfo(rsB as ReplicaSetObj);
  const changes: FieldChange[] = [];
  diffValues('', a.template, b.template, changes);
  changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const out: RevisionDiff = {
    deployment: deployment.metadata.name!,
    from: { revision: a.revision, replicaSet: a.replicaSet, changeCause: a.changeCause },
    to: { revision: b.revision, replicaSet: b.replicaSet, changeCause: b.changeCause },
    template: changes,
  };
  if (a.changeCause !== b.changeCause) out.changeCause = { from: a.changeCause, to: b.changeCause };
  return out;
}

/** The differences of two pod templates (any owner kind), in path order. */
export function diffTemplates(a: PodTemplateSpec, b: PodTemplateSpec): FieldChange[] {
  const changes: FieldChange[] = [];
  diffValues('', a, b, changes);
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function namedList(v: unknown): v is { name: string }[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isPlainObject(x) && typeof x.name === 'string');
}

function diffValues(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) return void out.push({ path, op: 'added', to: b });
  if (b === undefined) return void out.push({ path, op: 'removed', from: a });
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(join(path, k), a[k], b[k], out);
    return;
  }
  if (
    (namedList(a) || (Array.isArray(a) && a.length === 0)) &&
    (namedList(b) || (Array.isArray(b) && b.length === 0))
  ) {
    const ma = new Map((a as { name: string }[]).map((x) => [x.name, x]));
    const mb = new Map((b as { name: string }[]).map((x) => [x.name, x]));
    for (const name of new Set([...ma.keys(), ...mb.keys()]))
      diffValues(`${path}[${name}]`, ma.get(name), mb.get(name), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, op: 'changed', from: a, to: b });
}
