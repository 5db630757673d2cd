import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initBoard } from '../../shared/document/board';
import { addNote, readNotes } from '../../shared/document/notes';
import { chooseTemplate, readSession, setLocked, summonEveryone, updateSettings } from '../../shared/document/session';
import { addPerspective, readMembers, readPerspectives, removePerspective, renamePerspective, setGroup, setReady } from '../../shared/document/perspectives';
import { addTheme, deleteTheme, groupNotes, moveNoteToTheme, readThemes, renameTheme } from '../../shared/document/themes';
import { changeOwnVote, publishVoteTally, readOwnBallot, readVoteTally, withdrawVoteTally } from '../../shared/document/votes';
import {
  addAction,
  deleteAction,
  readActionResponses,
  readActions,
  readEvaluationPlans,
  readNextStepChecks,
  respondToAction,
  setEvaluationStep,
  setNextStepCheck,
  updateAction,
} from '../../shared/document/actions';
import { changePhase, markActionsAgreed, readPhaseContext } from '../../shared/document/phases';
import { clearTimer, extendTimer, pauseTimer, setTimer, setTimerSound, startTimer } from '../../shared/document/timer';
import { balanceGroups, smallestGroup } from '../../shared/rules/laneBalance';
import { compareThemes } from '../../shared/rules/comparison';
import { countVotes, dotProblem, rankVotes } from '../../shared/rules/dotVoting';

const tallyVotes = (ballots: Ballot[], limits: { budget: number; cap: number }, items: ReadonlySet<string>) => rankVotes(countVotes(ballots, limits, items).items, items);
import { actionWarnings, agreementProblems } from '../../shared/rules/actionReadiness';
import { nextPhase, phaseChangeProblem, phaseRevealsDrafts, previousPhase } from '../../shared/rules/phaseRules';
import { clockOffsetMs, formatTimeLeft, timerForPhase, timerRemainingMs, timerRunning } from '../../shared/rules/countdown';
import { addDraftCounts, addRevealedNotes, deleteDrafts, hasStaleProgress, readDrafts, readProgress, writeProgress } from '../../shared/document/drafts';
import { writeRefusal } from '../../shared/document/access';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import type { Action, Ballot } from '../../shared/schema/exercise';
import type { ActionId, NoteId, ParticipantId, PerspectiveId, ThemeId } from '../../shared/schema/ids';

const P = (id: string) => id as PerspectiveId;
const person = (id: string) => id as ParticipantId;

function exerciseBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: 'Retention', createdAt: 1, template: 'four-perspectives' });
  return doc;
}

function note(doc: Y.Doc, text: string, lane: string | null, now = 10): NoteId {
  return addNote(doc, { text, x: 0, y: 0, authorId: person('p1'), authorName: 'Priya', perspectiveId: lane === null ? null : P(lane), now });
}

