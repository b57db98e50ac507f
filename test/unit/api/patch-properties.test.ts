import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMergePatch,
  applyStrategicMergePatch,
  createMergePatch,
  createStrategicMergePatch,
  createThreeWayMergePatch,
} from '../../../src-main/engine/api/patch/index.js';

// JSON values without nulls (a null in the target cannot round-trip: a patch null means delete).
// Keys never start with `$`, which strategic merge patch reserves for directives.
const key = fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('$') && k !== '__proto__');
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 5 }),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('json'), { maxLength: 3 }),
  object: fc.dictionary(key, tie('json'), { maxKeys: 4 }),
}));
const jsonObject = fc.dictionary(key, json, { maxKeys: 5 });

// Deployment-shaped objects whose lists have the merge keys of merge-keys.ts. Names come from a
// small alphabet so that original and modified share items.
const name = fc.constantFrom('a', 'b', 'c', 'd');
const uniqueBy = <T>(arb: fc.Arbitrary<T>, by: (t: T) => unknown) =>
  fc.uniqueArray(arb, { selector: by, maxLength: 4 });
const env = uniqueBy(
  fc.record({ name, value: fc.string({ maxLength: 3 }) }, { requiredKeys: ['name'] }),
  (e) => e.name,
);
const ports = uniqueBy(
  fc.record(
    { containerPort: fc.constantFrom(80, 443, 8080), protocol: fc.constantFrom('TCP', 'UDP') },
    { requiredKeys: ['containerPort'] },
  ),
  (p) => p.containerPort,
);
const container = fc.record(
  {
    name,
    image: fc.constantFrom('nginx', 'redis'),
    env,
    ports,
    args: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  },
  { requiredKeys: ['name'] },
);
const volume = fc.oneof(
  fc.record({ name, emptyDir: fc.constant({}) }),
  fc.record({ name, configMap: fc.record({ name: fc.constantFrom('x', 'y') }) }),
);
const deployment = fc.record(
  {
    metadata: fc.record(
      {
        name: fc.constant('web'),
        labels: fc.dictionary(name, fc.constantFrom('1', '2'), { maxKeys: 3 }),
        finalizers: fc.uniqueArray(fc.constantFrom('f1', 'f2', 'f3', 'f4'), { maxLength: 3 }),
      },
      { requiredKeys: ['name'] },
    ),
    spec: fc.record(
      {
        replicas: fc.nat(5),
        strategy: fc.oneof(
          fc.record({ type: fc.constant('Recreate') }),
          fc.record({ type: fc.constant('RollingUpdate'), rollingUpdate: fc.record({ maxSurge: fc.nat(3) }) }),
        ),
        template: fc.record({
          spec: fc.record(
            {
              containers: uniqueBy(container, (c) => c.name),
              volumes: uniqueBy(volume, (v) => v.name),
              tolerations: fc.array(fc.record({ key: name }), { maxLength: 2 }),
            },
            { requiredKeys: [] },
          ),
        }),
        extra: jsonObject,
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['metadata'] },
);

const KIND = 'apps/v1/Deployment';

describe('patch properties', () => {
  it('a strategic merge patch created between two Deployments turns the first into the second', () => {
    fc.assert(
      fc.property(deployment, deployment, (original, modified) => {
        const patch = createStrategicMergePatch(original, modified, KIND);
        expect(applyStrategicMergePatch(original, patch, KIND)).toEqual(modified);
      }),
      { numRuns: 300 },
    );
  });

  it('a strategic merge patch created between arbitrary JSON objects round-trips, for known and unknown kinds', () => {
    fc.assert(
      fc.property(
        jsonObject,
        jsonObject,
        fc.constantFrom(KIND, 'v1/Pod', 'example.com/v1/Widget'),
        (original, modified, kind) => {
          const patch = createStrategicMergePatch(original, modified, kind);
          expect(applyStrategicMergePatch(original, patch, kind)).toEqual(modified);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applying an empty strategic merge patch is the identity', () => {
    fc.assert(
      fc.property(fc.oneof(deployment, jsonObject), (original) => {
        expect(applyStrategicMergePatch(original, {}, KIND)).toEqual(original);
      }),
    );
  });

  it('the three-way patch against an unchanged live object equals the two-way result', () => {
    fc.assert(
      fc.property(deployment, deployment, (original, modified) => {
        const patch = createThreeWayMergePatch(original, modified, original, KIND);
        expect(applyStrategicMergePatch(original, patch, KIND)).toEqual(modified);
      }),
      { numRuns: 200 },
    );
  });

  it('the three-way patch is empty when the configuration is unchanged and the live object matches it', () => {
    fc.assert(
      fc.property(deployment, (config) => {
        expect(createThreeWayMergePatch(config, config, config, KIND)).toEqual({});
      }),
    );
  });

  it('a JSON merge patch created between two objects turns the first into the second', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (original, modified) => {
        expect(applyMergePatch(original, createMergePatch(original, modified))).toEqual(modified);
      }),
      { numRuns: 300 },
    );
  });

  it('applying an empty JSON merge patch is the identity', () => {
    fc.assert(
      fc.property(jsonObject, (original) => {
        expect(applyMergePatch(original, {})).toEqual(original);
      }),
    );
  });
});
