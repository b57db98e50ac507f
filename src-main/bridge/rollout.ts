// Rollout history, revision diffs and `kubectl rollout pause|resume|restart|undo` for the UI, done
// as kubectl does them: through the API (reads of the owner's ReplicaSets or ControllerRevisions,
// then one patch of the owner), so a real cluster behind the same contract would behave alike.
//   Deployment undo: staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go
//     (DeploymentRollbacker: copy the chosen ReplicaSet's template and annotations, JSON patch)
//   DaemonSet/StatefulSet undo: the ControllerRevision's `data` is the strategic-merge patch.
//   restart: the `kubectl.kubernetes.io/restartedAt` template annotation (objectrestarter.go).
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { ApiServer } from '../engine/apiserver/api-server.js';
import { StatusError, badRequest } from '../engine/api/errors.js';
import type { KubeObject } from '../engine/api/types.js';
import { diffTemplates, rolloutHistory } from '../engine/controllers/deployment/history.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  canonicalJson,
  equalIgnoreHash,
} from '../engine/controllers/deployment/util.js';
import { controllerOf } from '../engine/controllers/framework/util.js';
import type {
  ResourceRef,
  RolloutActionRequest,
  RolloutActionResult,
  RolloutDiff,
  RolloutRevision,
} from '../ipc/contract.js';

const FIELD_MANAGER = 'kubedesk';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** Annotations an undo leaves as the Deployment has them (rollback.go annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
]);

type Owner = 'deployments' | 'daemonsets' | 'statefulsets';
const SINGULAR: Record<Owner, string> = {
  deployments: 'deployment',
  daemonsets: 'daemonset',
  statefulsets: 'statefulset',
};

function ownerKind(ref: ResourceRef): Owner {
  if (
    ref.group === 'apps' &&
    (ref.resource === 'deployments' || ref.resource === 'daemonsets' || ref.resource === 'statefulsets')
  ) {
    return ref.resource;
  }
  throw badRequest(
    `rollouts exist for Deployments, DaemonSets and StatefulSets, not ${ref.group || 'core'}/${ref.resource}`,
  );
}

function imagesOf(template: PodTemplateSpec | undefined): string[] {
  const spec = template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '');
}

interface Snapshot {
  info: RolloutRevision;
  /** The stored owner: a ReplicaSet or a ControllerRevision. */
  source: KubeObject;
}

async function snapshots(api: ApiServer, owner: KubeObject, kind: Owner): Promise<Snapshot[]> {
  const namespace = owner.metadata.namespace;
  if (kind === 'deployments') {
    const rss = (await api.list({ group: 'apps', resource: 'replicasets', namespace })).items;
    const byName = new Map(rss.map((rs) => [rs.metadata.name!, rs]));
    return rolloutHistory(owner, rss).map((r) => ({
      info: {
        revision: r.revision,
        previousRevisions: r.previousRevisions,
        name: r.replicaSet,
        changeCause: r.changeCause,
        createdAt: r.createdAt,
        images: imagesOf(r.template),
        template: r.template,
      },
      source: byName.get(r.replicaSet)!,
    }));
  }
  const revs = (await api.list({ group: 'apps', resource: 'controllerrevisions', namespace })).items;
  return revs
    .filter((r) => controllerOf(r)?.uid === owner.metadata.uid)
    .map((r) => {
      const template = revisionTemplate(r);
      return {
        info: {
          revision: Number(r['revision'] ?? 0),
          previousRevisions: [],
          name: r.metadata.name!,
          changeCause: r.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
          createdAt: r.metadata.creationTimestamp,
          images: imagesOf(template),
          template,
        },
        source: r,
      };
    })
    .sort((a, b) => a.info.revision - b.info.revision);
}

/** A ControllerRevision's `data` is `{spec:{template:{…, $patch: replace}}}`; the template without the directive. */
function revisionTemplate(rev: KubeObject): PodTemplateSpec {
  const data = rev['data'] as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _directive, ...template } = data?.spec?.template ?? {};
  return template as PodTemplateSpec;
}

export async function revisionsOf(api: ApiServer, ref: ResourceRef): Promise<RolloutRevision[]> {
  const kind = ownerKind(ref);
  const owner = await api.get(ref);
  return (await snapshots(api, owner, kind)).map((s) => s.info);
}

