// `docker exec`: a hijacked connection carries stdin up and (demultiplexed, unless TTY) output
// down. The exit code is read from `exec.inspect()` once the output ends, as testcontainers does;
// the daemon may still say Running for a moment after the stream closes, so it is polled briefly.
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Clock } from '../../clock.js';
import type { ExecOptions, ExecResult, ExecSession } from '../types.js';
import { call } from './client.js';
import { pumpDemultiplexed } from './demux.js';

const EXIT_CODE_POLL_MS = 20;
const EXIT_CODE_POLLS = 250;
/** Kubelet caps exec probe output similarly (10 KiB); hooks and callers may ask for more. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** ExecResult.exitCode when the command was abandoned at its timeout (it may still be running). */
export const TIMED_OUT_EXIT_CODE = -1;

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}

async function exitCodeOf(exec: Dockerode.Exec, clock: Clock): Promise<number> {
  for (let poll = 0; poll < EXIT_CODE_POLLS; poll++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await sleep(clock, EXIT_CODE_POLL_MS);
  }
  throw new Error(`exec ${exec.id} ended its output but Docker reports no exit code after 5 s.`);
}

export async function exec(
  docker: Dockerode,
  endpoint: string,
  clock: Clock,
  id: string,
  opts: ExecOptions,
): Promise<ExecSession> {
  const tty = opts.tty ?? false;
  const wantStdin = opts.stdin ?? false;
  const handle = await call(endpoint, () =>
    docker.getContainer(id).exec({
      Cmd: opts.command,
      AttachStdin: wantStdin,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      Env: opts.env,
      WorkingDir: opts.workingDir,
    }),
  );
  const socket = (await call(endpoint, () =>
    handle.start({ hijack: true, stdin: wantStdin, Tty: tty }),
  )) as unknown as Duplex;

  const stdout = new PassThrough();
  const stderr = tty ? null : new PassThrough();
  const pumped = pumpDemultiplexed(socket, tty, stdout, stderr).catch((error: unknown) => {
    stdout.destroy(error as Error);
    stderr?.destroy(error as Error);
  });
  let closed = false;
  // A closed session's process may run on (it has not read EOF yet): there is no code to wait for.
  const exitCode = pumped.then(() =>
    closed ? Promise.reject(new Error('exec session was closed before the command ended')) : exitCodeOf(handle, clock),
  );
  exitCode.catch(() => undefined); // the caller may never look at it

  // stdin's end half-closes the connection: the process reads EOF, its output keeps flowing.
  const stdin = wantStdin
    ? new Writable({
        write: (chunk, _encoding, done) => void socket.write(chunk, done),
        final: (done) => {
          socket.end();
          done();
        },
      })
    : null;

  return {
    stdin,
    stdout,
    stderr,
    exitCode,
    resize: async (cols, rows) => {
      await call(endpoint, () => handle.resize({ w: cols, h: rows }));
    },
    close: () => {
      closed = true;
      socket.destroy();
    },
  };
}

/** Runs a command to completion, keeping at most `maxOutputBytes` of output (the rest is read and dropped). */
export async function execSync(
  docker: Dockerode,
  endpoint: string,
  clock: Clock,
  id: string,
  command: string[],
  timeoutMs: number,
  maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES,
): Promise<ExecResult> {
  const session = await exec(docker, endpoint, clock, id, { command });
  const collect = (stream: NodeJS.ReadableStream | null): { chunks: Buffer[]; done: Promise<void> } => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const done = new Promise<void>((resolve) => {
      if (!stream) return resolve();
      stream.on('data', (chunk: Buffer) => {
        const room = maxOutputBytes - kept;
        if (room <= 0) return;
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        chunks.push(part);
        kept += part.length;
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    return { chunks, done };
  };
  const out = collect(session.stdout);
  const err = collect(session.stderr);

  let timer: { cancel(): void } | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimer(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([session.exitCode.then((code) => ({ code })), timedOut]);
  timer?.cancel();
  if (outcome === 'timeout') {
    session.close();
    return {
      exitCode: TIMED_OUT_EXIT_CODE,
      stdout: Buffer.concat(out.chunks),
      stderr: Buffer.concat(err.chunks),
      timedOut: true,
    };
  }
  await Promise.all([out.done, err.done]);
  return {
    exitCode: outcome.code,
    stdout: Buffer.concat(out.chunks),
    stderr: Buffer.concat(err.chunks),
    timedOut: false,
  };
}
