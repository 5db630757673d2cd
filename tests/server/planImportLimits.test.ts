import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type CreateBoardResponse, planImportResultSchema } from '../../shared/schema/api';
import { createBoard, makeDataDir, startTestServer, type TestServer } from '../helpers/server';
import { startServerProcess } from '../helpers/server-process';
import { numberedRowsWorkbook, sharedStringsBomb, sheetBomb, workbookWithoutReferences } from '../helpers/hostileWorkbooks';

const importFile = (server: { url: string }, board: CreateBoardResponse, body: Uint8Array) =>
  fetch(`${server.url}/api/boards/${board.boardId}/plan/import?name=plan.xlsx`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${board.tokens.facilitator}` },
    body: Buffer.from(body),
  });

describe('a plan import cannot hold the server up', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  beforeEach(async () => {
    server = await startTestServer();
    board = await createBoard(server, 'Ward 7: 30-day check-in');
  });
  afterEach(() => server.stop());

  it('reads each hostile workbook in a worker: refused with a reason while /healthz keeps answering', async () => {
    const workbooks = {
      '20,000 numbered rows': numberedRowsWorkbook(20_000),
      '230,000 numbered rows': numberedRowsWorkbook(230_000),
      'a sheet inflating to 700 MB': await sheetBomb(),
      'a sheet declaring 1 KB and inflating to 700 MB': await sheetBomb(true),
      '20 million shared strings': await sharedStringsBomb(),
    };
    const stall = monitorEventLoopDelay({ resolution: 10 });
    stall.enable();
    for (const [name, bytes] of Object.entries(workbooks)) {
      let importing = true;
      const answered = importFile(server, board, bytes).then(async (response) => {
        importing = false;
        return { status: response.status, error: ((await response.json()) as { error: string }).error };
      });
      let healthyWhileImporting = 0;
      while (importing) {
        const health = await fetch(`${server.url}/healthz`);
        if (importing && health.status === 200) healthyWhileImporting++;
      }
      const { status, error } = await answered;
      expect([name, status]).toEqual([name, 400]);
      expect(error).toMatch(/more than 100 actions|unpacks to more than a plan can hold/);
      expect([name, healthyWhileImporting]).not.toEqual([name, 0]);
    }
    stall.disable();
    console.log(`longest event-loop stall during the hostile imports: ${(stall.max / 1e6).toFixed(1)} ms`);
  });

  it('reads a workbook without r= references through the server', async () => {
    const response = await importFile(server, board, await workbookWithoutReferences());
    expect(response.status).toBe(200);
    expect(planImportResultSchema.parse(await response.json())).toMatchObject({ added: 2 });
  });
});

describe('imports per client address', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('answers 429 with Retry-After past IMPORTS_PER_HOUR from one address, on any board', async () => {
    server = await startTestServer({ importsPerHour: 2 });
    const [first, second] = [await createBoard(server, 'One'), await createBoard(server, 'Two')];
    const csv = new TextEncoder().encode('Action\r\nPublish rotas early\r\n');
    expect((await importFile(server, first, csv)).status).toBe(200);
    expect((await importFile(server, second, csv)).status).toBe(200);
    const refused = await importFile(server, second, csv);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: string }).error).toMatch(/Too many plans have been imported from here/);
  });
});

describe('the compiled server (npm start)', () => {
  it('reads a workbook in its worker, and stops at once on SIGTERM while imports are being read', async () => {
    const dataDir = await makeDataDir();
    const running = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const board = await createBoard(running, 'Ward 7: 30-day check-in');
      const response = await importFile(running, board, await workbookWithoutReferences());
      expect(response.status).toBe(200);
      expect(planImportResultSchema.parse(await response.json())).toMatchObject({ added: 2 });
      const bomb = await sharedStringsBomb(true);
      const inFlight = [importFile(running, board, bomb).catch(() => null), importFile(running, board, numberedRowsWorkbook(20_000)).catch(() => null)];
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      await Promise.all(inFlight);
    } finally {
      running.child.kill('SIGKILL');
    }
  });
});
