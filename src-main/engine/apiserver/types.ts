// Request shapes of the in-process API server. The HTTPS layer and the UI bridge translate their
// requests into these; nothing else reaches the store.

/** Which resource a request is about: `/apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{sub}`. */
export interface ResourceRef {
  group: string;
  /** Served version asked for; defaults to the kind's preferred version. */
  version?: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume after this version; `''`/undefined/`'0'` starts with ADDED events for every current object. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Bookmark interval in ms (tests shorten it). */
  bookmarkIntervalMs?: number;
}

export interface WriteOptions {
  /** `All` evaluates the request fully but persists nothing. */
  dryRun?: 'All';
  fieldManager?: string;
  /** `Strict` rejects unknown fields; `Warn` (the default) drops them and reports warnings; `Ignore` drops them. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Internal: a create made by server-side apply records an `Apply` manager entry. */
  createOperation?: 'Apply' | 'Update';
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  dryRun?: 'All';
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}
