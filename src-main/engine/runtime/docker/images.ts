// Images: presence, pulls with progress, listing. A pull answers 200 and then reports failure as
// an in-stream `{"error": …}` line, so the whole stream is read and every line checked.
import type Dockerode from 'dockerode';
import { ImageNotFoundError, type PullProgress } from '../types.js';
import { call, isNotFound, isUnreachable, messageOf, translate } from './client.js';
import { jsonLines } from './json-lines.js';

interface PullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export async function imagePresent(docker: Dockerode, endpoint: string, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    translate(endpoint, error);
  }
}

/** Kubernetes' ErrImagePull message: `Failed to pull image "x": <reason>`. */
function pullFailed(image: string, reason: string): ImageNotFoundError {
  return new ImageNotFoundError(image, `Failed to pull image "${image}": ${reason}`);
}

export async function pullImage(
  docker: Dockerode,
  endpoint: string,
  image: string,
  onProgress?: (p: PullProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image, signal ? { abortSignal: signal } : {})) as NodeJS.ReadableStream;
  } catch (error) {
    signal?.throwIfAborted();
    if (isUnreachable(error)) translate(endpoint, error);
    // The daemon refuses before streaming when the registry cannot be reached or the name is
    // unknown (`manifest unknown`, `pull access denied`, `no such host`).
    throw pullFailed(image, messageOf(error));
  }
  const abort = (): void => (stream as unknown as { destroy?: () => void }).destroy?.();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const message of jsonLines<PullMessage>(stream as AsyncIterable<Buffer>)) {
      if (message.error || message.errorDetail) {
        throw pullFailed(image, message.errorDetail?.message ?? message.error ?? 'unknown error');
      }
      if (message.status && onProgress) {
        onProgress({
          status: message.status,
          id: message.id,
          current: message.progressDetail?.current,
          total: message.progressDetail?.total,
        });
      }
    }
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  signal?.throwIfAborted();
}

export async function listImages(
  docker: Dockerode,
  endpoint: string,
): Promise<{ id: string; tags: string[]; sizeBytes: number }[]> {
  const images = await call(endpoint, () => docker.listImages());
  return images.map((image) => ({
    id: image.Id,
    tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
    sizeBytes: image.Size,
  }));
}
