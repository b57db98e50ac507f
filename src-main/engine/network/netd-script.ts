// Where kubedesk-netd's source is: next to this module when running from source (tests, tsx), or
// next to the bundled chunk in out/main (electron-vite copies it there). The main process copies
// it into the cluster's data folder, which is what the netd container mounts: a file inside the
// app's asar archive or install folder could not be bind-mounted into a container.
import { promises as fsp } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NETD_SCRIPT_NAME = 'kubedesk-netd.cjs';

export async function readNetdScript(): Promise<string> {
  const candidates = [
    new URL(`./${NETD_SCRIPT_NAME}`, import.meta.url),
    new URL(`../${NETD_SCRIPT_NAME}`, import.meta.url),
  ];
  for (const url of candidates) {
    try {
      return await fsp.readFile(fileURLToPath(url), 'utf8');
    } catch {
      // try the next place
    }
  }
  throw new Error(
    `${NETD_SCRIPT_NAME} is missing from the app (looked in ${candidates.map((u) => fileURLToPath(u)).join(', ')}); ` +
      'reinstall KubeDesk or rebuild it with `npm run build`.',
  );
}
