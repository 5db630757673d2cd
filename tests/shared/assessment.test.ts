import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addAssessmentTopic,
  defaultTopicId,
  deleteAssessmentTopic,
  moveAssessmentTopic,
  publishAssessmentSpread,
  readAgreedRatings,
  readAssessmentSpread,
  readAssessmentTopics,
  readOwnRatings,
  renameAssessmentTopic,
  seedDefaultAssessmentTopics,
  setAgreedRating,
  setOwnEvidence,
  setOwnRating,
  withdrawAssessmentSpread,
} from '../../shared/document/assessment';
import { initBoard, readSchemaVersion } from '../../shared/document/board';
import { DocKey, PrivateDocKey, topMap } from '../../shared/document/doc';
import { migrateDoc } from '../../shared/document/migrations';
import { readSession } from '../../shared/document/session';
import { readProgress } from '../../shared/document/drafts';
import { buildAssessmentSpread, countRatings, disagreement, orderByDisagreement, topicsNeedingWork } from '../../shared/rules/assessment';
import { DEFAULT_ASSESSMENT_TOPICS, EVIDENCE_MAX_CHARS, MAX_ASSESSMENT_TOPICS, MAX_OWN_RATINGS, type AgreedRating, type AssessmentTopic } from '../../shared/schema/assessment';
import type { TopicId } from '../../shared/schema/ids';
import { CURRENT_SCHEMA_VERSION } from '../../shared/schema/version';

const fixturesDir = path.resolve(import.meta.dirname, '../fixtures');
const T = (id: string) => id as TopicId;

function fixture(version: number): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(fs.readFileSync(path.join(fixturesDir, `board-schema-v${version}.bin`))));
  return doc;
}

function newBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Self-assessment', createdAt: 1 });
  return doc;
}

describe('the self-assessment rules', () => {
  it('counts the colours, leaving out ratings with none', () => {
    expect(countRatings(['red', 'amber', null, 'red', 'green'])).toEqual({ red: 2, amber: 1, green: 1 });
    expect(countRatings([])).toEqual({ red: 0, amber: 0, green: 0 });
  });

  it('measures disagreement: none when everyone agrees or nobody rated, most for red against green', () => {
    expect(disagreement({ red: 0, amber: 0, green: 0 })).toBe(0);
    expect(disagreement({ red: 5, amber: 0, green: 0 })).toBe(0);
    expect(disagreement({ red: 0, amber: 3, green: 0 })).toBe(0);
    expect(disagreement({ red: 1, amber: 0, green: 1 })).toBe(1);
    expect(disagreement({ red: 1, amber: 1, green: 0 })).toBe(0.25);
    expect(disagreement({ red: 2, amber: 0, green: 2 })).toBeGreaterThan(disagreement({ red: 1, amber: 2, green: 1 }));
    expect(disagreement({ red: 1, amber: 2, green: 1 })).toBeGreaterThan(disagreement({ red: 0, amber: 3, green: 1 }));
  });

  it('orders topics by disagreement, most first, ties (and topics with no spread) in topic order', () => {
    const topics = ['a', 'b', 'c', 'd', 'e'].map((topicId) => ({ topicId }));
    const spreads = {
      a: { red: 3, amber: 0, green: 0 },
      b: { red: 1, amber: 0, green: 1 },
      c: { red: 1, amber: 1, green: 0 },
      e: { red: 0, amber: 1, green: 1 },
    };
    expect(orderByDisagreement(topics, spreads).map((t) => t.topicId)).toEqual(['b', 'c', 'e', 'a', 'd']);
  });

  it('offers the topics agreed red, then amber, each in topic order', () => {
    const topics: AssessmentTopic[] = ['t1', 't2', 't3', 't4', 't5'].map((id, order) => ({ id: T(id), title: id, order }));
    const agreed = new Map<TopicId, AgreedRating>([
      [T('t1'), { rating: 'amber', note: '', agreedAt: 1 }],
      [T('t2'), { rating: 'green', note: '', agreedAt: 1 }],
      [T('t3'), { rating: 'red', note: '', agreedAt: 1 }],
      [T('t5'), { rating: 'red', note: '', agreedAt: 1 }],
    ]);
    expect(topicsNeedingWork(topics, agreed).map((t) => t.id)).toEqual(['t3', 't5', 't1']);
  });

  it('builds the spread from existing topics only, counting raters and sorting evidence by its text', () => {
    const spread = buildAssessmentSpread(
      [T('t1'), T('t2')],
      [
        { ratings: new Map([[T('t1'), { rating: 'red' as const, evidence: 'Zero flexible rotas' }], [T('gone'), { rating: 'green' as const, evidence: 'x' }]]), authorName: 'Alex' },
        { ratings: new Map([[T('t1'), { rating: 'amber' as const, evidence: 'A policy exists' }]]), authorName: 'Bea' },
        // Only evidence, on a deleted topic: not a rater.
        { ratings: new Map([[T('gone'), { rating: 'red' as const, evidence: '' }]]), authorName: 'Cal' },
        { ratings: new Map([[T('t2'), { rating: null, evidence: '  Not sure  ' }]]), authorName: 'Dee' },
      ],
    );
    expect(spread).toEqual({
      raters: 2,
      topics: {
        t1: { red: 1, amber: 1, green: 0, evidence: [{ text: 'A policy exists', authorName: 'Bea' }, { text: 'Zero flexible rotas', authorName: 'Alex' }] },
        t2: { red: 0, amber: 0, green: 0, evidence: [{ text: 'Not sure', authorName: 'Dee' }] },
      },
    });
  });
});

