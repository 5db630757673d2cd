import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readActions, readActionSteps, readNextStepChecks, readEvaluationPlans, readActionResponses, updateAction } from '../../shared/document/actions';
import { initBoard, readBoardMeta } from '../../shared/document/board';
import { boardMap, DocKey, newRecord, notesMap, topMap } from '../../shared/document/doc';
import { addDiagram, readDiagrams, readDriverNodes, readDriverTree } from '../../shared/document/drivers';
import { flattenDriverTree, MAX_DRIVER_TREE_DEPTH } from '../../shared/rules/driverTree';
import { NoteIndex, readNote, readNotes } from '../../shared/document/notes';
import { readMembers, readPerspectives } from '../../shared/document/perspectives';
import { readSession, sessionMap } from '../../shared/document/session';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { readThemes } from '../../shared/document/themes';
import { exportPlan, PLAN_FORMATS, planJsonSchema } from '../../shared/export/plan';
import type { ActionId, DiagramId, NoteId } from '../../shared/schema/ids';
import { GOOD, HOSTILE_DEPTH, nestMaps, writeHostileRecords } from '../helpers/hostileBoard';

/** Writes the hostile board (a quarter of a million nested maps take a few seconds on a busy machine). */
function hostileBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Ward 7 retention', createdAt: 1 });
  writeHostileRecords(doc);
  return doc;
}

const BUILD_TIMEOUT_MS = 60_000;

