// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Packages that speak Yjs. In the client only client/sync/ may import them; see docs/architecture.md, "The layers". */
const YJS_PACKAGES = ['yjs', 'y-websocket', 'y-indexeddb', 'y-protocols', 'y-protocols/*', 'lib0', 'lib0/*'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // shared/ runs in the browser and on the server alike: no client or
    // server code, no React, no DOM-only or Node-only modules.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/client/**', '**/server/**', '../client', '../server'], message: 'shared/ must not import client/ or server/.' },
            { group: ['react', 'react-dom', 'react-dom/*', 'ws', 'better-sqlite3', 'pino', 'node:*', 'fs', 'path', 'http', 'crypto'], message: 'shared/ runs in the browser and on the server: no React, DOM-only or Node-only modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/client/**', '../client'], message: 'The server must not import client code.' }] }],
    },
  },
  {
    // In the client, components read zustand stores and call action functions;
    // only client/sync/ touches Yjs; see docs/architecture.md, "The layers".
    files: ['client/**/*.{ts,tsx}'],
    ignores: ['client/sync/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: YJS_PACKAGES, message: 'Only client/sync/ may use Yjs; read a zustand store and call an action instead.' },
            { group: ['**/shared/document/**', '**/shared/document'], message: 'shared/document/ writes the Y.Doc; the client calls it only from client/sync/.' },
            { group: ['**/server/**', '../server'], message: 'The client must not import server code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['tests/**/*.{ts,tsx}', 'scripts/**/*.{js,mjs,ts}', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
