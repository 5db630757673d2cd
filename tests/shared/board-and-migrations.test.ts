import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { readSession } from '../../shared/document/session';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { nodesByAction, readDiagrams, readDriverTree } from '../../shared/document/drivers';
import { readActions, readActionSteps, readEvaluationPlans, readNextStepChecks } from '../../shared/document/actions';
import { flattenDriverTree } from '../../shared/rules/driverTree';
import { initBoard, readBoardMeta, readSchemaVersion, renameBoard, writeSchemaVersion } from '../../shared/document/board';
import { migrateDoc, MigrationError, MIGRATIONS, type Migration } from '../../shared/document/migrations';
import { readNotes } from '../../shared/document/notes';
import { boardMap, DocKey, topMap } from '../../shared/document/doc';
import { CURRENT_SCHEMA_VERSION } from '../../shared/schema/version';

const fixturesDir = path.resolve(import.meta.dirname, '../fixtures');

describe('the board and its schema version', () => {
  it('initialises a board with its title, creation time and the current schema version', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Exec away day', createdAt: 42 });
    expect(readBoardMeta(doc)).toEqual({ title: 'Exec away day', createdAt: 42, schemaVersion: CURRENT_SCHEMA_VERSION });
  });

  it('renames a board but ignores a blank title', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Old', createdAt: 1 });
    renameBoard(doc, '  New  ');
    renameBoard(doc, '   ');
    expect(readBoardMeta(doc)!.title).toBe('New');
  });

  it('reads no metadata from a document that has not synced yet', () => {
    expect(readBoardMeta(new Y.Doc())).toBeNull();
    expect(readSchemaVersion(new Y.Doc())).toBeNull();
  });
});

