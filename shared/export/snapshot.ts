import type * as Y from 'yjs';
import type { Action, Phase, Template, VoteTarget } from '../schema/exercise';
import { DocKey, topMap } from '../document/doc';
import { readBoardMeta } from '../document/board';
import { readNotes } from '../document/notes';
import { readPerspectives } from '../document/perspectives';
import { readSession } from '../document/session';
import { readThemes } from '../document/themes';
import { readVoteTally } from '../document/votes';
import { compareThemes, type ThemeKind } from '../rules/comparison';
import { rankVotes } from '../rules/dotVoting';
import { readActionResponses, readActions, readActionSteps } from '../document/actions';
import { nodesByAction, readDiagrams, readDriverNodes } from '../document/drivers';
import { buildDriverTree, type DriverTreeNode } from '../rules/driverTree';
import { driverDiagramToMarkdown, driverDiagramToSvg, layoutDriverDiagram } from './diagram';
import type { DriverLevel, MeasureKind } from '../schema/driverRecords';
import type { Rating } from '../schema/assessment';
import type { CycleStage } from '../schema/cycle';
import { readAgreedRatings, readAssessmentSpread, readAssessmentTopics } from '../document/assessment';
import { readCycle, readCycleCurrent } from '../document/cycle';
import { type ActionHistory, actionHistory, colourCounts, cycleStages, ratingHistory, type StageColourCounts, type TopicHistory } from '../rules/cycle';

/** A note as the summary and exports show it. */
export interface SnapshotNote {
  id: string;
  text: string;
  /** Null when the board is anonymous or the note has no author. */
  authorName: string | null;
}

/** A driver or change idea in the snapshot, with what hangs from it. */
export interface SnapshotDriver {
  text: string;
  level: DriverLevel;
  measure: string;
  measureKind: MeasureKind | null;
  children: SnapshotDriver[];
}

/** How many people rated a topic each colour, as the reveal publishes it: counts only. */
export interface SnapshotSpread {
  red: number;
  amber: number;
  green: number;
}

/**
 * Everything a workshop produced, as plain data: what the Done screen shows
 * and what every export of the plan is made from. Version it when its
 * shape changes, since exports and integrations read it.
 */
export interface BoardSnapshot {
  snapshotVersion: 2;
  title: string;
  createdAt: number;
  takenAt: number;
  template: Template;
  phase: Phase;
  anonymous: boolean;
  /**
   * People who took part: in a group, wrote under their name or responded to
   * an action, counted once each; never fewer than voted (on an anonymous
   * board only the number of voters is known).
   */
  participantCount: number;
  perspectives: { id: string; name: string; notes: SnapshotNote[] }[];
  themes: {
    id: string;
    title: string;
    kind: ThemeKind;
    /** Names of the perspectives that contributed, and of those that said nothing. */
    perspectives: string[];
    silentPerspectives: string[];
    notes: SnapshotNote[];
    /** Dots once voting has closed on themes; null before. */
    votes: number | null;
    rank: number | null;
  }[];
  /** Notes in no theme. */
  ungroupedNotes: SnapshotNote[];
  voting: { target: VoteTarget; budget: number; cap: number; closed: boolean; voters: number };
  actionsAgreed: boolean;
  actions: (Omit<Action, 'id' | 'themeId' | 'createdAt'> & {
    id: string;
    themeTitle: string | null;
    /** The driver diagram's change idea it came from, if any. */
    changeIdea: string | null;
    /** Steps to take, in order, each ticked when done. */
    steps: { text: string; done: boolean }[];
    agree: number;
    concern: number;
  })[];
  /** Each driver diagram: its aim, its drivers as a tree, and ready-made pictures for documents. */
  diagrams: {
    id: string;
    title: string;
    aim: string;
    aimMeasure: string;
    aimMeasureKind: MeasureKind | null;
    aimTargetDate: string;
    drivers: SnapshotDriver[];
    /** The whole diagram as a standalone SVG picture. */
    svg: string;
    /** The diagram as a nested Markdown list. */
    markdown: string;
  }[];
  /**
   * The self-assessment (docs/exercise.md, "Self-assessment"): each topic in
   * the board's order with the group's agreed rating and note, and, while
   * the facilitator has the ratings revealed, how many people rated it each
   * colour. Never anything per person: no names, no one's own rating or
   * evidence.
   */
  assessment: {
    /** `spread` is null unless the ratings are revealed. */
    topics: { id: string; title: string; agreed: Rating | null; note: string; spread: SnapshotSpread | null }[];
    /** How many people rated, while revealed; null otherwise. */
    raters: number | null;
    revealed: boolean;
  };
  /**
   * "What changed" across the retention cycle (shared/rules/cycle.ts): the
   * board's stage, the stages of its history then its own (one column each,
   * oldest first), each topic's agreed rating and each action's progress at
   * every stage, and the colours agreed per stage.
   */
  cycle: {
    stage: CycleStage;
    stages: CycleStage[];
    ratings: TopicHistory[];
    counts: StageColourCounts[];
    actions: ActionHistory[];
  };
}

