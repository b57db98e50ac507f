// The one typed contract between main and renderer. Main registers a handler per channel, the
// preload exposes one named function per channel, and both import the names from here so that a
// renamed channel is a type error, not a silent hang. Types and constants only: this module is
// bundled into the sandboxed preload, which can load nothing but `electron`.

/** Asks main for the app version. */
export const VERSION_CHANNEL = 'kubedesk:version';

/** Every channel with the payload it carries and the result it answers with. */
export interface IpcContract {
  [VERSION_CHANNEL]: { request: void; response: { version: string } };
}

export type IpcChannel = keyof IpcContract;
export type IpcRequest<C extends IpcChannel> = IpcContract[C]['request'];
export type IpcResponse<C extends IpcChannel> = IpcContract[C]['response'];

/**
 * What actually crosses IPC. Electron flattens thrown errors into one string with its own prefix,
 * so main sends failures as data and the preload rebuilds a real `Error` from them.
 */
export type IpcReply<C extends IpcChannel> =
  { ok: true; result: IpcResponse<C> } | { ok: false; error: { name: string; message: string } };

/** The API the preload puts on `window.kubedesk`: named functions, nothing else. */
export interface KubedeskBridge {
  version(): Promise<IpcResponse<typeof VERSION_CHANNEL>>;
}