describe('reading a board a hostile participant wrote', () => {
  /** One board for the tests that only read it. */
  let board: Y.Doc;
  beforeAll(() => {
    board = hostileBoard();
  }, BUILD_TIMEOUT_MS);

  it('reads the good notes past a note nested 20,000 Y.Maps deep, a record that is such a chain whole, and text written as a Y.Text, a Y.Array or a number', () => {
    const doc = board;
    expect(readNotes(doc).map((n) => n.text)).toEqual(GOOD.notes);
    expect(readNote(doc, 'deep-text' as NoteId)).toBeNull();
    expect(readNote(doc, 'deep-record' as NoteId)).toBeNull();
    const index = new NoteIndex(doc);
    expect(index.readNotes().map((n) => n.text)).toEqual(GOOD.notes);
  });

  it('reads a note missing its position, colour, author and times with defaults, and skips one filed under another id', () => {
    const doc = new Y.Doc();
    const bare = new Y.Map<unknown>();
    notesMap(doc).set('bare' as NoteId, bare);
    bare.set('id', 'bare');
    bare.set('text', 'Only an id and text');
    bare.set('colour', new Y.Text('pink'));
    expect(readNotes(doc)).toEqual([
      { id: 'bare', text: 'Only an id and text', x: 0, y: 0, colour: 'yellow', authorId: null, authorName: '', perspectiveId: null, themeId: null, createdAt: 0, updatedAt: 0 },
    ]);
    expect(readNotes(board).map((n) => n.id)).not.toContain('not-other-key');
  });

  it('keeps an action without createdAt, and reads a column written as a Y.Array or a timescale nested in objects as empty', () => {
    const actions = readActions(board);
    expect(actions.map((a) => a.action)).toEqual(GOOD.actions);
    expect(actions[0]).toMatchObject({ id: 'action-1', createdAt: 0, timescale: { kind: 'duration', amount: 3, unit: 'months' }, status: 'under-way' });
    expect(actions[1]).toMatchObject({ id: 'action-2', topic: '', timescale: null, owner: 'HR' });
  });

  it('reads a shared-text column as its characters, a plain string written before schema 6 as itself, and a Y.Text where the layout has a plain string as missing', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Ward 7 retention', createdAt: 1 });
    const typed = new Y.Text('Exit interviews');
    topMap(doc, DocKey.actions).set('typed', newRecord({ id: 'typed', topic: typed, action: 'Ask every leaver', owner: new Y.Text('HR'), success: '', createdAt: 1 }));
    notesMap(doc).set('ytext' as NoteId, newRecord({ id: 'ytext', text: new Y.Text('a note is never a Y.Text') }));
    typed.insert(typed.length, ' for all');
    expect(readActions(doc)).toMatchObject([{ id: 'typed', topic: 'Exit interviews for all', action: 'Ask every leaver', owner: 'HR', success: '' }]);
    expect(readNotes(doc)).toEqual([]);
  });

  it('replaces a timescale nested in objects when someone sets one, and leaves an equal one alone', () => {
    const doc = hostileBoard();
    const record = topMap(doc, DocKey.actions).get('action-2') as Y.Map<unknown>;
    updateAction(doc, 'action-2' as ActionId, { timescale: null });
    expect(record.get('timescale')).toBeNull();
    let writes = 0;
    doc.on('update', () => writes++);
    updateAction(doc, 'action-1' as ActionId, { timescale: { kind: 'duration', unit: 'months', amount: 3 } });
    expect(writes).toBe(0);
   }, BUILD_TIMEOUT_MS);

  it('reads a step whose text is a Y.Array, one nested 20,000 deep or one without text as no step, never as an empty unticked one', () => {
    const steps = readActionSteps(board).get('action-1');
    expect(steps?.map(({ text, done }) => ({ text, done }))).toEqual([
      { text: GOOD.steps[0], done: true },
      { text: GOOD.steps[1], done: false },
    ]);
  });

  it('reads a next-steps check written as a nested Y.Map as no check', () => {
    expect(readNextStepChecks(board).get('action-1')).toEqual({ owner: { done: true, note: 'Agreed at the board' } });
  });

  it('reads themes, lanes, members, diagrams, driver nodes, evaluations and responses past records nested 20,000 deep', () => {
    const doc = board;
    expect(readThemes(doc).map((t) => t.title)).toEqual([GOOD.theme]);
    expect(readPerspectives(doc)).toEqual([]);
    expect(readDiagrams(doc)).toEqual([]);
    expect(readDriverNodes(doc)).toEqual([]);
    expect(readEvaluationPlans(doc).size).toBe(0);
    expect(readActionResponses(doc).size).toBe(0);
    expect(() => readMembers(doc)).not.toThrow();
  });

  it('reads the session and the board’s own fields past a field nested 20,000 deep, with defaults for what does not read', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Ward 7 retention', createdAt: 1, template: 'four-perspectives' });
    doc.transact(() => {
      sessionMap(doc).set('phase', 'vote');
      nestMaps(sessionMap(doc), 'timer', HOSTILE_DEPTH);
      sessionMap(doc).set('summons', { phase: 'vote', scrollX: 0, scrollY: 0, serial: { deeper: { deeper: 1 } } });
    });
    expect(readSession(doc)).toMatchObject({ template: 'four-perspectives', phase: 'vote', timer: null, summons: null });
    doc.transact(() => nestMaps(boardMap(doc), 'title', HOSTILE_DEPTH));
    expect(readBoardMeta(doc)).toBeNull();
    expect(readBoardSnapshot(doc).title).toBe('');
  });

  it('makes the snapshot and every export of such a board, with its good notes, actions and steps', async () => {
    const snapshot = readBoardSnapshot(board, 1_700_000_000_000);
    expect(snapshot.themes.map((t) => ({ title: t.title, notes: t.notes.map((n) => n.text) }))).toEqual([{ title: GOOD.theme, notes: [GOOD.notes[0]] }]);
    expect(snapshot.ungroupedNotes.map((n) => n.text)).toEqual([GOOD.notes[1]]);
    expect(snapshot.actions.map((a) => a.action)).toEqual(GOOD.actions);
    expect(snapshot.actions[0]).toMatchObject({ themeTitle: GOOD.theme, steps: [{ text: GOOD.steps[0], done: true }, { text: GOOD.steps[1], done: false }] });
    for (const format of PLAN_FORMATS) await expect(exportPlan(snapshot, format, { boardId: 'ward-7' })).resolves.toBeTruthy();
    const markdown = (await exportPlan(snapshot, 'md', { boardId: 'ward-7' })) as string;
    for (const text of [...GOOD.actions, ...GOOD.steps]) expect(markdown).toContain(text);
    expect(planJsonSchema.parse(JSON.parse((await exportPlan(snapshot, 'json', { boardId: 'ward-7' })) as string)).actions).toHaveLength(2);
   }, 30_000);

  it('folds a driver diagram whose nodes hang 20,000 deep to a tree of bounded depth, keeping every node, in the snapshot and every export', async () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Ward 7 retention', createdAt: 1 });
    const diagramId = addDiagram(doc, { title: 'Keeping nurses', aim: 'Fewer leavers' });
    doc.transact(() => {
      let parentId: string | null = null;
      for (let level = 0; level < HOSTILE_DEPTH; level++) {
        const id = `node-${level}`;
        const fields = { id, diagramId, parentId, text: `level ${level}`, order: 0, movedAt: 0, deleted: false, measure: '' };
        topMap(doc, DocKey.driverNodes).set(id, newRecord({ ...fields, measureKind: null, sourceKind: null, sourceId: null, actionId: null, createdAt: 1 }));
        parentId = id;
      }
    });
    const nodes = flattenDriverTree(readDriverTree(doc, diagramId as DiagramId).root).slice(1);
    expect(nodes).toHaveLength(HOSTILE_DEPTH);
    expect(Math.max(...nodes.map((node) => node.depth))).toBe(MAX_DRIVER_TREE_DEPTH);
    const snapshot = readBoardSnapshot(doc);
    expect(snapshot.diagrams[0]!.markdown).toContain(`level ${HOSTILE_DEPTH - 1}`);
    for (const format of PLAN_FORMATS) await expect(exportPlan(snapshot, format, { boardId: 'ward-7' })).resolves.toBeTruthy();
  }, BUILD_TIMEOUT_MS);
});
