import * as Y from 'yjs';
import { laneCountsSchema, type Progress } from '../schema/exercise';
import type { NoteId, ParticipantId, PerspectiveId } from '../schema/ids';
import { DEFAULT_NOTE_COLOUR, DISPLAY_NAME_MAX_CHARS, type NoteColour, NOTE_COLOURS, NOTE_TEXT_MAX_CHARS } from '../schema/records';
import { DocKey, newRecord, notesMap, topMap } from './doc';

/**
 * Private writing. Before the reveal a participant's notes live in their
 * private document, which only they and the server can read; the board
 * shows only counts, all people together. At the reveal the server moves
 * every draft onto the board as a new note of its own making. The private
 * document uses the board's note layout, so `addNote`, `updateNote`,
 * `deleteNote` and `readNotes` work on drafts as the owner's client writes them.
 */

/** What the server takes from a draft: only what its writer chose to say, never who or when. */
export interface DraftContent {
  text: string;
  colour: NoteColour;
  perspectiveId: PerspectiveId | null;
}

/** A draft as the server read it out of a private document. */
export interface ReadDraft {
  draftId: string;
  content: DraftContent;
}

/** The drafts of a private document that read, and how many did not. */
export interface DraftsRead {
  drafts: ReadDraft[];
  unreadable: number;
}

const ID_MAX_CHARS = 64;

function shortString(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length <= max ? value : null;
}

/**
 * Reads one draft field by field with `get`, never `toJSON`: its owner may
 * have written anything, a map nested thousands deep included, and only
 * plain strings and numbers are taken. Null when its text or lane does not read.
 */
function readDraftContent(record: unknown): DraftContent | null {
  if (!(record instanceof Y.Map)) return null;
  const text = shortString(record.get('text'), NOTE_TEXT_MAX_CHARS);
  const lane = record.get('perspectiveId');
  const perspectiveId = lane === null || lane === undefined ? null : shortString(lane, ID_MAX_CHARS);
  if (text === null || (perspectiveId === null && lane !== null && lane !== undefined)) return null;
  const colour = record.get('colour');
  return {
    text,
    colour: NOTE_COLOURS.includes(colour as NoteColour) ? (colour as NoteColour) : DEFAULT_NOTE_COLOUR,
    perspectiveId: perspectiveId as PerspectiveId | null,
  };
}

/** Every draft of a private document that reads, in no particular order, and a count of those that do not. */
export function readDrafts(privateDoc: Y.Doc): DraftsRead {
  const drafts: ReadDraft[] = [];
  let unreadable = 0;
  for (const [draftId, record] of notesMap(privateDoc).entries()) {
    const content = draftId.length <= ID_MAX_CHARS ? readDraftContent(record) : null;
    if (content) drafts.push({ draftId, content });
    else unreadable += 1;
  }
  return { drafts, unreadable };
}

/** Adds one private document's drafts to running counts per lane (the lane `''` for drafts in none). */
export function addDraftCounts(counts: Record<string, number>, privateDoc: Y.Doc): void {
  for (const { content } of readDrafts(privateDoc).drafts) {
    const lane = content.perspectiveId ?? '';
    counts[lane] = (counts[lane] ?? 0) + 1;
  }
}

/**
 * The keys of `progress`: the server writes these and nothing else
 * (docs/document-layout.md, `progress`). `dots` came after the first two,
 * and `raters` after it (schema 7); both ways round a board reads as a true
 * count, never a wrong one:
 * - a board written before `dots` has none: it reads as 0, is not stale
 *   (only a key outside this list is), and the server's next tick writes it,
 *   since `writeProgress` writes a key that is missing; the server schedules
 *   that tick when it loads an exercise board past set-up (server/rooms/exerciseJobs.ts);
 * - a server from before `dots` takes it for an unknown key and removes it, so
 *   a board it wrote reads as 0 dots here.
 */
const ProgressKey = { drafts: 'drafts', voters: 'voters', dots: 'dots', raters: 'raters' } as const;
const PROGRESS_KEYS: ReadonlySet<string> = new Set(Object.values(ProgressKey));

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** A count as stored: a whole number of at least 0, or null when the value is anything else. */
function storedCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

/**
 * Publishes everyone's progress on the board, all people together. Any other
 * key (per-person entries of an earlier layout) is removed, and a key that is
 * missing or does not read (which a reader takes as 0, or no drafts) is
 * written again even when the count it would say is the same. Returns false
 * when nothing changed.
 */
