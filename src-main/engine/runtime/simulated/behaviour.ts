// What a simulated image does when it runs. Tests set a behaviour per image (or per repository,
// all tags) on the runtime; image tags also carry a few conventions so a manifest alone can ask
// for a crash or a slow pull without any test code:
//
//   <repo>:missing   not pullable — pullImage rejects with ImageNotFoundError
//   <repo>:crash     exits with code 1, 1 s after it starts
//   <repo>:complete  exits with code 0, 1 s after it starts (Jobs)
//   <repo>:oom       is OOM-killed (exit 137, oomKilled) 1 s after it starts
//   <repo>:slow      pulls in 5 s and starts in 2 s
//
// A container whose command is a small shell script (`sh -c "echo hi; sleep 2; exit 3"`) runs
// that script instead; see script.ts for what is understood.

export interface ImageBehaviour {
  /** false → pulls fail with ImageNotFoundError. Default true. */
  pullable?: boolean;
  /** Clock time a pull takes. Default 0. */
  pullLatencyMs?: number;
  /** Reported image size. Default 5 MiB. */
  sizeBytes?: number;
  /** Clock time between startContainer being called and the container running. Default 0. */
  startLatencyMs?: number;
  /** Exit this long after starting; undefined = run until stopped. */
  exitAfterMs?: number;
  /** Exit code used with `exitAfterMs`. Default 0. */
  exitCode?: number;
  /** OOM-killed (exit 137) this long after starting. Also happens at once when memoryBytes > the limit. */
  oomAfterMs?: number;
  /** Ignore SIGTERM (stop waits for the grace period, then kills with 137). Default false: exit 143. */
  ignoreSigterm?: boolean;
  /** CPU cores busy while running (stats grow by cores × elapsed). Default 0.01. */
  cpuCores?: number;
  /** Working set while running. Default 4 MiB. */
  memoryBytes?: number;
  /** Log lines written per second of clock time while running. Default 0. */
  logLinesPerSecond?: number;
  /** Text of the n-th generated line (1-based), without the newline. */
  logLine?: (n: number) => string;
  /** HTTP/TCP probes (probeHttp/probeTcp) fail from the start. Default false. */
  probeFails?: boolean;
  /** Probes fail until the container has run this long (a slow-starting app). Default 0. */
  readyAfterMs?: number;
  /** Files present in a new container (path → content), for `cat` in exec probes. */
  files?: Record<string, string>;
}

export type ResolvedBehaviour = Required<Omit<ImageBehaviour, 'exitAfterMs' | 'oomAfterMs' | 'logLine'>> &
  Pick<ImageBehaviour, 'exitAfterMs' | 'oomAfterMs' | 'logLine'>;

export const DEFAULT_BEHAVIOUR: ResolvedBehaviour = {
  pullable: true,
  pullLatencyMs: 0,
  sizeBytes: 5 * 1024 * 1024,
  startLatencyMs: 0,
  exitCode: 0,
  ignoreSigterm: false,
  cpuCores: 0.01,
  memoryBytes: 4 * 1024 * 1024,
  logLinesPerSecond: 0,
  probeFails: false,
  readyAfterMs: 0,
  // Liveness examples in the Kubernetes docs probe with `cat /tmp/healthy`.
  files: { '/tmp/healthy': 'ok\n' },
};

const TAG_CONVENTIONS: Record<string, ImageBehaviour> = {
  missing: { pullable: false },
  crash: { exitAfterMs: 1000, exitCode: 1 },
  complete: { exitAfterMs: 1000, exitCode: 0 },
  oom: { oomAfterMs: 1000 },
  slow: { pullLatencyMs: 5000, startLatencyMs: 2000 },
};

/** `registry:5000/app:1.2` → { repo: 'registry:5000/app', tag: '1.2' }; no tag → latest. */
export function splitImage(image: string): { repo: string; tag: string } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return { repo: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repo: name, tag: at >= 0 ? image.slice(at + 1) : 'latest' };
}

/** Canonical form used as the key of present images: always with a tag. */
export function normaliseImage(image: string): string {
  if (image.includes('@')) return image;
  const { repo, tag } = splitImage(image);
  return `${repo}:${tag}`;
}

/** Defaults, then tag conventions, then the repository's behaviour, then the exact image's. */
export function resolveBehaviour(
  image: string,
  byImage: ReadonlyMap<string, ImageBehaviour>,
  defaults: ImageBehaviour = {},
): ResolvedBehaviour {
  const { repo, tag } = splitImage(image);
  return {
    ...DEFAULT_BEHAVIOUR,
    ...defaults,
    ...TAG_CONVENTIONS[tag],
    ...byImage.get(repo),
    ...byImage.get(normaliseImage(image)),
  } as ResolvedBehaviour;
}
