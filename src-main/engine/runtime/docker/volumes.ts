// Named volumes (persistentVolumeClaim backing) and the cluster's Docker networks.
import type Dockerode from 'dockerode';
import { call, isNotFound, messageOf, statusOf, translate } from './client.js';

/** Creating a volume that exists (same driver) returns it unchanged, so this is idempotent. */
export async function ensureVolume(
  docker: Dockerode,
  endpoint: string,
  name: string,
  labels: Record<string, string>,
): Promise<void> {
  await call(endpoint, () => docker.createVolume({ Name: name, Labels: labels }));
}

export async function removeVolume(docker: Dockerode, endpoint: string, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove();
  } catch (error) {
    if (isNotFound(error)) return;
    if (statusOf(error) === 409) {
      throw new Error(
        `Volume ${name} is still used by a container; remove the container first (${messageOf(error)}).`,
        {
          cause: error,
        },
      );
    }
    translate(endpoint, error);
  }
}

/** Finds or creates a bridge network by name; returns its id. */
export async function ensureNetwork(
  docker: Dockerode,
  endpoint: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const existing = async (): Promise<string | undefined> => {
    const networks = await call(endpoint, () => docker.listNetworks({ filters: { name: [name] } }));
    // The name filter matches substrings; only an exact name counts.
    return networks.find((n) => n.Name === name)?.Id;
  };
  const found = await existing();
  if (found) return found;
  try {
    const network = await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true });
    return network.id;
  } catch (error) {
    // Lost a race with another creator: use theirs.
    if (statusOf(error) === 409) {
      const raced = await existing();
      if (raced) return raced;
    }
    translate(endpoint, error);
  }
}
