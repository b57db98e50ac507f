// Label selectors as k8s.io/apimachinery/pkg/labels parses and matches them: the string syntax of
// `?labelSelector=` and `kubectl -l` (`app=web,tier!=db,env in (a,b),!canary`) and the structured
// metav1.LabelSelector of Deployments, Services and the rest, both turned into one `Selector`.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { badRequest } from '../errors.js';

/** selection.Operator, with the same spellings. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and without duplicates, as labels.NewRequirement stores them. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

export interface Selector {
  readonly requirements: readonly Requirement[];
  /** True for the selector that matches everything (no requirements). */
  readonly empty: boolean;
  matches(labels: Labels): boolean;
  /** Keys that must have one exact value (`a=b`, `a==b`, `a in (b)`), for index lookups. */
  requiredEquals(): Map<string, string>;
  /** Canonical string form: requirements sorted by key, parseable by parseLabelSelector. */
  toString(): string;
}

// --- validation (k8s.io/apimachinery/pkg/util/validation) -------------------------------------

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INT64 = /^[+-]?[0-9]+$/;

function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const parts = key.split('/');
  if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'";
  }
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > 253) return 'prefix part must be no more than 253 characters';
    if (!DNS1123_SUBDOMAIN.test(prefix)) {
      return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    }
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

function valueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

function isInt64(value: string): boolean {
  if (!INT64.test(value)) return false;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/**
 * labels.NewRequirement: validates the key and values for the operator. Errors are 400 BadRequest
 * with `unable to parse requirement: …`, the prefix the API server reports for bad selectors.
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const fail = (detail: string) => badRequest(`unable to parse requirement: ${detail}`);
  const keyError = keyProblem(key);
  if (keyError) throw fail(`key: Invalid value: ${JSON.stringify(key)}: ${keyError}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        throw fail("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        throw fail(
          `values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`,
        );
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        throw fail(
          `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        throw fail(
          `values: Invalid value: ${JSON.stringify(values)}: for 'Gt', 'Lt' operators, exactly one value is required`,
        );
      }
      if (!isInt64(values[0])) {
        throw fail(
          `values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
      break;
    default:
      throw fail(`operator: Unsupported value: ${JSON.stringify(operator)}`);
  }
  values.forEach((value, i) => {
    const problem = valueProblem(value);
    if (problem) throw fail(`values[${i}][${key}]: Invalid value: ${JSON.stringify(value)}: ${problem}`);
  });
  return { key, operator, values: [...new Set(values)].sort() };
}

// --- matching and printing ---------------------------------------------------------------------

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(value!)) return false;
      const have = BigInt(value!);
      const limit = BigInt(r.values[0]);
      return r.operator === 'gt' ? have > limit : have < limit;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case '!':
      return `!${r.key}`;
    case 'exists':
      return r.key;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];

  constructor(requirements: readonly Requirement[]) {
    // labels.Parse and Selector.Add keep requirements sorted by key (stable for equal keys).
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  requiredEquals(): Map<string, string> {
    const required = new Map<string, string>();
    for (const r of this.requirements) {
      const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
      if (exact && r.values.length === 1 && !required.has(r.key)) required.set(r.key, r.values[0]);
    }
    return required;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

/** labels.Nothing(): what a nil LabelSelector converts to. Prints as "", like Kubernetes. */
const NOTHING: Selector = {
  requirements: [],
  empty: false,
  matches: () => false,
  requiredEquals: () => new Map(),
  toString: () => '',
};

export function everythingSelector(): Selector {
  return new RequirementsSelector([]);
}

export function nothingSelector(): Selector {
  return NOTHING;
}

export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  return new RequirementsSelector(requirements);
}

/** Selector for `labels` as a set of `key=value` requirements (labels.SelectorFromSet). */
export function selectorFromSet(labels: Labels): Selector {
  return new RequirementsSelector(Object.entries(labels ?? {}).map(([k, v]) => newRequirement(k, '=', [v])));
}

// --- metav1.LabelSelector ----------------------------------------------------------------------

const EXPRESSION_OPERATORS: Record<string, Operator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector: a missing selector matches nothing, an empty `{}` matches
 * everything; matchLabels and matchExpressions are ANDed.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) {
    requirements.push(newRequirement(key, '=', [value]));
  }
  for (const expression of ls.matchExpressions ?? []) {
    const operator = EXPRESSION_OPERATORS[expression.operator];
    if (operator === undefined) {
      throw badRequest(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
    }
    requirements.push(newRequirement(expression.key, operator, expression.values ?? []));
  }
  return new RequirementsSelector(requirements);
}

/** Whether `labels` match a structured selector (nil matches nothing, `{}` everything). */
export function labelsMatchSelector(labels: Labels, ls: LabelSelector | null | undefined): boolean {
  return selectorFromLabelSelector(ls).matches(labels);
}

// --- the string syntax (labels.Parse) ----------------------------------------------------------

type TokenType =
  'identifier' | 'in' | 'notin' | '!' | '=' | '==' | '!=' | '>' | '<' | '(' | ')' | ',' | 'end' | 'error';

