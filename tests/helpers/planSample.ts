import { expect } from 'vitest';
import * as Y from 'yjs';
import { initBoard } from '../../shared/document/board';
import { type ActionChanges, addAction, addActionSteps, readActionSteps, respondToAction, updateAction, updateActionStep } from '../../shared/document/actions';
import { addNote } from '../../shared/document/notes';
import { markActionsAgreed } from '../../shared/document/phases';
import { addTheme } from '../../shared/document/themes';
import { addDiagram, addDriverNode } from '../../shared/document/drivers';
import type { ActionId, DiagramId, DriverNodeId, ParticipantId, PerspectiveId, ThemeId } from '../../shared/schema/ids';

/** The workshop and the moment the plan is exported, fixed so golden files do not change. */
export const WORKSHOP = Date.UTC(2026, 10, 23, 9, 30);
export const TAKEN = Date.UTC(2026, 10, 23, 12, 0);

/** A workshop whose plan holds every awkward thing a person can type. */
export function samplePlanDoc(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Nursing retention | board session', createdAt: WORKSHOP, template: 'four-perspectives' });
  const theme = addTheme(doc, { id: 'theme-flex' as ThemeId, title: 'Flexible working', now: WORKSHOP });
  addNote(doc, { text: 'Self-rostering', x: 0, y: 0, authorId: null, authorName: '', perspectiveId: 'staff' as PerspectiveId, now: WORKSHOP });
  const rows: [string, ActionChanges, string[]][] = [
    ['a1', { topic: 'Flexible working: improve access across the trust', action: 'Review data on staff views and write a board paper', owner: 'HR team, with analytics colleagues', timescale: { kind: 'duration', amount: 2, unit: 'months' }, success: 'Board agrees "new approach"', status: 'under-way' }, ['Review data', 'Develop the board paper']],
    ['a2', { topic: '=HYPERLINK("http://example.invalid","click")', action: '+1 rota per ward', owner: '-Chief Nurse', timescale: { kind: 'text', text: '@3 months' }, success: '\rstarts with a return' }, ['=cmd|" /C calc"!A0']],
    ['a3', { topic: 'Career conversations – every year', action: 'Offer a career chat to everyone in band 5', owner: 'Ward managers', timescale: { kind: 'date', date: '2027-03-31' }, success: 'Leavers in year one down by a third' }, []],
  ];
  for (const [id, fields, steps] of rows) {
    addAction(doc, { id: id as ActionId, themeId: id === 'a1' ? theme : null, now: WORKSHOP });
    updateAction(doc, id as ActionId, fields);
    addActionSteps(doc, id as ActionId, steps.map((text) => ({ text })));
  }
  // The first step of the first action is done.
  const [firstStep] = readActionSteps(doc).get('a1')!;
  updateActionStep(doc, 'a1' as ActionId, firstStep!.id, { done: true });
  respondToAction(doc, 'a1' as ActionId, 'p1' as ParticipantId, 'agree');
  expect(markActionsAgreed(doc, true)).toEqual([]);
  const diagram = addDiagram(doc, { id: 'd1' as DiagramId, title: 'Keeping nurses', aim: 'Halve first-year leavers', now: WORKSHOP });
  addDriverNode(doc, { id: 'n1' as DriverNodeId, diagramId: diagram, parentId: null, text: 'Predictable rotas', now: WORKSHOP });
  return doc;
}

