import type { StoreApi } from 'zustand/vanilla';
import type { CheckInResponse, CycleResponse, PlanImportResult, Role } from '../../shared/schema/api';
import type { CycleState } from '../../shared/schema/cycle';
import type { ActionId, ActionStepId, NoteId, PerspectiveId, ThemeId } from '../../shared/schema/ids';
import type { Note, NoteColour } from '../../shared/schema/records';
import type {
  Action,
  ActionResponse,
  ActionStep,
  Ballot,
  EvaluationStep,
  FacilitatorView,
  Member,
  NextStepCheck,
  NextStepQuestion,
  Perspective,
  Phase,
  Session,
  Summons,
  Template,
  Theme,
  VoteTally,
} from '../../shared/schema/exercise';
import type { SessionSettings } from '../../shared/document/session';
import type { ActionChanges, ActionResponses } from '../../shared/document/actions';
import type { BoardSnapshot } from '../../shared/export/snapshot';
import type { PlanFormat } from '../../shared/export/plan';
import type { StateRefusalReason } from '../../shared/protocol';
import type { NodeSource, Promotion } from '../../shared/document/drivers';
import type { TextFieldAddress } from '../../shared/document/text';
import type { SharedTextField } from './sharedText';
import type { Diagram, DriverNode, MeasureKind } from '../../shared/schema/driverRecords';
import type { DiagramId, DriverNodeId, TopicId } from '../../shared/schema/ids';
import type { AgreedRating, AssessmentSpread, AssessmentTopic, OwnRating, Rating } from '../../shared/schema/assessment';

/**
 * The public face of a board connection: what components read and call.
 * Nothing here exposes Yjs, so components and their tests never need it.
 */

/** A point on the board, in board pixels (not screen pixels). */
export interface BoardPoint {
  x: number;
  y: number;
}

/**
 * Where this device's changes stand with the server:
 * - `connecting`: no live connection yet (first attempt);
 * - `live`: connected, the server has every change made here;
 * - `saving`: connected, some changes made here are not yet confirmed;
 * - `offline`: the connection dropped or the browser is offline;
 * - `closed`: the server closed the board for good (it was deleted);
 * - `refused`: the server refused a change from this device as one its role may not make;
 * - `full`: the board has reached the largest size the server allows.
 */
export type SaveStatusKind = 'connecting' | 'live' | 'saving' | 'offline' | 'closed' | 'refused' | 'full';

/** The banner's input: a state plus how many changes the server has not confirmed. */
export interface SaveStatus {
  kind: SaveStatusKind;
  unsaved: number;
}

/** Someone connected to the board, as the presence list shows them. */
export interface Person {
  participantId: string;
  name: string;
  colour: string;
  role: Role;
  isSelf: boolean;
}

/** Another person's pointer on the board. */
export interface RemoteCursor {
  /** The awareness client id: one person with two tabs has two cursors. */
  clientId: number;
  name: string;
  colour: string;
  x: number;
  y: number;
}

/** Where this person's private document (drafts and dots) stands with the server. */
export type PrivateStatus = 'connecting' | 'live' | 'offline' | 'none';

/**
 * The exercise as the screens see it: the board's shared part, and this
 * person's private part. Each field is a slice, read again only when a change
 * touched the part of a document it comes from, and kept the same object
 * (down to each unchanged record) until then; screens read it a slice at a
 * time (docs/client.md, "Reading the exercise").
 */
export interface ExerciseState {
  session: Session;
  perspectives: Perspective[];
  /** Everyone's group and ready flag, by participant id. */
  members: Record<string, Member>;
  /** Drafts not yet revealed, per lane: counts only. */
  draftCounts: Record<string, number>;
  /** How many people have placed at least one dot (while votes are hidden), all together. */
  voters: number;
  /** How many dots are placed in all (while votes are hidden), everyone's together, counted as the tally counts them. */
  dotsPlaced: number;
  themes: Theme[];
  actions: Action[];
  /** Who agrees and who has a concern, by action id. */
  responses: Record<string, ActionResponses>;
  /** Each action's next-steps check, by action id then question. */
  checks: Record<string, Partial<Record<NextStepQuestion, NextStepCheck>>>;
  /** Each action's evaluation plan, by action id then step. */
  evaluations: Record<string, Partial<Record<EvaluationStep, string>>>;
  /** Each action's steps to take, in order, by action id. */
  steps: Record<string, ActionStep[]>;
  /** The tally of everyone's dots, once voting has closed: per item, never per person. */
  voteTally: VoteTally;
  /** This person's drafts, from their private document. */
  myDrafts: Note[];
  /** This person's dots, from their private document. */
  myBallot: Ballot;
  /** The self-assessment's topics, in order. */
  assessmentTopics: AssessmentTopic[];
  /** How everyone rated each topic, as counts and evidence: published by the server at the reveal, empty before. */
  assessmentSpread: AssessmentSpread;
  /** The rating the group agreed for each topic, by topic id. */
  agreedRatings: Record<string, AgreedRating>;
  /** How many people have rated at least one topic, all together, never who (written by the server). */
  raters: number;
  /** This person's own ratings, by topic id, from their private document. */
  myRatings: Record<string, OwnRating>;
  /** Where the board stands in its retention cycle, and the earlier boards' snapshots, oldest first (written by the server). */
  cycle: CycleState;
  privateStatus: PrivateStatus;
}

