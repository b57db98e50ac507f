/// <reference types="svelte" />
/// <reference types="vite/client" />

import type { KubedeskBridge } from '../../src-main/ipc/contract';

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in web mode. */
    kubedesk?: KubedeskBridge;
  }
}
