import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import {
  addAssessmentTopic,
  defaultTopicId,
  deleteAssessmentTopic,
  readAgreedRatings,
  readAssessmentSpread,
  readAssessmentTopics,
  setAgreedRating,
  setOwnEvidence,
  setOwnRating,
} from '../../shared/document/assessment';
import { DocKey, PrivateDocKey, topMap } from '../../shared/document/doc';
import { readProgress } from '../../shared/document/drafts';
import { readSession, setSessionFlag, updateSettings } from '../../shared/document/session';
import { CloseCode } from '../../shared/protocol';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { Template } from '../../shared/schema/exercise';
import { MAX_OWN_RATINGS } from '../../shared/schema/assessment';
import {
  type BoardPerson,
  connectStockClient,
  createBoard,
  eventually,
  joinWithPrivateDocument,
  type StockClient,
  type TestServer,
  whenSynced,
} from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';

/**
 * The self-assessment on the server (docs/exercise.md, "Self-assessment";
 * docs/server-promises.md): ratings stay in each person's private document
 * until the facilitator reveals them; the reveal publishes counts and
 * evidence, with names only on a board that is not anonymous; only the
 * facilitator records topics and agreed ratings, and only the server the spread.
 */

const FIRST = defaultTopicId(1);
const SECOND = defaultTopicId(2);

let server: TestServer;
const clients = serverPerTest((started) => {
  server = started;
});

function join(board: CreateBoardResponse, role: 'facilitator' | 'participant', name: string): Promise<BoardPerson> {
  return joinWithPrivateDocument(server, board, role, name, { opened: clients });
}

/** Every byte a client holds of a document, deleted items included: what its socket received. */
function bytesContain(doc: Y.Doc, text: string): boolean {
  return Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(text));
}

/** A viewer's socket, recording every frame it receives. */
function watchFrames(board: CreateBoardResponse): { viewer: StockClient; frames: Buffer[] } {
  const frames: Buffer[] = [];
  class RecordingSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
        frames.push(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
      });
    }
  }
  const viewer = connectStockClient(server, board.boardId, { token: board.tokens.viewer }, new Y.Doc(), RecordingSocket as never);
  clients.push(viewer);
  return { viewer, frames };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each<Template>(['blank', 'four-perspectives'])('the self-assessment on a %s board', (template) => {
  it('keeps ratings private until the reveal, then publishes their spread with names, and withdraws it when hidden', async () => {
    const board = await createBoard(server, 'Self-assessment', template);
    const fran = await join(board, 'facilitator', 'Fran');
    const alex = await join(board, 'participant', 'Alex');
    const bea = await join(board, 'participant', 'Bea');
    const { viewer, frames } = watchFrames(board);
    await whenSynced(viewer.provider);
    expect(readAssessmentTopics(viewer.doc)).toHaveLength(14);

    setOwnRating(alex.private.doc, FIRST, 'red');
    setOwnEvidence(alex.private.doc, FIRST, 'Alexs secret evidence line');
    setOwnRating(bea.private.doc, FIRST, 'green');
    setOwnRating(bea.private.doc, SECOND, 'amber');
    setOwnEvidence(bea.private.doc, SECOND, 'Beas private reason');

    // Before the reveal: a count of raters, and nothing else of anyone's ratings.
    await eventually(() => expect(readProgress(fran.board.doc).raters).toBe(2));
    await eventually(() => expect(readProgress(viewer.doc).raters).toBe(2));
    for (const doc of [fran.board.doc, alex.board.doc, bea.board.doc, viewer.doc, bea.private.doc]) {
      expect(bytesContain(doc, 'Alexs secret evidence')).toBe(false);
    }
    expect(bytesContain(alex.private.doc, 'Beas private reason')).toBe(false);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((frame) => frame.includes(Buffer.from('secret evidence')) || frame.includes(Buffer.from('Beas private')))).toBe(false);
    expect(readAssessmentSpread(fran.board.doc)).toEqual({ raters: 0, topics: {} });

    setSessionFlag(fran.board.doc, 'assessmentRevealed', true);
    await eventually(() => {
      const spread = readAssessmentSpread(viewer.doc);
      expect(spread.raters).toBe(2);
      expect(spread.topics[FIRST]).toEqual({ red: 1, amber: 0, green: 1, evidence: [{ text: 'Alexs secret evidence line', authorName: 'Alex' }] });
      expect(spread.topics[SECOND]).toEqual({ red: 0, amber: 1, green: 0, evidence: [{ text: 'Beas private reason', authorName: 'Bea' }] });
    });
    // Only counts and evidence: no participant id reaches the board.
    expect(JSON.stringify(topMap(viewer.doc, DocKey.assessmentSpread).toJSON())).not.toContain(alex.id);

    // Kept current while revealed, and only for topics that exist.
    setOwnRating(alex.private.doc, SECOND, 'red');
    await eventually(() => expect(readAssessmentSpread(fran.board.doc).topics[SECOND]).toMatchObject({ red: 1, amber: 1 }));
    deleteAssessmentTopic(fran.board.doc, SECOND);
    await eventually(() => expect(readAssessmentSpread(fran.board.doc).topics[SECOND]).toBeUndefined());

    setSessionFlag(fran.board.doc, 'assessmentRevealed', false);
    await eventually(() => expect(topMap(viewer.doc, DocKey.assessmentSpread).size).toBe(0));
    expect(readAssessmentSpread(bea.board.doc)).toEqual({ raters: 0, topics: {} });
  });
});

