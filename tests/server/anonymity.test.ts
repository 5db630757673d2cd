import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { readProgress } from '../../shared/document/drafts';
import { notesMap } from '../../shared/document/doc';
import { setGroup } from '../../shared/document/perspectives';
import { readSession, setLocked, setSessionFlag, updateSettings, writePhase } from '../../shared/document/session';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { addTheme } from '../../shared/document/themes';
import { changeOwnVote, readVoteTally } from '../../shared/document/votes';
import { PRIVATE_DOCUMENT_SUFFIX } from '../../shared/protocol';
import type { CreateBoardResponse } from '../../shared/schema/api';
import type { BoardId, NoteId, PerspectiveId } from '../../shared/schema/ids';
import { SqliteStorage } from '../../server/persistence/sqlite';
import { privateDocumentName, type DocumentName } from '../../server/persistence/types';
import {
  type BoardPerson,
  connectStockClient,
  createBoard,
  eventually,
  joinWithPrivateDocument,
  startTestServer,
  type StockClient,
  type TestServer,
  whenSynced,
} from '../helpers/server';

const STAFF = 'staff' as PerspectiveId;

let server: TestServer;
const clients: StockClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.stop();
});

function join(board: CreateBoardResponse, role: 'facilitator' | 'participant', name: string): Promise<BoardPerson> {
  return joinWithPrivateDocument(server, board, role, name, { opened: clients, presence: { cursor: null } });
}