interface Token {
  type: TokenType;
  literal: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOLS = new Set(['!', '!=', '=', '==', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

/** labels.Lexer: identifiers run until whitespace or one of `=!(),><`. */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (WHITESPACE.has(ch)) {
      i++;
    } else if (SPECIAL.has(ch)) {
      // Longest run of symbol characters that is still a known operator.
      let symbol = ch;
      i++;
      while (i < input.length && SPECIAL.has(input[i]) && SYMBOLS.has(symbol + input[i])) symbol += input[i++];
      tokens.push({ type: SYMBOLS.has(symbol) ? (symbol as TokenType) : 'error', literal: symbol });
    } else {
      const start = i;
      while (i < input.length && !WHITESPACE.has(input[i]) && !SPECIAL.has(input[i])) i++;
      const word = input.slice(start, i);
      tokens.push({ type: word === 'in' || word === 'notin' ? word : 'identifier', literal: word });
    }
  }
  tokens.push({ type: 'end', literal: '' });
  return tokens;
}

class Parser {
  #tokens: Token[];
  #position = 0;

  constructor(input: string) {
    this.#tokens = lex(input);
  }

  /** In a value position the keywords `in` and `notin` are ordinary identifiers. */
  #peek(): Token {
    return asValue(this.#tokens[this.#position]);
  }

  #next(): Token {
    const token = this.#tokens[this.#position];
    if (token.type !== 'end') this.#position++;
    return token;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { type, literal } = this.#peek();
      if (type === 'end') return requirements;
      if (type !== 'identifier' && type !== '!') {
        throw parseError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.#requirement());
      const after = asValue(this.#next());
      if (after.type === 'end') return requirements;
      if (after.type !== ',') throw parseError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.#peek();
      if (following.type !== 'identifier' && following.type !== '!') {
        throw parseError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  #requirement(): Requirement {
    let token = asValue(this.#next());
    let operator: Operator | undefined;
    if (token.type === '!') {
      operator = '!';
      token = asValue(this.#next());
    }
    if (token.type !== 'identifier') throw parseError(`found '${token.literal}', expected: identifier`);
    const key = token.literal;
    const ahead = this.#peek().type;
    if (operator === '!' || ahead === 'end' || ahead === ',') {
      // `!a=b` stops after `!a`; the caller then reports the unexpected `=`.
      return newRequirement(key, operator ?? 'exists', []);
    }
    operator = this.#operator();
    const values = operator === 'in' || operator === 'notin' ? this.#valueSet() : [this.#exactValue()];
    return newRequirement(key, operator, values);
  }

  #operator(): Operator {
    const { type, literal } = this.#next();
    const operators: Partial<Record<TokenType, Operator>> = {
      in: 'in',
      notin: 'notin',
      '=': '=',
      '==': '==',
      '!=': '!=',
      '>': 'gt',
      '<': 'lt',
    };
    const operator = operators[type];
    if (operator === undefined) throw parseError(`found '${literal}', expected: in, notin, =, ==, !=, gt, lt`);
    return operator;
  }

  /** `(a,b)`; as in Kubernetes, `()` and empty items stand for the empty value. */
  #valueSet(): string[] {
    const open = asValue(this.#next());
    if (open.type !== '(') throw parseError(`found '${open.literal}', expected: '('`);
    const values: string[] = [];
    const first = this.#peek();
    if (first.type === ')') {
      this.#next();
      return [''];
    }
    if (first.type !== 'identifier' && first.type !== ',') {
      throw parseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    for (;;) {
      const token = asValue(this.#next());
      if (token.type === 'identifier') {
        values.push(token.literal);
        const ahead = this.#peek();
        if (ahead.type === ')') break;
        if (ahead.type !== ',') throw parseError(`found '${ahead.literal}', expected: ',' or ')'`);
      } else if (token.type === ',') {
        if (values.length === 0) values.push('');
        const ahead = this.#peek();
        if (ahead.type === ')') {
          values.push('');
          break;
        }
        if (ahead.type === ',') values.push('');
      } else {
        throw parseError(`found '${token.literal}', expected: ',', or identifier`);
      }
    }
    const close = this.#next();
    if (close.type !== ')') throw parseError(`found '${close.literal}', expected: ')'`);
    return values;
  }

  /** The value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is "". */
  #exactValue(): string {
    const ahead = this.#peek();
    if (ahead.type === 'end' || ahead.type === ',') return '';
    const token = asValue(this.#next());
    if (token.type !== 'identifier') throw parseError(`found '${token.literal}', expected: identifier`);
    return token.literal;
  }
}

function asValue(token: Token): Token {
  return token.type === 'in' || token.type === 'notin' ? { type: 'identifier', literal: token.literal } : token;
}

function parseError(detail: string) {
  return badRequest(`unable to parse requirement: ${detail}`);
}

/**
 * labels.Parse: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`,
 * comma-separated and ANDed. The empty string selects everything. Errors are 400 BadRequest.
 */
export function parseLabelSelector(input: string): Selector {
  return new RequirementsSelector(new Parser(input).parse());
}