export async function diffRevisions(api: ApiServer, ref: ResourceRef, from: number, to: number): Promise<RolloutDiff> {
  const kind = ownerKind(ref);
  const owner = await api.get(ref);
  const all = await snapshots(api, owner, kind);
  const pick = (n: number) => {
    const s = all.find((x) => x.info.revision === n) ?? all.find((x) => x.info.previousRevisions.includes(n));
    if (!s) throw new StatusError(404, 'NotFound', `${SINGULAR[kind]} "${ref.name}" has no revision ${n}`);
    return s.info;
  };
  const a = pick(from);
  const b = pick(to);
  return {
    from: a,
    to: b,
    changes: diffTemplates(a.template as PodTemplateSpec, b.template as PodTemplateSpec),
  };
}

export async function rolloutAction(
  api: ApiServer,
  req: RolloutActionRequest,
  now: number,
): Promise<RolloutActionResult> {
  const kind = ownerKind(req.ref);
  const owner = await api.get(req.ref);
  const label = `${SINGULAR[kind]}.apps/${owner.metadata.name}`;
  const spec = (owner.spec ?? {}) as { paused?: boolean; template?: PodTemplateSpec };
  const patch = (type: 'merge' | 'strategic' | 'json', body: unknown) =>
    api.patch(req.ref, type, body, { fieldManager: FIELD_MANAGER });
  switch (req.action) {
    case 'pause':
    case 'resume': {
      // objectpauser.go / objectresumer.go: only Deployments can be paused.
      if (kind !== 'deployments') throw badRequest(`${label}: ${req.action} is not supported for ${SINGULAR[kind]}s`);
      const pause = req.action === 'pause';
      if (Boolean(spec.paused) === pause) {
        return { message: `${label} ${pause ? 'already paused' : 'is not paused'}`, object: owner };
      }
      const object = await patch('merge', { spec: { paused: pause } });
      return { message: `${label} ${pause ? 'paused' : 'resumed'}`, object };
    }
    case 'restart': {
      if (spec.paused) {
        throw badRequest(`${label}: can't restart paused deployment (run rollout resume first)`);
      }
      const at = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const object = await patch('strategic', {
        spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } } } },
      });
      return { message: `${label} restarted`, object };
    }
    case 'undo':
      return undo(api, req, owner, kind, label, patch);
  }
}

async function undo(
  api: ApiServer,
  req: RolloutActionRequest,
  owner: KubeObject,
  kind: Owner,
  label: string,
  patch: (type: 'merge' | 'strategic' | 'json', body: unknown) => Promise<KubeObject>,
): Promise<RolloutActionResult> {
  const spec = (owner.spec ?? {}) as { paused?: boolean; template?: PodTemplateSpec };
  if (kind === 'deployments' && spec.paused) {
    throw badRequest(
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${owner.metadata.name}' and try again`,
    );
  }
  const all = await snapshots(api, owner, kind);
  const target = pickRevision(all, req.toRevision ?? 0, kind, label);
  const template = target.info.template as PodTemplateSpec;
  const same =
    kind === 'deployments'
      ? equalIgnoreHash(template, spec.template)
      : canonicalJson(template) === canonicalJson(spec.template ?? {});
  if (same) {
    return {
      message: `${label} skipped rollback (current template already matches revision ${target.info.revision})`,
      object: owner,
    };
  }
  if (kind === 'deployments') {
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(owner.metadata.annotations ?? {}))
      if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
    for (const [k, v] of Object.entries(target.source.metadata.annotations ?? {})) {
      if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
    }
    const object = await patch('json', [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'add', path: '/metadata/annotations', value: annotations },
    ]);
    return { message: `${label} rolled back`, object };
  }
  const object = await patch('strategic', target.source['data']);
  return { message: `${label} rolled back`, object };
}

/** deploymentRevision / history lookup: `toRevision` 0 means the one before the newest. */
function pickRevision(all: Snapshot[], toRevision: number, kind: Owner, label: string): Snapshot {
  if (toRevision > 0) {
    const s = all.find((x) => x.info.revision === toRevision);
    if (!s) throw new StatusError(404, 'NotFound', `unable to find specified revision ${toRevision} in history`);
    return s;
  }
  const sorted = [...all].sort((a, b) => b.info.revision - a.info.revision);
  if (sorted.length < 2) {
    throw badRequest(
      kind === 'deployments'
        ? `no rollout history found for ${label}`
        : `no last revision to roll back to for ${label}`,
    );
  }
  return sorted[1];
}