describe('migrations', () => {
  const toV2: Migration = {
    from: 1,
    to: 2,
    description: 'notes gain a votes counter',
    run: (doc) => boardMap(doc).set('migratedBy', 'v2'),
  };
  const toV3: Migration = {
    from: 2,
    to: 3,
    description: 'boards gain a phase',
    run: (doc) => boardMap(doc).set('phase', 'setup'),
  };

  it('runs each step in order from the stored version to the target', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    writeSchemaVersion(doc, 1);
    const result = migrateDoc(doc, [toV3, toV2], 3);
    expect(result).toEqual({ from: 1, to: 3, applied: ['notes gain a votes counter', 'boards gain a phase'] });
    expect(readSchemaVersion(doc)).toBe(3);
    expect(boardMap(doc).get('phase')).toBe('setup');
  });

  it('does nothing to a document already at the target', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    const before = Y.encodeStateAsUpdate(doc);
    expect(migrateDoc(doc).applied).toEqual([]);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
  });

  it('refuses a document from a newer release rather than damage it', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    writeSchemaVersion(doc, CURRENT_SCHEMA_VERSION + 1);
    expect(() => migrateDoc(doc)).toThrow(MigrationError);
  });

  it('refuses when a step is missing and when the document was never initialised', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    writeSchemaVersion(doc, 1);
    expect(() => migrateDoc(doc, [toV3], 3)).toThrow(/No migration from schema version 1/);
    expect(() => migrateDoc(new Y.Doc())).toThrow(/never initialised/);
  });

  it('keeps the list of released migrations consistent with the current version', () => {
    let version = 1;
    for (const m of MIGRATIONS) {
      expect(m.from).toBe(version);
      version = m.to;
    }
    expect(version).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('migrates the frozen fixture of every released schema version and reads its notes', () => {
    const fixtures = fs.readdirSync(fixturesDir).filter((f) => /^board-schema-v\d+\.bin$/.test(f));
    expect(fixtures).toContain('board-schema-v1.bin');
    for (const file of fixtures) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(fs.readFileSync(path.join(fixturesDir, file))));
      migrateDoc(doc);
      expect(readSchemaVersion(doc)).toBe(CURRENT_SCHEMA_VERSION);
      expect(readBoardMeta(doc)!.title).toBe('Retention workshop (fixture)');
      expect(readNotes(doc).map((n) => n.text)).toEqual([
        'Staff say rotas arrive too late to plan childcare',
        'Exit interview data goes to the board twice a year',
      ]);
    }
  });

  it('turns a version-1 board into a blank board and reads the exercise of the version-2 fixture', () => {
    const v1 = new Y.Doc();
    Y.applyUpdate(v1, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v1.bin'))));
    migrateDoc(v1);
    expect(readSession(v1).template).toBe('blank');
    expect(readNotes(v1).map((n) => n.perspectiveId)).toEqual([null, null]);

    const v2 = new Y.Doc();
    Y.applyUpdate(v2, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v2.bin'))));
    migrateDoc(v2);
    const snapshot = readBoardSnapshot(v2);
    expect(snapshot.template).toBe('four-perspectives');
    expect(snapshot.perspectives.map((p) => [p.id, p.notes.length])).toEqual([['board', 1], ['hr', 0], ['managers', 1], ['staff', 0]]);
    expect(snapshot.themes).toMatchObject([{ title: 'Predictable rotas', kind: 'similarity', perspectives: ['The board', 'Line managers'] }]);
    expect(snapshot.actions).toMatchObject([{ topic: 'Predictable rotas', themeTitle: 'Predictable rotas', agree: 1 }]);
  });

  it('reads the next-steps check and the evaluation plan of the version-4 fixture', () => {
    const v4 = new Y.Doc();
    Y.applyUpdate(v4, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v4.bin'))));
    migrateDoc(v4);
    expect(readNextStepChecks(v4).get('fixture-action-1')).toEqual({ owner: { done: true, note: 'Ward manager agreed to lead' } });
    expect(readEvaluationPlans(v4).get('fixture-action-1')).toEqual({ dataSources: 'Electronic staff record; exit interviews' });
  });

  it('turns a version-4 action’s written timescale into a date or a duration, and its steps into a checklist, losing no words', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 'Version 4', createdAt: 1, template: 'four-perspectives' });
    writeSchemaVersion(doc, 4);
    const v4Action = (id: string, timescale: string, steps: string) => {
      const record = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ id, themeId: null, topic: id, action: '', owner: 'HR', timescale, steps, success: '', createdAt: 1 })) record.set(key, value);
      topMap(doc, DocKey.actions).set(id, record);
    };
    v4Action('a', '3 months', 'Review the data;\n- write the board paper\n\n2. present it');
    v4Action('b', 'by 31 March 2027', '');
    v4Action('c', 'End of Q2, once the survey is back', 'One sentence of steps');
    v4Action('d', '', '');
    migrateDoc(doc);
    const actions = new Map(readActions(doc).map((action) => [action.id as string, action]));
    expect(actions.get('a')).toMatchObject({ timescale: { kind: 'duration', amount: 3, unit: 'months' }, status: 'not-started', importedFrom: null });
    expect(actions.get('b')!.timescale).toEqual({ kind: 'date', date: '2027-03-31' });
    expect(actions.get('c')!.timescale).toEqual({ kind: 'text', text: 'End of Q2, once the survey is back' });
    expect(actions.get('d')!.timescale).toBeNull();
    const steps = readActionSteps(doc);
    expect(steps.get('a')!.map((step) => [step.text, step.done])).toEqual([['Review the data;', false], ['write the board paper', false], ['present it', false]]);
    expect(steps.get('c')!.map((step) => step.text)).toEqual(['One sentence of steps']);
    expect(steps.has('b')).toBe(false);
    expect((topMap(doc, DocKey.actions).get('a') as Y.Map<unknown>).has('steps')).toBe(false);
  });

  it('reads the structured plan of the version-5 fixture', () => {
    const v5 = new Y.Doc();
    Y.applyUpdate(v5, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v5.bin'))));
    migrateDoc(v5);
    const [action] = readBoardSnapshot(v5).actions.filter((a) => a.id === 'fixture-action-1');
    expect(action).toMatchObject({
      owner: 'Ward manager',
      timescale: { kind: 'date', date: '2027-03-31' },
      status: 'under-way',
      steps: [{ text: 'Agree the rota calendar', done: true }, { text: 'Train rota leads', done: false }],
    });
  });

  it('turns the version-5 fixture’s co-edited text into Y.Text and each step into a record, reading exactly what it read before', () => {
    const v5 = new Y.Doc();
    Y.applyUpdate(v5, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v5.bin'))));
    // All but the self-assessment, which the schema-7 step seeds with the default topics.
    const withoutAssessment = () => {
      const { assessment: _assessment, cycle: _cycle, ...rest } = readBoardSnapshot(v5, 1);
      return rest;
    };
    const before = withoutAssessment();
    migrateDoc(v5);
    expect(withoutAssessment()).toEqual(before);
    const action = topMap(v5, DocKey.actions).get('fixture-action-1') as Y.Map<unknown>;
    for (const field of ['topic', 'action', 'owner', 'success']) expect(action.get(field)).toBeInstanceOf(Y.Text);
    expect((topMap(v5, DocKey.themes).get('fixture-theme-1') as Y.Map<unknown>).get('title')).toBeInstanceOf(Y.Text);
    const diagram = topMap(v5, DocKey.diagrams).get('fixture-diagram-1') as Y.Map<unknown>;
    for (const field of ['title', 'aim', 'aimMeasure']) expect(diagram.get(field)).toBeInstanceOf(Y.Text);
    const node = topMap(v5, DocKey.driverNodes).get('fixture-idea') as Y.Map<unknown>;
    for (const field of ['text', 'measure']) expect(node.get(field)).toBeInstanceOf(Y.Text);
    const steps = [...topMap(v5, DocKey.actionSteps).values()];
    expect(steps).toHaveLength(2);
    for (const step of steps) expect((step as Y.Map<unknown>).get('text')).toBeInstanceOf(Y.Text);
    expect(readBoardMeta(v5)!.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('reads the driver diagram of the version-3 fixture', () => {
    const v3 = new Y.Doc();
    Y.applyUpdate(v3, new Uint8Array(fs.readFileSync(path.join(fixturesDir, 'board-schema-v3.bin'))));
    migrateDoc(v3);
    const [diagram] = readDiagrams(v3);
    expect(diagram).toMatchObject({ title: 'Keeping nurses', aim: 'Cut nurse leavers in year one by a third by March' });
    const levels = flattenDriverTree(readDriverTree(v3, diagram!.id).root).map((n) => [n.level, n.node?.text ?? 'aim']);
    expect(levels).toEqual([
      ['aim', 'aim'],
      ['primary', 'Predictable rotas'],
      ['secondary', 'Rotas published early'],
      ['change', 'Publish rotas six weeks ahead'],
    ]);
    expect([...nodesByAction(v3).values()].flat().map((n) => n.text)).toEqual(['Publish rotas six weeks ahead']);
    // The snapshot carries the diagram for the plan's exports: as a tree, a picture and an outline.
    const [inSnapshot] = readBoardSnapshot(v3).diagrams;
    expect(inSnapshot).toMatchObject({
      title: 'Keeping nurses',
      drivers: [{ text: 'Predictable rotas', level: 'primary', children: [{ level: 'secondary', children: [{ text: 'Publish rotas six weeks ahead', level: 'change' }] }] }],
    });
    expect(inSnapshot!.svg).toContain('Predictable rotas');
    expect(inSnapshot!.markdown).toContain('      - Change idea: Publish rotas six weeks ahead');
    expect(readBoardSnapshot(v3).actions.find((a) => a.topic === 'Publish rotas six weeks ahead')).toMatchObject({ changeIdea: 'Publish rotas six weeks ahead' });
  });
});
