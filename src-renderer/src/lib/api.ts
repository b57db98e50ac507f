// The renderer's only way to reach a cluster. In the desktop app it talks to main over the
// preload's IPC bridge; in web mode (`npm run serve`) it will use the WebSocket bridge. Views import
// `api` and never look at `window.kubedesk` themselves.

export interface Api {
  /** The KubeDesk version, or null when no backend is attached yet (web mode for now). */
  getVersion(): Promise<string | null>;
}

function ipcApi(bridge: NonNullable<Window['kubedesk']>): Api {
  return {
    async getVersion() {
      return (await bridge.version()).version;
    },
  };
}

const detachedApi: Api = {
  async getVersion() {
    return null;
  },
};

export const api: Api = typeof window !== 'undefined' && window.kubedesk ? ipcApi(window.kubedesk) : detachedApi;