describe('the exercise template and settings', () => {
  it('preloads the guide’s four perspectives, in order, and opens at set-up', () => {
    const doc = exerciseBoard();
    expect(readPerspectives(doc).map((p) => p.name)).toEqual(['The board', 'An HR professional', 'Line managers', 'Staff']);
    expect(readSession(doc)).toMatchObject({ template: 'four-perspectives', phase: 'setup', voteBudget: 5, anonymous: false });
  });

  it('reads a board with no session as a blank board, and a blank template adds no lanes', () => {
    const doc = new Y.Doc();
    expect(readSession(doc).template).toBe('blank');
    initBoard(doc, { title: 't', createdAt: 1 });
    expect(readSession(doc).template).toBe('blank');
    expect(readPerspectives(doc)).toEqual([]);
  });

  it('renames, adds and removes lanes, ignoring blank names', () => {
    const doc = exerciseBoard();
    expect(renamePerspective(doc, P('board'), '  Trust board ')).toBe(true);
    expect(renamePerspective(doc, P('board'), '   ')).toBe(false);
    const id = addPerspective(doc, 'Patients');
    expect(addPerspective(doc, ' ')).toBeNull();
    expect(readPerspectives(doc).map((p) => p.name)).toEqual(['Trust board', 'An HR professional', 'Line managers', 'Staff', 'Patients']);
    removePerspective(doc, id!);
    expect(readPerspectives(doc)).toHaveLength(4);
    // Choosing the template again keeps the renamed lanes.
    chooseTemplate(doc, 'four-perspectives');
    expect(readPerspectives(doc)[0]!.name).toBe('Trust board');
  });

  it('keeps the cap per item within the budget and both within bounds', () => {
    const doc = exerciseBoard();
    updateSettings(doc, { voteBudget: 2 });
    expect(readSession(doc)).toMatchObject({ voteBudget: 2, voteCap: 2 });
    updateSettings(doc, { voteBudget: 500, voteCap: 0, anonymous: true, groupMode: 'auto', voteTarget: 'notes' });
    expect(readSession(doc)).toMatchObject({ voteBudget: 20, voteCap: 1, anonymous: true, groupMode: 'auto', voteTarget: 'notes' });
  });

  it('locks the board and counts up each "bring everyone to me"', () => {
    const doc = exerciseBoard();
    setLocked(doc, true);
    summonEveryone(doc, { phase: 'compare', activity: 'workshop', scrollX: 0.5, scrollY: 7 });
    summonEveryone(doc, { phase: 'compare', activity: 'workshop', scrollX: -1, scrollY: 0 });
    expect(readSession(doc)).toMatchObject({ locked: true, summons: { phase: 'compare', activity: 'workshop', diagramId: null, scrollX: 0, scrollY: 0, serial: 2 } });
  });

  it('sends the facilitator’s activity and diagram with "bring everyone to me", and reads an older summons as the workshop', () => {
    const doc = exerciseBoard();
    summonEveryone(doc, { phase: 'vote', activity: 'diagrams', diagramId: 'd1', scrollX: 0, scrollY: 0.25 });
    expect(readSession(doc).summons).toEqual({ phase: 'vote', activity: 'diagrams', diagramId: 'd1', scrollX: 0, scrollY: 0.25, serial: 1 });
    // A diagram is only sent from the diagrams, and only an id the layout takes.
    summonEveryone(doc, { phase: 'vote', activity: 'plan', diagramId: 'd1', scrollX: 0, scrollY: 0 });
    expect(readSession(doc).summons).toMatchObject({ activity: 'plan', diagramId: null });
    summonEveryone(doc, { phase: 'vote', activity: 'diagrams', diagramId: '', scrollX: 0, scrollY: 0 });
    expect(readSession(doc).summons).toMatchObject({ activity: 'diagrams', diagramId: null });
    // What a board stored before summonses named an activity.
    doc.getMap('session').set('summons', { phase: 'compare', scrollX: 0.5, scrollY: 0.5, serial: 4 });
    expect(readSession(doc).summons).toEqual({ phase: 'compare', activity: 'workshop', diagramId: null, scrollX: 0.5, scrollY: 0.5, serial: 4 });
  });

  it('falls back to defaults for session values a tampered client wrote', () => {
    const doc = exerciseBoard();
    doc.getMap('session').set('voteBudget', -3);
    doc.getMap('session').set('phase', 'party');
    doc.getMap('session').set('timer', { durationMs: 'soon' });
    expect(readSession(doc)).toMatchObject({ voteBudget: 5, phase: 'setup', timer: null, template: 'four-perspectives' });
  });
});

