import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAction, addActionSteps, readActions, readActionSteps, updateAction, updateActionStep } from '../../shared/document/actions';
import { addAssessmentTopic, defaultTopicId, deleteAssessmentTopic, moveAssessmentTopic, readAgreedRatings, readAssessmentTopics, setAgreedRating } from '../../shared/document/assessment';
import { initBoard, readSchemaVersion } from '../../shared/document/board';
import { migrateDoc } from '../../shared/document/migrations';
import { readCycle, readCycleCurrent, snapshotOf, startCheckIn, writeCycle } from '../../shared/document/cycle';
import { DocKey, topMap } from '../../shared/document/doc';
import { addNote, readNotes } from '../../shared/document/notes';
import { addTheme, readThemes } from '../../shared/document/themes';
import { actionHistory, colourCounts, cycleStages, ratingHistory } from '../../shared/rules/cycle';
import { type CycleSnapshot, nextStage, stageName } from '../../shared/schema/cycle';
import type { ActionId, NoteId, ParticipantId, TopicId } from '../../shared/schema/ids';

/**
 * The retention cycle in the document (docs/document-layout.md, schema 8,
 * `cycle`) and its rules (shared/rules/cycle.ts): what a check-in carries
 * over from the board before it, the history that builds up across the
 * 30-, 60- and 90-day check-ins, and the "what changed" rows.
 */


function blankBoard(title: string, createdAt = 1000): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title, createdAt, template: 'blank' });
  return doc;
}

/** A workshop with a custom topic, a moved one, two agreed ratings, two actions (one with steps, one ticked), a note and a theme. */
function workshop(): { doc: Y.Doc; first: ActionId; second: ActionId; own: TopicId } {
  const doc = blankBoard('Ward 7 retention');
  const own = addAssessmentTopic(doc, 'Rotas people can plan around')!;
  moveAssessmentTopic(doc, own, 0);
  setAgreedRating(doc, defaultTopicId(10), { rating: 'red', note: 'Nobody gets it' });
  setAgreedRating(doc, own, { rating: 'amber', note: 'Some wards' });
  const first = addAction(doc, { topic: 'Flexible working', now: 10 });
  updateAction(doc, first, { action: 'Offer self-rostering', owner: 'Matron', success: 'Half the wards', timescale: { kind: 'date', date: '2027-03-31' }, status: 'under-way' });
  const [picked] = addActionSteps(doc, first, [{ text: 'Pick two wards' }, { text: 'Buy the software' }, { text: 'Train rota leads' }]);
  updateActionStep(doc, first, picked!, { done: true });
  updateAction(doc, first, { review: 'Two wards trying it' });
  const second = addAction(doc, { topic: 'Exit interviews', now: 20 });
  addNote(doc, { id: 'n1' as NoteId, text: 'A note that stays behind', x: 0, y: 0, colour: 'yellow', authorId: 'p' as ParticipantId, authorName: 'P', now: 5 });
  addTheme(doc, { title: 'A theme that stays behind', noteIds: ['n1' as NoteId], now: 6 });
  return { doc, first, second, own };
}

describe('stages', () => {
  it('go workshop, 30, 60, 90, then end', () => {
    expect([nextStage(0), nextStage(30), nextStage(60), nextStage(90)]).toEqual([30, 60, 90, null]);
    expect(stageName(0)).toBe('Workshop');
    expect(stageName(60)).toBe('60-day check-in');
  });
});

