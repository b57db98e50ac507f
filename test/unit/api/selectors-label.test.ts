import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src-main/engine/api/errors.js';
import {
  labelsMatchSelector,
  newRequirement,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromRequirements,
  type Operator,
} from '../../../src-main/engine/api/selectors/index.js';

function rejection(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected a parse error');
}

const web = { app: 'web', tier: 'front', env: 'prod' };

describe('label selector strings (labels.Parse)', () => {
  it('= and == select labels with that value; != also selects objects without the label', () => {
    expect(parseLabelSelector('app=web').matches(web)).toBe(true);
    expect(parseLabelSelector('app==web').matches(web)).toBe(true);
    expect(parseLabelSelector('app=db').matches(web)).toBe(false);
    expect(parseLabelSelector('app!=db').matches(web)).toBe(true);
    expect(parseLabelSelector('missing!=x').matches(web)).toBe(true);
  });

  it('in and notin take a parenthesised set; notin also selects objects without the label', () => {
    expect(parseLabelSelector('env in (prod, staging)').matches(web)).toBe(true);
    expect(parseLabelSelector('env notin (prod)').matches(web)).toBe(false);
    expect(parseLabelSelector('zone notin (a)').matches(web)).toBe(true);
  });

  it('a bare key requires the label and !key forbids it', () => {
    expect(parseLabelSelector('tier').matches(web)).toBe(true);
    expect(parseLabelSelector('!tier').matches(web)).toBe(false);
    expect(parseLabelSelector('!canary').matches(web)).toBe(true);
    expect(parseLabelSelector('!canary').matches(undefined)).toBe(true);
  });

  it('comma-separated requirements are ANDed, whitespace tolerated', () => {
    const sel = parseLabelSelector('  app = web ,tier in (front,back) , !canary ');
    expect(sel.matches(web)).toBe(true);
    expect(sel.matches({ ...web, canary: 'yes' })).toBe(false);
    expect(sel.toString()).toBe('app=web,!canary,tier in (back,front)');
  });

  it('gt and lt compare integer label values', () => {
    expect(parseLabelSelector('gen>3').matches({ gen: '4' })).toBe(true);
    expect(parseLabelSelector('gen<3').matches({ gen: '4' })).toBe(false);
    expect(parseLabelSelector('gen>3').matches({ gen: 'x' })).toBe(false);
  });

  it('the empty string selects everything', () => {
    const sel = parseLabelSelector('');
    expect(sel.empty).toBe(true);
    expect(sel.matches(undefined)).toBe(true);
    expect(sel.toString()).toBe('');
  });

  it('keys may carry a DNS prefix and values may be empty', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=web').matches({ 'app.kubernetes.io/name': 'web' })).toBe(true);
    expect(parseLabelSelector('a=').matches({ a: '' })).toBe(true);
    expect(parseLabelSelector('a in ()').matches({ a: '' })).toBe(true);
  });

  it('"in" and "notin" are valid keys and values where an identifier is expected', () => {
    expect(parseLabelSelector('in=notin').matches({ in: 'notin' })).toBe(true);
  });

  it('exact requirements are extractable for index lookups', () => {
    const sel = parseLabelSelector('app=web,tier in (front),env in (a,b),x!=y,z');
    expect(sel.requiredEquals()).toEqual(
      new Map([
        ['app', 'web'],
        ['tier', 'front'],
      ]),
    );
  });

  it('parse errors name the problem', () => {
    const cases: [string, RegExp][] = [
      ['app=web,', /unable to parse requirement: found '', expected: identifier after ','/],
      ['app web', /found 'web', expected: in, notin, =, ==, !=, gt, lt/],
      ['env in prod', /found 'prod', expected: '\('/],
      ['env in (a b)', /found 'b', expected: ',' or '\)'/],
      ['!app=web', /found '=', expected: ',' or 'end of string'/],
      ['-bad=x', /key: Invalid value: "-bad": name part must consist of alphanumeric characters/],
      ['app=-x', /values\[0\]\[app\]: Invalid value: "-x": a valid label must be an empty string/],
      ['a>b', /for 'Gt', 'Lt' operators, the value must be an integer/],
      [',', /found ',', expected: !, identifier, or 'end of string'/],
    ];
    for (const [input, message] of cases) {
      const err = rejection(() => parseLabelSelector(input));
      expect(err.code, input).toBe(400);
      expect(err.message, input).toMatch(message);
      expect(err.message, input).toMatch(/^unable to parse requirement: /);
    }
  });
});

