import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * Fails the build when an entry's chunk graph imports `electron`: serve.js runs under plain Node,
 * where that import would only fail at startup, far from the change that caused it.
 */
function forbidElectronIn(entryName: string): Plugin {
  return {
    name: 'kubedesk:forbid-electron',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item] as const] : [])),
      );
      const entry = [...chunks.values()].find((chunk) => chunk.isEntry && chunk.name === entryName);
      if (!entry) return this.error(`no entry named ${entryName} in the main build`);
      const pending = [entry.fileName];
      const seen = new Set<string>();
      for (let fileName = pending.pop(); fileName !== undefined; fileName = pending.pop()) {
        const chunk = chunks.get(fileName);
        if (!chunk || seen.has(fileName)) continue;
        seen.add(fileName);
        if (chunk.imports.some((id) => id === 'electron' || id.startsWith('electron/'))) {
          return this.error(
            `${entry.fileName} must run without Electron, but ${chunk.fileName} imports 'electron' ` +
              `(modules: ${chunk.moduleIds.map((id) => id.replace(root + '/', '')).join(', ')})`,
          );
        }
        pending.push(...chunk.imports, ...chunk.dynamicImports);
      }
    },
  };
}

/**
 * Ships kubedesk-netd (the cluster network's DNS server and Service proxy, run by `node` inside its
 * container) next to the main bundle, where network/netd-script.ts looks for it.
 */
function shipNetd(): Plugin {
  return {
    name: 'kubedesk:ship-netd',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'kubedesk-netd.cjs',
        source: readFileSync(resolve(root, 'src-main/engine/network/kubedesk-netd.cjs'), 'utf8'),
      });
    },
  };
}

export default defineConfig({
  // Two Node entries share one build: the Electron shell and the headless server. They share the
  // engine through a chunk; serve.js must never reach `electron` (checked at build time by
  // forbidElectronIn, and in the editor by the engine's no-restricted-imports lint rule).
  main: {
    plugins: [forbidElectronIn('serve'), shipNetd()],
    build: {
      outDir: resolve(root, 'out/main'),
      // package.json has "type": "module", so electron-vite emits ESM; dependencies stay external.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          desktop: resolve(root, 'src-main/desktop/main.ts'),
          serve: resolve(root, 'src-main/server/serve.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  // A sandboxed preload cannot be an ES module (Electron loads it with a CommonJS shim that only
  // offers a restricted `require`), so it is built as CJS with a .cjs name under "type": "module".
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
  },
});
