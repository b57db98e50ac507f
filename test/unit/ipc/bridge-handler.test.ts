import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPLY,
  CLUSTER_INFO,
  CREATE,
  DELETE,
  EVENTS,
  GET,
  LIST,
  PATCH,
  SCALE,
  UPDATE,
  type ApplyDocumentResult,
  type ClusterInfo,
  type ErrorInfo,
  type KubeObject,
  type ListResult,
  type Reply,
} from '../../../src-main/ipc/contract.js';
import { DEPLOYMENT, startBridge } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof startBridge>>;
let ctx: Ctx;
const ask = <T>(channel: string, args: unknown) => ctx.bridge.request(channel, args, ctx.session) as Promise<Reply<T>>;
const ok = async <T>(channel: string, args: unknown): Promise<T> => {
  const reply = await ask<T>(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.message}`);
  return reply.result;
};
const err = async (channel: string, args: unknown): Promise<ErrorInfo> => {
  const reply = await ask(channel, args);
  if (reply.ok) throw new Error(`${channel} succeeded`);
  return reply.error;
};
const deployment = { group: 'apps', resource: 'deployments', namespace: 'default', name: 'web' };

beforeEach(async () => {
  ctx = await startBridge();
});
afterEach(async () => {
  ctx.session.dispose();
  await ctx.engine.stop();
});

describe('the bridge handler', () => {
  it('describes the cluster with every registry kind and its printer columns', async () => {
    const info = await ok<ClusterInfo>(CLUSTER_INFO, {});
    expect(info.version).toBe('9.9.9');
    const pods = info.kinds.find((k) => k.kind === 'Pod')!;
    expect(pods.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']),
    );
    expect(info.features.logs).toBe(false);
  });

  it('applies multi-document YAML and reports each document', async () => {
    const yaml = `${DEPLOYMENT}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata: { a: "1" }\n---\napiVersion: v1\nkind: Nope\nmetadata: { name: x }\n`;
    const results = await ok<ApplyDocumentResult[]>(APPLY, { yaml, namespace: 'default' });
    expect(results.map((r) => [r.kind, r.name, r.action ?? r.error?.reason])).toEqual([
      ['Deployment', 'web', 'created'],
      ['ConfigMap', 'cfg', 'created'],
      ['Nope', undefined, 'NotFound'],
    ]);
    const again = await ok<ApplyDocumentResult[]>(APPLY, { yaml: DEPLOYMENT });
    expect(again[0].action).toBe('unchanged');
  });

  it('lists with the kubectl cells computed in main', async () => {
    await ok(APPLY, { yaml: DEPLOYMENT });
    const list = await ok<ListResult>(LIST, { ref: { group: 'apps', resource: 'deployments' } });
    expect(list.columns.slice(0, 5).map((c) => c.name)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(list.rows).toHaveLength(1);
    expect(list.rows[0].key).toBe('default/web');
    expect(list.rows[0].cells.slice(0, 4)).toEqual(['web', '0/2', 0, 0]);
    expect(list.rows[0].object.kind).toBe('Deployment');
  });

  it('carries validation failures as Status causes with field paths', async () => {
    await ok(APPLY, { yaml: DEPLOYMENT });
    const live = await ok<KubeObject>(GET, { ref: deployment });
    (live.spec as { replicas: number }).replicas = -3;
    const error = await err(UPDATE, { ref: deployment, object: live });
    expect(error.code).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.causes).toContainEqual(expect.objectContaining({ field: 'spec.replicas' }));
  });

  it('answers a stale update with 409 Conflict', async () => {
    await ok(APPLY, { yaml: DEPLOYMENT });
    const live = await ok<KubeObject>(GET, { ref: deployment });
    await ok(PATCH, { ref: deployment, patchType: 'merge', patch: { metadata: { labels: { tier: 'front' } } } });
    const error = await err(UPDATE, { ref: deployment, object: live });
    expect(error.code).toBe(409);
  });

  it('creates, scales and deletes, and reports unknown resources as 404', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { k: 'v' } };
    const created = await ok<KubeObject>(CREATE, {
      ref: { group: '', resource: 'configmaps', namespace: 'default' },
      object: cm,
    });
    expect(created.metadata.uid).toBeTruthy();
    await ok(APPLY, { yaml: DEPLOYMENT });
    expect(await ok(SCALE, { ref: deployment, replicas: 5 })).toEqual({ replicas: 5 });
    const scaleCm = await err(SCALE, {
      ref: { group: '', resource: 'configmaps', namespace: 'default', name: 'c1' },
      replicas: 1,
    });
    expect(scaleCm.code).toBe(405);
    expect(await ok(DELETE, { ref: deployment, propagationPolicy: 'Foreground' })).toMatchObject({ removed: false });
    expect((await err(LIST, { ref: { group: '', resource: 'widgets' } })).code).toBe(404);
  });

  it('lists the events of one object', async () => {
    await ok(APPLY, { yaml: DEPLOYMENT });
    const live = await ok<KubeObject>(GET, { ref: deployment });
    await ctx.engine.recorder('test').event(live, 'Warning', 'Broken', 'it broke');
    const events = await ok<KubeObject[]>(EVENTS, { ref: deployment });
    expect(events.map((e) => e['reason'])).toEqual(['Broken']);
  });

  it('refuses unknown channels and malformed payloads without touching the engine', async () => {
    expect((await err('kubedesk:exec', {})).code).toBe(404);
    const bad = await err(CREATE, { ref: { group: '', resource: 'configmaps', namespace: 'default' }, object: 'x' });
    expect(bad).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      causes: [expect.objectContaining({ field: 'request.object' })],
    });
    expect(ctx.engine.store.list('configmaps', 'default')).toHaveLength(0);
  });
});