describe('the self-assessment in the document', () => {
  it('gives a new board the fourteen default topics, in order, once', () => {
    const doc = newBoard();
    const topics = readAssessmentTopics(doc);
    expect(topics.map((t) => t.title)).toEqual(DEFAULT_ASSESSMENT_TOPICS);
    expect(topics.map((t) => t.id)).toEqual(DEFAULT_ASSESSMENT_TOPICS.map((_, index) => defaultTopicId(index + 1)));
    deleteAssessmentTopic(doc, topics[0]!.id);
    seedDefaultAssessmentTopics(doc);
    expect(readAssessmentTopics(doc)).toHaveLength(13);
  });

  it('adds, renames, moves and deletes topics; blank titles and the 41st topic are refused', () => {
    const doc = newBoard();
    const added = addAssessmentTopic(doc, '  Rota planning  ')!;
    expect(readAssessmentTopics(doc).at(-1)).toEqual({ id: added, title: 'Rota planning', order: 14 });
    expect(addAssessmentTopic(doc, '   ')).toBeNull();
    expect(renameAssessmentTopic(doc, added, 'Rotas six weeks ahead')).toBe(true);
    expect(renameAssessmentTopic(doc, added, ' ')).toBe(false);
    moveAssessmentTopic(doc, added, 0);
    expect(readAssessmentTopics(doc).slice(0, 2).map((t) => t.title)).toEqual(['Rotas six weeks ahead', DEFAULT_ASSESSMENT_TOPICS[0]]);
    setAgreedRating(doc, added, { rating: 'red', note: 'Nothing yet' });
    deleteAssessmentTopic(doc, added);
    expect(readAssessmentTopics(doc).some((t) => t.id === added)).toBe(false);
    expect(readAgreedRatings(doc).has(added)).toBe(false);
    while (readAssessmentTopics(doc).length < MAX_ASSESSMENT_TOPICS) expect(addAssessmentTopic(doc, 'More')).not.toBeNull();
    expect(addAssessmentTopic(doc, 'One too many')).toBeNull();
  });

  it('keeps a person’s colour and evidence together, clipping evidence and removing an empty entry', () => {
    const mine = new Y.Doc();
    setOwnRating(mine, T('t1'), 'amber');
    setOwnEvidence(mine, T('t1'), 'x'.repeat(EVIDENCE_MAX_CHARS + 20));
    expect(readOwnRatings(mine).get(T('t1'))).toEqual({ rating: 'amber', evidence: 'x'.repeat(EVIDENCE_MAX_CHARS) });
    setOwnRating(mine, T('t1'), null);
    setOwnEvidence(mine, T('t1'), '');
    expect(topMap(mine, PrivateDocKey.ratings).has('t1')).toBe(false);
    for (let i = 0; i < MAX_OWN_RATINGS + 5; i++) setOwnRating(mine, T(`t${i}`), 'green');
    expect(readOwnRatings(mine).size).toBe(MAX_OWN_RATINGS);
  });

  it('skips ratings, agreed ratings, topics and spreads that do not read', () => {
    const mine = new Y.Doc();
    const ratings = topMap(mine, PrivateDocKey.ratings);
    ratings.set('good', { rating: 'green', evidence: 'ok' });
    const hostile: unknown[] = [
      { rating: 'purple', evidence: '' },
      { rating: 'red' },
      { rating: 'red', evidence: '', extra: 1 },
      { rating: 'red', evidence: 'x'.repeat(EVIDENCE_MAX_CHARS + 1) },
      { rating: 'red', evidence: { deep: { deeper: 1 } } },
      'red',
      null,
      new Y.Map(),
    ];
    hostile.forEach((value, index) => ratings.set(`bad${index}`, value));
    ratings.set('k'.repeat(65), { rating: 'red', evidence: '' });
    expect([...readOwnRatings(mine).keys()]).toEqual(['good']);

    const doc = newBoard();
    const agreed = topMap(doc, DocKey.assessmentAgreed);
    agreed.set('default-01', { rating: 'red', note: 'Start here', agreedAt: 5 });
    agreed.set('default-02', { rating: 'amber', note: 'n' });
    agreed.set('default-03', { rating: 'red', note: '', agreedAt: 1, by: 'me' });
    expect([...readAgreedRatings(doc)]).toEqual([['default-01', { rating: 'red', note: 'Start here', agreedAt: 5 }]]);

    const topics = topMap(doc, DocKey.assessmentTopics);
    const noTitle = new Y.Map();
    noTitle.set('id', 'no-title');
    topics.set('no-title', noTitle);
    topics.set('not-a-map', 'Flexible working');
    const wrongId = new Y.Map();
    wrongId.set('id', 'other');
    wrongId.set('title', 'Mislabelled');
    topics.set('wrong-id', wrongId);
    expect(readAssessmentTopics(doc)).toHaveLength(14);

    const spread = topMap(doc, DocKey.assessmentSpread);
    spread.set('raters', -3);
    spread.set('topics', { t1: { red: 1, amber: 0, green: 0, evidence: [] }, t2: { red: 'many' }, t3: { red: 0, amber: 0, green: 0, evidence: [{ text: 1 }] } });
    expect(readAssessmentSpread(doc)).toEqual({ raters: 0, topics: { t1: { red: 1, amber: 0, green: 0, evidence: [] } } });
  });

  it('publishes and withdraws the spread, empty before', () => {
    const doc = newBoard();
    expect(readAssessmentSpread(doc)).toEqual({ raters: 0, topics: {} });
    const published = { raters: 1, topics: { 'default-01': { red: 1, amber: 0, green: 0, evidence: [{ text: 'Why', authorName: '' }] } } };
    publishAssessmentSpread(doc, published);
    expect(readAssessmentSpread(doc)).toEqual(published);
    withdrawAssessmentSpread(doc);
    expect(topMap(doc, DocKey.assessmentSpread).size).toBe(0);
  });
});

