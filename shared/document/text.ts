import * as Y from 'yjs';
import { type RecordMap, SHARED_TEXT_FIELDS, topMap } from './doc';

/**
 * Live text (schema 6; docs/document-layout.md, "Shared text"): the fields
 * several people may type into at once are each a `Y.Text`, edited by
 * inserting and deleting characters, so concurrent typing in one field
 * merges character by character instead of the last writer's whole string
 * winning.
 */

/** Whether a value is a `Y.Text` itself (an XML text, which extends it, is not one). */
export function isSharedText(value: unknown): value is Y.Text {
  return value instanceof Y.Text && value.constructor === Y.Text;
}

/** A field's text: a `Y.Text`'s characters, or a plain string as written before schema 6; undefined for anything else. */
export function readTextValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isSharedText(value) ? value.toString() : undefined;
}

/** One edit turning a text into another: delete `deleteCount` characters at `index`, then insert `insert` there. */
export interface TextEdit {
  index: number;
  deleteCount: number;
  insert: string;
}

/**
 * The smallest single edit from `current` to `next`: what lies between
 * their common start and common end. `caret`, where the caret is in `next`
 * after a person's edit, settles where a run of equal characters changed
 * (typing a third "a" after "aa" inserts where the caret is), so what
 * others type nearby merges where the person meant.
 */
export function textEditBetween(current: string, next: string, caret?: number): TextEdit | null {
  if (current === next) return null;
  const longestSuffix = Math.min(current.length, next.length);
  let suffix = 0;
  const suffixLimit = caret === undefined ? longestSuffix : Math.min(longestSuffix, Math.max(0, next.length - caret));
  while (suffix < suffixLimit && current[current.length - 1 - suffix] === next[next.length - 1 - suffix]) suffix++;
  let prefix = 0;
  const prefixLimit = longestSuffix - suffix;
  while (prefix < prefixLimit && current[prefix] === next[prefix]) prefix++;
  return { index: prefix, deleteCount: current.length - prefix - suffix, insert: next.slice(prefix, next.length - suffix) };
}

/** Changes a `Y.Text` into `next` with the smallest edit; false when it already held it. */
export function replaceText(text: Y.Text, next: string, caret?: number): boolean {
  const edit = textEditBetween(text.toString(), next, caret);
  if (!edit) return false;
  if (edit.deleteCount > 0) text.delete(edit.index, edit.deleteCount);
  if (edit.insert) text.insert(edit.index, edit.insert);
  return true;
}

/**
 * Writes a shared-text field of a record: edits its `Y.Text` in place, or,
 * where the field holds anything else (a plain string written before
 * schema 6, or nothing), puts a new `Y.Text` there. Call inside a
 * transaction. Returns whether anything changed.
 */
export function writeTextField(record: RecordMap, field: string, next: string, caret?: number): boolean {
  const current = record.get(field);
  if (isSharedText(current)) return replaceText(current, next, caret);
  record.set(field, new Y.Text(next));
  return true;
}

/** A shared-text field of one record: its top-level name, the record's key and the field. */
export interface TextFieldAddress {
  root: string;
  record: string;
  field: string;
}

/** The most characters a shared-text field holds, or null when the address names no shared-text field. */
export function textFieldLimit(address: TextFieldAddress): number | null {
  return SHARED_TEXT_FIELDS.get(address.root)?.get(address.field) ?? null;
}

/** The record holding a shared-text field, or null when there is none (or the address names no shared-text field). */
function recordAt(doc: Y.Doc, address: TextFieldAddress): RecordMap | null {
  if (textFieldLimit(address) === null) return null;
  const record = topMap(doc, address.root).get(address.record);
  return record instanceof Y.Map ? (record as RecordMap) : null;
}

/** The `Y.Text` of a shared-text field as it stands, or null when the record is gone or the field holds none yet. */
export function readTextField(doc: Y.Doc, address: TextFieldAddress): Y.Text | null {
  const value = recordAt(doc, address)?.get(address.field);
  return isSharedText(value) ? value : null;
}

/**
 * Sets a shared-text field to what a person's input now holds, as the
 * smallest edit (see `textEditBetween`), clipped to the field's limit.
 * Returns false when the record is gone.
 */
export function editTextField(doc: Y.Doc, address: TextFieldAddress, next: string, caret: number | undefined, origin: unknown = null): boolean {
  const record = recordAt(doc, address);
  const limit = textFieldLimit(address);
  if (!record || limit === null) return false;
  doc.transact(() => writeTextField(record, address.field, next.slice(0, limit), caret), origin);
  return true;
}
