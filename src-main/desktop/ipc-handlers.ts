// Main's side of src-main/ipc/contract.ts over Electron IPC: one ipcMain.handle per request channel,
// subscription messages sent to the webContents that opened them, and one bridge session per
// webContents that is disposed when it is destroyed, crashes or reloads (no leaked watches).
// Every handler checks who is calling before anything else: a page we did not load gets a refusal.
import { app, ipcMain, type WebContents } from 'electron';
import { BridgeHandler } from '../bridge/handler.js';
import { agentLogSource } from '../bridge/agent-logs.js';
import { clusterInspectSource } from '../bridge/inspect.js';
import type { Cluster } from '../server/cluster.js';
import type { BridgeSession } from '../bridge/session.js';
import { REQUEST_CHANNELS, SUBSCRIPTION_MESSAGE, type Reply } from '../ipc/contract.js';
import { isAppUrl } from './window.js';

type ClusterSource = () => Cluster | null | Promise<Cluster | null>;

const sessions = new Map<number, Promise<BridgeSession>>();

function notReady(message: string): Reply<never> {
  return { ok: false, error: { code: 503, reason: 'ServiceUnavailable', message, causes: [] } };
}

/**
 * Registers the contract's channels. `engine` is read at each request, so handlers can be registered
 * before the engine has started; requests then wait for it.
 */
export function registerIpcHandlers(cluster: ClusterSource = () => null): void {
  let bridge: Promise<BridgeHandler | null> | null = null;
  const bridgeFor = async (): Promise<BridgeHandler | null> => {
    bridge ??= Promise.resolve(cluster()).then((c) =>
      c
        ? new BridgeHandler({
            engine: c.engine,
            version: app.getVersion(),
            logs: agentLogSource(c.agent.io),
            inspect: clusterInspectSource(c),
          })
        : null,
    );
    const b = await bridge;
    if (!b) bridge = null; // not started yet: ask again next time
    return b;
  };

  const sessionFor = (contents: WebContents, handler: BridgeHandler): Promise<BridgeSession> => {
    let session = sessions.get(contents.id);
    if (session) return session;
    const opened = handler.openSession((message) => {
      if (!contents.isDestroyed()) contents.send(SUBSCRIPTION_MESSAGE, message);
    });
    session = Promise.resolve(opened);
    sessions.set(contents.id, session);
    const dispose = () => {
      opened.dispose();
      if (sessions.get(contents.id) === session) sessions.delete(contents.id);
      contents.off('render-process-gone', dispose);
      contents.off('did-start-navigation', onNavigation);
    };
    // A reload starts a new page whose subscriptions are new; the old page's ones must stop.
    const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
      if (details.isMainFrame && !details.isSameDocument) dispose();
    };
    contents.once('destroyed', dispose);
    contents.on('render-process-gone', dispose);
    contents.on('did-start-navigation', onNavigation);
    return session;
  };

  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<Reply<unknown>> => {
      const from = event.senderFrame?.url;
      if (!isAppUrl(from) || event.senderFrame !== event.sender.mainFrame) {
        return {
          ok: false,
          error: {
            code: 403,
            reason: 'Forbidden',
            message: `${channel} was called from ${from ?? 'an unknown page'}, which is not KubeDesk`,
            causes: [],
          },
        };
      }
      if (args.length !== 1) {
        return {
          ok: false,
          error: {
            code: 400,
            reason: 'BadRequest',
            message: `${channel} takes one request object, got ${args.length} arguments`,
            causes: [],
          },
        };
      }
      const handler = await bridgeFor();
      if (!handler) return notReady('The cluster is still starting. Try again in a moment.');
      return handler.request(channel, args[0], await sessionFor(event.sender, handler));
    });
  }
}
