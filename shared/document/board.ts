import type * as Y from 'yjs';
import { type BoardMeta, boardMetaSchema, BOARD_TITLE_MAX_CHARS } from '../schema/records';
import { CURRENT_SCHEMA_VERSION } from '../schema/version';
import type { Template } from '../schema/exercise';
import { boardMap, readRecordFields } from './doc';
import { chooseTemplate } from './session';
import { seedDefaultAssessmentTopics } from './assessment';

/** What a new board starts with. */
export interface InitBoardInput {
  title: string;
  createdAt: number;
  /** The four-perspective exercise (opening at set-up) or a blank board; blank by default. */
  template?: Template;
}

/**
 * Writes a new board's own fields and stamps it with the current schema
 * version, and gives it the self-assessment's default topics: every board,
 * blank or exercise, has the self-assessment (docs/exercise.md,
 * "Self-assessment"). The server runs this once, when the board is created.
 */
export function initBoard(doc: Y.Doc, input: InitBoardInput, origin: unknown = null): void {
  doc.transact(() => {
    const board = boardMap(doc);
    board.set('title', input.title.slice(0, BOARD_TITLE_MAX_CHARS));
    board.set('createdAt', input.createdAt);
    board.set('schemaVersion', CURRENT_SCHEMA_VERSION);
    chooseTemplate(doc, input.template ?? 'blank', origin);
    seedDefaultAssessmentTopics(doc, origin);
  }, origin);
}

/** The schema version the document carries, or null for a document never initialised. */
export function readSchemaVersion(doc: Y.Doc): number | null {
  const version = boardMap(doc).get('schemaVersion');
  return typeof version === 'number' && Number.isInteger(version) ? version : null;
}

/** Records the schema version a migration brought the document to. */
export function writeSchemaVersion(doc: Y.Doc, version: number, origin: unknown = null): void {
  doc.transact(() => boardMap(doc).set('schemaVersion', version), origin);
}

/** The board's own fields, read one by one; null while the document has not synced them yet, or when they do not read. */
export function readBoardMeta(doc: Y.Doc): BoardMeta | null {
  const parsed = boardMetaSchema.safeParse(readRecordFields(boardMap(doc)));
  return parsed.success ? parsed.data : null;
}

/** Renames the board. */
export function renameBoard(doc: Y.Doc, title: string, origin: unknown = null): void {
  const trimmed = title.trim().slice(0, BOARD_TITLE_MAX_CHARS);
  if (!trimmed) return;
  doc.transact(() => boardMap(doc).set('title', trimmed), origin);
}
