import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { addAction, addActionSteps, updateAction } from '../../shared/document/actions';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { readPlanFile } from '../../shared/import/planFile';
import { openWorkbookArchive } from '../../server/import/workbookArchive';
import { addDiagram, addDriverNode } from '../../shared/document/drivers';
import { planJsonSchema } from '../../shared/export/plan';
import { checkInResponseSchema, type CreateBoardResponse, planImportResultSchema } from '../../shared/schema/api';
import { defaultTopicId, readAgreedRatings, setAgreedRating } from '../../shared/document/assessment';
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
    updateAction(client.doc, id, { action: 'Write a board paper', owner, timescale: { kind: 'duration', amount: 2, unit: 'months' } });
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
    // A board with no actions, themes or votes has no charts.
    expect(await zip!.file('word/document.xml')!.async('string')).not.toContain('Figure');
  });

  it('serves a Word document with the plan’s progress drawn as a chart, its caption and its words, and the board’s title on every page', async () => {
    await writeAction('Chief Nurse');
    let zip: JSZip | null = null;
    let xml = '';
    await eventually(async () => {
      zip = await JSZip.loadAsync(await (await plan('docx', `?token=${board.tokens.viewer}`)).arrayBuffer());
      xml = await zip.file('word/document.xml')!.async('string');
      expect(xml).toContain('Figure 1: Progress of the action plan');
    });
    expect(xml).toContain('Progress of the action plan: 1 action, 1 not started, 0 under way, 0 done, 0 stuck.');
    const media = Object.keys(zip!.files).filter((name) => name.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    const png = await zip!.file(media[0]!)!.async('uint8array');
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(png.length).toBeGreaterThan(2000);
    expect(await zip!.file('word/header1.xml')!.async('string')).toContain('>Ward 7 retention</w:t>');
  });

  it('serves a check-in’s plan with what changed: the Word document’s chart of the self-assessment at each stage, and the JSON’s cycle', async () => {
    const fran = connectStockClient(server, board.boardId, { token: board.tokens.facilitator });
    closers.push(() => fran.destroy());
    await whenSynced(fran.provider);
    setAgreedRating(fran.doc, defaultTopicId(10), { rating: 'red', note: 'Nobody gets it' });
    const room = await server.rooms.get(board.boardId as never);
    await eventually(() => expect(readAgreedRatings(room!.doc).size).toBe(1));
    const started = await fetch(`${server.url}/api/boards/${board.boardId}/check-ins`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(201);
    const checkIn = checkInResponseSchema.parse(await started.json());
    const download = (format: string) => fetch(`${server.url}/api/boards/${checkIn.boardId}/plan.${format}?token=${checkIn.tokens.viewer}`);
    const zip = await JSZip.loadAsync(await (await download('docx')).arrayBuffer());
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('>What changed<');
    expect(xml).toContain('Figure 1: The self-assessment at each stage of the cycle');
    expect(xml).toContain('Topics agreed each colour: Workshop: 1 red, 0 amber, 0 green; 30-day check-in (now): none agreed.');
    const media = Object.keys(zip.files).filter((name) => name.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    const png = await zip.file(media[0]!)!.async('uint8array');
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const json = planJsonSchema.parse(await (await download('json')).json());
    expect(json.cycle).toMatchObject({ stage: 30, stages: [0, 30] });
    expect(json.cycle.ratings.find((topic) => topic.topic === 'Flexible working')!.byStage).toEqual(['red', null]);
  });
});

describe('POST /api/boards/<id>/plan/import', () => {
  let server: TestServer;
  let workshop: CreateBoardResponse;
  let checkIn: CreateBoardResponse;
  const closers: (() => void)[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    workshop = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
    checkIn = await createBoard(server, 'Ward 7: 30-day check-in');
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await server.stop();
  });

  const importFile = (body: BodyInit, token: string | null, name = 'ward-7-action-plan.csv') =>
    fetch(`${server.url}/api/boards/${checkIn.boardId}/plan/import?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body,
    });

  /** The workshop's plan as a file, written live by a participant and downloaded from the server. */
  async function workshopPlan(format: 'csv' | 'xlsx' | 'json'): Promise<ArrayBuffer> {
    const person = await registerParticipant(server, workshop.boardId, workshop.tokens.participant, 'Pat');
    const client = connectStockClient(server, workshop.boardId, { token: workshop.tokens.participant, participant: person.participantKey });
    closers.push(() => client.destroy());
    await whenSynced(client.provider);
    const now = Date.now();
    for (const [index, [topic, owner]] of [['Flexible working', 'HR Director'], ['Rotas', 'Chief Nurse']].entries()) {
      // Distinct times: actions made in the same millisecond are ordered by their random ids.
      const id = addAction(client.doc, { topic, now: now + index });
      updateAction(client.doc, id, { action: `Act on ${topic}`, owner, timescale: { kind: 'date', date: '2027-03-31' } });
      addActionSteps(client.doc, id, [{ text: 'First step', done: true }, { text: 'Second step' }]);
    }
    let file = new ArrayBuffer(0);
    await eventually(async () => {
      const response = await fetch(`${server.url}/api/boards/${workshop.boardId}/plan.${format}?token=${workshop.tokens.viewer}`);
      file = await response.arrayBuffer();
      const plan = await readPlanFile(new Uint8Array(file), openWorkbookArchive);
      expect(plan.actions.map((a) => a.steps.length)).toEqual([2, 2]);
    });
    return file;
  }

  for (const format of ['csv', 'xlsx', 'json'] as const) {
    it(`adds a ${format.toUpperCase()} plan’s actions to a check-in board, live for everyone on it`, async () => {
      const file = await workshopPlan(format);
      const watcher = connectStockClient(server, checkIn.boardId, { token: checkIn.tokens.viewer });
      closers.push(() => watcher.destroy());
      await whenSynced(watcher.provider);
      const response = await importFile(file, checkIn.tokens.facilitator, `ward-7-action-plan.${format}`);
      expect(response.status).toBe(200);
      const result = planImportResultSchema.parse(await response.json());
      expect(result).toMatchObject({ added: 2, skipped: 0 });
      expect(result.source).toMatch(new RegExp(`^ward-7-action-plan\\.${format}`));
      await eventually(() => {
        const actions = readBoardSnapshot(watcher.doc).actions;
        expect(actions.map((a) => [a.topic, a.owner, a.timescale, a.steps, a.importedFrom])).toEqual(
          ['Flexible working', 'Rotas'].map((topic, index) => [
            topic,
            index === 0 ? 'HR Director' : 'Chief Nurse',
            { kind: 'date', date: '2027-03-31' },
            [{ text: 'First step', done: true }, { text: 'Second step', done: false }],
            result.source,
          ]),
        );
      });
      // Chosen twice by a hurried facilitator: nothing doubles.
      expect(planImportResultSchema.parse(await (await importFile(file, checkIn.tokens.facilitator, `ward-7-action-plan.${format}`)).json())).toMatchObject({ added: 0, skipped: 2 });
    });
  }

  it('lets only the facilitator import, and refuses what is not a plan with a reason, changing nothing', async () => {
    const csv = 'Action,Owner\r\nPublish rotas early,Chief Nurse\r\n';
    expect((await importFile(csv, null)).status).toBe(401);
    expect((await importFile(csv, 'not-a-token')).status).toBe(401);
    // A token for another board opens nothing here.
    expect((await importFile(csv, workshop.tokens.facilitator)).status).toBe(401);
    for (const token of [checkIn.tokens.participant, checkIn.tokens.viewer]) {
      const refused = await importFile(csv, token);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toBe('Only the facilitator can import a plan.');
    }
    const notAPlan = await importFile('Name,Email\r\nA,b@example.invalid\r\n', checkIn.tokens.facilitator);
    expect(notAPlan.status).toBe(400);
    expect((await notAPlan.json()).error).toMatch(/No “Action” or “Topic and objective” column/);
    const garbage = await importFile(Uint8Array.from([0x50, 0x4b, 0xff, 0x00, 0x13]), checkIn.tokens.facilitator, 'plan.xlsx');
    expect(garbage.status).toBe(400);
    const huge = await importFile(new Uint8Array(3 * 1024 * 1024).fill(65), checkIn.tokens.facilitator);
    expect(huge.status).toBe(413);
    const board = await fetch(`${server.url}/api/boards/${checkIn.boardId}/plan.json?token=${checkIn.tokens.viewer}`);
    expect(planJsonSchema.parse(await board.json()).actions).toEqual([]);
    // And the server is still there for the next, good file.
    expect((await importFile(csv, checkIn.tokens.facilitator)).status).toBe(200);
  });
});
