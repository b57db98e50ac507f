// The preload hands the page named contract functions only: no ipcRenderer, no generic send.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_FUNCTIONS, SUBSCRIPTION_MESSAGE } from '../../../src-main/ipc/contract.js';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, request: unknown) => ({ ok: true, result: { channel, request } }));
const listeners = new Map<string, (event: unknown, message: unknown) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke, on: (channel: string, fn: (e: unknown, m: unknown) => void) => listeners.set(channel, fn) },
}));

beforeAll(async () => {
  await import('../../../src-main/preload/index.js');
});

describe('the preload', () => {
  it('exposes exactly the contract functions on window.kubedesk', () => {
    expect(Object.keys(exposed)).toEqual(['kubedesk']);
    const api = exposed['kubedesk'] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...BRIDGE_FUNCTIONS].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
  });

  it('calls the named channel and rebuilds failures as real errors with Status fields', async () => {
    const api = exposed['kubedesk'] as { get(r: unknown): Promise<unknown> };
    await expect(api.get({ ref: { group: '', resource: 'pods', name: 'a' } })).resolves.toMatchObject({
      channel: 'kubedesk:get',
    });
    invoke.mockResolvedValueOnce({
      ok: false,
      error: {
        code: 422,
        reason: 'Invalid',
        message: 'bad',
        causes: [{ field: 'spec.x', message: 'no', reason: 'FieldValueInvalid' }],
      },
    } as never);
    const error = await api.get({ ref: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'bad', code: 422, reason: 'Invalid', causes: [{ field: 'spec.x' }] });
  });

  it('routes subscription messages by id and forgets a subscription after its end', async () => {
    const api = exposed['kubedesk'] as { subscribe(r: unknown, fn: (m: unknown) => void): Promise<unknown> };
    const got: unknown[] = [];
    await api.subscribe({ id: 'w1', topic: 'watch', args: {} }, (m) => got.push(m));
    const deliver = listeners.get(SUBSCRIPTION_MESSAGE)!;
    deliver(null, { id: 'other', end: true });
    deliver(null, { id: 'w1', message: { type: 'CHANGES', changes: [] } });
    deliver(null, { id: 'w1', end: true });
    deliver(null, { id: 'w1', message: { type: 'CHANGES', changes: [] } });
    expect(got).toHaveLength(2);
  });
});