/** The board's driver diagrams, as records: screens build each tree with `buildDriverTree`. */
export interface DiagramState {
  diagrams: Diagram[];
  /** Every node of every diagram, deleted ones included (the tree needs them). */
  nodes: DriverNode[];
}

/** Everything the board screen shows that comes from the shared document or awareness. */
export interface BoardState {
  notes: Note[];
  exercise: ExerciseState;
  diagrams: DiagramState;
  /** The title written in the document, or null until it has synced. */
  boardTitle: string | null;
  people: Person[];
  cursors: RemoteCursor[];
  /**
   * False just after (re)connecting, while everyone's presence arrives at
   * once; the presence list only announces joins and leaves once settled.
   */
  presenceSettled: boolean;
  save: SaveStatus;
  canUndo: boolean;
  canRedo: boolean;
  /**
   * How many times the server has refused this device's changes because of
   * the board's state (close code 4423): the facilitator had locked the
   * board, or the change added an action to the agreed plan. Each time, the
   * refused changes were dropped and the board reloaded from the server.
   */
  lockRefusals: number;
  /** What about the board's state refused the latest of those changes; null before any was. */
  lastStateRefusal: StateRefusalReason | null;
}

/** The changes a person can make to a note's content in place. */
export interface NoteEdit {
  text?: string;
  colour?: NoteColour;
}

/** What a person can do on the board. Each call is one undoable step. */
export interface BoardActions {
  /** Adds a note with its top-left corner at the point; returns its id, or null for a viewer. */
  addNote(position: BoardPoint, text?: string): NoteId | null;
  updateNote(id: NoteId, edit: NoteEdit): void;
  /** Moves a note's top-left corner to the point (kept inside the board). */
  moveNote(id: NoteId, position: BoardPoint): void;
  deleteNote(id: NoteId): void;
  undo(): void;
  redo(): void;
  /** Publishes this person's pointer position, or null when it left the board. Throttled. */
  setCursor(point: BoardPoint | null): void;
  exercise: ExerciseActions;
  diagrams: DiagramActions;
}

/**
 * What a person can do in the self-assessment. Rating is each
 * person's own and private; the rest is the facilitator's, and does nothing
 * for anyone else (the server refuses it too).
 */
export interface AssessmentActions {
  /** Rates a topic (null clears the rating), in this person's private document. */
  rate(topicId: TopicId, rating: Rating | null): void;
  /** This person's line of evidence for a topic, private like the rating. */
  setEvidence(topicId: TopicId, evidence: string): void;
  /** Shows everyone's ratings as a spread per topic, or hides them again. */
  revealAssessment(revealed: boolean): void;
  /** Records the rating the group agreed for a topic, with a note; a null rating removes it. */
  agree(topicId: TopicId, rating: Rating | null, note: string): void;
  /** Adds a topic at the end; its id, or null when the title is blank or the list is full. */
  addTopic(title: string): TopicId | null;
  renameTopic(topicId: TopicId, title: string): boolean;
  deleteTopic(topicId: TopicId): void;
  /** Moves a topic to a place in the list (0 is the first). */
  moveTopic(topicId: TopicId, toIndex: number): void;
}

