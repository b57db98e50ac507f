// Image pulls by imagePullPolicy (pkg/kubelet/images/image_manager.go EnsureImageExists):
// Never + absent → ErrImageNeverPull; present and not Always → "already present"; a failed pull
// is ErrImagePull and further tries wait out a back-off (ImagePullBackOff), 10 s doubling to 5 min.
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { Clock } from '../clock.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { imageTag } from '../api/defaults/pod.js';
import { Backoff } from './backoff.js';
import { EventReason, Waiting } from './constants.js';
import { errorMessage } from './util.js';

/** The container cannot start for want of its image; `reason` is its waiting reason. */
export class ImageError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}

export type RecordEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export class ImageManager {
  #runtime: ContainerRuntime;
  #clock: Clock;
  readonly backoff: Backoff;

  constructor(runtime: ContainerRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
    this.backoff = new Backoff(clock);
  }

  /** Make sure the container's image is present; throws ImageError when it cannot be. */
  async ensure(pod: Pod, c: Container, record: RecordEvent): Promise<void> {
    const image = c.image ?? '';
    const policy = c.imagePullPolicy ?? (imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent');
    const present = policy === 'Always' ? false : await this.#runtime.imagePresent(image);
    if (policy === 'Never') {
      if (present) {
        record('Normal', EventReason.Pulled, `Container image "${image}" already present on machine`);
        return;
      }
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      record('Warning', EventReason.ErrImageNeverPull, msg);
      throw new ImageError(Waiting.ErrImageNeverPull, msg);
    }
    if (present) {
      record('Normal', EventReason.Pulled, `Container image "${image}" already present on machine`);
      return;
    }
    const key = `${pod.metadata!.uid}/${image}`;
    // IsInBackOffSinceUpdate: still inside the delay set by the last failed pull.
    const delay = this.backoff.get(key);
    if (delay > 0 && this.backoff.remaining(key, this.#lastFailure.get(key) ?? 0) > 0) {
      const msg = `Back-off pulling image "${image}"`;
      record('Normal', EventReason.BackOff, msg);
      throw new ImageError(Waiting.ImagePullBackOff, msg);
    }
    record('Normal', EventReason.Pulling, `Pulling image "${image}"`);
    const t0 = this.#clock.now();
    const w0 = performance.now();
    try {
      await this.#runtime.pullImage(image, this.#progressReporter(image, record));
    } catch (err) {
      const msg = `Failed to pull image "${image}": ${errorMessage(err)}`;
      record('Warning', EventReason.Failed, msg);
      this.backoff.next(key);
      this.#lastFailure.set(key, this.#clock.now());
      throw new ImageError(Waiting.ErrImagePull, msg);
    }
    this.backoff.reset(key);
    this.#lastFailure.delete(key);
    const took = Math.max(this.#clock.now() - t0, performance.now() - w0) / 1000;
    record(
      'Normal',
      EventReason.Pulled,
      `Successfully pulled image "${image}" in ${took.toFixed(3)}s (${took.toFixed(3)}s including waiting)`,
    );
  }

  /**
   * Long pulls report progress as `Pulling` events (at most one every 5 s), so a person watching
   * the pod sees bytes move instead of a silent ContainerCreating. Layers are summed by id.
   */
  #progressReporter(
    image: string,
    record: (type: 'Normal' | 'Warning', reason: string, message: string) => void,
  ): (p: { status: string; id?: string; current?: number; total?: number }) => void {
    const layers = new Map<string, { current: number; total: number; done: boolean }>();
    let last = this.#clock.now();
    return (p) => {
      // `Pulling from <repo>` carries the tag as its id; only layer ids count.
      if (p.id && !p.status.startsWith('Pulling from')) {
        const l = layers.get(p.id) ?? { current: 0, total: 0, done: false };
        if (p.total) l.total = p.total;
        if (p.current !== undefined) l.current = p.current;
        if (/complete|already exists/i.test(p.status)) l.done = true;
        layers.set(p.id, l);
      }
      const now = this.#clock.now();
      if (now - last < 5000 || layers.size === 0) return;
      last = now;
      let current = 0;
      let total = 0;
      let done = 0;
      for (const l of layers.values()) {
        current += l.done ? l.total : l.current;
        total += l.total;
        if (l.done) done++;
      }
      const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
      record(
        'Normal',
        EventReason.Pulling,
        `Pulling image "${image}": ${mib(current)} MiB of ${mib(total)} MiB, ${done} of ${layers.size} layers done`,
      );
    };
  }

  /** Milliseconds until the next pull may be tried (for requeueing). */
  retryIn(pod: Pod, image: string): number {
    const key = `${pod.metadata!.uid}/${image}`;
    return this.backoff.remaining(key, this.#lastFailure.get(key) ?? 0);
  }

  forgetPod(uid: string): void {
    this.backoff.resetPrefix(`${uid}/`);
    for (const k of [...this.#lastFailure.keys()]) if (k.startsWith(`${uid}/`)) this.#lastFailure.delete(k);
  }

  #lastFailure = new Map<string, number>();
}