describe('startCheckIn', () => {
  it('carries over the actions with their text, steps and ticks, timescale and progress, and the topics, as copies', () => {
    const { doc, first, second, own } = workshop();
    const checkIn = blankBoard('Ward 7 retention – 30-day check-in', 2000);
    startCheckIn(doc, checkIn, { stage: 30, title: 'Ward 7 retention', now: 5000 });

    // Everything but the theme and the check-in note, which each check-in writes afresh (the last one is in the history).
    expect(readActions(checkIn)).toEqual(readActions(doc).map((action) => ({ ...action, themeId: null, review: '' })));
    expect(readActions(checkIn).map((action) => action.id)).toEqual([first, second]);
    expect(readActions(checkIn)[0]).toMatchObject({ action: 'Offer self-rostering', owner: 'Matron', status: 'under-way', timescale: { kind: 'date', date: '2027-03-31' } });
    expect(readActionSteps(checkIn).get(first)).toEqual(readActionSteps(doc).get(first));
    expect(readActionSteps(checkIn).get(first)!.map((step) => step.done)).toEqual([true, false, false]);
    // Fresh shared types: the text fields are the check-in's own Y.Text, not the workshop's.
    const copied = topMap(checkIn, DocKey.actions).get(first) as Y.Map<unknown>;
    expect(copied.get('action')).toBeInstanceOf(Y.Text);
    expect(copied.get('action')).not.toBe((topMap(doc, DocKey.actions).get(first) as Y.Map<unknown>).get('action'));

    // The topics, same ids and order, instead of the defaults; not agreed again.
    expect(readAssessmentTopics(checkIn)).toEqual(readAssessmentTopics(doc).map((topic, index) => ({ ...topic, order: index })));
    expect(readAssessmentTopics(checkIn)[0]!.id).toBe(own);
    expect(readAgreedRatings(checkIn).size).toBe(0);

    // Not the notes, themes or anything else of the workshop.
    expect(readNotes(checkIn)).toEqual([]);
    expect(readThemes(checkIn)).toEqual([]);

    // Editing the check-in leaves the workshop as it was.
    updateAction(checkIn, first, { status: 'done' });
    expect(readActions(doc)[0]!.status).toBe('under-way');
  });

  it('leaves a topic deleted in the workshop out, and the check-in carries the workshop as its history', () => {
    const { doc, first, own } = workshop();
    deleteAssessmentTopic(doc, defaultTopicId(1));
    const checkIn = blankBoard('30', 2000);
    startCheckIn(doc, checkIn, { stage: 30, title: 'Ward 7 retention', now: 5000 });
    expect(readAssessmentTopics(checkIn).some((topic) => topic.id === defaultTopicId(1))).toBe(false);
    expect(readCycle(checkIn)).toEqual({
      stage: 30,
      history: [
        {
          stage: 0,
          title: 'Ward 7 retention',
          takenAt: 5000,
          ratings: [
            { topicId: own, topic: 'Rotas people can plan around', rating: 'amber' },
            { topicId: defaultTopicId(10), topic: 'Flexible working', rating: 'red' },
          ],
          actions: [
            { actionId: first, label: 'Offer self-rostering', status: 'under-way', stepsDone: 1, stepsTotal: 3, note: 'Two wards trying it' },
            // No action text yet: labelled by its topic.
            { actionId: expect.any(String), label: 'Exit interviews', status: 'not-started', stepsDone: 0, stepsTotal: 0, note: '' },
          ],
        },
      ],
    });
  });

  it('builds the history up across 0 → 30 → 60 → 90, each check-in from the one before', () => {
    const { doc: day0, first } = workshop();
    const day30 = blankBoard('30', 2000);
    startCheckIn(day0, day30, { stage: 30, title: 'Ward 7 retention', now: 3000 });
    updateAction(day30, first, { status: 'done' });
    setAgreedRating(day30, defaultTopicId(10), { rating: 'amber', note: 'Better' });
    const day60 = blankBoard('60', 4000);
    startCheckIn(day30, day60, { stage: 60, title: 'Ward 7 – 30', now: 5000 });
    setAgreedRating(day60, defaultTopicId(10), { rating: 'green', note: 'Done' });
    const day90 = blankBoard('90', 6000);
    startCheckIn(day60, day90, { stage: 90, title: 'Ward 7 – 60', now: 7000 });

    const { stage, history } = readCycle(day90);
    expect(stage).toBe(90);
    expect(history.map((snapshot) => [snapshot.stage, snapshot.title, snapshot.takenAt])).toEqual([
      [0, 'Ward 7 retention', 3000],
      [30, 'Ward 7 – 30', 5000],
      [60, 'Ward 7 – 60', 7000],
    ]);
    const current = readCycleCurrent(day90);
    expect(cycleStages(history, current)).toEqual([0, 30, 60, 90]);
    const flexible = ratingHistory(history, current).find((row) => row.topicId === defaultTopicId(10))!;
    expect(flexible.byStage).toEqual(['red', 'amber', 'green', null]);
    expect(actionHistory(history, current).find((row) => row.actionId === first)!.byStage.map((at) => at?.status)).toEqual(['under-way', 'done', 'done', 'done']);
    // The earlier boards keep their own, shorter history.
    expect(readCycle(day30).history).toHaveLength(1);
    expect(readCycle(day0)).toEqual({ stage: 0, history: [] });
  });
});

describe('readCycle', () => {
  it('reads a board without a cycle as a workshop with no history', () => {
    expect(readCycle(blankBoard('Old'))).toEqual({ stage: 0, history: [] });
  });

  it('skips snapshots that do not read, and a stage that is none of the four', () => {
    const doc = blankBoard('Hostile');
    const good: CycleSnapshot = { stage: 0, title: 'W', takenAt: 1, ratings: [], actions: [] };
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { deep };
    const map = topMap(doc, DocKey.cycle);
    map.set('stage', 45);
    map.set('history', [
      { ...good, stage: 15 },
      { ...good, extra: 'field' },
      { ...good, ratings: [{ topicId: 'a', topic: 'A', rating: 'purple' }] },
      deep,
      'not a snapshot',
      good,
    ]);
    // Only the first three entries are looked at (a cycle has at most three earlier boards), and none of them reads.
    expect(readCycle(doc)).toEqual({ stage: 0, history: [] });
    map.set('history', [deep, good, { ...good, actions: [{ actionId: 'a', label: 'L', status: 'done', stepsDone: -1, stepsTotal: 2 }] }]);
    expect(readCycle(doc).history).toEqual([good]);
    map.set('history', 'not a list');
    expect(readCycle(doc).history).toEqual([]);
  });

  it('writes and reads back a cycle, keeping only the last three snapshots', () => {
    const doc = blankBoard('W');
    const snapshot = (stage: 0 | 30 | 60): CycleSnapshot => ({ stage, title: `${stage}`, takenAt: stage, ratings: [], actions: [] });
    writeCycle(doc, { stage: 90, history: [snapshot(0), snapshot(0), snapshot(30), snapshot(60)] });
    expect(readCycle(doc).history.map((s) => s.title)).toEqual(['0', '30', '60']);
  });
});