describe('the self-assessment’s privacy and who may write what', () => {
  it('publishes evidence without names on an anonymous board', async () => {
    const board = await createBoard(server, 'Anonymous', 'four-perspectives');
    const fran = await join(board, 'facilitator', 'Fran');
    const alex = await join(board, 'participant', 'Alex Unnamed');
    updateSettings(fran.board.doc, { anonymous: true });
    setOwnRating(alex.private.doc, FIRST, 'amber');
    setOwnEvidence(alex.private.doc, FIRST, 'Evidence without a name');
    await eventually(() => expect(readProgress(fran.board.doc).raters).toBe(1));
    setSessionFlag(fran.board.doc, 'assessmentRevealed', true);
    await eventually(() =>
      expect(readAssessmentSpread(fran.board.doc).topics[FIRST]).toEqual({ red: 0, amber: 1, green: 0, evidence: [{ text: 'Evidence without a name', authorName: '' }] }),
    );
    expect(bytesContain(fran.board.doc, 'Alex Unnamed')).toBe(false);
    expect(bytesContain(fran.board.doc, alex.id)).toBe(false);
  });

  it('lets the facilitator record topics and agreed ratings, and refuses a participant’s (4403)', async () => {
    const board = await createBoard(server, 'Roles', 'blank');
    const fran = await join(board, 'facilitator', 'Fran');
    const added = addAssessmentTopic(fran.board.doc, 'Rota planning')!;
    setAgreedRating(fran.board.doc, FIRST, { rating: 'red', note: 'Start here' });
    const room = await server.rooms.get(board.boardId as never);
    await eventually(() => {
      expect(readAssessmentTopics(room!.doc).some((t) => t.id === added)).toBe(true);
      expect(readAgreedRatings(room!.doc).get(FIRST)?.rating).toBe('red');
    });

    const attempts: ((doc: Y.Doc) => void)[] = [
      (doc) => addAssessmentTopic(doc, 'A participant’s topic'),
      (doc) => setAgreedRating(doc, SECOND, { rating: 'green', note: 'We are great' }),
      (doc) => setSessionFlag(doc, 'assessmentRevealed', true),
      (doc) => topMap(doc, DocKey.assessmentSpread).set('raters', 99),
    ];
    for (const attempt of attempts) {
      const alex = await join(board, 'participant', 'Alex');
      attempt(alex.board.doc);
      await eventually(() => expect(alex.closeCodes).toContain(CloseCode.forbidden));
    }
    // The facilitator may not write the spread either: only the server does.
    topMap(fran.board.doc, DocKey.assessmentSpread).set('raters', 5);
    await eventually(() => expect(fran.closeCodes).toContain(CloseCode.forbidden));
    await pause(100);
    expect(readAssessmentTopics(room!.doc)).toHaveLength(15);
    expect(readAgreedRatings(room!.doc).has(SECOND)).toBe(false);
    expect(readSession(room!.doc).assessmentRevealed).toBe(false);
    expect(topMap(room!.doc, DocKey.assessmentSpread).size).toBe(0);
  });

  it('refuses a tampered rating in a private document, and more ratings than a person may hold', async () => {
    const board = await createBoard(server, 'Tampered', 'blank');
    await join(board, 'facilitator', 'Fran');
    const tampered: unknown[] = [{ rating: 'purple', evidence: '' }, { rating: 'red', evidence: '', name: 'Alex' }, { rating: 'red', evidence: 'x'.repeat(501) }, 'red'];
    for (const value of tampered) {
      const alex = await join(board, 'participant', 'Alex');
      const closed: number[] = [];
      alex.private.provider.on('connection-close', (event: CloseEvent | null) => event && closed.push(event.code));
      topMap(alex.private.doc, PrivateDocKey.ratings).set(FIRST, value);
      await eventually(() => expect(closed).toContain(CloseCode.forbidden));
      const room = await server.rooms.get(`${board.boardId}/private/${alex.id}` as never);
      expect(room ? topMap(room.doc, PrivateDocKey.ratings).size : 0).toBe(0);
    }

    const cal = await join(board, 'participant', 'Cal');
    const closed: number[] = [];
    cal.private.provider.on('connection-close', (event: CloseEvent | null) => event && closed.push(event.code));
    cal.private.doc.transact(() => {
      for (let i = 0; i <= MAX_OWN_RATINGS; i++) topMap(cal.private.doc, PrivateDocKey.ratings).set(`topic-${i}`, { rating: 'red', evidence: '' });
    });
    await eventually(() => expect(closed).toContain(CloseCode.forbidden));
    const longKey = await join(board, 'participant', 'Dee');
    const deeClosed: number[] = [];
    longKey.private.provider.on('connection-close', (event: CloseEvent | null) => event && deeClosed.push(event.code));
    topMap(longKey.private.doc, PrivateDocKey.ratings).set('k'.repeat(65), { rating: 'red', evidence: '' });
    await eventually(() => expect(deeClosed).toContain(CloseCode.forbidden));
  });

  it('counts raters on the progress tick: people with a colour on a topic that exists', async () => {
    const board = await createBoard(server, 'Raters', 'blank');
    const fran = await join(board, 'facilitator', 'Fran');
    const alex = await join(board, 'participant', 'Alex');
    const bea = await join(board, 'participant', 'Bea');
    const cal = await join(board, 'participant', 'Cal');
    setOwnRating(alex.private.doc, FIRST, 'red');
    setOwnRating(bea.private.doc, SECOND, 'green');
    // Evidence alone, with no colour, is not a rating.
    setOwnEvidence(cal.private.doc, FIRST, 'Thinking about it');
    await eventually(() => expect(readProgress(fran.board.doc).raters).toBe(2));
    await pause(150);
    expect(readProgress(fran.board.doc).raters).toBe(2);
    // Bea rated only a topic that is deleted now.
    deleteAssessmentTopic(fran.board.doc, SECOND);
    await eventually(() => expect(readProgress(fran.board.doc).raters).toBe(1));
    expect(bytesContain(fran.board.doc, 'Thinking about it')).toBe(false);
  });
});
