import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addAction, addActionSteps, readActions, readActionSteps, updateAction } from '../../shared/document/actions';
import { defaultTopicId, readAgreedRatings, readAssessmentTopics, setAgreedRating } from '../../shared/document/assessment';
import { readCycle } from '../../shared/document/cycle';
import { DocKey, topMap } from '../../shared/document/doc';
import { CloseCode } from '../../shared/protocol';
import { checkInResponseSchema, type CreateBoardResponse, cycleResponseSchema } from '../../shared/schema/api';
import { connectStockClient, createBoard, eventually, joinWithPrivateDocument, type StockClient, type TestServer, whenSynced } from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';

/**
 * Check-ins and the cycle over real HTTP and sockets (docs/api.md,
 * "Check-ins"; docs/server-promises.md, "The retention cycle"): only the
 * facilitator starts one, each stage once, in order; the new board holds
 * copies of the plan and the topics and opens with the facilitator's own
 * token; deleting a board leaves the rest of the cycle working; and only the
 * server writes `cycle`.
 */

let server: TestServer;
const clients = serverPerTest((started) => {
  server = started;
});

function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function startCheckIn(boardId: string, token: string) {
  const res = await call('POST', `/api/boards/${boardId}/check-ins`, token, {});
  expect(res.status).toBe(201);
  return checkInResponseSchema.parse(await res.json());
}

async function cycleOf(boardId: string, token: string) {
  const res = await call('GET', `/api/boards/${boardId}/cycle`, token);
  expect(res.status).toBe(200);
  return cycleResponseSchema.parse(await res.json()).boards;
}

/** The facilitator's client on a board, synced. */
async function open(boardId: string, token: string): Promise<StockClient> {
  const client = connectStockClient(server, boardId, { token });
  clients.push(client);
  await whenSynced(client.provider);
  return client;
}

/** A workshop with an agreed rating and one action with two steps, one ticked, written through the facilitator's socket. */
async function workshopWithPlan(): Promise<{ board: CreateBoardResponse; actionId: string }> {
  const board = await createBoard(server, 'Ward 7 retention', 'four-perspectives');
  const fran = await open(board.boardId, board.tokens.facilitator);
  const actionId = addAction(fran.doc, { topic: 'Flexible working', now: 1 });
  updateAction(fran.doc, actionId, { action: 'Offer self-rostering', owner: 'Matron', status: 'under-way', timescale: { kind: 'date', date: '2027-03-31' } });
  addActionSteps(fran.doc, actionId, [{ text: 'Pick two wards', done: true }, { text: 'Train rota leads' }]);
  setAgreedRating(fran.doc, defaultTopicId(10), { rating: 'red', note: 'Nobody gets it' });
  const room = await server.rooms.get(board.boardId as never);
  await eventually(() => {
    expect(readActionSteps(room!.doc).get(actionId)).toHaveLength(2);
    expect(readAgreedRatings(room!.doc).size).toBe(1);
  });
  return { board, actionId };
}