describe('groups', () => {
  const lanes = [
    { id: P('a'), name: 'A', order: 0 },
    { id: P('b'), name: 'B', order: 1 },
    { id: P('c'), name: 'C', order: 2 },
  ];

  it('records each person’s group and ready flag', () => {
    const doc = exerciseBoard();
    setGroup(doc, person('p1'), P('hr'));
    setReady(doc, person('p1'), true);
    setGroup(doc, person('p2'), P('staff'));
    expect(readMembers(doc).get('p1')).toEqual({ participantId: 'p1', perspectiveId: 'hr', ready: true });
    expect(readMembers(doc).get('p2')).toEqual({ participantId: 'p2', perspectiveId: 'staff', ready: false });
  });

  it('finds the smallest group among the people present, first lane on a tie', () => {
    const members = new Map([
      ['p1', { participantId: 'p1', perspectiveId: P('a'), ready: false }],
      ['p2', { participantId: 'p2', perspectiveId: P('b'), ready: false }],
      ['gone', { participantId: 'gone', perspectiveId: P('c'), ready: false }],
    ]);
    expect(smallestGroup(lanes, members, ['p1', 'p2'])).toBe('c');
    expect(smallestGroup(lanes, members, ['p1', 'p2', 'gone'])).toBe('a');
    expect(smallestGroup([], members, [])).toBeNull();
  });

  it('balances groups evenly, moving as few people as possible', () => {
    const members = new Map(
      ['p1', 'p2', 'p3', 'p4'].map((id) => [id, { participantId: id, perspectiveId: P('a'), ready: false }]),
    );
    members.set('p5', { participantId: 'p5', perspectiveId: P('b'), ready: false });
    const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
    const result = balanceGroups(lanes, members, people);
    const sizes = lanes.map((lane) => [...result.values()].filter((g) => g === lane.id).length);
    expect(sizes.sort()).toEqual([2, 2, 3]);
    expect(result.get('p5')).toBe('b');
    // Of the four in A, at most two or three stay: the rest move, nobody else does.
    const stayed = ['p1', 'p2', 'p3', 'p4'].filter((id) => result.get(id) === 'a').length;
    expect(stayed).toBeGreaterThanOrEqual(2);
    expect(result.size).toBe(7);
  });
});

describe('phase rules', () => {
  it('steps forward and back through the phases in order', () => {
    expect(nextPhase('setup')).toBe('write');
    expect(nextPhase('done')).toBeNull();
    expect(previousPhase('write')).toBe('setup');
    expect(previousPhase('setup')).toBeNull();
    expect(phaseRevealsDrafts('write')).toBe(false);
    expect(phaseRevealsDrafts('reveal')).toBe(true);
    expect(phaseRevealsDrafts('vote')).toBe(true);
  });

  it('lets only the facilitator change the phase', () => {
    const doc = exerciseBoard();
    expect(changePhase(doc, 'write', 'participant')).toMatch(/Only the facilitator/);
    expect(changePhase(doc, 'write', 'viewer')).toMatch(/Only the facilitator/);
    expect(readSession(doc).phase).toBe('setup');
    expect(changePhase(doc, 'write', 'facilitator')).toBeNull();
    expect(readSession(doc).phase).toBe('write');
  });

  it('needs a perspective to write, a theme to vote on themes, a note to vote on notes, and agreed actions to finish', () => {
    const doc = exerciseBoard();
    for (const p of readPerspectives(doc)) removePerspective(doc, p.id);
    expect(changePhase(doc, 'write', 'facilitator')).toMatch(/at least one perspective/);
    addPerspective(doc, 'Staff');
    expect(changePhase(doc, 'compare', 'facilitator')).toBeNull();
    expect(changePhase(doc, 'vote', 'facilitator')).toMatch(/at least one theme/);
    updateSettings(doc, { voteTarget: 'notes' });
    expect(changePhase(doc, 'vote', 'facilitator')).toMatch(/no notes/);
    note(doc, 'Listen to staff', null);
    expect(changePhase(doc, 'vote', 'facilitator')).toBeNull();
    expect(changePhase(doc, 'done', 'facilitator')).toMatch(/not agreed yet.*at least 3/);
    // Going back is always allowed.
    expect(changePhase(doc, 'setup', 'facilitator')).toBeNull();
  });

  it('has no phases on a blank board', () => {
    const doc = new Y.Doc();
    initBoard(doc, { title: 't', createdAt: 1 });
    expect(phaseChangeProblem(readPhaseContext(doc), 'write', 'facilitator')).toMatch(/blank board/);
  });
});

