import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Engine } from '../../../src-main/engine/index.js';
import { testEngine, deployRef, deployment, statusOf } from './helpers.js';
import { fromFieldsV1 } from '../../../src-main/engine/apiserver/managed-fields.js';

let engine: Engine;
beforeEach(async () => ({ engine } = await testEngine()));
afterEach(async () => engine.stop());

const owners = (obj: { metadata: { managedFields?: unknown[] } }) =>
  Object.fromEntries(
    (obj.metadata.managedFields as { manager: string; operation: string; fieldsV1: unknown }[]).map((e) => [
      `${e.manager}/${e.operation}`,
      fromFieldsV1(e.fieldsV1).map((p) => p.join('')),
    ]),
  );

describe('server-side apply (managedFields)', () => {
  it('creates the object and records an Apply entry owning exactly the applied fields', async () => {
    const d = await engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
      fieldManager: 'alice',
    });
    expect((d.spec as { replicas: number }).replicas).toBe(3);
    const own = owners(d)['alice/Apply'];
    expect(own).toContain('f:specf:replicas');
    expect(own).toContain('f:specf:templatef:specf:containersk:{"name":"main"}f:image');
    expect(own).not.toContain('f:specf:revisionHistoryLimit'); // defaulted by the server, not applied
  });

  it('an Update moves the fields it changes to its manager; re-applying them conflicts with 409 unless forced', async () => {
    await engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
      fieldManager: 'alice',
    });
    const edited = await engine.api.patch(
      deployRef('default', 'web'),
      'merge',
      { spec: { replicas: 5 } },
      { fieldManager: 'kubectl-edit' },
    );
    expect(owners(edited)['kubectl-edit/Update']).toEqual(['f:specf:replicas']);
    expect(owners(edited)['alice/Apply']).not.toContain('f:specf:replicas');

    const err = await statusOf(
      engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
        fieldManager: 'alice',
      }),
    );
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    expect(err.toStatus().details?.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-edit" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
    expect(((await engine.api.get(deployRef('default', 'web'))).spec as { replicas: number }).replicas).toBe(5);

    const forced = await engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
      fieldManager: 'alice',
      force: true,
    });
    expect((forced.spec as { replicas: number }).replicas).toBe(3);
    expect(owners(forced)['alice/Apply']).toContain('f:specf:replicas');
    expect(owners(forced)['kubectl-edit/Update']).toBeUndefined();
  });

  it('applying the same value another manager set is not a conflict: ownership is shared', async () => {
    await engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
      fieldManager: 'alice',
    });
    const both = await engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web', { replicas: 3 }), {
      fieldManager: 'bob',
    });
    expect(owners(both)['alice/Apply']).toContain('f:specf:replicas');
    expect(owners(both)['bob/Apply']).toContain('f:specf:replicas');
  });

  it('a field the manager applied before and now leaves out is removed', async () => {
    await engine.api.patch(
      deployRef('default', 'web'),
      'apply',
      deployment('web', { labels: { team: 'a', tier: 'web' } }),
      { fieldManager: 'alice' },
    );
    const after = await engine.api.patch(
      deployRef('default', 'web'),
      'apply',
      deployment('web', { labels: { team: 'a' } }),
      { fieldManager: 'alice' },
    );
    expect(after.metadata.labels).toEqual({ team: 'a' });
  });

  it('an apply without a fieldManager is a 400', async () => {
    const err = await statusOf(engine.api.patch(deployRef('default', 'web'), 'apply', deployment('web'), {}));
    expect(err.code).toBe(400);
    expect(err.message).toContain('must specify a fieldManager');
  });
});