describe('check-ins', () => {
  it('only the facilitator starts one or lists the cycle (403 for participants and viewers)', async () => {
    const board = await createBoard(server, 'Roles');
    for (const token of [board.tokens.participant, board.tokens.viewer]) {
      const started = await call('POST', `/api/boards/${board.boardId}/check-ins`, token, {});
      expect(started.status).toBe(403);
      expect(await started.json()).toEqual({ error: 'Only the facilitator can start a check-in.' });
      expect((await call('GET', `/api/boards/${board.boardId}/cycle`, token)).status).toBe(403);
    }
    expect((await call('POST', `/api/boards/${board.boardId}/check-ins`, 'wrong-token', {})).status).toBe(401);
    expect((await call('POST', `/api/boards/${board.boardId}/check-ins`, board.tokens.facilitator, { stage: 30 })).status).toBe(400);
  });

  it('goes 30, 60, 90 each from the one before, then refuses (409); a stage started twice is 409 with its board', async () => {
    const workshop = await createBoard(server, 'Ward 7 retention');
    const token = workshop.tokens.facilitator;
    const day30 = await startCheckIn(workshop.boardId, token);
    expect(day30).toMatchObject({ stage: 30, title: 'Ward 7 retention – 30-day check-in' });
    expect(day30.tokens.facilitator).toBe(token);
    expect(day30.tokens.participant).not.toBe(workshop.tokens.participant);
    expect(day30.tokens.viewer).not.toBe(workshop.tokens.viewer);
    expect(day30.joinCode).not.toBe(workshop.joinCode);

    const again = await call('POST', `/api/boards/${workshop.boardId}/check-ins`, token, {});
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'The 30-day check-in has already been started.', boardId: day30.boardId });

    const day60 = await startCheckIn(day30.boardId, token);
    expect(day60).toMatchObject({ stage: 60, title: 'Ward 7 retention – 60-day check-in' });
    const day90 = await startCheckIn(day60.boardId, token);
    expect(day90.stage).toBe(90);
    const end = await call('POST', `/api/boards/${day90.boardId}/check-ins`, token, {});
    expect(end.status).toBe(409);
    expect(await end.json()).toEqual({ error: 'The cycle ends with the 90-day check-in.' });

    // Any board's facilitator link reaches the whole cycle, in order.
    const expected = [workshop, day30, day60, day90].map((board) => board.boardId);
    for (const boardId of expected) expect((await cycleOf(boardId, token)).map((board) => board.boardId)).toEqual(expected);
    expect((await cycleOf(workshop.boardId, token)).map((board) => board.stage)).toEqual([0, 30, 60, 90]);
  });

  it('makes one board when the same check-in is asked for twice at once', async () => {
    const workshop = await createBoard(server, 'Double click');
    const answers = await Promise.all([0, 1].map(() => call('POST', `/api/boards/${workshop.boardId}/check-ins`, workshop.tokens.facilitator, {})));
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409]);
    expect(await cycleOf(workshop.boardId, workshop.tokens.facilitator)).toHaveLength(2);
  });

  it('copies the plan and the topics into the new board, which opens with the facilitator’s token and not the old participant token', async () => {
    const { board, actionId } = await workshopWithPlan();
    const day30 = await startCheckIn(board.boardId, board.tokens.facilitator);

    const fran = await open(day30.boardId, board.tokens.facilitator);
    const [action] = readActions(fran.doc);
    expect(action).toMatchObject({ id: actionId, topic: 'Flexible working', action: 'Offer self-rostering', owner: 'Matron', status: 'under-way', timescale: { kind: 'date', date: '2027-03-31' } });
    expect(readActionSteps(fran.doc).get(actionId)!.map((step) => [step.text, step.done])).toEqual([
      ['Pick two wards', true],
      ['Train rota leads', false],
    ]);
    expect(readAssessmentTopics(fran.doc)).toHaveLength(14);
    expect(readAgreedRatings(fran.doc).size).toBe(0);
    expect(readCycle(fran.doc)).toMatchObject({
      stage: 30,
      history: [
        {
          stage: 0,
          title: 'Ward 7 retention',
          ratings: [{ topicId: defaultTopicId(10), topic: 'Flexible working', rating: 'red' }],
          actions: [{ actionId, label: 'Offer self-rostering', status: 'under-way', stepsDone: 1, stepsTotal: 2 }],
        },
      ],
    });

    // The workshop's participant token opens the workshop only; the check-in's opens the check-in.
    expect((await call('GET', `/api/boards/${day30.boardId}`, board.tokens.participant)).status).toBe(401);
    expect((await call('GET', `/api/boards/${day30.boardId}`, day30.tokens.participant)).status).toBe(200);
    const info = await (await call('GET', `/api/boards/${day30.boardId}`, board.tokens.facilitator)).json();
    expect(info).toMatchObject({ role: 'facilitator', joinCode: day30.joinCode, viewerLink: day30.links.viewer });
  });

  it('keeps the check-ins working when the workshop is deleted, and lists the rest of the cycle', async () => {
    const { board, actionId } = await workshopWithPlan();
    const token = board.tokens.facilitator;
    const day30 = await startCheckIn(board.boardId, token);
    expect((await call('DELETE', `/api/boards/${board.boardId}`, token)).status).toBe(204);

    expect((await cycleOf(day30.boardId, token)).map((entry) => [entry.boardId, entry.stage])).toEqual([[day30.boardId, 30]]);
    const fran = await open(day30.boardId, token);
    expect(readActions(fran.doc).map((action) => action.id)).toEqual([actionId]);
    expect(readCycle(fran.doc).history[0]!.title).toBe('Ward 7 retention');
    // The next check-in still starts, and still carries the workshop's title and history.
    const day60 = await startCheckIn(day30.boardId, token);
    expect(day60.title).toBe('Ward 7 retention – 60-day check-in');
    expect((await cycleOf(day60.boardId, token)).map((entry) => entry.stage)).toEqual([30, 60]);
  });

  it('refuses any client’s write to cycle (4403), the facilitator’s included', async () => {
    const workshop = await createBoard(server, 'Hostile');
    const day30 = await startCheckIn(workshop.boardId, workshop.tokens.facilitator);
    const writes: ((doc: Y.Doc) => void)[] = [
      (doc) => topMap(doc, DocKey.cycle).set('stage', 90),
      (doc) => topMap(doc, DocKey.cycle).set('history', []),
      (doc) => topMap(doc, DocKey.cycle).delete('history'),
    ];
    for (const role of ['facilitator', 'participant'] as const) {
      for (const write of writes) {
        const person = await joinWithPrivateDocument(server, day30, role, 'Someone', { opened: clients });
        write(person.board.doc);
        await eventually(() => expect(person.closeCodes).toContain(CloseCode.forbidden));
      }
    }
    const room = await server.rooms.get(day30.boardId as never);
    expect(readCycle(room!.doc)).toMatchObject({ stage: 30, history: [{ stage: 0, title: 'Hostile' }] });
  });
});