describe('themes and the comparison', () => {
  it('groups a note onto another into a new theme named after the target, then onto that theme', () => {
    const doc = exerciseBoard();
    const a = note(doc, 'Flexible rotas', 'staff');
    const b = note(doc, 'Self-rostering', 'managers');
    const c = note(doc, 'Rota apps', 'hr');
    const theme = groupNotes(doc, b, a)!;
    expect(readThemes(doc).map((t) => t.title)).toEqual(['Flexible rotas']);
    expect(groupNotes(doc, c, b)).toBe(theme);
    expect(readNotes(doc).map((n) => n.themeId)).toEqual([theme, theme, theme]);
    expect(groupNotes(doc, a, a)).toBeNull();
  });

  it('renames and deletes themes, returning their notes to no theme', () => {
    const doc = exerciseBoard();
    const a = note(doc, 'x', 'staff');
    const theme = addTheme(doc, { title: 'Pay', noteIds: [a] });
    expect(renameTheme(doc, theme, '  ')).toBe(false);
    expect(renameTheme(doc, theme, 'Pay and reward')).toBe(true);
    expect(readThemes(doc)[0]!.title).toBe('Pay and reward');
    expect(moveNoteToTheme(doc, a, 'missing' as ThemeId)).toBe(false);
    deleteTheme(doc, theme);
    expect(readThemes(doc)).toEqual([]);
    expect(readNotes(doc)[0]!.themeId).toBeNull();
  });

  it('separates similarities from differences and names the silent perspectives', () => {
    const doc = exerciseBoard();
    const lanes = readPerspectives(doc);
    const shared = addTheme(doc, { title: 'Flexible working', now: 1 });
    const unique = addTheme(doc, { title: 'Board papers', now: 2 });
    const empty = addTheme(doc, { title: 'Nothing yet', now: 3 });
    moveNoteToTheme(doc, note(doc, 'a', 'staff'), shared);
    moveNoteToTheme(doc, note(doc, 'b', 'managers'), shared);
    moveNoteToTheme(doc, note(doc, 'c', 'managers'), shared);
    moveNoteToTheme(doc, note(doc, 'd', 'board'), unique);
    note(doc, 'loose', 'hr');
    const result = compareThemes(readThemes(doc), readNotes(doc), lanes);
    expect(result.themes.map((t) => [t.theme.id, t.kind])).toEqual([
      [shared, 'similarity'],
      [unique, 'difference'],
      [empty, 'empty'],
    ]);
    expect(result.similarities[0]!.contributing).toEqual(['managers', 'staff']);
    expect(result.similarities[0]!.silent).toEqual(['board', 'hr']);
    expect(result.differences[0]!.contributing).toEqual(['board']);
    expect(result.ungrouped.map((n) => n.text)).toEqual(['loose']);
  });
});

describe('votes', () => {
  it('keeps a person’s dots within the budget and the cap per item', () => {
    const mine = new Y.Doc();
    const limits = { budget: 3, cap: 2 };
    expect(changeOwnVote(mine, 't1', 1, limits)).toBe(true);
    expect(changeOwnVote(mine, 't1', 1, limits)).toBe(true);
    expect(changeOwnVote(mine, 't1', 1, limits)).toBe(false);
    expect(dotProblem(readOwnBallot(mine), 't1', 3, 2)).toMatch(/at most 2/);
    expect(changeOwnVote(mine, 't2', 1, limits)).toBe(true);
    expect(changeOwnVote(mine, 't3', 1, limits)).toBe(false);
    expect(dotProblem(readOwnBallot(mine), 't3', 3, 2)).toMatch(/all 3/);
    expect(changeOwnVote(mine, 't1', -1, limits)).toBe(true);
    expect(changeOwnVote(mine, 't9', -1, limits)).toBe(false);
    expect(readOwnBallot(mine)).toEqual({ t1: 1, t2: 1 });
  });

  it('never counts more than a person’s budget or the cap, whatever a tampered ballot says', () => {
    const results = tallyVotes(
      [
        { a: 50, b: 50, c: 50 },
        { a: 1, b: -4, c: 2.5, zz: 3 },
        { c: 2 },
      ],
      { budget: 5, cap: 3 },
      new Set(['a', 'b', 'c']),
    );
    // First ballot: a 3 (cap), b 2 (budget left), c 0.
    expect(results).toEqual([
      { itemId: 'a', dots: 4, voters: 2, rank: 1 },
      { itemId: 'b', dots: 2, voters: 1, rank: 2 },
      { itemId: 'c', dots: 2, voters: 1, rank: 2 },
    ]);
    const total = results.reduce((sum, r) => sum + r.dots, 0);
    expect(total).toBeLessThanOrEqual(3 * 5);
  });

  it('publishes a tally on the board only when asked, never a ballot, and withdraws it', () => {
    const doc = exerciseBoard();
    expect(readVoteTally(doc)).toEqual({ items: {}, voters: 0 });
    const ballots: Ballot[] = [{ t1: 2 }, { t2: 1 }, { t1: 9, t2: 9 }, {}];
    const tally = countVotes(ballots, { budget: 5, cap: 3 }, new Set(['t1', 't2']));
    expect(tally).toEqual({ items: { t1: { dots: 5, voters: 2 }, t2: { dots: 3, voters: 2 } }, voters: 3 });
    publishVoteTally(doc, tally);
    expect(readVoteTally(doc)).toEqual(tally);
    expect([...doc.getMap('votes').keys()].sort()).toEqual(['items', 'voters']);
    withdrawVoteTally(doc);
    expect(readVoteTally(doc)).toEqual({ items: {}, voters: 0 });
  });
});

