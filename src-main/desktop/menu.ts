// The app menu: the platform's usual roles plus KubeDesk's actions on the running cluster.
import { app, clipboard, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { mergeKubeconfig } from '../server/kubeconfig.js';
import type { Cluster } from '../server/cluster.js';

export interface MenuActions {
  dataDir: string;
  cluster: () => Promise<Cluster | null>;
  /** Stop every pod, then quit. */
  stopClusterAndQuit: () => void;
}

export function installAppMenu(actions: MenuActions): void {
  const withCluster = async (fn: (c: Cluster) => Promise<void> | void) => {
    const c = await actions.cluster();
    if (!c) {
      dialog.showErrorBox('KubeDesk', 'The cluster is not running.');
      return;
    }
    try {
      await fn(c);
    } catch (err) {
      dialog.showErrorBox('KubeDesk', err instanceof Error ? err.message : String(err));
    }
  };
  const kubedesk: MenuItemConstructorOptions = {
    label: 'Cluster',
    submenu: [
      { label: 'Open Data Folder', click: () => void shell.openPath(actions.dataDir) },
      {
        label: 'Copy Kubeconfig Path',
        click: () => void withCluster((c) => clipboard.writeText(c.api.kubeconfigPath)),
      },
      {
        label: 'Merge Context into ~/.kube/config',
        click: () =>
          void withCluster(async (c) => {
            const target = await mergeKubeconfig(c.api.kubeconfigPath);
            await dialog.showMessageBox({
              message: `The "kubedesk" context is now in ${target} and is the current context. Other entries were left as they were.`,
            });
          }),
      },
      { type: 'separator' },
      {
        label: 'Stop Cluster and Quit…',
        click: () =>
          void dialog
            .showMessageBox({
              type: 'warning',
              buttons: ['Stop Cluster', 'Cancel'],
              defaultId: 1,
              cancelId: 1,
              message: 'Stop every pod and quit?',
              detail: 'Quitting normally leaves pods running; the next start adopts them.',
            })
            .then(({ response }) => response === 0 && actions.stopClusterAndQuit()),
      },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    kubedesk,
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'KubeDesk on the Web', click: () => void shell.openExternal('https://kubernetes.io/docs/') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  void app;
}