describe('schema 7', () => {
  it('migrates the version-6 fixture, giving it the fourteen default topics and an unrevealed self-assessment', () => {
    const v6 = fixture(6);
    expect(topMap(v6, DocKey.assessmentTopics).size).toBe(0);
    // 6 → 7, then 7 → 8 (the retention cycle, which changes nothing in the document).
    expect(migrateDoc(v6).applied).toHaveLength(2);
    expect(readSchemaVersion(v6)).toBe(CURRENT_SCHEMA_VERSION);
    expect(readAssessmentTopics(v6).map((t) => t.title)).toEqual(DEFAULT_ASSESSMENT_TOPICS);
    expect(readSession(v6).assessmentRevealed).toBe(false);
    expect(readAssessmentSpread(v6)).toEqual({ raters: 0, topics: {} });
    expect(readAgreedRatings(v6).size).toBe(0);
  });

  it('leaves a board that already has topics as it is', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    for (const t of readAssessmentTopics(doc).slice(1)) deleteAssessmentTopic(doc, t.id);
    doc.getMap('board').set('schemaVersion', 6);
    migrateDoc(doc);
    expect(readAssessmentTopics(doc)).toHaveLength(1);
  });

  it('reads the frozen version-7 fixture: its topics, agreed rating, reveal, spread and raters', () => {
    const v7 = fixture(7);
    // Only 7 → 8, the retention cycle, which changes nothing here (tests/shared/cycle.test.ts).
    expect(migrateDoc(v7).applied).toHaveLength(1);
    const topics = readAssessmentTopics(v7);
    expect(topics).toHaveLength(15);
    expect(topics.at(-1)).toEqual({ id: 'fixture-topic-1', title: 'Rota planning', order: 14 });
    expect(readAgreedRatings(v7).get(T('default-10'))).toEqual({ rating: 'amber', note: 'Policy exists; few wards offer it', agreedAt: Date.UTC(2026, 10, 1, 8, 50) });
    expect(readSession(v7).assessmentRevealed).toBe(true);
    expect(readAssessmentSpread(v7)).toEqual({
      raters: 2,
      topics: { 'default-10': { red: 1, amber: 1, green: 0, evidence: [{ text: 'Requests often refused on nights', authorName: 'Line manager' }] } },
    });
    expect(readProgress(v7).raters).toBe(2);
  });
});