export function writeProgress(doc: Y.Doc, progress: Progress, origin: unknown = null): boolean {
  const map = topMap(doc, DocKey.progress);
  const stale = [...map.keys()].filter((key) => !PROGRESS_KEYS.has(key));
  const drafts = laneCountsSchema.safeParse(map.get(ProgressKey.drafts));
  const draftsChanged = !drafts.success || !sameCounts(drafts.data, progress.drafts);
  // Compared as stored, not as read: a stored -1 reads as 0, and must still be replaced by a written 0.
  const votersChanged = map.get(ProgressKey.voters) !== progress.voters;
  const dotsChanged = map.get(ProgressKey.dots) !== progress.dots;
  const ratersChanged = map.get(ProgressKey.raters) !== progress.raters;
  if (stale.length === 0 && !draftsChanged && !votersChanged && !dotsChanged && !ratersChanged) return false;
  doc.transact(() => {
    for (const key of stale) map.delete(key);
    if (draftsChanged) map.set(ProgressKey.drafts, { ...progress.drafts });
    if (votersChanged) map.set(ProgressKey.voters, progress.voters);
    if (dotsChanged) map.set(ProgressKey.dots, progress.dots);
    if (ratersChanged) map.set(ProgressKey.raters, progress.raters);
  }, origin);
  return true;
}

/**
 * Whether `progress` holds a key the server does not write (entries of the
 * earlier per-person layout), which it replaces. A known key that is missing,
 * such as `dots` on a board written before it, is not stale: it reads as 0.
 */
export function hasStaleProgress(doc: Y.Doc): boolean {
  for (const key of topMap(doc, DocKey.progress).keys()) if (!PROGRESS_KEYS.has(key)) return true;
  return false;
}

/** Everyone's progress, read with nothing (no drafts, 0 people, 0 dots, 0 raters) for what is missing or does not read. */
export function readProgress(doc: Y.Doc): Progress {
  const map = topMap(doc, DocKey.progress);
  const drafts = laneCountsSchema.safeParse(map.get(ProgressKey.drafts));
  return {
    drafts: drafts.success ? drafts.data : {},
    voters: storedCount(map.get(ProgressKey.voters)) ?? 0,
    dots: storedCount(map.get(ProgressKey.dots)) ?? 0,
    raters: storedCount(map.get(ProgressKey.raters)) ?? 0,
  };
}

/** A draft on its way to the board: its content, the id the server made for it, and the author the server knows. */
export interface RevealedDraft {
  noteId: NoteId;
  content: DraftContent;
  /** Null, with an empty name, on an anonymous board. */
  authorId: ParticipantId | null;
  authorName: string;
}

/**
 * Puts revealed drafts on the board as new notes, in the order given, in one
 * transaction, each with the reveal's time as its creation and change time.
 * The exercise shows notes in lanes, so each is placed at the board's corner
 * rather than where its writer's device put it (a position could mark whose
 * a note is). A note whose id the board already has is left alone: a draft
 * only ever adds a note, and one moved before a crash is not moved twice. Returns the
 * ids now on the board (written now or before).
 */
export function addRevealedNotes(boardDoc: Y.Doc, drafts: readonly RevealedDraft[], revealedAt: number, origin: unknown = null): NoteId[] {
  if (drafts.length === 0) return [];
  boardDoc.transact(() => {
    const notes = notesMap(boardDoc);
    for (const { noteId, content, authorId, authorName } of drafts) {
      if (notes.has(noteId)) continue;
      notes.set(
        noteId,
        newRecord({
          id: noteId,
          ...content,
          x: 0,
          y: 0,
          authorId,
          authorName: authorName.slice(0, DISPLAY_NAME_MAX_CHARS),
          themeId: null,
          createdAt: revealedAt,
          updatedAt: revealedAt,
        }),
      );
    }
  }, origin);
  return drafts.map((draft) => draft.noteId);
}

/** Deletes the given drafts from a private document (after they reached the board). */
export function deleteDrafts(privateDoc: Y.Doc, draftIds: readonly string[], origin: unknown = null): void {
  if (draftIds.length === 0) return;
  privateDoc.transact(() => {
    const notes = notesMap(privateDoc);
    for (const id of draftIds) notes.delete(id);
  }, origin);
}