/** What a person can do in the exercise. Facilitator-only actions do nothing for others (the server refuses them too). */
export interface ExerciseActions extends AssessmentActions {
  chooseTemplate(template: Template): void;
  updateSettings(settings: SessionSettings): void;
  renamePerspective(id: PerspectiveId, name: string): void;
  addPerspective(name: string): void;
  removePerspective(id: PerspectiveId): void;
  /** Moves everyone to a phase; returns why it cannot, or null. */
  changePhase(phase: Phase): string | null;
  setLocked(locked: boolean): void;
  summon(place: Omit<Summons, 'serial'>): void;
  /** Says what the facilitator is looking at, for the presenter view to follow; the facilitator only, and nothing when unchanged. */
  setFacilitatorView(view: FacilitatorView): void;
  /** Puts a person (oneself, or anyone for the facilitator) in a group. */
  setGroup(participantId: string, perspectiveId: PerspectiveId | null): void;
  /** Spreads the given people evenly over the lanes. */
  balanceGroups(participantIds: readonly string[]): void;
  setReady(ready: boolean): void;
  /** Writes a note in a lane, privately: it reaches the board at the reveal (or at once after it). */
  addDraft(perspectiveId: PerspectiveId, text: string): NoteId | null;
  updateDraft(id: NoteId, text: string): void;
  deleteDraft(id: NoteId): void;
  addTheme(title: string, noteIds?: readonly NoteId[]): ThemeId | null;
  renameTheme(id: ThemeId, title: string): void;
  deleteTheme(id: ThemeId): void;
  moveNoteToTheme(noteId: NoteId, themeId: ThemeId | null): void;
  /** Drops a note on another: both in one theme. */
  groupNotes(draggedId: NoteId, targetId: NoteId): ThemeId | null;
  /** Adds (+1) or removes (-1) one of this person's dots; false when the budget or cap says no. */
  changeVote(itemId: string, delta: 1 | -1): boolean;
  setVotingClosed(closed: boolean): void;
  addAction(themeId: ThemeId | null, topic: string): ActionId | null;
  updateAction(id: ActionId, changes: ActionChanges): void;
  /** Adds a step to the end of an action's checklist. */
  addActionStep(id: ActionId, text: string): void;
  /** Ticks or rewrites a step; blank text deletes it. */
  updateActionStep(id: ActionId, stepId: ActionStepId, changes: { text?: string; done?: boolean }): void;
  deleteActionStep(id: ActionId, stepId: ActionStepId): void;
  deleteAction(id: ActionId): void;
  respondToAction(id: ActionId, response: ActionResponse | null): void;
  /** Ticks a question of an action's next-steps check, or notes against it. */
  setNextStepCheck(id: ActionId, question: NextStepQuestion, check: Partial<NextStepCheck>): void;
  /** Writes one step of an action's evaluation plan. */
  setEvaluationStep(id: ActionId, step: EvaluationStep, text: string): void;
  /** Marks the set agreed (or reopens it); returns why it cannot be agreed yet. */
  markActionsAgreed(agreed: boolean): string[];
  setTimer(durationMs: number, sound: boolean): void;
  setTimerSound(sound: boolean): void;
  startTimer(): void;
  pauseTimer(): void;
  extendTimer(extraMs: number): void;
  clearTimer(): void;
  /** The whole workshop as plain data, for the summary (and the exports). */
  snapshot(): BoardSnapshot;
}

/** What a person can do to the driver diagrams. Each call is one undoable step. */
export interface DiagramActions {
  addDiagram(title: string): DiagramId | null;
  updateDiagram(id: DiagramId, changes: Partial<Pick<Diagram, 'title' | 'aim' | 'aimMeasure' | 'aimMeasureKind' | 'aimTargetDate'>>): void;
  deleteDiagram(id: DiagramId): void;
  /** Adds a node under a parent (null: under the aim), at a place among its siblings (the end by default). */
  addNode(diagramId: DiagramId, parentId: DriverNodeId | null, text: string, index?: number): DriverNodeId | null;
  updateNode(id: DriverNodeId, changes: { text?: string; measure?: string; measureKind?: MeasureKind | null }): void;
  /** Moves a node and its branch; false when that would put it under itself. */
  moveNode(id: DriverNodeId, parentId: DriverNodeId | null, index?: number): boolean;
  deleteNode(id: DriverNodeId): void;
  /**
   * Puts a note (as a change idea) or a theme (as a primary driver) into a
   * diagram, where docs/driver-diagram.md says it goes; null when it could not.
   */
  promote(diagramId: DiagramId, source: NodeSource): Promotion | null;
  /** Turns a change idea into a draft action, linked both ways. */
  toAction(id: DriverNodeId): string | null;
}

/** Who is using this connection. */
export interface BoardIdentity {
  role: Role;
  canEdit: boolean;
  participantId: string | null;
  displayName: string | null;
}

/** What the board screen needs: a store to read, actions to call, and who the user is. */
export interface BoardSession {
  store: StoreApi<BoardState>;
  actions: BoardActions;
  identity: BoardIdentity;
  /** The address of the board's action plan in a format, for a download link; absent where there is no server. */
  planLink?(format: PlanFormat): string;
  /** Sends a plan file to the server to add its actions to this board (the facilitator's); absent where there is no server. */
  importPlan?(file: Blob, name: string): Promise<PlanImportResult>;
  /** Deletes the board for everyone (the facilitator's); absent where there is no server. */
  deleteBoard?(): Promise<void>;
  /**
   * Starts the next check-in of the board's cycle (the facilitator's);
   * absent where there is no server. Throws CheckInConflictError (client/api.ts)
   * when that check-in exists already.
   */
  startCheckIn?(): Promise<CheckInResponse>;
  /** Every board of the board's cycle, in order (the facilitator's); absent where there is no server. */
  cycleBoards?(): Promise<CycleResponse['boards']>;
  /**
   * The link that opens another board with this person's own token: the
   * facilitator's token opens every board of their cycle (docs/api.md,
   * "Check-ins"). Absent where there is no token.
   */
  linkWithOwnToken?(boardId: string): string;
  /** Binds a shared-text field for typing into it live; absent where there is no live document. */
  textField?(address: TextFieldAddress): SharedTextField;
}
