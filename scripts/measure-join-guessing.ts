/**
 * How many wrong join codes a second one client gets checked: hammers
 * POST /api/join with well-formed wrong codes for SECONDS seconds over
 * CONNECTIONS keep-alive connections, and prints how many were looked up
 * (404) and how many were refused before any lookup (429).
 *   node --import tsx scripts/measure-join-guessing.ts [seconds] [connections]
 * Real server on 127.0.0.1 and a free port with the default limits.
 */
import { JOIN_CODE_ALPHABET } from '../shared/schema/ids';
import { createBoard, startTestServer } from '../tests/helpers/server';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 16);

function randomCode(): string {
  const chars = Array.from({ length: 8 }, () => JOIN_CODE_ALPHABET[Math.floor(Math.random() * JOIN_CODE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

const server = await startTestServer();
try {
  await createBoard(server, 'A board to guess at');
  const counts = new Map<number, number>();
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline) {
        const res = await fetch(`${server.url}/api/join`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: randomCode() }),
        });
        await res.arrayBuffer();
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const checked = (counts.get(404) ?? 0) + (counts.get(200) ?? 0);
  console.log(`${total} requests in ${SECONDS} s (${Math.round(total / SECONDS)} a second)`);
  console.log(`codes looked up: ${checked} (${(checked / SECONDS).toFixed(1)} a second); refused with 429: ${counts.get(429) ?? 0}`);
  console.log(`answers by status: ${JSON.stringify(Object.fromEntries(counts))}`);
} finally {
  await server.stop();
}
