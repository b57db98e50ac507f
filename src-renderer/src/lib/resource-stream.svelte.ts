// One live list of a resource (optionally one namespace, selector or object), shared by every view
// that shows it. A watch keeps it current; a lost watch is reopened after a pause.
import type { ResourceRef, TableColumn, TableRow, WatchMessage } from '../../../src-main/ipc/contract';
import { api } from './api';
import { toErrorInfo } from './errors';
import type { ErrorInfo } from '../../../src-main/ipc/contract';
import { applyWatchMessage } from './rows';
import { StreamRegistry } from './stream-registry';

export interface StreamKey {
  ref: ResourceRef;
  labelSelector?: string;
  fieldSelector?: string;
  /** Rows carry summaries (metadata, pod phase) rather than whole objects: for lists. */
  summary?: boolean;
}

const RETRY_MS = 2000;

export class ResourceStream {
  loading = $state(true);
  error = $state<ErrorInfo | null>(null);
  columns = $state.raw<TableColumn[]>([]);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- $state.raw: replaced per batch, never mutated
  byKey = $state.raw(new Map<string, TableRow>());
  rows = $derived([...this.byKey.values()]);
  #close: (() => void) | null = null;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly key: StreamKey) {
    void this.#open();
  }

  async #open(): Promise<void> {
    try {
      const close = await api.subscribe('watch', this.key, (m) => {
        if ('message' in m) this.#apply(m.message as WatchMessage);
        else if ('error' in m) this.#lost(m.error);
      });
      if (this.#stopped) close();
      else this.#close = close;
    } catch (error) {
      this.#lost(toErrorInfo(error));
    }
  }

  #apply(message: WatchMessage): void {
    if (message.type === 'SYNC') this.columns = message.columns;
    this.byKey = applyWatchMessage(this.byKey, message);
    this.loading = false;
    this.error = null;
  }

  #lost(error: ErrorInfo): void {
    this.#close = null;
    this.error = error;
    this.loading = false;
    if (this.#stopped || error.code === 400 || error.code === 404) return;
    this.#retry = setTimeout(() => void this.#open(), RETRY_MS);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#close?.();
  }
}

const registry = new StreamRegistry((key) => new ResourceStream(JSON.parse(key) as StreamKey));

export function streamKey(key: StreamKey): string {
  const { ref, labelSelector, fieldSelector, summary } = key;
  return JSON.stringify({
    ref: { group: ref.group, resource: ref.resource, namespace: ref.namespace, name: ref.name },
    labelSelector: labelSelector || undefined,
    fieldSelector: fieldSelector || undefined,
    summary: summary || undefined,
  });
}

/**
 * The live stream for `key()`, held while the calling component lives (and switched when the key
 * changes). Call during component initialisation.
 */
export function useStream(key: () => StreamKey | null): { readonly current: ResourceStream | null } {
  let current = $state.raw<ResourceStream | null>(null);
  // A string, so a key rebuilt with the same values (a route change that only switched the tab)
  // does not restart the watch.
  const serialized = $derived.by(() => {
    const k = key();
    return k ? streamKey(k) : null;
  });
  $effect(() => {
    const k = serialized;
    if (!k) {
      current = null;
      return;
    }
    const held = registry.acquire(k);
    current = held.value;
    return () => held.release();
  });
  return {
    get current() {
      return current;
    },
  };
}
