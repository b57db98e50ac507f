// Field selectors (`?fieldSelector=`, `kubectl --field-selector`), parsed as
// k8s.io/apimachinery/pkg/fields.ParseSelector does and checked against the fields each kind
// makes selectable (its registry's `…ToSelectableFields` plus the field label conversion funcs in
// pkg/apis/*/v1/conversion.go). Only `=`, `==` and `!=` exist; values escape `\`, `,` and `=`
// with a backslash.
import { badRequest } from '../errors.js';
import { isObject } from '../types.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly empty: boolean;
  matches(obj: unknown): boolean;
  /** Fields that must equal one value (`=`, `==`), for index lookups. */
  requiredEquals(): Map<string, string>;
  toString(): string;
}

type FieldGetter = (obj: Record<string, unknown>) => string;

/** Reads a dotted path as a string; a missing field is "", as Go's zero value prints. */
function text(path: string, missing = ''): FieldGetter {
  const parts = path.split('.');
  return (obj) => {
    let node: unknown = obj;
    for (const part of parts) node = isObject(node) ? node[part] : undefined;
    return node === undefined || node === null ? missing : String(node);
  };
}

const OBJECT_META: Record<string, FieldGetter> = {
  'metadata.name': text('metadata.name'),
  'metadata.namespace': text('metadata.namespace'),
};

/** Selectable fields beyond metadata.name and metadata.namespace, by kind. */
const KIND_FIELDS: Record<string, Record<string, FieldGetter>> = {
  // pkg/registry/core/pod/strategy.go ToSelectableFields.
  Pod: {
    'spec.nodeName': text('spec.nodeName'),
    'spec.restartPolicy': text('spec.restartPolicy'),
    'spec.schedulerName': text('spec.schedulerName'),
    'spec.serviceAccountName': text('spec.serviceAccountName'),
    'spec.hostNetwork': text('spec.hostNetwork', 'false'),
    'status.phase': text('status.phase'),
    // status.podIP is the first of status.podIPs.
    'status.podIP': (obj) => text('status.podIP')(obj) || firstPodIP(obj),
    'status.nominatedNodeName': text('status.nominatedNodeName'),
  },
  // pkg/registry/core/event/strategy.go ToSelectableFields; `source` is source.component.
  Event: {
    'involvedObject.kind': text('involvedObject.kind'),
    'involvedObject.namespace': text('involvedObject.namespace'),
    'involvedObject.name': text('involvedObject.name'),
    'involvedObject.uid': text('involvedObject.uid'),
    'involvedObject.apiVersion': text('involvedObject.apiVersion'),
    'involvedObject.resourceVersion': text('involvedObject.resourceVersion'),
    'involvedObject.fieldPath': text('involvedObject.fieldPath'),
    reason: text('reason'),
    reportingComponent: text('reportingComponent'),
    source: text('source.component'),
    type: text('type'),
  },
  Secret: { type: text('type') },
  Namespace: { 'status.phase': text('status.phase') },
  Node: { 'spec.unschedulable': text('spec.unschedulable', 'false') },
  ReplicationController: { 'status.replicas': text('status.replicas', '0') },
  ReplicaSet: { 'status.replicas': text('status.replicas', '0') },
  // `status.successful` is JobStatus.succeeded (pkg/registry/batch/job/strategy.go).
  Job: { 'status.successful': text('status.succeeded', '0') },
  CertificateSigningRequest: { 'spec.signerName': text('spec.signerName') },
};

function firstPodIP(obj: Record<string, unknown>): string {
  const status = isObject(obj.status) ? obj.status : {};
  const first: unknown = Array.isArray(status.podIPs) ? status.podIPs[0] : undefined;
  return isObject(first) && typeof first.ip === 'string' ? first.ip : '';
}

/** `Pod`, `v1/Pod`, `apps/v1/ReplicaSet`, `ReplicaSet.apps` → the bare kind. */
function bareKind(kind: string): string {
  const last =
    kind
      .trim()
      .split(/[/\s,=]+/)
      .pop() ?? '';
  return last.split('.')[0];
}

/** The selectable fields of a kind: metadata.name and metadata.namespace for every kind. */
export function selectableFields(kind: string): string[] {
  return [...Object.keys(OBJECT_META), ...Object.keys(KIND_FIELDS[bareKind(kind)] ?? {})];
}

// --- parsing (fields.ParseSelector) ------------------------------------------------------------

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\\') i++;
    else if (input[i] === ',') {
      terms.push(input.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(input.slice(start));
  return terms;
}

/** The first operator in the term wins, `!=` and `==` before `=` at the same position. */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: ${JSON.stringify(`\\${next ?? ''}`)}`);
      }
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      throw badRequest(`invalid field selector: unescaped ${JSON.stringify(ch)} in value ${JSON.stringify(value)}`);
    } else {
      out += ch;
    }
  }
  return out;
}

export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

class RequirementsFieldSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly #getters: Record<string, FieldGetter>;

  constructor(requirements: FieldRequirement[], getters: Record<string, FieldGetter>) {
    this.requirements = requirements;
    this.#getters = getters;
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(obj: unknown): boolean {
    const record = isObject(obj) ? obj : {};
    return this.requirements.every(({ field, operator, value }) => {
      const actual = this.#getters[field](record);
      return operator === '!=' ? actual !== value : actual === value;
    });
  }

  requiredEquals(): Map<string, string> {
    const required = new Map<string, string>();
    for (const { field, operator, value } of this.requirements) {
      if (operator !== '!=' && !required.has(field)) required.set(field, value);
    }
    return required;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/**
 * Parses a field selector for objects of `kind` (`Pod`, `v1/Pod`…). A field the kind does not
 * make selectable is rejected like the API server does: `field label not supported: <field>`.
 * The empty string selects everything.
 */
export function parseFieldSelector(input: string, kind: string): FieldSelector {
  const getters = { ...OBJECT_META, ...KIND_FIELDS[bareKind(kind)] };
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(input)) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const [field, operator, raw] = parts;
    const value = unescapeValue(raw);
    if (!Object.hasOwn(getters, field)) throw badRequest(`field label not supported: ${field}`);
    requirements.push({ field, operator, value });
  }
  return new RequirementsFieldSelector(requirements, getters);
}