/**
 * Whether the board's self-assessment has anything to export: a rating the
 * group agreed, or a spread revealed. The fourteen topics every board starts
 * with are not, on their own, a self-assessment.
 */
export function hasAssessment(snapshot: Pick<BoardSnapshot, 'assessment'>): boolean {
  return snapshot.assessment.topics.some((topic) => topic.agreed !== null || topic.spread !== null);
}

/**
 * Whether the board has anything for "what changed": an agreed rating at
 * any stage, or an earlier board in its history. A workshop whose group has
 * agreed nothing yet has nothing to compare.
 */
export function hasCycleHistory(snapshot: Pick<BoardSnapshot, 'cycle'>): boolean {
  return snapshot.cycle.stages.length > 1 || snapshot.cycle.counts.some((count) => count.red + count.amber + count.green > 0);
}

/** The day of the workshop as YYYY-MM-DD (UTC), as the plan's exports name it. */
export function workshopDate(snapshot: Pick<BoardSnapshot, 'createdAt'>): string {
  return new Date(snapshot.createdAt).toISOString().slice(0, 10);
}

function snapshotDriver(node: DriverTreeNode): SnapshotDriver {
  return {
    text: node.node!.text,
    level: node.level,
    measure: node.node!.measure,
    measureKind: node.node!.measureKind,
    children: node.children.map(snapshotDriver),
  };
}

/**
 * The board's self-assessment as the snapshot holds it. The spread is read
 * only while the session says the ratings are revealed: the server takes it
 * off when the facilitator hides them, and an export must not show what the
 * board no longer does. Only the counts are kept; the evidence lines carry
 * people's words and, on a named board, their names.
 */
function snapshotAssessment(doc: Y.Doc, revealed: boolean): BoardSnapshot['assessment'] {
  const agreed = readAgreedRatings(doc);
  const spread = revealed ? readAssessmentSpread(doc) : null;
  return {
    topics: readAssessmentTopics(doc).map((topic) => {
      const rating = agreed.get(topic.id);
      const counts = spread?.topics[topic.id];
      return {
        id: topic.id,
        title: topic.title,
        agreed: rating?.rating ?? null,
        note: rating?.note ?? '',
        // The server counts every topic at each tick; one added since reads as nobody's colour yet.
        spread: spread ? { red: counts?.red ?? 0, amber: counts?.amber ?? 0, green: counts?.green ?? 0 } : null,
      };
    }),
    raters: spread ? spread.raters : null,
    revealed,
  };
}

/** The board's place in its retention cycle and what changed along it, by the rules of shared/rules/cycle.ts. */
function snapshotCycle(doc: Y.Doc): BoardSnapshot['cycle'] {
  const { history } = readCycle(doc);
  const current = readCycleCurrent(doc);
  return {
    stage: current.stage,
    stages: cycleStages(history, current),
    ratings: ratingHistory(history, current),
    counts: colourCounts(history, current),
    actions: actionHistory(history, current),
  };
}

