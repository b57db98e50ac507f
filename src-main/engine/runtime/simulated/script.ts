// A tiny shell for the simulated runtime, so the same container commands and exec probes work on
// both runtimes. It runs `sh -c "<script>"` (or a plain argv) one statement at a time on the
// injected clock — synchronously inside clock callbacks, so fake time moves it exactly.
//
// Understood, in busybox's spirit:
//   echo [-n] words…  (`>&2` sends to stderr)   true   false   exit [N]
//   sleep N | sleep infinity   (`sleep N &` then `wait` = sleep N, interruptible by a trap)
//   trap 'exit N' TERM   trap '' TERM   (ignore)   trap - TERM
//   touch FILE   rm [-f] FILE   cat [FILE…] (no FILE: copies stdin)   seq [FIRST] LAST   mkdir DIR
//   httpd / nc / tail -f / pause  (serve forever)
// Statements are separated by `;`, `&&` or newlines. Anything else is "not found" (status 127).
// As in a container, a PID 1 without a TERM trap ignores SIGTERM; other processes die with 143.
import type { Clock, TimerHandle } from '../../clock.js';

export interface Statement {
  argv: string[];
  background: boolean;
  toStderr: boolean;
}

const COMMANDS = new Set([
  'echo', 'true', 'false', 'exit', 'sleep', 'wait', 'trap', 'touch', 'rm', 'cat', 'seq', 'mkdir',
  'httpd', 'nc', 'tail', 'pause', ':',
]); // prettier-ignore
const SERVES_FOREVER = new Set(['httpd', 'nc', 'tail', 'pause']);

function basename(command: string): string {
  return command.slice(command.lastIndexOf('/') + 1);
}

/** Splits a script into statements; null when it uses syntax this shell does not have (pipes, $…). */
export function parseScript(script: string): Statement[] | null {
  const statements: Statement[] = [];
  let argv: string[] = [];
  let word: string | null = null;
  let toStderr = false;
  const endWord = (): void => {
    if (word !== null) argv.push(word);
    word = null;
  };
  const endStatement = (background: boolean): void => {
    endWord();
    if (argv.length > 0) statements.push({ argv, background, toStderr });
    argv = [];
    toStderr = false;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'" || c === '"') {
      const close = script.indexOf(c, i + 1);
      if (close < 0) return null;
      word = (word ?? '') + script.slice(i + 1, close);
      i = close;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';' || c === '\n') {
      endStatement(false);
    } else if (c === '&' && script[i + 1] === '&') {
      endStatement(false);
      i++;
    } else if (c === '&') {
      endStatement(true);
    } else if (script.startsWith('>&2', i) || script.startsWith('1>&2', i)) {
      endWord();
      toStderr = true;
      i += script[i] === '1' ? 3 : 2;
    } else if ('|<>$`(){}\\'.includes(c)) {
      return null;
    } else {
      word = (word ?? '') + c;
    }
  }
  endStatement(false);
  return statements;
}

/** The statements an argv runs: `sh -c script` is parsed, anything else is one statement. */
export function parseCommand(argv: string[]): Statement[] | null {
  if (argv.length === 0) return null;
  if (['sh', 'bash', 'ash'].includes(basename(argv[0])) && argv[1] === '-c' && argv[2] !== undefined) {
    return parseScript(argv[2]);
  }
  return [{ argv, background: false, toStderr: false }];
}

/** True when every statement is a command this shell knows (so a container can run it). */
export function understood(statements: Statement[] | null): statements is Statement[] {
  return statements !== null && statements.every((s) => COMMANDS.has(basename(s.argv[0])));
}

export interface ProcessHost {
  clock: Clock;
  files: Map<string, string>;
  write(stream: 'stdout' | 'stderr', text: string): void;
}

type Trap = { kind: 'ignore' } | { kind: 'exit'; code: number };

export class ScriptProcess {
  #statements: Statement[];
  #host: ProcessHost;
  #onExit: (code: number) => void;
  #pid1: boolean;
  #next = 0;
  #status = 0;
  #timer: TimerHandle | undefined;
  #backgroundUntil: number | undefined;
  #trap: Trap | undefined;
  #stdinWaiter = false;
  #exited = false;

  constructor(statements: Statement[], host: ProcessHost, onExit: (code: number) => void, options: { pid1: boolean }) {
    this.#statements = statements;
    this.#host = host;
    this.#onExit = onExit;
    this.#pid1 = options.pid1;
  }

