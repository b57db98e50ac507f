// Deleting several objects: every one is attempted; failures are collected, not fatal.
import type { ResourceRef } from '../../../src-main/ipc/contract';
import type { Api } from './api';
import { toErrorInfo } from './errors';

export async function deleteAll(api: Api, refs: ResourceRef[]): Promise<{ ref: ResourceRef; message: string }[]> {
  const failures: { ref: ResourceRef; message: string }[] = [];
  await Promise.all(
    refs.map(async (ref) => {
      try {
        await api.delete({ ref, propagationPolicy: 'Background' });
      } catch (error) {
        if (toErrorInfo(error).code !== 404) failures.push({ ref, message: toErrorInfo(error).message });
      }
    }),
  );
  return failures;
}