describe('metav1.LabelSelector (LabelSelectorAsSelector)', () => {
  it('a missing selector matches nothing and an empty one matches everything', () => {
    expect(selectorFromLabelSelector(undefined).matches(web)).toBe(false);
    expect(selectorFromLabelSelector(null).matches(web)).toBe(false);
    expect(selectorFromLabelSelector({}).matches(web)).toBe(true);
    expect(selectorFromLabelSelector({}).empty).toBe(true);
    expect(labelsMatchSelector(undefined, {})).toBe(true);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const ls = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'env', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    expect(labelsMatchSelector(web, ls)).toBe(true);
    expect(labelsMatchSelector({ ...web, canary: '1' }, ls)).toBe(false);
    // Requirements print sorted by key, as Selector.String does.
    expect(selectorFromLabelSelector(ls).toString()).toBe('app=web,!canary,env notin (dev),env,tier in (back,front)');
  });

  it('invalid expressions are rejected as Kubernetes rejects them', () => {
    expect(() =>
      selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }),
    ).toThrow('"Gt" is not a valid label selector operator');
    expect(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      /values set can't be empty/,
    );
    expect(() =>
      selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    ).toThrow(/values set must be empty for exists and does not exist/);
  });
});

// --- properties --------------------------------------------------------------------------------

const labelKey = fc.constantFrom('app', 'tier', 'example.com/team', 'a.b_c-d');
const labelValue = fc.constantFrom('', 'web', 'db', 'v1.2', 'x_y', '7', '12');
const labelMap = fc.dictionary(labelKey, labelValue, { maxKeys: 4 });
const requirement = fc.oneof(
  fc.record({ key: labelKey, op: fc.constantFrom<Operator>('=', '==', '!='), values: fc.tuple(labelValue) }),
  fc.record({
    key: labelKey,
    op: fc.constantFrom<Operator>('in', 'notin'),
    values: fc.array(labelValue, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ key: labelKey, op: fc.constantFrom<Operator>('exists', '!'), values: fc.constant([] as string[]) }),
  fc.record({
    key: labelKey,
    op: fc.constantFrom<Operator>('gt', 'lt'),
    values: fc.tuple(fc.constantFrom('0', '7', '10')),
  }),
);
const selector = fc
  .array(requirement, { maxLength: 4 })
  .map((reqs) => selectorFromRequirements(reqs.map((r) => newRequirement(r.key, r.op, r.values))));

describe('label selector properties', () => {
  it('parsing a selector printed with toString matches exactly the same label maps', () => {
    fc.assert(
      fc.property(selector, labelMap, (sel, labels) => {
        const reparsed = parseLabelSelector(sel.toString());
        expect(reparsed.toString()).toBe(sel.toString());
        expect(reparsed.matches(labels)).toBe(sel.matches(labels));
      }),
      { numRuns: 500 },
    );
  });

  it('"a in (x)" selects the same as "a=x"', () => {
    fc.assert(
      fc.property(labelKey, labelValue, labelMap, (k, v, labels) => {
        expect(parseLabelSelector(`${k} in (${v})`).matches(labels)).toBe(
          parseLabelSelector(`${k}=${v}`).matches(labels),
        );
      }),
    );
  });

  it('"!a" selects exactly what "a" does not', () => {
    fc.assert(
      fc.property(labelKey, labelMap, (k, labels) => {
        expect(parseLabelSelector(`!${k}`).matches(labels)).toBe(!parseLabelSelector(k).matches(labels));
      }),
    );
  });
});
