import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS } from '../../../src-main/bridge/session.js';
import { APPLY, SUBSCRIBE, UNSUBSCRIBE, type Reply, type WatchMessage } from '../../../src-main/ipc/contract.js';
import { DEPLOYMENT, startBridge, until } from './helpers.js';

type Ctx = Awaited<ReturnType<typeof startBridge>>;
let ctx: Ctx;
const ask = (channel: string, args: unknown, session = ctx.session) =>
  ctx.bridge.request(channel, args, session) as Promise<Reply<unknown>>;
const watchDeployments = (id: string) => ({
  id,
  topic: 'watch',
  args: { ref: { group: 'apps', resource: 'deployments' } },
});

beforeEach(async () => {
  ctx = await startBridge();
});
afterEach(async () => {
  ctx.session.dispose();
  await ctx.engine.stop();
});

describe('subscriptions', () => {
  it('a watch sends a SYNC and then batched changes with kubectl rows', async () => {
    expect(await ask(SUBSCRIBE, watchDeployments('w1'))).toEqual({ ok: true, result: { id: 'w1' } });
    expect(ctx.messages[0]).toMatchObject({ id: 'w1', message: { type: 'SYNC', rows: [] } });
    await ask(APPLY, { yaml: DEPLOYMENT });
    await until(() => ctx.messages.length > 1);
    const changes = (ctx.messages[1] as { message: WatchMessage }).message;
    expect(changes.type).toBe('CHANGES');
    if (changes.type === 'CHANGES') {
      expect(changes.changes[0]).toMatchObject({ type: 'ADDED', row: { key: 'default/web' } });
      expect(changes.changes[0].row.cells.slice(0, 4)).toEqual(['web', '0/2', 0, 0]);
    }
  });

  it('a summary watch carries metadata only (no spec, annotations or managedFields) with the same cells', async () => {
    await ask(APPLY, { yaml: DEPLOYMENT });
    await ask(SUBSCRIBE, { ...watchDeployments('full') });
    await ask(SUBSCRIBE, { id: 'slim', topic: 'watch', args: { ...watchDeployments('slim').args, summary: true } });
    const sync = (id: string) =>
      (ctx.messages.find((m) => (m as { id: string }).id === id) as { message: WatchMessage }).message;
    const full = sync('full');
    const slim = sync('slim');
    if (full.type !== 'SYNC' || slim.type !== 'SYNC') throw new Error('expected SYNC messages');
    expect(slim.rows[0].cells).toEqual(full.rows[0].cells);
    expect(full.rows[0].object.spec).toBeDefined();
    expect(full.rows[0].object.metadata.managedFields).toBeDefined();
    const summary = slim.rows[0].object;
    expect(summary).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
    expect(summary.metadata.uid).toBe(full.rows[0].object.metadata.uid);
    expect(summary.spec).toBeUndefined();
    expect(summary.metadata.annotations).toBeUndefined();
    expect(summary.metadata.managedFields).toBeUndefined();
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(full.rows[0].object).length / 2);
    expect(
      await ask(SUBSCRIBE, { id: 'bad', topic: 'watch', args: { ...watchDeployments('x').args, summary: 'yes' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 400 },
    });
  });

  it('unsubscribing stops the watch: no message arrives afterwards', async () => {
    await ask(SUBSCRIBE, watchDeployments('w1'));
    expect(ctx.session.size).toBe(1);
    expect(await ask(UNSUBSCRIBE, { id: 'w1' })).toEqual({ ok: true, result: { stopped: true } });
    expect(ctx.session.size).toBe(0);
    await ask(APPLY, { yaml: DEPLOYMENT });
    await new Promise((r) => setTimeout(r, 50));
    expect(ctx.messages).toHaveLength(1);
    expect(await ask(UNSUBSCRIBE, { id: 'w1' })).toEqual({ ok: true, result: { stopped: false } });
  });

  it('disposing a session (window closed, socket dropped) stops every watch it opened', async () => {
    for (const id of ['a', 'b', 'c']) await ask(SUBSCRIBE, watchDeployments(id));
    expect(ctx.session.size).toBe(3);
    ctx.session.dispose();
    expect(ctx.session.size).toBe(0);
    await ask(APPLY, { yaml: DEPLOYMENT });
    await new Promise((r) => setTimeout(r, 50));
    expect(
      ctx.messages.filter((m) => 'message' in m && m.message && 'type' in m.message && m.message.type === 'CHANGES'),
    ).toEqual([]);
    const refused = await ask(SUBSCRIBE, watchDeployments('d'));
    expect(refused).toMatchObject({ ok: false, error: { code: 410 } });
  });

  it('two sessions are independent: closing one leaves the other watching', async () => {
    const other: unknown[] = [];
    const second = ctx.bridge.openSession((m) => other.push(m));
    await ask(SUBSCRIBE, watchDeployments('same-id'));
    await ask(SUBSCRIBE, watchDeployments('same-id'), second);
    ctx.session.dispose();
    await ask(APPLY, { yaml: DEPLOYMENT }, second);
    await until(() => other.length > 1);
    second.dispose();
  });

  it('a duplicate id is refused and the original keeps running', async () => {
    await ask(SUBSCRIBE, watchDeployments('w1'));
    expect(await ask(SUBSCRIBE, watchDeployments('w1'))).toMatchObject({ ok: false, error: { code: 409 } });
    expect(ctx.session.size).toBe(1);
  });

  it('a session cannot hold more than the limit of subscriptions', async () => {
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) await ask(SUBSCRIBE, watchDeployments(`w${i}`));
    expect(await ask(SUBSCRIBE, watchDeployments('one-more'))).toMatchObject({ ok: false, error: { code: 429 } });
  });

  it('a watch on an unknown resource fails and leaves nothing open', async () => {
    const reply = await ask(SUBSCRIBE, { id: 'x', topic: 'watch', args: { ref: { group: '', resource: 'widgets' } } });
    expect(reply).toMatchObject({ ok: false, error: { code: 404 } });
    expect(ctx.session.size).toBe(0);
  });

  it('logs are refused with a readable reason while no node agent provides them', async () => {
    const reply = await ask(SUBSCRIBE, {
      id: 'l1',
      topic: 'logs',
      args: { namespace: 'default', pod: 'p', follow: true, previous: false, timestamps: false, tailLines: 100 },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 503, message: expect.stringContaining('node agent') } });
    expect(ctx.session.size).toBe(0);
  });

  it('a log stream is aborted when its subscription stops', async () => {
    let aborted = false;
    const { BridgeHandler } = await import('../../../src-main/bridge/handler.js');
    const bridge = new BridgeHandler({
      engine: ctx.engine,
      version: 'x',
      logs: {
        stream: (_req, onLines, signal) =>
          new Promise<void>((resolve) => {
            onLines({ lines: ['one', 'two'] });
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve();
            });
          }),
      },
    });
    const got: unknown[] = [];
    const session = bridge.openSession((m) => got.push(m));
    const args = { namespace: 'default', pod: 'p', follow: true, previous: false, timestamps: true };
    expect(await bridge.request(SUBSCRIBE, { id: 'l', topic: 'logs', args }, session)).toMatchObject({ ok: true });
    expect(got).toEqual([{ id: 'l', message: { lines: ['one', 'two'] } }]);
    session.dispose();
    expect(aborted).toBe(true);
  });
});
