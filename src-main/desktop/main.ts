// Electron entry: one instance, one hardened window, and the embedded engine whose lifetime is the
// app's. The engine is plain Node; this file and its siblings are the only code that sees Electron.
import path from 'node:path';
import { app, BrowserWindow, dialog, type Tray } from 'electron';
import { installAppMenu } from './menu.js';
import { createTray } from './tray.js';
import { startCluster, type Cluster } from '../server/cluster.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { hardenApp } from './security.js';
import { createMainWindow } from './window.js';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function run(): void {
  let mainWindow: BrowserWindow | null = null;
  let engine: Promise<Cluster | null> | null = null;
  let shutdown: 'running' | 'stopping' | 'stopped' = 'running';
  let stopPods = false;
  // Held so the tray icon is not garbage-collected away; destroyed on quit.
  let tray: Tray | null = null;
  const dataDir = path.join(app.getPath('appData'), 'KubeDesk');

  async function showMainWindow(): Promise<void> {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
      return;
    }
    mainWindow = await createMainWindow(path.join(dataDir, 'window-state.json'));
    mainWindow.on('closed', () => (mainWindow = null));
  }

  app.on('second-instance', () => void showMainWindow());

  app
    .whenReady()
    .then(async () => {
      hardenApp();
      // The same cluster `npm run serve` starts: engine, node agent on Docker, HTTPS API (6443).
      engine = Promise.resolve()
        .then(() => startCluster({ dataDir }))
        .catch((error: unknown) => {
          dialog.showErrorBox(
            'KubeDesk could not start its cluster',
            `${describe(error)}\n\nData folder: ${dataDir}\nCheck that this folder is writable, then start KubeDesk again.`,
          );
          app.quit();
          return null;
        });
      registerIpcHandlers(() => engine);
      const cluster = async () => (engine ? await engine : null);
      installAppMenu({
        dataDir,
        cluster,
        stopClusterAndQuit: () => {
          stopPods = true;
          app.quit();
        },
      });
      tray = createTray(
        cluster,
        () => void showMainWindow(),
        () => app.quit(),
      );
      await showMainWindow();
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('KubeDesk could not open its window', describe(error));
      app.quit();
    });

  // macOS keeps apps alive without windows and re-opens one from the dock.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) void showMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Quitting waits for the engine to flush the store and release its watches; the second
  // `before-quit` (from the app.quit() below) finds the engine stopped and lets the quit proceed.
  app.on('before-quit', (event) => {
    if (shutdown === 'stopped' || !engine) return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    void engine
      .then((running) => (stopPods ? running?.stopCluster() : running?.stop()))
      .catch((error: unknown) => console.error(`KubeDesk: the engine did not stop cleanly: ${describe(error)}`))
      .finally(() => {
        shutdown = 'stopped';
        tray?.destroy();
        tray = null;
        app.quit();
      });
  });
}

// A second launch hands over to the first (which focuses its window) and exits.
if (app.requestSingleInstanceLock()) run();
else app.quit();
