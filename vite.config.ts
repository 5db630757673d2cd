import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** Where `npm run dev` runs the API and sync server while Vite serves the client with hot reload. */
const DEV_API_PORT = Number(process.env.DEV_API_PORT ?? 8081);

/**
 * Drops the CSS rules whose selectors match on part of the class attribute
 * (`[class^="nhsuk-caption"]`, `[class*="nhsuk-u-margin-bottom-"]`): nhsuk-frontend's
 * typography spaces its captions after headings with them, and Retain uses
 * neither. With such a selector in the page, Chromium cannot tell which
 * elements a class change affects, so adding one note to a board of 1,000
 * restyled every note and everything in them: 400 ms a frame in
 * `npm run bench:browser`, against one refresh interval without them
 * (docs/client.md, "Styles").
 */
const dropClassSubstringSelectors = {
  postcssPlugin: 'retain-drop-class-substring-selectors',
  Rule(rule: { selectors: string[]; remove(): void }) {
    const kept = rule.selectors.filter((selector) => !/\[class[\^*$|~]?=/.test(selector));
    if (kept.length === 0) rule.remove();
    else if (kept.length < rule.selectors.length) rule.selectors = kept;
  },
};

export default defineConfig({
  root: 'client',
  plugins: [react()],
  css: { postcss: { plugins: [dropClassSubstringSelectors] } },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': `http://127.0.0.1:${DEV_API_PORT}`,
      '/healthz': `http://127.0.0.1:${DEV_API_PORT}`,
      '/sync': { target: `ws://127.0.0.1:${DEV_API_PORT}`, ws: true },
    },
  },
  test: {
    root: '.',
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          root: '.',
          include: ['tests/shared/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          root: '.',
          include: ['tests/server/**/*.test.ts'],
          environment: 'node',
          // Tests that start the real process run the compiled server, as `npm start` does; built afresh here.
          // The Postgres store's tests share one PostgreSQL server a run, and the Redis tests one Redis, found or started here (docs/storage.md).
          globalSetup: ['tests/helpers/build-server-once.ts', 'tests/helpers/postgres.ts', 'tests/helpers/redis.ts'],
          // The room-leak test forces garbage collection to compare heap sizes.
          execArgv: ['--expose-gc'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'client',
          root: '.',
          include: ['tests/client/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['tests/helpers/dom-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          root: '.',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/browser-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
