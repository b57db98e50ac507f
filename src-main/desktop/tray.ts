// A tray icon whose tooltip says how the cluster is doing (node Ready, pods running).
import { nativeImage, Tray, Menu } from 'electron';
import type { Cluster } from '../server/cluster.js';

// A 16×16 filled circle in the KubeDesk blue, so no binary asset is needed.
function icon(): Electron.NativeImage {
  const size = 16;
  const buf = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x - 7.5) ** 2 + (y - 7.5) ** 2 <= 49;
      const i = (y * size + x) * 4;
      buf[i] = 0xd4; // B
      buf[i + 1] = 0x5a; // G
      buf[i + 2] = 0x1d; // R
      buf[i + 3] = inside ? 255 : 0;
    }
  }
  return nativeImage.createFromBitmap(buf, { width: size, height: size });
}

export function createTray(cluster: () => Promise<Cluster | null>, show: () => void, quit: () => void): Tray {
  const tray = new Tray(icon());
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show KubeDesk', click: show },
      { type: 'separator' },
      { label: 'Quit', click: quit },
    ]),
  );
  const refresh = async () => {
    const c = await cluster();
    if (!c) return tray.setToolTip('KubeDesk — starting…');
    const node = c.engine.store.get(`/nodes//${c.agent.nodeName}`);
    const ready = (
      (node?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
    ).find((x) => x.type === 'Ready');
    const running = c.engine.store
      .list('/pods')
      .filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
    tray.setToolTip(
      ready?.status === 'True'
        ? `KubeDesk — ${running} pod(s) running`
        : 'KubeDesk — node not ready (is Docker running?)',
    );
  };
  void refresh();
  const timer = setInterval(() => void refresh(), 5000);
  tray.on('click', show);
  tray.once('destroyed' as never, () => clearInterval(timer));
  return tray;
}
