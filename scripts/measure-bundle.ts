/**
 * Prints what a browser downloads, gzipped, to show the home page (the
 * first load: index.html's scripts and styles, as `npm run bench` counts
 * it) and to open a board (the first load, the board page's chunk, its
 * styles and the chunks it imports), from the built client in dist/client.
 * docs/client.md, "Styles", gives the limit: 250 KB with the board page.
 *   npm run build && node --import tsx scripts/measure-bundle.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { firstLoadGzipBytes } from '../bench/browser';

const CLIENT_DIR = path.resolve(import.meta.dirname, '../dist/client');
const ASSETS = path.join(CLIENT_DIR, 'assets');

const gzipped = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(ASSETS, file))).byteLength;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const assets = fs.readdirSync(ASSETS);
const boardPage = assets.find((file) => /^BoardPage-.*\.js$/.test(file));
if (!boardPage) throw new Error('No BoardPage chunk in dist/client/assets: run npm run build first.');
const index = new Set([...fs.readFileSync(path.join(CLIENT_DIR, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!));
// The chunks the board page imports statically load with it; its lazy ones (import("./…")) load later and are not counted.
const imported = [...fs.readFileSync(path.join(ASSETS, boardPage), 'utf8').matchAll(/from"\.\/([^"]+\.js)"/g)].map((m) => m[1]!);
const withBoard = new Set([...index, boardPage, ...assets.filter((file) => /^BoardPage-.*\.css$/.test(file)), ...imported]);

const firstLoad = firstLoadGzipBytes(CLIENT_DIR);
const total = [...withBoard].reduce((sum, file) => sum + gzipped(file), 0);
console.log(`first load (index.html's assets): ${kb(firstLoad)}`);
for (const file of [...withBoard].filter((name) => !index.has(name))) console.log(`  + ${file}: ${kb(gzipped(file))}`);
console.log(`with the board page: ${kb(total)} (limit 250 KB)`);