describe('actions and the three-to-five rule', () => {
  const action = (fields: Partial<Action>): Action => ({
    id: 'a' as ActionId, themeId: null, topic: '', action: 'Do it', owner: 'HR', timescale: { kind: 'duration', amount: 2, unit: 'months' }, success: '', status: 'not-started', review: '', importedFrom: null, createdAt: 1, ...fields,
  });

  it('needs at least three and at most five actions, each with an owner and a timescale', () => {
    expect(agreementProblems([action({}), action({})])).toEqual(['Agree at least 3 actions: add 1 more.']);
    expect(agreementProblems([action({}), action({}), action({})])).toEqual([]);
    expect(agreementProblems(Array.from({ length: 5 }, () => action({})))).toEqual([]);
    expect(agreementProblems(Array.from({ length: 6 }, () => action({})))).toEqual(['Agree at most 5 actions: remove or merge 1.']);
    expect(agreementProblems([action({ owner: ' ' }), action({ timescale: null , action: 'Survey' }), action({ owner: '', timescale: null, action: '', topic: 'Pay' })])).toEqual([
      '“Do it” needs an owner.',
      '“Survey” needs a timescale.',
      '“Pay” needs an owner and a timescale.',
    ]);
  });

  it('drafts actions from a theme, edits them, records agree and concern, and deletes them', () => {
    const doc = exerciseBoard();
    const theme = addTheme(doc, { title: 'Flexible working' });
    const id = addAction(doc, { themeId: theme, topic: 'Flexible working', now: 5 });
    updateAction(doc, id, { action: 'Write a board paper', owner: 'HR team', timescale: { kind: 'duration', amount: 2, unit: 'months' } });
    respondToAction(doc, id, person('p1'), 'agree');
    respondToAction(doc, id, person('p2'), 'concern');
    respondToAction(doc, id, person('p3'), 'agree');
    respondToAction(doc, id, person('p3'), null);
    expect(readActions(doc)[0]).toMatchObject({ id, themeId: theme, topic: 'Flexible working', action: 'Write a board paper', owner: 'HR team' });
    expect(readActionResponses(doc).get(id)).toEqual({ agree: ['p1'], concern: ['p2'] });
    deleteAction(doc, id);
    expect(readActions(doc)).toEqual([]);
    expect(readActionResponses(doc).size).toBe(0);
  });

  it('keeps each action’s next-steps check, a tick and a note per question, and warns of what an action lacks', () => {
    const doc = exerciseBoard();
    const id = addAction(doc, { topic: 'Flexible working' });
    setNextStepCheck(doc, id, 'smart', { done: true });
    setNextStepCheck(doc, id, 'smart', { note: 'Target: 20% more agreed requests' });
    setNextStepCheck(doc, id, 'owner', { note: 'Ask the HR director' });
    doc.getMap('actionChecks').set(`${id}/made-up`, { done: true, note: '' });
    expect(readNextStepChecks(doc).get(id)).toEqual({
      smart: { done: true, note: 'Target: 20% more agreed requests' },
      owner: { done: false, note: 'Ask the HR director' },
    });
    expect(actionWarnings({ owner: ' ', timescale: null, success: 'x' })).toEqual(['No owner: who makes sure it happens?', 'No timescale: by when?']);
    expect(actionWarnings({ owner: 'HR', timescale: { kind: 'duration', amount: 2, unit: 'months' }, success: 'Board agrees' })).toEqual([]);
    setEvaluationStep(doc, id, 'measures', 'Leavers in year one');
    setEvaluationStep(doc, id, 'risks', 'Ward budgets');
    setEvaluationStep(doc, id, 'risks', '  ');
    expect(readEvaluationPlans(doc).get(id)).toEqual({ measures: 'Leavers in year one' });
    deleteAction(doc, id);
    expect(readNextStepChecks(doc).size).toBe(0);
    expect(readEvaluationPlans(doc).size).toBe(0);
  });

  it('marks the set agreed only when the rule holds', () => {
    const doc = exerciseBoard();
    addTheme(doc, { title: 'Flexible working' });
    expect(markActionsAgreed(doc, true)).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      const id = addAction(doc, { topic: `t${i}` });
      updateAction(doc, id, { owner: 'Chief Nurse', timescale: { kind: 'duration', amount: 90, unit: 'days' } });
    }
    expect(markActionsAgreed(doc, true)).toEqual([]);
    expect(readSession(doc).actionsAgreed).toBe(true);
    expect(changePhase(doc, 'done', 'facilitator')).toBeNull();
  });
});

