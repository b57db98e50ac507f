// The kubeconfig for this cluster (DATA_DIR/kubeconfig: cluster, user and context all named
// `kubedesk`, CA embedded), and merging that context into ~/.kube/config without touching any
// other entry — the same thing `kind` and `minikube` do on start.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { writePrivate } from './pki.js';

export const CONTEXT = 'kubedesk';

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named<unknown>[];
  users?: Named<unknown>[];
  contexts?: Named<unknown>[];
  'current-context'?: string;
  preferences?: unknown;
  [k: string]: unknown;
}

export function kubeconfigFor(server: string, caCertPem: string, token: string): KubeconfigDoc {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: CONTEXT, cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') } },
    ],
    users: [{ name: CONTEXT, user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT, namespace: 'default' } }],
    'current-context': CONTEXT,
    preferences: {},
  };
}

export async function writeKubeconfig(
  dataDir: string,
  server: string,
  caCertPem: string,
  token: string,
): Promise<string> {
  const file = path.join(dataDir, 'kubeconfig');
  await writePrivate(file, stringify(kubeconfigFor(server, caCertPem, token)));
  return file;
}

export function defaultUserKubeconfig(): string {
  const fromEnv = process.env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  return fromEnv ?? path.join(os.homedir(), '.kube', 'config');
}

/**
 * Put the `kubedesk` cluster, user and context into `target` (replacing only entries with that
 * name), and make it the current context only when `setCurrent`. Other entries are untouched.
 */
export async function mergeKubeconfig(
  source: string,
  target = defaultUserKubeconfig(),
  setCurrent = true,
): Promise<string> {
  const ours = parse(await fsp.readFile(source, 'utf8')) as KubeconfigDoc;
  let theirs: KubeconfigDoc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [],
    users: [],
    contexts: [],
    preferences: {},
  };
  try {
    const parsed = parse(await fsp.readFile(target, 'utf8')) as KubeconfigDoc | null;
    if (parsed && typeof parsed === 'object') theirs = parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const list of ['clusters', 'users', 'contexts'] as const) {
    const rest = (theirs[list] ?? []).filter((e) => e.name !== CONTEXT);
    theirs[list] = [...rest, ...(ours[list] ?? [])];
  }
  if (setCurrent || !theirs['current-context']) theirs['current-context'] = CONTEXT;
  await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  await writePrivate(target, stringify(theirs));
  return target;
}
