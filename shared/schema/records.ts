import { z } from 'zod';

/** The longest note a person can write; longer text is cut, never rejected, so nothing typed is lost silently. */
export const NOTE_TEXT_MAX_CHARS = 1000;
/** The longest board title. */
export const BOARD_TITLE_MAX_CHARS = 120;
/** The longest display name. */
export const DISPLAY_NAME_MAX_CHARS = 40;

/** The board's drawing area, in board pixels; notes are kept inside it. */
export const BOARD_WIDTH_PX = 3000;
export const BOARD_HEIGHT_PX = 2000;
/** A note's size on the board, in board pixels. */
export const NOTE_WIDTH_PX = 180;
export const NOTE_HEIGHT_PX = 140;

/**
 * Sticky-note colours. Named, not hex, so the client can choose shades that
 * keep text contrast at WCAG AA in every theme.
 */
export const NOTE_COLOURS = ['yellow', 'pink', 'blue', 'green', 'orange', 'purple'] as const;
export type NoteColour = (typeof NOTE_COLOURS)[number];
export const DEFAULT_NOTE_COLOUR: NoteColour = 'yellow';

const finite = z.number().finite();

/**
 * Validates a note record read from the document; a tampered client may have
 * written anything. A note is refused only when its id or its text does not
 * read: what the person wrote is the note. Any other field that is missing or
 * of the wrong type reads as its default (docs/document-layout.md), so a note
 * is never lost for a broken colour or time.
 */
export const noteSchema = z.object({
  id: z.string().min(1).max(64).brand<'NoteId'>(),
  text: z.string().max(NOTE_TEXT_MAX_CHARS),
  x: finite.catch(0),
  y: finite.catch(0),
  colour: z.enum(NOTE_COLOURS).catch(DEFAULT_NOTE_COLOUR),
  authorId: z.string().max(64).brand<'ParticipantId'>().nullable().catch(null),
  authorName: z.string().max(DISPLAY_NAME_MAX_CHARS).catch(''),
  // The perspective lane the note was written in; null on a blank board, and
  // absent on notes written before the exercise existed (schema version 1).
  perspectiveId: z.string().max(64).brand<'PerspectiveId'>().nullable().catch(null),
  // The theme it was grouped into during the comparison, if any.
  themeId: z.string().max(64).brand<'ThemeId'>().nullable().catch(null),
  // Milliseconds since the epoch, from the author's clock.
  createdAt: finite.catch(0),
  updatedAt: finite.catch(0),
});

/** A sticky note as the app sees it, read out of the Y.Doc and validated. */
export type Note = z.infer<typeof noteSchema>;

/** Validates the board's own fields read from the document. */
export const boardMetaSchema = z.object({
  title: z.string().max(BOARD_TITLE_MAX_CHARS),
  createdAt: finite,
  schemaVersion: z.number().int().nonnegative(),
});

/** The board's own fields. */
export type BoardMeta = z.infer<typeof boardMetaSchema>;

/** Keeps a note's position inside the board so it can always be reached. */
export function clampNotePosition(x: number, y: number): { x: number; y: number } {
  const safe = (v: number) => (Number.isFinite(v) ? v : 0);
  return {
    x: Math.round(Math.min(Math.max(safe(x), 0), BOARD_WIDTH_PX - NOTE_WIDTH_PX)),
    y: Math.round(Math.min(Math.max(safe(y), 0), BOARD_HEIGHT_PX - NOTE_HEIGHT_PX)),
  };
}
