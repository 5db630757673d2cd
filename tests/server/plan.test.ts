import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { addAction, updateAction } from '../../shared/board/actions';
import { addDiagram, addDriverNode } from '../../shared/board/drivers';
import { planJsonSchema } from '../../shared/export/plan';
import type { CreateBoardResponse } from '../../shared/schema/api';
import { connectStockClient, createBoard, eventually, registerParticipant, startTestServer, type TestServer, whenSynced } from '../helpers/server';

describe('GET /api/boards/<id>/plan.<format>', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  const closers: (() => void)[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    board = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await server.stop();
  });

  const plan = (format: string, query = '', headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/boards/${board.boardId}/plan.${format}${query}`, { headers });

  /** Writes an action on the board as a participant would, live. */
  async function writeAction(owner: string) {
    const person = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const client = connectStockClient(server, board.boardId, { token: board.tokens.participant, participant: person.participantKey });
    closers.push(() => client.destroy());
    await whenSynced(client.provider);
    const id = addAction(client.doc, { topic: 'Flexible working' });
    updateAction(client.doc, id, { action: 'Write a board paper', owner, timescale: '2 months' });
  }

  it('refuses without a token or with a wrong one, and names the formats it has', async () => {
    expect((await plan('csv')).status).toBe(401);
    expect((await plan('csv', '?token=wrong')).status).toBe(401);
    const unknown = await plan('pdf', `?token=${board.tokens.viewer}`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/csv, xlsx, docx, md, json, ics/);
  });

  it('serves the plan as it is on the board now, as a download that is never cached', async () => {
    await writeAction('=cmd|calc');
    // Any of the board's tokens, in the header or the address.
    let response = await plan('csv', '', { Authorization: `Bearer ${board.tokens.viewer}` });
    await eventually(async () => {
      response = await plan('csv', '', { Authorization: `Bearer ${board.tokens.viewer}` });
      expect(await response.clone().text()).toContain('board paper');
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="ward-7-retention-action-plan.csv"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv).toContain(`"Flexible working","Write a board paper","'=cmd|calc","2 months"`);

    const json = planJsonSchema.parse(await (await plan('json', `?token=${board.tokens.facilitator}`)).json());
    expect(json.actions).toMatchObject([{ topic: 'Flexible working', owner: '=cmd|calc' }]);
    expect(await (await plan('md', `?token=${board.tokens.participant}`)).text()).toContain('| Flexible working | Write a board paper |');
    const xlsx = await plan('xlsx', `?token=${board.tokens.participant}`);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // A workbook is a zip file.
    expect([...new Uint8Array(await xlsx.arrayBuffer()).subarray(0, 2)]).toEqual([0x50, 0x4b]);
  });

  it('moves the calendar’s check-ins to another start, and refuses a start it cannot read', async () => {
    const ics = await (await plan('ics', `?token=${board.tokens.viewer}&start=2027-01-10`)).text();
    expect([...ics.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)].map((m) => m[1])).toEqual(['20270209', '20270311', '20270410']);
    expect((await plan('ics', `?token=${board.tokens.viewer}&start=soon`)).status).toBe(400);
  });

  it('serves a Word document with the driver diagram drawn as a picture', async () => {
    const person = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const client = connectStockClient(server, board.boardId, { token: board.tokens.participant, participant: person.participantKey });
    closers.push(() => client.destroy());
    await whenSynced(client.provider);
    const diagram = addDiagram(client.doc, { title: 'Keeping nurses', aim: 'Halve first-year leavers' });
    addDriverNode(client.doc, { diagramId: diagram, parentId: null, text: 'Predictable rotas' });
    let zip: JSZip | null = null;
    await eventually(async () => {
      const response = await plan('docx', `?token=${board.tokens.viewer}`);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      zip = await JSZip.loadAsync(await response.arrayBuffer());
      expect(await zip.file('word/document.xml')!.async('string')).toContain('Predictable rotas');
    });
    const media = Object.keys(zip!.files).filter((name) => name.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    const png = await zip!.file(media[0]!)!.async('uint8array');
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(png.length).toBeGreaterThan(2000);
  });
});