  get exited(): boolean {
    return this.#exited;
  }

  start(): void {
    this.#run();
  }

  /** Delivers a signal; returns true when the process ended because of it. */
  signal(signal: 'TERM' | 'KILL'): boolean {
    if (this.#exited) return true;
    if (signal === 'KILL') return (this.#exit(137), true);
    if (this.#trap?.kind === 'ignore') return false;
    if (this.#trap?.kind === 'exit') return (this.#exit(this.#trap.code), true);
    if (this.#pid1) return false;
    return (this.#exit(143), true);
  }

  /** Stdin for `cat` with no file. */
  stdinData(text: string): void {
    if (this.#stdinWaiter && !this.#exited) this.#host.write('stdout', text);
  }

  stdinEnd(): void {
    if (!this.#stdinWaiter || this.#exited) return;
    this.#stdinWaiter = false;
    this.#run();
  }

  #exit(code: number): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#timer?.cancel();
    this.#onExit(code);
  }

  #pause(ms: number): void {
    if (ms === Infinity) return; // forever: only a signal ends it
    this.#timer = this.#host.clock.setTimer(() => this.#run(), ms);
  }

  #run(): void {
    this.#timer = undefined;
    while (!this.#exited) {
      const statement = this.#statements[this.#next++];
      if (!statement) return this.#exit(this.#status);
      const waitMs = this.#execute(statement);
      if (waitMs !== undefined) return this.#pause(waitMs);
    }
  }

  /** Runs one statement; returns how long to wait before the next (undefined = go on at once). */
  #execute({ argv, background, toStderr }: Statement): number | undefined {
    const [command, ...args] = argv;
    const name = basename(command);
    const files = this.#host.files;
    const out = (text: string): void => this.#host.write(toStderr ? 'stderr' : 'stdout', text);
    const err = (text: string): void => this.#host.write('stderr', text);
    this.#status = 0;
    switch (name) {
      case 'echo': {
        const noNewline = args[0] === '-n';
        out((noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n'));
        return undefined;
      }
      case 'true':
      case ':':
      case 'mkdir':
        return undefined;
      case 'false':
        this.#status = 1;
        return undefined;
      case 'exit':
        this.#exit(args[0] === undefined ? 0 : Number(args[0]) & 0xff);
        return undefined;
      case 'sleep': {
        const ms = args[0] === 'infinity' ? Infinity : Number(args[0]) * 1000;
        if (background) {
          this.#backgroundUntil = this.#host.clock.now() + ms;
          return undefined;
        }
        return Number.isFinite(ms) || ms === Infinity ? ms : 0;
      }
      case 'wait': {
        const until = this.#backgroundUntil;
        this.#backgroundUntil = undefined;
        return until === undefined ? undefined : Math.max(0, until - this.#host.clock.now());
      }
      case 'trap': {
        const [action, ...signals] = args;
        if (signals.some((s) => ['TERM', 'SIGTERM', '15'].includes(s))) {
          const exit = /^exit\s*(\d*)$/.exec(action ?? '');
          this.#trap =
            action === '' ? { kind: 'ignore' } : exit ? { kind: 'exit', code: Number(exit[1] || 0) } : undefined;
        }
        return undefined;
      }
      case 'touch':
        for (const path of args) if (!files.has(path)) files.set(path, '');
        return undefined;
      case 'rm':
        for (const path of args.filter((a) => !a.startsWith('-'))) {
          if (!files.delete(path) && !args.includes('-f') && !args.includes('-rf')) {
            err(`rm: can't remove '${path}': No such file or directory\n`);
            this.#status = 1;
          }
        }
        return undefined;
      case 'cat':
        if (args.length === 0) {
          this.#stdinWaiter = true;
          return Infinity; // until stdin ends
        }
        for (const path of args) {
          const content = files.get(path);
          if (content === undefined) {
            err(`cat: can't open '${path}': No such file or directory\n`);
            this.#status = 1;
          } else out(content);
        }
        return undefined;
      case 'seq': {
        const [first, last] = args.length >= 2 ? [Number(args[0]), Number(args[1])] : [1, Number(args[0])];
        const lines: string[] = [];
        for (let n = first; n <= last; n++) lines.push(`${n}\n`);
        out(lines.join(''));
        return undefined;
      }
      default:
        if (SERVES_FOREVER.has(name)) return Infinity;
        err(`sh: ${command}: not found\n`);
        this.#status = 127;
        return undefined;
    }
  }
}
