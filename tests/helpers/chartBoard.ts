import * as Y from 'yjs';
import { initBoard } from '../../shared/document/board';
import { addAction, addActionSteps, updateAction } from '../../shared/document/actions';
import { addNote } from '../../shared/document/notes';
import { setSessionFlag } from '../../shared/document/session';
import { addTheme } from '../../shared/document/themes';
import { publishVoteTally } from '../../shared/document/votes';
import { countVotes } from '../../shared/rules/dotVoting';
import type { ActionId, NoteId, PerspectiveId, ThemeId } from '../../shared/schema/ids';
import { WORKSHOP } from './planSample';

/**
 * A four-perspectives workshop that has every chart of the plan
 * (shared/charts/planCharts.ts): themes whose notes come from one lane or
 * several, a theme with none, votes on themes closed, and actions with each
 * progress value and steps ticked off.
 *
 * Flexible working: Staff 2 notes, Line managers 1 (shared), 7 dots.
 * Board visibility: The board 1 note (one lane only), 2 dots.
 * Pay: no notes, no dots.
 */
export function chartBoardDoc(title = 'Ward 7 retention'): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title, createdAt: WORKSHOP, template: 'four-perspectives' });
  const note = (text: string, lane: string): NoteId =>
    addNote(doc, { text, x: 0, y: 0, authorId: null, authorName: '', perspectiveId: lane as PerspectiveId, now: WORKSHOP });
  const flexible = addTheme(doc, { id: 'theme-flex' as ThemeId, title: 'Flexible working', noteIds: [note('Self-rostering', 'staff'), note('Rota apps', 'staff'), note('Earlier rotas', 'managers')], now: WORKSHOP });
  const visibility = addTheme(doc, { id: 'theme-board' as ThemeId, title: 'Board visibility', noteIds: [note('Board walkabouts', 'board')], now: WORKSHOP + 1 });
  const pay = addTheme(doc, { id: 'theme-pay' as ThemeId, title: 'Pay', now: WORKSHOP + 2 });
  // Three people's dots: 3 + 3 + 1 on Flexible working, 2 on Board visibility.
  const ballots = [{ [flexible]: 3 }, { [flexible]: 3, [visibility]: 2 }, { [flexible]: 1 }];
  publishVoteTally(doc, countVotes(ballots, { budget: 5, cap: 3 }, new Set([flexible, visibility, pay])));
  setSessionFlag(doc, 'votingClosed', true);
  const actions: [string, string, 'not-started' | 'under-way' | 'done' | 'stuck', { text: string; done: boolean }[]][] = [
    ['a1', 'Offer self-rostering on two wards', 'under-way', [{ text: 'Pick the wards', done: true }, { text: 'Agree the rules', done: false }]],
    ['a2', 'Board walkabouts each month', 'done', [{ text: 'Publish the dates', done: true }]],
    ['a3', 'Review pay progression', 'not-started', []],
    ['a4', 'Exit interviews for every leaver', 'stuck', [{ text: 'Write the questions', done: false }]],
  ];
  for (const [id, action, status, steps] of actions) {
    addAction(doc, { id: id as ActionId, themeId: flexible, now: WORKSHOP });
    updateAction(doc, id as ActionId, { action, status });
    addActionSteps(doc, id as ActionId, steps);
  }
  return doc;
}
