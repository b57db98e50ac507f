// Watch over HTTP: one JSON event per line (`{"type":"ADDED","object":{…}}`), chunked, flushed
// as each change commits. Honours resourceVersion (resume), timeoutSeconds, allowWatchBookmarks,
// label/field selectors, and Table output for `kubectl get -w`. A version that is too old is
// reported the way kube-apiserver does: a 200 stream holding one ERROR event with a 410 Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../../engine/index.js';
import type { KindInfo } from '../../engine/api/registry.js';
import { isStatusError } from '../../engine/api/errors.js';
import type { ResourceRef } from '../../engine/apiserver/types.js';
import { tableFor, wantsTable, type IncludeObject } from './table.js';
import { sendInitialEventsForbidden } from './handler.js';

/** Watches end after a while so clients re-establish them (kube-apiserver: 30–60 min). */
const DEFAULT_TIMEOUT_S = 30 * 60;

export async function serveWatch(
  engine: Engine,
  info: KindInfo,
  ref: ResourceRef,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (q.has('sendInitialEvents')) throw sendInitialEventsForbidden();
  const table = wantsTable(req.headers.accept);
  const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
  const timeoutS = q.has('timeoutSeconds') ? Math.max(0, Number(q.get('timeoutSeconds'))) : DEFAULT_TIMEOUT_S;
  const contentType = table ? `application/json;as=Table;v=${table};g=meta.k8s.io` : 'application/json';

  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, {
      'Content-Type': contentType,
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
  };
  const write = (type: string, object: unknown) => {
    start();
    res.write(JSON.stringify({ type, object }) + '\n');
  };

  let handle: { stop(): void };
  try {
    handle = engine.api.watch(
      ref,
      {
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
      },
      (e) => {
        if (e.type === 'BOOKMARK' || !table) return write(e.type, e.object);
        write(e.type, tableFor(info, [e.object], { now: engine.clock.now(), includeObject: include, version: table }));
      },
    );
  } catch (err) {
    if (isStatusError(err) && err.code === 410) {
      write('ERROR', err.toStatus());
      res.end();
      return;
    }
    throw err;
  }
  start();
  await new Promise<void>((resolve) => {
    const finish = () => {
      handle.stop();
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      finish();
      res.end();
    }, timeoutS * 1000);
    timer.unref();
    req.on('close', finish);
    res.on('close', finish);
  });
}