describe('the shared timer', () => {
  it('counts down on the server clock, pauses, resumes and extends', () => {
    const doc = exerciseBoard();
    setTimer(doc, 5 * 60_000, true);
    let timer = readSession(doc).timer;
    expect(timerRemainingMs(timer, 1_000)).toBe(300_000);
    expect(timerRunning(timer, 1_000)).toBe(false);
    startTimer(doc, 1_000);
    timer = readSession(doc).timer;
    expect(timerRemainingMs(timer, 61_000)).toBe(240_000);
    expect(timerRunning(timer, 61_000)).toBe(true);
    pauseTimer(doc, 61_000);
    expect(timerRemainingMs(readSession(doc).timer, 999_000)).toBe(240_000);
    extendTimer(doc, 60_000, 999_000);
    expect(timerRemainingMs(readSession(doc).timer, 999_000)).toBe(300_000);
    startTimer(doc, 1_000_000);
    expect(timerRemainingMs(readSession(doc).timer, 1_400_000)).toBe(0);
    extendTimer(doc, 30_000, 1_400_000);
    expect(timerRemainingMs(readSession(doc).timer, 1_400_000)).toBe(30_000);
    expect(readSession(doc).timer!.durationMs).toBe(390_000);
    clearTimer(doc);
    expect(readSession(doc).timer).toBeNull();
  });

  it('keeps a timer to the phase it was set in, and changes its chime without touching the time', () => {
    const doc = exerciseBoard();
    setTimer(doc, 60_000, false);
    startTimer(doc, 0);
    setTimerSound(doc, true);
    const timer = readSession(doc).timer;
    expect(timer).toMatchObject({ phase: 'setup', sound: true, endsAt: 60_000 });
    expect(timerForPhase(timer, 'setup')).toBe(timer);
    expect(timerForPhase(timer, 'write')).toBeNull();
    expect(timerForPhase(null, 'write')).toBeNull();
  });

  it('formats time left and measures the clock offset from one round trip', () => {
    expect(formatTimeLeft(245_000)).toBe('4:05');
    expect(formatTimeLeft(1)).toBe('0:01');
    expect(formatTimeLeft(3_723_000)).toBe('1:02:03');
    expect(formatTimeLeft(-5)).toBe('0:00');
    // The client's clock is 10 s behind; the round trip took 200 ms.
    expect(clockOffsetMs(1_000, 11_100, 1_200)).toBe(10_000);
  });
});