/** Reads the whole workshop out of a board document. */
export function readBoardSnapshot(doc: Y.Doc, takenAt: number = Date.now()): BoardSnapshot {
  const meta = readBoardMeta(doc);
  const session = readSession(doc);
  const perspectives = readPerspectives(doc);
  const notes = readNotes(doc);
  const themes = readThemes(doc);
  const comparison = compareThemes(themes, notes, perspectives);
  const tally = readVoteTally(doc);
  const votesOn = session.voteTarget === 'themes' ? themes.map((t) => t.id as string) : notes.map((n) => n.id as string);
  const results = session.votingClosed
    ? new Map(rankVotes(tally.items, new Set(votesOn)).map((r) => [r.itemId, r]))
    : null;
  const laneName = new Map(perspectives.map((p) => [p.id as string, p.name]));
  const nodes = readDriverNodes(doc);
  const fromDiagram = nodesByAction(doc);
  const toNote = (note: (typeof notes)[number]): SnapshotNote => ({
    id: note.id,
    text: note.text,
    authorName: session.anonymous || !note.authorName ? null : note.authorName,
  });
  const responses = readActionResponses(doc);
  const steps = readActionSteps(doc);
  const themeTitle = new Map(themes.map((t) => [t.id as string, t.title]));
  // Registered people, each once by participant id: `progress` and `votes` hold
  // counts of everyone together (docs/document-layout.md), never people.
  const people = new Set<string>(topMap(doc, DocKey.members).keys());
  for (const entry of responses.values()) for (const id of [...entry.agree, ...entry.concern]) people.add(id);
  for (const note of notes) if (note.authorId) people.add(note.authorId);

  return {
    snapshotVersion: 2,
    title: meta?.title ?? '',
    createdAt: meta?.createdAt ?? 0,
    takenAt,
    template: session.template,
    phase: session.phase,
    anonymous: session.anonymous,
    participantCount: Math.max(people.size, tally.voters),
    perspectives: perspectives.map((p) => ({ id: p.id, name: p.name, notes: notes.filter((n) => n.perspectiveId === p.id).map(toNote) })),
    themes: comparison.themes.map((c) => {
      const result = session.voteTarget === 'themes' ? results?.get(c.theme.id) : undefined;
      return {
        id: c.theme.id,
        title: c.theme.title,
        kind: c.kind,
        perspectives: c.contributing.map((id) => laneName.get(id) ?? id),
        silentPerspectives: c.silent.map((id) => laneName.get(id) ?? id),
        notes: c.notes.map(toNote),
        votes: result?.dots ?? null,
        rank: result?.rank ?? null,
      };
    }),
    ungroupedNotes: comparison.ungrouped.map(toNote),
    voting: { target: session.voteTarget, budget: session.voteBudget, cap: session.voteCap, closed: session.votingClosed, voters: tally.voters },
    actionsAgreed: session.actionsAgreed,
    actions: readActions(doc).map(({ id, themeId, createdAt: _createdAt, ...fields }) => ({
      id,
      ...fields,
      themeTitle: themeId ? (themeTitle.get(themeId) ?? null) : null,
      changeIdea: fromDiagram.get(id)?.[0]?.text ?? null,
      steps: (steps.get(id) ?? []).map((step) => ({ text: step.text, done: step.done })),
      agree: responses.get(id)?.agree.length ?? 0,
      concern: responses.get(id)?.concern.length ?? 0,
    })),
    diagrams: readDiagrams(doc).map((diagram) => {
      const tree = buildDriverTree(diagram, nodes);
      return {
        id: diagram.id,
        title: diagram.title,
        aim: diagram.aim,
        aimMeasure: diagram.aimMeasure,
        aimMeasureKind: diagram.aimMeasureKind,
        aimTargetDate: diagram.aimTargetDate,
        drivers: tree.root.children.map(snapshotDriver),
        svg: driverDiagramToSvg(diagram, layoutDriverDiagram(diagram, tree)),
        markdown: driverDiagramToMarkdown(diagram, tree),
      };
    }),
    assessment: snapshotAssessment(doc, session.assessmentRevealed),
    cycle: snapshotCycle(doc),
  };
}
