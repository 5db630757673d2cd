// Compiles the server (server/ and the shared/ code it uses) to plain
// JavaScript in dist/server/, which `npm start` runs. Running the TypeScript
// through tsx at run time costs its loader thread's memory and a slower start,
// on every server a trust runs (idle here: 119 MB RSS through tsx, 80 MB
// compiled; start each with PORT=0 and read VmRSS in /proc/<pid>/status).
// Packages in node_modules stay outside the bundle and are imported as they
// are (better-sqlite3 and resvg are native), and code split at dynamic imports
// stays in chunks of its own, so the export libraries load only when someone
// downloads a plan.
//
// Plain JavaScript, so that building (and so `npm start`) needs only Node and
// esbuild, not a TypeScript loader. `node scripts/build-server.mjs` builds
// once; the server test project builds the same way before it starts
// (tests/helpers/build-server-once.ts). Its types: build-server.d.mts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const SERVER_BUNDLE = path.join(REPO_ROOT, 'dist/server/index.js');

export async function buildServer() {
  await build({
    absWorkingDir: REPO_ROOT,
    // Each worker thread (the plan import's, the SQLite writer, the big-document loader) is an entry of
    // its own, written beside index.js, where server/workerThreads.ts looks for it.
    entryPoints: {
      index: 'server/index.ts',
      planImportWorker: 'server/import/planImportWorker.ts',
      sqliteWriter: 'server/persistence/sqliteWriter.ts',
      documentLoadWorker: 'server/rooms/documentLoadWorker.ts',
    },
    outdir: 'dist/server',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildServer();
  console.log(`server built: ${path.relative(REPO_ROOT, SERVER_BUNDLE)}`);
}