describe('private drafts', () => {
  it('counts drafts by lane, everyone together, as progress on the board', () => {
    const mine = new Y.Doc();
    note(mine, 'a', 'staff');
    note(mine, 'b', 'staff');
    const theirs = new Y.Doc();
    note(theirs, 'c', 'hr');
    const counts: Record<string, number> = {};
    addDraftCounts(counts, mine);
    addDraftCounts(counts, theirs);
    const board = exerciseBoard();
    // An entry of the earlier per-person layout goes at the first write.
    board.getMap('progress').set('opaque-key', { drafts: { staff: 9 }, dots: 1, raters: 0 });
    expect(writeProgress(board, { drafts: counts, voters: 1, dots: 4, raters: 0 })).toBe(true);
    expect(writeProgress(board, { drafts: { ...counts }, voters: 1, dots: 4, raters: 0 })).toBe(false);
    expect(readProgress(board)).toEqual({ drafts: { staff: 2, hr: 1 }, voters: 1, dots: 4, raters: 0 });
    expect([...board.getMap('progress').keys()].sort()).toEqual(['dots', 'drafts', 'raters', 'voters']);
    expect(Object.entries(readProgress(board).drafts).sort()).toEqual([['hr', 1], ['staff', 2]]);
    // Only the total changed: that is a change, and the other keys are left as they were.
    expect(writeProgress(board, { drafts: { ...counts }, voters: 1, dots: 5, raters: 0 })).toBe(true);
    expect(readProgress(board).dots).toBe(5);
  });

  it('reads progress values that are missing or not whole counts of at least 0 as none, and writes over them', () => {
    const board = exerciseBoard();
    expect(readProgress(board)).toEqual({ drafts: {}, voters: 0, dots: 0, raters: 0 });
    const progress = board.getMap('progress');
    const hostile: unknown[] = [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '7', null, true, { dots: 3 }, [3]];
    for (const value of hostile) {
      progress.set('dots', value);
      progress.set('voters', value);
      progress.set('drafts', { staff: value });
      expect(readProgress(board), String(value)).toEqual({ drafts: {}, voters: 0, dots: 0, raters: 0 });
      // Compared as stored, not as read: a value that reads as 0 is replaced even by a 0.
      expect(writeProgress(board, { drafts: {}, voters: 0, dots: 0, raters: 0 }), String(value)).toBe(true);
      expect(progress.toJSON()).toEqual({ drafts: {}, voters: 0, dots: 0, raters: 0 });
    }
  });

  it('takes a board written before the total of dots for a current one, missing total read as 0', () => {
    const board = exerciseBoard();
    // As the server wrote progress before `dots`: drafts and voters only.
    board.getMap('progress').set('drafts', { staff: 1 });
    board.getMap('progress').set('voters', 2);
    expect(hasStaleProgress(board)).toBe(false);
    expect(readProgress(board)).toEqual({ drafts: { staff: 1 }, voters: 2, dots: 0, raters: 0 });
    // The next tick writes the missing key, even when the total is 0.
    expect(writeProgress(board, { drafts: { staff: 1 }, voters: 2, dots: 0, raters: 0 })).toBe(true);
    expect(board.getMap('progress').get('dots')).toBe(0);
    // What the server writes now is never stale; a key it does not write is.
    expect(hasStaleProgress(board)).toBe(false);
    board.getMap('progress').set('p1', 3);
    expect(hasStaleProgress(board)).toBe(true);
  });

  it('reads a draft’s text, colour and lane field by field, and skips one that does not read', () => {
    const mine = new Y.Doc();
    const id = note(mine, 'Career conversations', 'managers');
    const broken = new Y.Map<unknown>();
    broken.set('text', new Y.Map());
    mine.getMap('notes').set('broken', broken);
    expect(readDrafts(mine)).toEqual({ drafts: [{ draftId: id, content: { text: 'Career conversations', colour: 'yellow', perspectiveId: 'managers' } }], unreadable: 1 });
  });

  it('adds revealed drafts as new notes at the reveal’s time, never over a note the board has', () => {
    const board = exerciseBoard();
    const existing = note(board, 'Already here', 'staff');
    const content = { text: 'Career conversations', colour: 'pink' as const, perspectiveId: P('managers') };
    addRevealedNotes(board, [{ noteId: 'n1' as NoteId, content, authorId: null, authorName: '' }], 500);
    addRevealedNotes(board, [{ noteId: existing, content, authorId: person('p2'), authorName: 'Mallory' }], 600);
    expect(readNotes(board)).toEqual([
      expect.objectContaining({ id: existing, text: 'Already here', authorName: 'Priya' }),
      expect.objectContaining({ id: 'n1', text: 'Career conversations', authorId: null, authorName: '', createdAt: 500, updatedAt: 500, x: 0, y: 0 }),
    ]);
    const mine = new Y.Doc();
    const draft = note(mine, 'Sent', 'hr');
    deleteDrafts(mine, [draft]);
    expect(readNotes(mine)).toEqual([]);
  });
});

