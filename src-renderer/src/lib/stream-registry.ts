// Ref-counted sharing of streams: every view asking for the same key shares one stream, which
// starts with the first holder and stops when the last one lets go (Svelte's $effect cleanup).
// Pure bookkeeping, unit-tested without a DOM.

export interface Stoppable {
  stop(): void;
}

export class StreamRegistry<T extends Stoppable> {
  readonly #entries = new Map<string, { value: T; holders: number }>();

  constructor(private readonly create: (key: string) => T) {}

  /** Takes a hold on the stream for `key`, creating it if needed; call `release` exactly once. */
  acquire(key: string): { value: T; release: () => void } {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { value: this.create(key), holders: 0 };
      this.#entries.set(key, entry);
    }
    entry.holders++;
    let released = false;
    const held = entry;
    return {
      value: entry.value,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        if (held.holders === 0 && this.#entries.get(key) === held) {
          this.#entries.delete(key);
          held.value.stop();
        }
      },
    };
  }

  get size(): number {
    return this.#entries.size;
  }

  holders(key: string): number {
    return this.#entries.get(key)?.holders ?? 0;
  }
}
