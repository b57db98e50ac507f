import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// E2E runs on its own (`npm run test:e2e`) against the built renderer, so a plain `vitest run`
// stays unit + integration. One file at a time: each drives a real browser.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
