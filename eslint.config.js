import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'test-results/**',
      'src-main/engine/api/schema/k8s-schema.json',
      'test/fixtures/bad-manifests/**',
    ],
  },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { parserOptions: { extraFileExtensions: ['.svelte'] } },
    rules: {
      // `_`-prefixed names are deliberately unused (callback positions, destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    // The engine runs under plain Node as well (npm run serve), so Electron stays out of it.
    files: ['src-main/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The engine must run without Electron; wire Electron in src-main/desktop/.' },
          ],
          patterns: [
            {
              group: ['electron/*'],
              message: 'The engine must run without Electron; wire Electron in src-main/desktop/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is a web page: Node's globals are not there in the sandbox or in web mode.
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    ignores: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Browser code runs inside page.evaluate() callbacks in the e2e tests.
    files: ['test/e2e/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
