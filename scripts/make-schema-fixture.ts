/**
 * Writes the frozen fixture of the current schema version to tests/fixtures/.
 * Run once when a schema version is released (`node --import tsx
 * scripts/make-schema-fixture.ts`), then never again for that version: the
 * fixture is what an old board on a trust's disk looks like, and every later
 * release must still migrate it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { initBoard } from '../shared/document/board';
import { addNote } from '../shared/document/notes';
import { CURRENT_SCHEMA_VERSION } from '../shared/schema/version';
import type { ActionId, NoteId, ParticipantId, PerspectiveId, ThemeId } from '../shared/schema/ids';
import { addTheme } from '../shared/document/themes';
import { addAction, addActionSteps, respondToAction, setEvaluationStep, setNextStepCheck, updateAction } from '../shared/document/actions';
import { setGroup } from '../shared/document/perspectives';
import { addDiagram, addDriverNode, changeIdeaToAction } from '../shared/document/drivers';
import type { DiagramId, DriverNodeId } from '../shared/schema/ids';
import { addAssessmentTopic, defaultTopicId, publishAssessmentSpread, setAgreedRating } from '../shared/document/assessment';
import { setSessionFlag } from '../shared/document/session';
import { writeProgress } from '../shared/document/drafts';
import { writeCycle } from '../shared/document/cycle';

const target = path.resolve(import.meta.dirname, `../tests/fixtures/board-schema-v${CURRENT_SCHEMA_VERSION}.bin`);
if (fs.existsSync(target)) {
  console.error(`${target} exists: fixtures of released versions are frozen.`);
  process.exit(1);
}
const doc = new Y.Doc();
doc.clientID = 1;
initBoard(doc, { title: 'Retention workshop (fixture)', createdAt: Date.UTC(2026, 10, 1, 9, 0), template: 'four-perspectives' });
setGroup(doc, 'fixture-person' as ParticipantId, 'managers' as PerspectiveId);
addNote(doc, {
  id: 'fixture-note-1' as NoteId,
  text: 'Staff say rotas arrive too late to plan childcare',
  x: 120,
  y: 80,
  colour: 'yellow',
  authorId: 'fixture-person' as ParticipantId,
  authorName: 'Line manager',
  perspectiveId: 'managers' as PerspectiveId,
  now: Date.UTC(2026, 10, 1, 9, 5),
});
addNote(doc, {
  id: 'fixture-note-2' as NoteId,
  text: 'Exit interview data goes to the board twice a year',
  x: 420,
  y: 80,
  colour: 'blue',
  authorId: null,
  authorName: 'Board member',
  perspectiveId: 'board' as PerspectiveId,
  now: Date.UTC(2026, 10, 1, 9, 6),
});
addTheme(doc, {
  id: 'fixture-theme-1' as ThemeId,
  title: 'Predictable rotas',
  noteIds: ['fixture-note-1' as NoteId, 'fixture-note-2' as NoteId],
  now: Date.UTC(2026, 10, 1, 9, 20),
});
addAction(doc, { id: 'fixture-action-1' as ActionId, themeId: 'fixture-theme-1' as ThemeId, topic: 'Predictable rotas', now: Date.UTC(2026, 10, 1, 9, 40) });
respondToAction(doc, 'fixture-action-1' as ActionId, 'fixture-person' as ParticipantId, 'agree');
setNextStepCheck(doc, 'fixture-action-1' as ActionId, 'owner', { done: true, note: 'Ward manager agreed to lead' });
setEvaluationStep(doc, 'fixture-action-1' as ActionId, 'dataSources', 'Electronic staff record; exit interviews');
updateAction(doc, 'fixture-action-1' as ActionId, {
  action: 'Publish every rota six weeks ahead',
  owner: 'Ward manager',
  timescale: { kind: 'date', date: '2027-03-31' },
  success: 'Rotas out six weeks ahead on every ward',
  status: 'under-way',
});
addActionSteps(doc, 'fixture-action-1' as ActionId, [{ text: 'Agree the rota calendar', done: true }, { text: 'Train rota leads' }]);
const diagram = addDiagram(doc, { id: 'fixture-diagram-1' as DiagramId, title: 'Keeping nurses', aim: 'Cut nurse leavers in year one by a third by March', now: Date.UTC(2026, 10, 1, 10, 0) });
const primary = addDriverNode(doc, { id: 'fixture-primary' as DriverNodeId, diagramId: diagram, parentId: null, text: 'Predictable rotas', now: Date.UTC(2026, 10, 1, 10, 1) })!;
const secondary = addDriverNode(doc, { id: 'fixture-secondary' as DriverNodeId, diagramId: diagram, parentId: primary, text: 'Rotas published early', now: Date.UTC(2026, 10, 1, 10, 2) })!;
const idea = addDriverNode(doc, { id: 'fixture-idea' as DriverNodeId, diagramId: diagram, parentId: secondary, text: 'Publish rotas six weeks ahead', now: Date.UTC(2026, 10, 1, 10, 3) })!;
changeIdeaToAction(doc, idea);
// The self-assessment (schema 7): a topic of the board's own beside the seeded ones, a revealed spread and an agreed rating.
addAssessmentTopic(doc, 'Rotas that staff can plan their lives around');
setSessionFlag(doc, 'assessmentRevealed', true);
publishAssessmentSpread(doc, {
  raters: 2,
  topics: { [defaultTopicId(10)]: { red: 1, amber: 1, green: 0, evidence: [{ text: 'Few flexible patterns on nights', authorName: 'Line manager' }] } },
});
writeProgress(doc, { drafts: {}, voters: 0, dots: 0, raters: 2 });
setAgreedRating(doc, defaultTopicId(10), { rating: 'amber', note: 'Policy exists; few wards use it' });
// The retention cycle (schema 8): this board as the 30-day check-in of a workshop, with the workshop's snapshot as its history.
writeCycle(doc, {
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
fs.writeFileSync(target, Y.encodeStateAsUpdate(doc));
console.log(`wrote ${target}`);
