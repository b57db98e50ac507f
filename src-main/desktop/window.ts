import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, screen } from 'electron';
import { loadWindowState, restoreBounds, saveWindowState } from './window-state.js';

const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
const rendererIndexPath = path.join(import.meta.dirname, '../renderer/index.html');

/**
 * The dev server URL comes only from electron-vite (`electron-vite dev` sets ELECTRON_RENDERER_URL)
 * and never in a packaged app, so production always loads the built files.
 */
function devServerUrl(): string | undefined {
  return !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
}

/** True for pages that belong to the app; IPC from anything else is refused. */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  const dev = devServerUrl();
  if (dev) return url.startsWith(new URL(dev).origin + '/');
  const index = pathToFileURL(rendererIndexPath).href;
  return url === index || url.startsWith(index + '#') || url.startsWith(index + '?');
}

export async function createMainWindow(stateFile?: string): Promise<BrowserWindow> {
  const bounds = restoreBounds(
    stateFile ? await loadWindowState(stateFile) : null,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 720,
    minHeight: 480,
    title: 'KubeDesk',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    if (bounds.maximized) window.maximize();
    window.show();
  });
  if (stateFile) {
    // Remember size and position (the normal bounds, also when maximized) for the next launch.
    window.on('close', () => {
      void saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() }).catch(
        () => undefined,
      );
    });
  }

  const dev = devServerUrl();
  if (dev) await window.loadURL(dev);
  else await window.loadFile(rendererIndexPath);
  return window;
}
