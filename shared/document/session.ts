import * as Y from 'yjs';
import {
  DEFAULT_PERSPECTIVES,
  type FacilitatorView,
  type GroupMode,
  MAX_VOTE_BUDGET,
  type Phase,
  type Session,
  sessionSchema,
  type Summons,
  type Template,
  type VoteTarget,
} from '../schema/exercise';
import { DocKey, readRecordFields, type RecordMap, topMap } from './doc';

/** The session map of a board: only the facilitator and the server write it. */
export function sessionMap(doc: Y.Doc): Y.Map<unknown> {
  return topMap(doc, DocKey.session);
}

/**
 * The session, validated field by field, with defaults for anything missing
 * or malformed: a board that never set up the exercise reads as a blank board.
 */
export function readSession(doc: Y.Doc): Session {
  return sessionSchema.parse(readRecordFields(sessionMap(doc)));
}

/** The settings the facilitator chooses at set-up. */
export interface SessionSettings {
  groupMode?: GroupMode;
  anonymous?: boolean;
  voteBudget?: number;
  voteCap?: number;
  voteTarget?: VoteTarget;
}

function clampCount(value: number, max: number): number {
  return Math.min(Math.max(Math.round(Number.isFinite(value) ? value : 1), 1), max);
}

/**
 * Starts a board on a template: the exercise preloads the guide's four
 * perspectives (when the board has none yet) and opens at set-up; a blank
 * board is a free canvas of notes.
 */
export function chooseTemplate(doc: Y.Doc, template: Template, origin: unknown = null): void {
  doc.transact(() => {
    const session = sessionMap(doc);
    session.set('template', template);
    if (template === 'blank') return;
    if (!session.has('phase')) session.set('phase', 'setup');
    const perspectives = topMap(doc, DocKey.perspectives);
    if (perspectives.size > 0) return;
    DEFAULT_PERSPECTIVES.forEach(({ id, name }, index) => {
      const record: RecordMap = new Y.Map();
      record.set('id', id);
      record.set('name', name);
      record.set('order', index);
      perspectives.set(id, record);
    });
  }, origin);
}

/** Changes set-up settings; the cap per item never exceeds the budget. */
export function updateSettings(doc: Y.Doc, settings: SessionSettings, origin: unknown = null): void {
  doc.transact(() => {
    const session = sessionMap(doc);
    if (settings.groupMode !== undefined) session.set('groupMode', settings.groupMode);
    if (settings.anonymous !== undefined) session.set('anonymous', settings.anonymous);
    if (settings.voteTarget !== undefined) session.set('voteTarget', settings.voteTarget);
    const current = readSession(doc);
    const budget = settings.voteBudget !== undefined ? clampCount(settings.voteBudget, MAX_VOTE_BUDGET) : current.voteBudget;
    const cap = clampCount(settings.voteCap ?? current.voteCap, budget);
    if (budget !== current.voteBudget) session.set('voteBudget', budget);
    if (cap !== current.voteCap) session.set('voteCap', cap);
  }, origin);
}

/** Locks or unlocks the board: while locked, only the facilitator can change anything. */
export function setLocked(doc: Y.Doc, locked: boolean, origin: unknown = null): void {
  doc.transact(() => sessionMap(doc).set('locked', locked), origin);
}

/** Where "bring everyone to me" takes people; the diagram may be left out (none picked, or not on the diagrams). */
export type SummonsPlace = Omit<Summons, 'serial' | 'diagramId'> & { diagramId?: string | null };

/**
 * "Bring everyone to me": participants' screens switch to this activity
 * (and diagram), then scroll to this position (docs/exercise.md, "Following
 * the facilitator"). The phase is everyone's already; it is kept so a
 * summons says where the facilitator was.
 */
export function summonEveryone(doc: Y.Doc, place: SummonsPlace, origin: unknown = null): void {
  doc.transact(() => {
    const serial = (readSession(doc).summons?.serial ?? 0) + 1;
    const clamp = (v: number) => Math.min(Math.max(Number.isFinite(v) ? v : 0, 0), 1);
    // Only on the diagrams, and only an id the layout takes: the write guard closes the socket on a malformed one.
    const diagramId =
      place.activity === 'diagrams' && typeof place.diagramId === 'string' && place.diagramId.length > 0 && place.diagramId.length <= 64 ? place.diagramId : null;
    sessionMap(doc).set('summons', {
      phase: place.phase,
      activity: place.activity,
      diagramId,
      scrollX: clamp(place.scrollX),
      scrollY: clamp(place.scrollY),
      serial,
    });
  }, origin);
}

/**
 * Says what the facilitator is looking at (their activity, and which driver
 * diagram), for the presenter view to follow (docs/document-layout.md,
 * `session`). Writes nothing when the document already says so: the
 * facilitator's client calls it whenever their screen may have changed.
 */
export function setFacilitatorView(doc: Y.Doc, view: FacilitatorView, origin: unknown = null): void {
  // An id the layout would refuse (none picked, say) is written as none: the server closes the socket on a malformed one.
  const diagramId = typeof view.diagramId === 'string' && view.diagramId.length > 0 && view.diagramId.length <= 64 ? view.diagramId : null;
  const current = readSession(doc).facilitatorView;
  if (current?.activity === view.activity && current.diagramId === diagramId) return;
  doc.transact(() => sessionMap(doc).set('facilitatorView', { activity: view.activity, diagramId }), origin);
}

/** Writes one session flag: the server's own (revealed), or one the facilitator switches (voting closed, actions agreed, the self-assessment revealed). */
export function setSessionFlag(doc: Y.Doc, key: 'revealed' | 'votingClosed' | 'actionsAgreed' | 'assessmentRevealed', value: boolean, origin: unknown = null): void {
  doc.transact(() => sessionMap(doc).set(key, value), origin);
}

/** Sets the phase without checking the rules; callers check `phaseChangeProblem` first. */
export function writePhase(doc: Y.Doc, phase: Phase, origin: unknown = null): void {
  doc.transact(() => sessionMap(doc).set('phase', phase), origin);
}

/** Whether the facilitator has locked the board; cheap enough to ask on every update. */
export function isLocked(doc: Y.Doc): boolean {
  return sessionMap(doc).get('locked') === true;
}

/** Whether the facilitator has marked the plan's actions agreed; cheap enough to ask on every update. */
export function isPlanAgreed(doc: Y.Doc): boolean {
  return sessionMap(doc).get('actionsAgreed') === true;
}