function draft(person: BoardPerson, text: string, lane: PerspectiveId = STAFF): NoteId {
  return addNote(person.private.doc, { text, x: 0, y: 0, authorId: person.id, authorName: person.name, perspectiveId: lane });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Replaces a stored document with the given state (the server must be stopped). */
async function storeDocument(dataDir: string, name: DocumentName, doc: Y.Doc): Promise<void> {
  const storage = new SqliteStorage(dataDir);
  await storage.compactDocument(name, Y.encodeStateAsUpdate(doc));
  await storage.close();
}

/** A stored document, read back (the server must be stopped). */
async function loadDocument(dataDir: string, name: DocumentName): Promise<Y.Doc> {
  const storage = new SqliteStorage(dataDir);
  const doc = new Y.Doc();
  for (const part of await storage.loadDocument(name)) Y.applyUpdate(doc, part);
  await storage.close();
  return doc;
}

describe('an anonymous board, seen by someone trying to name the authors', () => {
  const PEOPLE = 10;
  const NOTES_EACH = 3;
  const ROUNDS = 2;

  /** What a viewer's socket received, with the time each piece arrived. */
  interface Recording {
    doc: Y.Doc;
    /** When each person's presence first appeared, in order of arrival. */
    arrivals: { participantId: string; at: number }[];
    /** Every change to `progress`: when, and which keys. */
    progressChanges: { at: number; keys: string[] }[];
  }

  function record(board: CreateBoardResponse): Recording {
    const viewer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(viewer);
    const recording: Recording = { doc: viewer.doc, arrivals: [], progressChanges: [] };
    viewer.provider.awareness.on('change', () => {
      for (const state of viewer.provider.awareness.getStates().values()) {
        const participantId = (state as { user?: { participantId?: string } }).user?.participantId;
        if (participantId && !recording.arrivals.some((a) => a.participantId === participantId)) recording.arrivals.push({ participantId, at: Date.now() });
      }
    });
    viewer.doc.getMap('progress').observe((event) => recording.progressChanges.push({ at: Date.now(), keys: [...event.keysChanged] }));
    return recording;
  }

  /** Each attack names an author (a participant id) for a note, or nobody. */
  type Attack = (note: SeenNote, seen: Recording) => string | null;

  /** A revealed note as the viewer has it, with its place in Yjs clock order and among the note ids. */
  interface SeenNote {
    createdAt: number;
    authorId: string | null;
    clockOrder: number;
    idOrder: number;
    count: number;
  }

  /** The person at a note's place in a list, when the notes are split evenly between the people. */
  const personAt = (people: string[], place: number, count: number): string | null => people[Math.floor((place * people.length) / count)] ?? null;

  const nearest = <T>(items: T[], distance: (item: T) => number): T | undefined =>
    items.reduce<T | undefined>((best, item) => (best === undefined || distance(item) < distance(best) ? item : best), undefined);

  const attacks: Record<string, Attack> = {
    'the author fields': (note) => note.authorId,
    'the writing time against who had just arrived': (note, seen) =>
      [...seen.arrivals].reverse().find((arrival) => arrival.at <= note.createdAt)?.participantId ?? null,
    'the writing time against rises in the counts': (note, seen) => {
      // A key of `progress` belongs to whoever arrived nearest its first appearance.
      const firstSeen = new Map<string, number>();
      for (const change of seen.progressChanges) for (const key of change.keys) if (!firstSeen.has(key)) firstSeen.set(key, change.at);
      const rise = nearest(seen.progressChanges, (change) => Math.abs(change.at - note.createdAt));
      const key = rise?.keys[0];
      if (key === undefined) return null;
      return nearest(seen.arrivals, (arrival) => Math.abs(arrival.at - firstSeen.get(key)!))?.participantId ?? null;
    },
    'the order the notes were written in, against the order people arrived': (note, seen) =>
      personAt(seen.arrivals.map((a) => a.participantId), note.clockOrder, note.count),
    'the order the notes were written in, against participant ids': (note, seen) =>
      personAt(seen.arrivals.map((a) => a.participantId).sort(), note.clockOrder, note.count),
    'the note ids, against the order people arrived': (note, seen) => personAt(seen.arrivals.map((a) => a.participantId), note.idOrder, note.count),
  };

  it('lets no strategy name the authors of notes or dots better than chance', { timeout: 120_000 }, async () => {
    server = await startTestServer();
    // The same sessions every run: who writes how many notes, when, and where their dots go.
    const rounds = fc.sample(
      fc.array(fc.record({ pauseMs: fc.integer({ min: 0, max: 40 }), dots: fc.integer({ min: 0, max: 2 }) }), { minLength: PEOPLE, maxLength: PEOPLE }),
      { seed: 20_240_611, numRuns: ROUNDS },
    );
    const correct: Record<string, number> = Object.fromEntries(Object.keys(attacks).map((name) => [name, 0]));
    let notesSeen = 0;

    for (const [round, plan] of rounds.entries()) {
      const board = await createBoard(server, `Round ${round}`, 'four-perspectives');
      const seen = record(board);
      const fran = await join(board, 'facilitator', 'Fran');
      updateSettings(fran.board.doc, { anonymous: true });
      writePhase(fran.board.doc, 'write');
      const themes = [addTheme(fran.board.doc, { title: 'Rotas' }), addTheme(fran.board.doc, { title: 'Pay' }), addTheme(fran.board.doc, { title: 'Careers' })];
      const authorOf = new Map<string, string>();
      const people: BoardPerson[] = [];
      // People arrive one at a time and write soon after arriving, as in a room.
      for (const [index, { pauseMs, dots }] of plan.entries()) {
        const person = await join(board, 'participant', `Person ${index}`);
        people.push(person);
        setGroup(person.board.doc, person.id, STAFF);
        for (let n = 0; n < NOTES_EACH; n += 1) {
          const text = `Round ${round}, person ${index}, note ${n}`;
          authorOf.set(text, person.id);
          draft(person, text);
          await pause(pauseMs);
        }
        changeOwnVote(person.private.doc, themes[dots]!, 1, { budget: 5, cap: 3 });
        await eventually(() => expect(seen.arrivals.map((a) => a.participantId)).toContain(person.id));
        await pause(20);
      }
      await eventually(() => expect(readProgress(seen.doc).drafts[STAFF]).toBe(PEOPLE * NOTES_EACH));
      writePhase(fran.board.doc, 'reveal');
      await eventually(() => {
        expect(readSession(seen.doc).revealed).toBe(true);
        expect(readNotes(seen.doc)).toHaveLength(PEOPLE * NOTES_EACH);
      });
      setSessionFlag(fran.board.doc, 'votingClosed', true);
      await eventually(() => expect(readVoteTally(seen.doc).voters).toBe(PEOPLE));

      // The Yjs clock order the notes reached the viewer in.
      const inClockOrder = [...notesMap(seen.doc).entries()]
        .map(([id, record]) => ({ id, clock: record._item!.id.clock, client: record._item!.id.client }))
        .sort((a, b) => a.client - b.client || a.clock - b.clock)
        .map((entry) => entry.id);
      const inIdOrder = inClockOrder.slice().sort();
      for (const note of readNotes(seen.doc)) {
        const author = authorOf.get(note.text)!;
        const seenNote = { ...note, clockOrder: inClockOrder.indexOf(note.id), idOrder: inIdOrder.indexOf(note.id), count: inClockOrder.length };
        for (const [name, attack] of Object.entries(attacks)) if (attack(seenNote, seen) === author) correct[name]! += 1;
      }
      notesSeen += PEOPLE * NOTES_EACH;

      // Dots: the board holds a tally per item and a count of voters, nothing keyed by a person.
      expect([...seen.doc.getMap('votes').keys()].sort()).toEqual(['items', 'voters']);
      expect(Object.keys(readVoteTally(seen.doc).items).every((item) => themes.includes(item as never))).toBe(true);
      expect([...seen.doc.getMap('progress').keys()].sort()).toEqual(['dots', 'drafts', 'raters', 'voters']);
    }

    // Guessing at random names the author of one note in PEOPLE: about 6 of these 60.
    // Three times that is far beyond what luck gives (a chance below one in a million).
    const chance = notesSeen / PEOPLE;
    for (const [name, hits] of Object.entries(correct)) expect(hits, name).toBeLessThanOrEqual(3 * chance);
  });
});

describe('the reveal and late drafts', () => {
  /** A board with Priya's note revealed, and Mallory registered; the server is then stopped. */
  async function revealedBoard(options: { locked: boolean }) {
    server = await startTestServer();
    const board = await createBoard(server, 'Reveal', 'four-perspectives');
    const fran = await join(board, 'facilitator', 'Fran');
    const priya = await join(board, 'participant', 'Priya');
    const mallory = await join(board, 'participant', 'Mallory');
    draft(priya, 'Rotas six weeks ahead');
    await eventually(() => expect(readProgress(fran.board.doc).drafts[STAFF]).toBe(1));
    writePhase(fran.board.doc, 'reveal');
    await eventually(() => expect(readNotes(fran.board.doc).map((n) => n.text)).toEqual(['Rotas six weeks ahead']));
    const priyasNote = readNotes(fran.board.doc)[0]!;
    if (options.locked) setLocked(fran.board.doc, true);
    await eventually(() => expect(readSession(mallory.board.doc).locked).toBe(options.locked));
    for (const client of clients.splice(0)) client.destroy();
    await server.close();
    return { board, priya, mallory, priyasNote, dataDir: server.dataDir };
  }

  /** Writes a draft straight into someone's stored private document, as a tampered client could have. */
  async function storeDraft(dataDir: string, boardId: string, owner: BoardPerson, fields: Record<string, unknown>): Promise<void> {
    const name = privateDocumentName(boardId as BoardId, owner.id);
    const doc = await loadDocument(dataDir, name);
    doc.transact(() => {
      const record = new Y.Map<unknown>();
      notesMap(doc).set(String(fields.id), record);
      for (const [key, value] of Object.entries(fields)) record.set(key, value);
    });
    await storeDocument(dataDir, name, doc);
  }

  async function restart(dataDir: string, board: CreateBoardResponse, name: string): Promise<BoardPerson> {
    server = await startTestServer({ dataDir });
    return join(board, 'participant', name);
  }

  it('puts a late draft on the board as a new note signed by its owner, never over someone else’s note', async () => {
    const { board, mallory, priyasNote, dataDir } = await revealedBoard({ locked: false });
    // Mallory's draft reuses the id of Priya's revealed note and signs it with her name.
    await storeDraft(dataDir, board.boardId, mallory, {
      ...priyasNote,
      text: 'Priya: I think the ward manager should be sacked',
      authorName: 'Priya',
      authorId: priyasNote.authorId,
    });
    const observer = await restart(dataDir, board, 'Olu');
    const reconnected = connectStockClient(server, `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, mallory.private.provider.params);
    clients.push(reconnected);
    await eventually(() => expect(readNotes(observer.board.doc)).toHaveLength(2));
    const notes = readNotes(observer.board.doc);
    expect(notes.find((n) => n.id === priyasNote.id)).toMatchObject({ text: 'Rotas six weeks ahead', authorName: 'Priya', authorId: priyasNote.authorId });
    expect(notes.find((n) => n.id !== priyasNote.id)).toMatchObject({ text: 'Priya: I think the ward manager should be sacked', authorName: 'Mallory', authorId: mallory.id });
  });

  it('moves no draft onto a locked board, and moves it once the facilitator unlocks', async () => {
    const { board, mallory, dataDir } = await revealedBoard({ locked: true });
    await storeDraft(dataDir, board.boardId, mallory, {
      id: 'late-draft', text: 'Written while locked', x: 0, y: 0, colour: 'yellow', authorId: mallory.id, authorName: 'Mallory',
      perspectiveId: STAFF, themeId: null, createdAt: 1, updatedAt: 1,
    });
    server = await startTestServer({ dataDir });
    const fran = await join(board, 'facilitator', 'Fran again');
    const reconnected = connectStockClient(server, `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, mallory.private.provider.params);
    clients.push(reconnected);
    await whenSynced(reconnected.provider);
    // Many ticks of the counts' grid pass (50 ms in tests): the draft stays where it is.
    await pause(500);
    expect(readNotes(fran.board.doc).map((n) => n.text)).toEqual(['Rotas six weeks ahead']);
    expect(readNotes(reconnected.doc).map((n) => n.text)).toEqual(['Written while locked']);
    setLocked(fran.board.doc, false);
    await eventually(() => expect(readNotes(fran.board.doc).map((n) => n.text).sort()).toEqual(['Rotas six weeks ahead', 'Written while locked']));
  });

  it('completes the reveal past a draft nested 20,000 maps deep, skipping it and logging it without its content', async () => {
    server = await startTestServer();
    const board = await createBoard(server, 'Deep', 'four-perspectives');
    await join(board, 'facilitator', 'Fran');
    const alex = await join(board, 'participant', 'Alex');
    for (const client of clients.splice(0)) client.destroy();
    await server.close();
    const name = privateDocumentName(board.boardId as BoardId, alex.id);
    const stored = await loadDocument(server.dataDir, name);
    stored.transact(() => {
      const plain = { x: 0, y: 0, colour: 'yellow', authorId: alex.id, authorName: 'Alex', perspectiveId: STAFF, themeId: null, createdAt: 1, updatedAt: 1 };
      const add = (id: string, fields: Record<string, unknown>) => {
        const record = new Y.Map<unknown>();
        notesMap(stored).set(id, record);
        for (const [key, value] of Object.entries({ id, ...plain, ...fields })) record.set(key, value);
        return record;
      };
      add('fine', { text: 'Career conversations' });
      // Its text is a map holding a map, 20,000 deep.
      let deep = add('deep', { text: new Y.Map() }).get('text') as Y.Map<unknown>;
      deep.set('secret', 'The unreadable draft’s content');
      for (let level = 0; level < 20_000; level += 1) {
        deep.set('deeper', new Y.Map());
        deep = deep.get('deeper') as Y.Map<unknown>;
      }
    });
    await storeDocument(server.dataDir, name, stored);

    server = await startTestServer({ dataDir: server.dataDir });
    const warnings = vi.spyOn(server.log, 'warn');
    const errors = vi.spyOn(server.log, 'error');
    const fran = await join(board, 'facilitator', 'Fran again');
    writePhase(fran.board.doc, 'reveal');
    await eventually(() => expect(readSession(fran.board.doc).revealed).toBe(true));
    expect(readNotes(fran.board.doc).map((n) => n.text)).toEqual(['Career conversations']);
    expect(errors).not.toHaveBeenCalled();
    // Its hostile text went when the private document loaded, and the draft with it (docs/server-promises.md, "Hostile documents").
    expect(warnings).toHaveBeenCalledWith(expect.objectContaining({ removed: expect.objectContaining({ records: 1 }) }), expect.any(String));
    expect(JSON.stringify(warnings.mock.calls)).not.toContain('unreadable draft’s content');
  });

  it('counts each person who took part once in the summary: four participants, not nine', async () => {
    server = await startTestServer();
    const board = await createBoard(server, 'Count', 'four-perspectives');
    const fran = await join(board, 'facilitator', 'Fran');
    writePhase(fran.board.doc, 'write');
    const theme = addTheme(fran.board.doc, { title: 'Rotas' });
    const people = [];
    for (const name of ['Ann', 'Ben', 'Cal', 'Dee']) {
      const person = await join(board, 'participant', name);
      setGroup(person.board.doc, person.id, STAFF);
      draft(person, `${name}'s idea`);
      changeOwnVote(person.private.doc, theme, 1, { budget: 5, cap: 3 });
      people.push(person);
    }
    await eventually(() => expect(readProgress(fran.board.doc)).toEqual({ drafts: { staff: 4 }, voters: 4, dots: 4, raters: 0 }));
    writePhase(fran.board.doc, 'reveal');
    await eventually(() => expect(readNotes(fran.board.doc)).toHaveLength(4));
    setSessionFlag(fran.board.doc, 'votingClosed', true);
    await eventually(() => expect(readVoteTally(fran.board.doc).voters).toBe(4));
    expect(readBoardSnapshot(fran.board.doc).participantCount).toBe(4);
  });
});