describe('snapshotOf', () => {
  it('takes the agreed ratings in topic order and the actions with their steps', () => {
    const { doc, own } = workshop();
    const snapshot = snapshotOf(doc, 0, 'W', 9);
    expect(snapshot.ratings.map((rating) => rating.topicId)).toEqual([own, defaultTopicId(10)]);
    expect(snapshot.actions.map((action) => [action.stepsDone, action.stepsTotal])).toEqual([[1, 3], [0, 0]]);
  });
});

describe('the rules of what changed', () => {
  const history: CycleSnapshot[] = [
    {
      stage: 0,
      title: 'W',
      takenAt: 1,
      ratings: [
        { topicId: 'a', topic: 'A (old name)', rating: 'red' },
        { topicId: 'gone', topic: 'Deleted since', rating: 'red' },
      ],
      actions: [{ actionId: 'x', label: 'X', status: 'not-started', stepsDone: 0, stepsTotal: 2 }],
    },
    {
      stage: 30,
      title: 'W 30',
      takenAt: 2,
      ratings: [
        { topicId: 'a', topic: 'A', rating: 'amber' },
        { topicId: 'b', topic: 'B', rating: 'green' },
      ],
      actions: [
        { actionId: 'x', label: 'X', status: 'under-way', stepsDone: 1, stepsTotal: 2, note: 'Half way' },
        // A snapshot from before check-in notes: no note, read as ''.
        { actionId: 'y', label: 'Y', status: 'stuck', stepsDone: 0, stepsTotal: 0 },
      ],
    },
  ];
  const current = {
    stage: 60 as const,
    ratings: [
      { topicId: 'b', topic: 'B', rating: 'green' as const },
      { topicId: 'a', topic: 'A', rating: null },
    ],
    actions: [{ actionId: 'x', label: 'X done', status: 'done' as const, stepsDone: 2, stepsTotal: 2 }],
  };

  it('ratingHistory: one row per topic, the current board’s first, with each stage’s rating', () => {
    expect(ratingHistory(history, current)).toEqual([
      { topicId: 'b', topic: 'B', byStage: [null, 'green', 'green'] },
      { topicId: 'a', topic: 'A', byStage: ['red', 'amber', null] },
      { topicId: 'gone', topic: 'Deleted since', byStage: ['red', null, null] },
    ]);
  });

  it('colourCounts: per stage, how many topics of each colour', () => {
    expect(colourCounts(history, current)).toEqual([
      { stage: 0, red: 2, amber: 0, green: 0 },
      { stage: 30, red: 0, amber: 1, green: 1 },
      { stage: 60, red: 0, amber: 0, green: 1 },
    ]);
  });

  it('actionHistory: each action’s progress at each stage, null where a board did not have it', () => {
    expect(actionHistory(history, current)).toEqual([
      {
        actionId: 'x',
        label: 'X done',
        byStage: [
          { status: 'not-started', stepsDone: 0, stepsTotal: 2, note: '' },
          { status: 'under-way', stepsDone: 1, stepsTotal: 2, note: 'Half way' },
          { status: 'done', stepsDone: 2, stepsTotal: 2, note: '' },
        ],
      },
      { actionId: 'y', label: 'Y', byStage: [null, { status: 'stuck', stepsDone: 0, stepsTotal: 0, note: '' }, null] },
    ]);
  });
});

describe('schema 8', () => {
  const fixture = (version: number) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, `../fixtures/board-schema-v${version}.bin`))));
    return doc;
  };

  it('migrates the version-7 fixture by its version alone: it reads as a workshop with no history', () => {
    const v7 = fixture(7);
    const before = readActions(v7);
    expect(migrateDoc(v7).applied).toHaveLength(1);
    expect(readSchemaVersion(v7)).toBe(8);
    expect(topMap(v7, DocKey.cycle).size).toBe(0);
    expect(readCycle(v7)).toEqual({ stage: 0, history: [] });
    expect(readActions(v7)).toEqual(before);
  });

  it('reads the frozen version-8 fixture: a 30-day check-in with the workshop in its history', () => {
    const v8 = fixture(8);
    expect(migrateDoc(v8).applied).toEqual([]);
    expect(readCycle(v8)).toEqual({
      stage: 30,
      history: [
        {
          stage: 0,
          title: 'Retention workshop (fixture)',
          takenAt: Date.UTC(2026, 11, 1, 9, 0),
          ratings: [{ topicId: defaultTopicId(10), topic: 'Flexible working', rating: 'red' }],
          actions: [{ actionId: 'fixture-action-1', label: 'Publish every rota six weeks ahead', status: 'not-started', stepsDone: 0, stepsTotal: 2 }],
        },
      ],
    });
  });
});
