// Exec in a simulated container: the command runs in the tiny shell (script.ts) against the
// container's files, on the runtime's clock. Unknown commands exit 127, as a shell would.
import { PassThrough, Writable } from 'node:stream';
import type { Clock } from '../../clock.js';
import type { ExecOptions, ExecResult, ExecSession } from '../types.js';
import { parseCommand, ScriptProcess } from './script.js';

/** ExecResult.exitCode when the command was abandoned at its timeout (same as the docker runtime). */
export const TIMED_OUT_EXIT_CODE = -1;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ExecHost {
  clock: Clock;
  files: Map<string, string>;
  /** Terminal sizes set through resize, newest last (tests read them). */
  resizes: { cols: number; rows: number }[];
}

export function simulatedExec(host: ExecHost, opts: ExecOptions): ExecSession {
  const tty = opts.tty ?? false;
  const stdout = new PassThrough();
  const stderr = tty ? null : new PassThrough();
  let resolveExit!: (code: number) => void;
  const exitCode = new Promise<number>((resolve) => (resolveExit = resolve));
  const statements = parseCommand(opts.command);
  const finish = (code: number): void => {
    stdout.end();
    stderr?.end();
    resolveExit(code);
  };
  if (!statements) {
    const message = `sh: ${JSON.stringify(opts.command)}: syntax the simulated runtime does not understand\n`;
    (stderr ?? stdout).write(message);
    queueMicrotask(() => finish(127));
    return { stdin: null, stdout, stderr, exitCode, resize: async () => undefined, close: () => undefined };
  }
  const process = new ScriptProcess(
    statements,
    {
      clock: host.clock,
      files: host.files,
      write: (stream, text) => {
        if (!stdout.writableEnded) (stream === 'stderr' && stderr ? stderr : stdout).write(text);
      },
    },
    finish,
    { pid1: false },
  );
  const stdin = opts.stdin
    ? new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          process.stdinData(chunk.toString());
          done();
        },
        final: (done) => {
          process.stdinEnd();
          done();
        },
      })
    : null;
  // Start after the caller has attached its listeners, as a real exec's output arrives later.
  queueMicrotask(() => process.start());
  return {
    stdin,
    stdout,
    stderr,
    exitCode,
    resize: async (cols, rows) => void host.resizes.push({ cols, rows }),
    close: () => void process.signal('KILL'),
  };
}

export async function simulatedExecSync(
  host: ExecHost,
  command: string[],
  timeoutMs: number,
  maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES,
): Promise<ExecResult> {
  const session = simulatedExec(host, { command });
  const capture = (stream: NodeJS.ReadableStream | null): Buffer[] => {
    const chunks: Buffer[] = [];
    let kept = 0;
    stream?.on('data', (chunk: Buffer) => {
      const part = chunk.subarray(0, Math.max(0, maxOutputBytes - kept));
      kept += part.length;
      if (part.length > 0) chunks.push(part);
    });
    return chunks;
  };
  const out = capture(session.stdout);
  const err = capture(session.stderr);
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = host.clock.setTimer(() => resolve('timeout'), timeoutMs)),
  );
  const outcome = await Promise.race([session.exitCode, timeout]);
  timer?.cancel();
  if (outcome === 'timeout') session.close();
  // Let buffered 'data' events flow before reading the captures.
  await new Promise((resolve) => setImmediate(resolve));
  return {
    exitCode: outcome === 'timeout' ? TIMED_OUT_EXIT_CODE : outcome,
    stdout: Buffer.concat(out),
    stderr: Buffer.concat(err),
    timedOut: outcome === 'timeout',
  };
}
