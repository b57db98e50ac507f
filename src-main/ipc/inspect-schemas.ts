// Validators for the inspection channels (probe history, scheduling, exec, run now, drain) and the
// `exec` subscription topic. Same rules as schemas.ts: bounded sizes, unknown fields rejected, names
// limited to what Kubernetes names can be; an exec command is an argv array, never a shell string.
import type { ExecInput, ExecRequest } from './contract.js';
import { CONTAINER, NAME, NAMESPACE, SUBSCRIPTION_ID } from './fields.js';
import { integer, object, optional, SchemaError, string, type Schema } from './validate.js';

/** At most this many arguments of at most 4 KiB each: a command line, not a payload. */
export const MAX_EXEC_ARGS = 64;
/** One input frame (a paste is split by the terminal into frames of this size). */
export const MAX_EXEC_INPUT = 64 * 1024;

const ARG = string({ max: 4096, pattern: /^[^\0]*$/, patternName: 'an argument without NUL bytes' });

const command: Schema<string[]> = {
  parse(value, field = 'command') {
    if (!Array.isArray(value)) throw new SchemaError(field, 'expected an array of strings (the argv)');
    if (value.length === 0) throw new SchemaError(field, 'required value is missing: a command to run');
    if (value.length > MAX_EXEC_ARGS) throw new SchemaError(field, `expected at most ${MAX_EXEC_ARGS} arguments`);
    const argv = value.map((a, i) => ARG.parse(a, `${field}[${i}]`));
    if (argv[0] === '') throw new SchemaError(`${field}[0]`, 'the program name must not be empty');
    return argv;
  },
};

const bool: Schema<boolean> = {
  parse(value, field = 'value') {
    if (typeof value !== 'boolean') throw new SchemaError(field, 'expected a boolean');
    return value;
  },
};

/** An attempt's time as the agent records it (RFC 3339, up to nanoseconds). */
const TIME = string({
  max: 40,
  pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/,
  patternName: 'an RFC 3339 time',
});

export const probesRequest = object({
  namespace: NAMESPACE,
  pod: NAME,
  container: optional(CONTAINER),
  since: optional(TIME),
});
export const schedulingRequest = object({ namespace: NAMESPACE, pod: NAME });
export const runCronJobRequest = object({ namespace: NAMESPACE, name: NAME });
export const drainRequest = object({ node: NAME });

export const execRequest: Schema<ExecRequest> = object({
  namespace: NAMESPACE,
  pod: NAME,
  container: optional(CONTAINER),
  command,
  tty: bool,
  cols: optional(integer(1, 1000)),
  rows: optional(integer(1, 1000)),
});

export const execInput: Schema<ExecInput> = {
  parse(value, field = 'request') {
    const input = object({
      id: SUBSCRIPTION_ID,
      data: optional(string({ max: MAX_EXEC_INPUT })),
      resize: optional(object({ cols: integer(1, 1000), rows: integer(1, 1000) })),
    }).parse(value, field);
    if (input.data === undefined && input.resize === undefined) {
      throw new SchemaError(field, 'expected data or resize');
    }
    return input;
  },
};
