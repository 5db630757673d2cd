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

/**
 * Everything a workshop produced, as plain data: what the Done screen shows
 * and what every export of the plan is made from. Version it when its
 * shape changes, since exports and integrations read it.
 */
export interface BoardSnapshot {
  snapshotVersion: 1;
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
    snapshotVersion: 1,
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
  };
}
