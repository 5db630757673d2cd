import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { readProgress } from '../../shared/document/drafts';
import { readMembers, setGroup } from '../../shared/document/perspectives';
import { readSession, setLocked, updateSettings, writePhase } from '../../shared/document/session';
import { addTheme } from '../../shared/document/themes';
import { changeOwnVote, readVoteTally } from '../../shared/document/votes';
import { CloseCode, PRIVATE_DOCUMENT_SUFFIX } from '../../shared/protocol';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardId, PerspectiveId } from '../../shared/schema/ids';
import {
  type BoardPerson,
  connectStockClient,
  createBoard,
  eventually,
  joinWithPrivateDocument,
  makeDataDir,
  startTestServer,
  type TestServer,
  whenSynced,
} from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';
import { tryUpgrade } from '../helpers/raw-socket';
import { SqliteStorage } from '../../server/persistence/sqlite';

describe('the exercise on the server: private drafts, the reveal, roles and votes', () => {
  let server: TestServer;
  let board: CreateBoardResponse;
  const clients = serverPerTest(async (started) => {
    server = started;
    board = await createBoard(server, 'What does good look like?', 'four-perspectives');
  });

  function join(role: 'facilitator' | 'participant', name: string): Promise<BoardPerson> {
    return joinWithPrivateDocument(server, board, role, name, { opened: clients });
  }

  function draft(person: BoardPerson, text: string, lane: string): void {
    addNote(person.private.doc, { text, x: 0, y: 0, authorId: person.id, authorName: person.name, perspectiveId: lane as PerspectiveId });
  }

  /** True when the text appears anywhere in the person's copy of the board, even in a deleted item's bytes. */
  function boardBytesContain(person: BoardPerson, text: string): boolean {
    return Buffer.from(Y.encodeStateAsUpdate(person.board.doc)).includes(Buffer.from(text));
  }

  it('keeps drafts out of every other participant’s document until the reveal, showing only counts per lane', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    writePhase(facilitator.board.doc, 'write');
    draft(alex, 'Managers have time for one-to-ones', 'managers');
    draft(alex, 'Rotas six weeks ahead', 'managers');
    draft(bea, 'Exit data reaches the board', 'board');

    await eventually(() => expect(Object.entries(readProgress(bea.board.doc).drafts).sort()).toEqual([['board', 1], ['managers', 2]]));
    // Counts are of everyone together: nothing in them names or stands for a person.
    expect(readProgress(bea.board.doc)).toEqual({ drafts: { board: 1, managers: 2 }, voters: 0, dots: 0, raters: 0 });
    expect([...bea.board.doc.getMap('progress').keys()].sort()).toEqual(['dots', 'drafts', 'raters', 'voters']);
    for (const observer of [bea, facilitator]) {
      expect(boardBytesContain(observer, 'one-to-ones')).toBe(false);
      expect(boardBytesContain(observer, 'Rotas six weeks')).toBe(false);
      expect(readNotes(observer.board.doc)).toEqual([]);
    }
    expect(Buffer.from(Y.encodeStateAsUpdate(bea.private.doc)).includes(Buffer.from('one-to-ones'))).toBe(false);

    writePhase(facilitator.board.doc, 'reveal');
    await eventually(() => {
      expect(readSession(bea.board.doc).revealed).toBe(true);
      expect(readNotes(bea.board.doc).map((n) => n.text).sort()).toEqual([
        'Exit data reaches the board',
        'Managers have time for one-to-ones',
        'Rotas six weeks ahead',
      ]);
    });
    // The drafts moved: they are on the board once, and gone from the private documents.
    await eventually(() => expect(readNotes(alex.private.doc)).toEqual([]));
    await eventually(() => expect(readProgress(bea.board.doc).drafts['managers'] ?? 0).toBe(0));
    expect(readNotes(bea.board.doc).find((n) => n.text === 'Rotas six weeks ahead')).toMatchObject({ perspectiveId: 'managers', authorId: alex.id, authorName: 'Alex' });
  });

  it('lets nobody open a private document without their own identity', async () => {
    const privateUrl = `${server.wsUrl}/${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`;
    expect(await tryUpgrade(`${privateUrl}?token=${board.tokens.participant}`)).toMatchObject({ accepted: false, status: 401 });
    expect(await tryUpgrade(`${privateUrl}?token=${board.tokens.viewer}`)).toMatchObject({ accepted: false, status: 401 });
    expect(await tryUpgrade(`${privateUrl}?token=${board.tokens.participant}&participant=guessed`)).toMatchObject({ accepted: false, status: 401 });
  });

  it('reveals the drafts of a participant who is offline at that moment, without authors when anonymous', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    updateSettings(facilitator.board.doc, { anonymous: true });
    writePhase(facilitator.board.doc, 'write');
    draft(alex, 'Career conversations every year', 'staff');
    await eventually(() => expect(readProgress(facilitator.board.doc).drafts['staff']).toBe(1));
    alex.private.provider.disconnect();
    alex.board.provider.disconnect();
    // Let the server unload Alex's private room, so the reveal reads it from storage.
    await eventually(async () => expect(await server.rooms.get(`${board.boardId}/private/${alex.id}` as never)).toBeUndefined());

    writePhase(facilitator.board.doc, 'reveal');
    await eventually(() =>
      expect(readNotes(facilitator.board.doc)).toEqual([
        expect.objectContaining({ text: 'Career conversations every year', perspectiveId: 'staff', authorId: null, authorName: '' }),
      ]),
    );
    expect(boardBytesContain(facilitator, alex.id)).toBe(false);
  });

  it('moves a draft that arrives after the reveal (written offline) straight onto the board', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    alex.private.provider.disconnect();
    writePhase(facilitator.board.doc, 'reveal');
    await eventually(() => expect(readSession(facilitator.board.doc).revealed).toBe(true));
    draft(alex, 'Written on the train', 'hr');
    alex.private.provider.connect();
    await eventually(() => expect(readNotes(facilitator.board.doc).map((n) => n.text)).toEqual(['Written on the train']));
    await eventually(() => expect(readNotes(alex.private.doc)).toEqual([]));
  });

  it('refuses a phase change or a reveal from a participant, closing its connection with 4403, and reveals nothing', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    writePhase(facilitator.board.doc, 'write');
    draft(bea, 'Only Bea may read this before the reveal', 'staff');
    await eventually(() => expect(readSession(alex.board.doc).phase).toBe('write'));

    writePhase(alex.board.doc, 'reveal');
    await eventually(() => expect(alex.closeCodes).toContain(CloseCode.forbidden));
    alex.board.doc.getMap('session').set('revealed', true);
    // The stock provider does not reconnect after 4403 for our client; the
    // stock one does, and is refused again, so nothing it sent ever lands.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const room = await server.rooms.get(board.boardId as never);
    expect(readSession(room!.doc)).toMatchObject({ phase: 'write', revealed: false });
    expect(readSession(facilitator.board.doc).phase).toBe('write');
    expect(boardBytesContain(facilitator, 'Only Bea may read')).toBe(false);
    expect(readNotes(room!.doc)).toEqual([]);
  });

  it('drops a viewer’s phase change and keeps the lanes, title and counts to the facilitator and the server', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const viewer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    await whenSynced(viewer.provider);
    writePhase(viewer.doc, 'vote');
    const alex = await join('participant', 'Alex');
    alex.board.doc.getMap('progress').set(alex.id, { drafts: { staff: 99 }, dots: 0 });
    await eventually(() => expect(alex.closeCodes).toContain(CloseCode.forbidden));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const room = await server.rooms.get(board.boardId as never);
    expect(readSession(room!.doc).phase).toBe('setup');
    expect(readProgress(room!.doc).drafts['staff'] ?? 0).toBe(0);
    expect(readSession(facilitator.board.doc).phase).toBe('setup');
    viewer.destroy();
  });

  it('lets a participant choose their own group but not someone else’s', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    setGroup(alex.board.doc, alex.id, 'hr' as PerspectiveId);
    await eventually(() => expect(readMembers(facilitator.board.doc).get(alex.id)?.perspectiveId).toBe('hr'));
    setGroup(facilitator.board.doc, bea.id, 'staff' as PerspectiveId);
    await eventually(() => expect(readMembers(bea.board.doc).get(bea.id)?.perspectiveId).toBe('staff'));
    setGroup(alex.board.doc, bea.id, 'board' as PerspectiveId);
    await eventually(() => expect(alex.closeCodes).toContain(CloseCode.forbidden));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readMembers(facilitator.board.doc).get(bea.id)?.perspectiveId).toBe('staff');
  });

  it('refuses participants’ changes while the facilitator has the board locked (4423)', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    setLocked(facilitator.board.doc, true);
    await eventually(() => expect(readSession(alex.board.doc).locked).toBe(true));
    addNote(alex.board.doc, { text: 'Sneaked in while locked', x: 0, y: 0, authorId: alex.id, authorName: 'Alex' });
    addNote(facilitator.board.doc, { text: 'The facilitator may still write', x: 0, y: 0, authorId: facilitator.id, authorName: 'Fran' });
    // Refused, never applied later: the participant's socket is closed with 4423.
    await eventually(() => expect(alex.closeCodes).toContain(CloseCode.lockedRefused));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readNotes(facilitator.board.doc).map((n) => n.text)).toEqual(['The facilitator may still write']);
  });

  it('keeps the dots hidden until voting closes, then publishes them, counted within the budget', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    const theme = addTheme(facilitator.board.doc, { title: 'Flexible working' });
    const other = addTheme(facilitator.board.doc, { title: 'Career paths' });
    writePhase(facilitator.board.doc, 'vote');
    changeOwnVote(bea.private.doc, theme, 1, { budget: 5, cap: 3 });
    changeOwnVote(bea.private.doc, other, 1, { budget: 5, cap: 3 });
    // A tampered client writes far more than its budget into its own document.
    alex.private.doc.getMap('votes').set(theme, 40);
    alex.private.doc.getMap('votes').set(other, 40);

    await eventually(() => expect(readProgress(facilitator.board.doc).voters).toBe(2));
    expect(readVoteTally(facilitator.board.doc)).toEqual({ items: {}, voters: 0 });
    expect(boardBytesContain(facilitator, '40')).toBe(false);

    facilitator.board.doc.getMap('session').set('votingClosed', true);
    await eventually(() => expect(readVoteTally(bea.board.doc).voters).toBe(2));
    // Alex's 80 dots count as the budget of 5 (3 on one, capped, and 2 on the other); Bea's as 2.
    const [first, second] = [theme, other].sort();
    expect(readVoteTally(bea.board.doc).items).toEqual({ [first!]: { dots: 4, voters: 2 }, [second!]: { dots: 3, voters: 2 } });
    // A tally, never a ballot: nothing in `votes` is keyed by a person.
    expect([...bea.board.doc.getMap('votes').keys()].sort()).toEqual(['items', 'voters']);

    facilitator.board.doc.getMap('session').set('votingClosed', false);
    await eventually(() => expect(readVoteTally(bea.board.doc)).toEqual({ items: {}, voters: 0 }));
  });

  it('counts the dots placed while voting is open as the tally will: within budget and cap, on items that exist, never by person', async () => {
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    const bea = await join('participant', 'Bea');
    const cal = await join('participant', 'Cal');
    updateSettings(facilitator.board.doc, { voteBudget: 5, voteCap: 3, voteTarget: 'themes' });
    const theme = addTheme(facilitator.board.doc, { title: 'Flexible working' });
    const other = addTheme(facilitator.board.doc, { title: 'Career paths' });
    // A note exists on the board, but the vote is on themes: a dot on it is not on an item of the vote.
    const note = addNote(facilitator.board.doc, { text: 'Rotas six weeks ahead', x: 0, y: 0, authorId: facilitator.id, authorName: 'Fran' });
    writePhase(facilitator.board.doc, 'vote');
    changeOwnVote(bea.private.doc, theme, 1, { budget: 5, cap: 3 });
    changeOwnVote(bea.private.doc, other, 1, { budget: 5, cap: 3 });
    // Two tampered clients. Alex: far past the cap on each theme and the budget in all, which count as 5.
    alex.private.doc.getMap('votes').set(theme, 40);
    alex.private.doc.getMap('votes').set(other, 40);
    // Cal: past the cap on one theme (3), and dots on the note and on no item at all, which count for nothing
    // (were they counted, Cal's budget would let 2 of them through, whatever order the ids sort in).
    cal.private.doc.getMap('votes').set(theme, 40);
    cal.private.doc.getMap('votes').set(note, 40);
    cal.private.doc.getMap('votes').set('no-such-theme', 40);

    // Bea's 2, Alex's 5 and Cal's 3: 10, not the 202 written.
    await eventually(() => expect(readProgress(facilitator.board.doc)).toMatchObject({ voters: 3, dots: 10 }));
    // The very total the tally publishes at the close.
    facilitator.board.doc.getMap('session').set('votingClosed', true);
    await eventually(() => expect(readVoteTally(facilitator.board.doc).voters).toBe(3));
    const tallied = Object.values(readVoteTally(facilitator.board.doc).items).reduce((sum, item) => sum + item.dots, 0);
    expect(tallied).toBe(readProgress(facilitator.board.doc).dots);

    // One count over everyone: nothing in `progress` is keyed by, or names, a person.
    const progress = bea.board.doc.getMap('progress');
    expect([...progress.keys()].sort()).toEqual(['dots', 'drafts', 'raters', 'voters']);
    expect(typeof progress.get('dots')).toBe('number');
    for (const person of [facilitator, alex, bea, cal]) expect(JSON.stringify(progress.toJSON())).not.toContain(person.id);

    // Only the server writes it: a client's write of the total is refused whole (4403) and never applied.
    bea.board.doc.getMap('progress').set('dots', 999);
    await eventually(() => expect(bea.closeCodes).toContain(CloseCode.forbidden));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readProgress(facilitator.board.doc).dots).toBe(10);
  });

  it('finishes a reveal the server was stopped in the middle of, when the board next loads', async () => {
    const alex = await join('participant', 'Alex');
    draft(alex, 'Written before the restart', 'staff');
    const { dataDir } = server;
    await eventually(() => expect(readProgress(alex.board.doc).drafts['staff']).toBe(1));
    for (const client of clients.splice(0)) client.destroy();
    await server.close();

    // As if the server died right after storing the facilitator's phase change.
    const storage = new SqliteStorage(dataDir);
    const stored = new Y.Doc();
    for (const part of await storage.loadDocument(board.boardId as BoardId)) Y.applyUpdate(stored, part);
    writePhase(stored, 'reveal');
    await storage.compactDocument(board.boardId as BoardId, Y.encodeStateAsUpdate(stored));
    await storage.close();

    server = await startTestServer({ dataDir });
    const fran = await join('facilitator', 'Fran');
    await eventually(() => {
      expect(readSession(fran.board.doc).revealed).toBe(true);
      expect(readNotes(fran.board.doc).map((n) => n.text)).toEqual(['Written before the restart']);
    });
  });

  it('loses no draft when storage fails in the middle of the reveal, and reveals it once storage works again', async () => {
    await server.stop();
    const dataDir = await makeDataDir();
    const storage = new SqliteStorage(dataDir);
    const append = storage.appendUpdate.bind(storage);
    let failCopies = true;
    // The disk refuses exactly the write that copies the draft onto the board.
    storage.appendUpdate = (name, update) =>
      failCopies && name === board.boardId && Buffer.from(update).includes(Buffer.from('Only copy'))
        ? Promise.reject(new Error('disk full'))
        : append(name, update);
    server = await startTestServer({ dataDir }, { storage });
    board = await createBoard(server, 'Failing disk', 'four-perspectives');
    const facilitator = await join('facilitator', 'Fran');
    const alex = await join('participant', 'Alex');
    draft(alex, 'Only copy of this idea', 'hr');
    await eventually(() => expect(readProgress(facilitator.board.doc).drafts['hr']).toBe(1));

    writePhase(facilitator.board.doc, 'reveal');
    await eventually(() => expect(facilitator.closeCodes).toContain(CloseCode.serverError));
    // The draft stayed where it was.
    const stored = new Y.Doc();
    for (const part of await storage.loadDocument(`${board.boardId}/private/${alex.id}` as never)) Y.applyUpdate(stored, part);
    expect(readNotes(stored).map((n) => n.text)).toEqual(['Only copy of this idea']);

    failCopies = false;
    // The clients reconnect by themselves; the board loads, sees the unfinished reveal and finishes it.
    await eventually(() => {
      expect(readSession(facilitator.board.doc).revealed).toBe(true);
      expect(readNotes(facilitator.board.doc).map((n) => n.text)).toEqual(['Only copy of this idea']);
    }, 15_000);
    await eventually(() => expect(readNotes(alex.private.doc)).toEqual([]));
  });
});
