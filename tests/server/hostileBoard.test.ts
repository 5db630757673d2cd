import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import * as Y from 'yjs';
import { SqliteStorage } from '../../server/persistence/sqlite';
import { planJsonSchema } from '../../shared/export/plan';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardId } from '../../shared/schema/ids';
import { GOOD, writeHostileRecords } from '../helpers/hostileBoard';
import { createBoard, eventually, makeDataDir, startTestServer, type TestServer } from '../helpers/server';

/** Building and storing a quarter of a million nested maps takes a few seconds on a busy machine. */
const HOSTILE_TIMEOUT_MS = 60_000;

describe('a stored board holding records nested 20,000 deep', () => {
  let server: TestServer;
  let storage: SqliteStorage;
  let board: CreateBoardResponse;

  beforeEach(async () => {
    const dataDir = await makeDataDir();
    storage = new SqliteStorage(dataDir);
    server = await startTestServer({ dataDir, roomUnloadGraceMs: 20 }, { storage });
    board = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
    // Straight into storage, as a board written before the write guard refused such shapes.
    await eventually(() => expect(server.rooms.size).toBe(0));
    const hostile = new Y.Doc();
    writeHostileRecords(hostile);
    await storage.appendUpdate(board.boardId as BoardId, Y.encodeStateAsUpdate(hostile));
  }, HOSTILE_TIMEOUT_MS);

  afterEach(async () => {
    await server.stop();
    // The server closes only the storage it opened itself.
    await storage.close();
  });

  const plan = async (format: string) => {
    const response = await fetch(`${server.url}/api/boards/${board.boardId}/plan.${format}?token=${board.tokens.viewer}`);
    expect(response.status, `plan.${format}`).toBe(200);
    return response;
  };

  it(
    'serves plan.json, .md, .docx, .xlsx, .csv and .ics with the good notes, actions and steps',
    async () => {
      const json = planJsonSchema.parse(await (await plan('json')).json());
      expect(json.actions.map((a) => a.action)).toEqual(GOOD.actions);
      expect(json.actions[0]!.steps).toEqual([
        { text: GOOD.steps[0], done: true },
        { text: GOOD.steps[1], done: false },
      ]);
      expect(json.themes.map((t) => t.title)).toEqual([GOOD.theme]);

      const markdown = await (await plan('md')).text();
      for (const text of [...GOOD.actions, GOOD.theme]) expect(markdown).toContain(text);

      const csv = await (await plan('csv')).text();
      for (const text of [...GOOD.actions, ...GOOD.steps]) expect(csv).toContain(text);

      const docx = await JSZip.loadAsync(await (await plan('docx')).arrayBuffer());
      const documentXml = await docx.file('word/document.xml')!.async('string');
      for (const text of [...GOOD.notes, ...GOOD.actions]) expect(documentXml).toContain(text);

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await (await plan('xlsx')).arrayBuffer());
      const cells: string[] = [];
      workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))));
      for (const text of [...GOOD.actions, GOOD.notes[0]]) expect(cells.some((cell) => cell.includes(text))).toBe(true);

      expect(await (await plan('ics')).text()).toContain('BEGIN:VCALENDAR');
    },
    HOSTILE_TIMEOUT_MS,
  );
});
