// Measures what the worst plan imports cost the server (docs/server-promises.md,
// "Limits"): the longest event-loop stall and the peak memory (RSS) while
// hostile workbooks within the 2 MB upload limit are imported, the most the
// server reads at once. Runs the compiled server (`npm run build` first) as
// its own process, the way `npm start` does, and reads its stall from its own
// event-loop monitor through `--import` of a small probe.
//
//   npm run build && node --import tsx scripts/measure-plan-import.ts
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_BUNDLE } from './build-server.mjs';
import { numberedRowsWorkbook, sharedStringsBomb, sheetBomb } from '../tests/helpers/hostileWorkbooks';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-measure-'));
const probe = path.join(dataDir, 'probe.mjs');
// The probe reports the server's longest event-loop stall so far on SIGUSR2, to stderr.
fs.writeFileSync(
  probe,
  `import { monitorEventLoopDelay } from 'node:perf_hooks';
const stall = monitorEventLoopDelay({ resolution: 5 }); stall.enable();
process.on('SIGUSR2', () => { console.error('STALL_MS ' + (stall.max / 1e6).toFixed(1)); stall.reset(); });`,
);
const child = spawn(process.execPath, ['--import', probe, SERVER_BUNDLE], {
  env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', IMPORTS_PER_HOUR: '1000' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (chunk: Buffer) => (output += chunk));
child.stderr.on('data', (chunk: Buffer) => (output += chunk));
const url = await new Promise<string>((resolve) => {
  const timer = setInterval(() => {
    const match = /Retain is running at (http:\/\/\S+)/.exec(output);
    if (match) {
      clearInterval(timer);
      resolve(match[1]!);
    }
  }, 50);
});
const status = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
const board = (await (await fetch(`${url}/api/boards`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"title":"Measure"}' })).json()) as {
  boardId: string;
  tokens: { facilitator: string };
};
const importFile = async (bytes: Uint8Array) =>
  (await fetch(`${url}/api/boards/${board.boardId}/plan/import`, { method: 'POST', headers: { Authorization: `Bearer ${board.tokens.facilitator}` }, body: Buffer.from(bytes) })).status;
const stallMs = async () => {
  const before = output.length;
  child.kill('SIGUSR2');
  for (;;) {
    const match = /STALL_MS (\S+)/.exec(output.slice(before));
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const workbooks: [string, Uint8Array][] = [
  ['20,000 numbered rows', numberedRowsWorkbook(20_000)],
  ['230,000 numbered rows', numberedRowsWorkbook(230_000)],
  ['a sheet inflating to 700 MB (declared)', await sheetBomb()],
  ['a sheet inflating to 700 MB (declaring 1 KB)', await sheetBomb(true)],
  ['20 million shared strings (declaring 1 KB)', await sharedStringsBomb(true)],
];
await importFile(numberedRowsWorkbook(10));
await stallMs();
const baseline = status('VmRSS');
// The machine's own noise: what the same monitor shows with no import at all (other processes competing for the cores).
await new Promise((resolve) => setTimeout(resolve, 1500));
console.log(`server idle after one import: ${baseline.toFixed(0)} MB RSS; longest stall over 1.5 s with no import: ${(await stallMs()).toFixed(1)} ms`);
for (const [name, bytes] of workbooks) {
  const started = performance.now();
  // Two at once: the most the server reads together.
  const answers = await Promise.all([importFile(bytes), importFile(bytes)]);
  console.log(`${name} (${(bytes.byteLength / 1024).toFixed(0)} KB), two at once: ${answers.join(', ')} in ${(performance.now() - started).toFixed(0)} ms; longest stall ${(await stallMs()).toFixed(1)} ms`);
}
console.log(`peak RSS ${status('VmHWM').toFixed(0)} MB: ${(status('VmHWM') - baseline).toFixed(0)} MB above idle`);
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
fs.rmSync(dataDir, { recursive: true, force: true });