describe('write access', () => {
  const open = { locked: false };
  const at = (root: string, record: string | null = 'x') => [{ root, record }];

  it('lets anyone who edits write notes, themes, actions and driver diagrams', () => {
    for (const root of ['notes', 'themes', 'actions', 'diagrams', 'driverNodes', 'actionChecks', 'actionEvaluations']) {
      expect(writeRefusal('participant', 'p1', open, at(root))).toBeNull();
      expect(writeRefusal('facilitator', 'f', open, at(root))).toBeNull();
      expect(writeRefusal('viewer', null, open, at(root))?.kind).toBe('forbidden');
    }
  });

  it('keeps the session, lanes and title to the facilitator, and progress and votes to the server', () => {
    for (const root of ['session', 'perspectives', 'board']) {
      expect(writeRefusal('participant', 'p1', open, at(root, 'phase'))).toMatchObject({ kind: 'forbidden' });
      expect(writeRefusal('facilitator', 'f', open, at(root, 'phase'))).toBeNull();
    }
    for (const root of ['progress', 'votes', 'somethingNew']) {
      expect(writeRefusal('facilitator', 'f', open, at(root, 'p1'))?.kind).toBe('forbidden');
      expect(writeRefusal('participant', 'p1', open, at(root, 'p1'))?.kind).toBe('forbidden');
    }
  });

  it('lets a participant write only their own member record and responses', () => {
    expect(writeRefusal('participant', 'p1', open, at('members', 'p1'))).toBeNull();
    expect(writeRefusal('participant', 'p1', open, at('members', 'p2'))?.kind).toBe('forbidden');
    expect(writeRefusal('participant', 'p1', open, at('actionResponses', 'a1/p1'))).toBeNull();
    expect(writeRefusal('participant', 'p1', open, at('actionResponses', 'a1/p2'))?.kind).toBe('forbidden');
    expect(writeRefusal('participant', null, open, at('members', 'p1'))?.kind).toBe('forbidden');
    expect(writeRefusal('facilitator', 'f', open, at('members', 'p2'))).toBeNull();
  });

  it('stops everyone but the facilitator while the board is locked', () => {
    expect(writeRefusal('participant', 'p1', { locked: true }, at('notes'))?.kind).toBe('locked');
    expect(writeRefusal('facilitator', 'f', { locked: true }, at('notes'))).toBeNull();
    expect(writeRefusal('participant', 'p1', { locked: true }, [])).toBeNull();
  });
});

describe('the board snapshot', () => {
  it('holds the lanes, the themes with votes and the actions with their responses', () => {
    const doc = exerciseBoard();
    updateSettings(doc, { anonymous: true });
    const a = note(doc, 'Flexible rotas', 'staff');
    const b = note(doc, 'Self-rostering', 'managers');
    note(doc, 'Board papers', 'board');
    const theme = groupNotes(doc, b, a)!;
    publishVoteTally(doc, countVotes([{ [theme]: 3 }, { [theme]: 9 }], { budget: 5, cap: 3 }, new Set([theme])));
    setGroup(doc, person('p1'), P('staff'));
    setGroup(doc, person('p2'), P('managers'));
    doc.getMap('session').set('votingClosed', true);
    const action = addAction(doc, { themeId: theme, topic: 'Flexible working' });
    respondToAction(doc, action, person('p3'), 'concern');
    const snapshot = readBoardSnapshot(doc, 99);
    expect(snapshot).toMatchObject({ title: 'Retention', takenAt: 99, anonymous: true, snapshotVersion: 2 });
    expect(snapshot.perspectives.map((p) => [p.name, p.notes.length])).toEqual([
      ['The board', 1],
      ['An HR professional', 0],
      ['Line managers', 1],
      ['Staff', 1],
    ]);
    expect(snapshot.perspectives[3]!.notes[0]!.authorName).toBeNull();
    expect(snapshot.themes[0]).toMatchObject({
      title: 'Flexible rotas',
      kind: 'similarity',
      perspectives: ['Line managers', 'Staff'],
      silentPerspectives: ['The board', 'An HR professional'],
      votes: 6,
      rank: 1,
    });
    expect(snapshot.ungroupedNotes.map((n) => n.text)).toEqual(['Board papers']);
    expect(snapshot.actions[0]).toMatchObject({ topic: 'Flexible working', themeTitle: 'Flexible rotas', agree: 0, concern: 1 });
    // p1 and p2 are in groups (and voted), p3 responded: each counted once.
    expect(snapshot.participantCount).toBe(3);
  });
});
