import * as Y from 'yjs';
import { readRecordFields } from '../../shared/document/doc';
import { type DocumentLayout, type FieldShape, type RootLayout, valueDepthBeyond } from '../../shared/document/layout';

/**
 * Removes from a loaded document what its layout (shared/document/layout.ts,
 * docs/document-layout.md "What the server accepts") has no place for: a
 * board stored before the write guard refused such shapes may hold them,
 * and no one can delete them the ordinary way (docs/server-promises.md,
 * "Hostile documents").
 *
 * Yjs deletes and garbage-collects a shared type by recursing into what it
 * holds: a note holding Y.Maps nested 20,000 deep overflows the stack on the
 * server applying its deletion and on every client receiving it. So the
 * repair deletes each hostile part bottom-up, deepest items first, in chunks
 * of `REPAIR_CHUNK_ITEMS`, each its own transaction: every deletion then
 * finds its children already deleted, and collecting the chunk's garbage
 * recurses at most one chunk deep. Each chunk is its own update too, and
 * must stay one: applied together (merged, or replayed in one transaction)
 * they would recurse as deep as the structure again, which is why the room
 * stores a repaired document as one snapshot (server/rooms/room.ts).
 */

/** Items deleted per transaction: the deepest recursion the repair, and anyone applying one of its updates, goes to. */
export const REPAIR_CHUNK_ITEMS = 500;

/** What a repair removed, by count only: never what it held. */
export interface RepairCounts {
  /** Top-level types the layout does not have, emptied. */
  roots: number;
  /** Records that are no `Y.Map`, or that no longer read once their hostile fields were removed. */
  records: number;
  /** Fields of records, and named fields, that the layout does not have or that hold what it has no place for. */
  fields: number;
  /** Entries of value maps holding a shared type or a value nested too deep, and sequence items where the layout has a map. */
  values: number;
  /** Yjs items deleted in all, the hostile parts' contents included. */
  items: number;
}

/** What the repair reads of any shared type (a top-level type, a record, a `Y.Text`...): its map entries and its sequence. */
interface SharedType {
  _map: Map<string, Y.Item>;
  _start: Y.Item | null;
}

/** The live (not deleted) items a shared type holds: its map entries and its sequence. */
function liveChildren(type: SharedType): Y.Item[] {
  const children: Y.Item[] = [];
  for (const item of type._map.values()) if (!item.deleted) children.push(item);
  for (let item = type._start; item !== null; item = item.right) if (!item.deleted) children.push(item);
  return children;
}

/** The live items of a type's sequence (a top-level map or a record holds none, so each is hostile). */
function liveSequence(type: SharedType): Y.Item[] {
  const items: Y.Item[] = [];
  for (let item = type._start; item !== null; item = item.right) if (!item.deleted) items.push(item);
  return items;
}

function sharedTypeOf(item: Y.Item, type: abstract new (...args: never[]) => unknown): SharedType | null {
  const content = item.content as unknown;
  return content instanceof Y.ContentType && content.type.constructor === type ? content.type : null;
}

/**
 * Whether an item holds what a field of this shape may: one plain value no
 * deeper than the shape, or for a text field a `Y.Text` of plain characters
 * (or a plain string, as written before schema 6).
 * Only the item itself is looked at (and a value only as deep as its shape
 * allows), never what a hostile writer nested inside it, so a clean board
 * costs one look per field.
 */
function fits(shape: FieldShape, item: Y.Item): boolean {
  if (shape.kind === 'text') {
    // A plain string written before the field was a Y.Text still reads as its text; the next edit replaces it.
    const plain = item.content instanceof Y.ContentAny && item.content.arr.length === 1 ? item.content.arr[0] : undefined;
    if (typeof plain === 'string') return true;
    const text = sharedTypeOf(item, Y.Text);
    if (!text || text._map.size > 0) return false;
    for (let part = text._start; part !== null; part = part.right) {
      if (!part.deleted && !(part.content instanceof Y.ContentString)) return false;
    }
    return true;
  }
  const content = item.content as unknown;
  if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return false;
  const value: unknown = content.arr[0];
  return typeof value !== 'object' || value === null || !valueDepthBeyond(value, shape.depth);
}

/**
 * Every live item under `top`, and `top` itself, deepest first: a breadth-first
 * walk (no recursion), reversed, so each item comes after everything it holds.
 */
function bottomUp(top: Y.Item): Y.Item[] {
  const order: Y.Item[] = [top];
  for (let next = 0; next < order.length; next++) {
    const content = order[next]!.content as unknown;
    if (content instanceof Y.ContentType) for (const child of liveChildren(content.type)) order.push(child);
  }
  return order.reverse();
}

/** Whether a record, without the fields about to be removed, still passes its readers' validator under its key. */
function readsWithout(record: SharedType, key: string, removed: ReadonlySet<string>, reader: RootLayout & { kind: 'records' }): boolean {
  const textFields = new Set([...reader.fields].filter(([, shape]) => shape.kind === 'text').map(([field]) => field));
  const fields = readRecordFields(record, textFields);
  if (!fields) return false;
  for (const field of removed) delete fields[field];
  const parsed = reader.reader.safeParse(fields);
  if (!parsed.success) return false;
  const id = (parsed.data as { id?: unknown }).id;
  return id === undefined || id === key;
}

/** The hostile items of one record: the record whole, or the fields of it that do not fit. */
function hostileInRecord(item: Y.Item, key: string, layout: RootLayout & { kind: 'records' }, counts: RepairCounts): Y.Item[] {
  const record = sharedTypeOf(item, Y.Map);
  if (!record) {
    counts.records++;
    return [item];
  }
  const hostile = liveSequence(record);
  const removed = new Set<string>();
  for (const [field, fieldItem] of record._map) {
    if (fieldItem.deleted) continue;
    const shape = layout.fields.get(field);
    if (shape && fits(shape, fieldItem)) continue;
    removed.add(field);
    hostile.push(fieldItem);
  }
  if (hostile.length === 0) return [];
  if (!readsWithout(record, key, removed, layout)) {
    counts.records++;
    return [item];
  }
  counts.fields += removed.size;
  counts.values += hostile.length - removed.size;
  return hostile;
}

/** The hostile items of one top-level type, counted as they are found. */
function hostileInRoot(type: SharedType, layout: RootLayout | undefined, counts: RepairCounts): Y.Item[] {
  if (!layout) {
    const children = liveChildren(type);
    if (children.length > 0) counts.roots++;
    return children;
  }
  const hostile = liveSequence(type);
  counts.values += hostile.length;
  for (const [key, item] of type._map) {
    if (item.deleted) continue;
    if (layout.kind === 'records') {
      for (const part of hostileInRecord(item, key, layout, counts)) hostile.push(part);
      continue;
    }
    const shape = layout.kind === 'values' ? layout.value : layout.fields.get(key);
    if (shape && fits(shape, item)) continue;
    if (layout.kind === 'values') counts.values++;
    else counts.fields++;
    hostile.push(item);
  }
  return hostile;
}

/**
 * Finds what `doc` holds that `layout` has no place for (a top-level type
 * the layout lacks, a record that is no `Y.Map`, a field the record does
 * not have, a shared type or a too-deep value where a plain value belongs)
 * and deletes it, bottom-up in bounded transactions (see the top of this
 * file). A record keeps its good fields when only some are hostile, unless
 * without them it no longer reads; then it goes whole. Values that are
 * plain and flat but malformed are left to the readers, which default or
 * skip them. Returns what was removed, or null when the document was
 * already clean (nothing is written then, so a repair is idempotent).
 */
export function repairDocument(doc: Y.Doc, layout: DocumentLayout, origin: unknown = null): RepairCounts | null {
  const counts: RepairCounts = { roots: 0, records: 0, fields: 0, values: 0, items: 0 };
  const hostile: Y.Item[] = [];
  for (const [name, type] of doc.share) for (const item of hostileInRoot(type, layout.get(name), counts)) hostile.push(item);
  if (hostile.length === 0) return null;
  const deletions: Y.Item[] = [];
  for (const top of hostile) for (const item of bottomUp(top)) deletions.push(item);
  counts.items = deletions.length;
  for (let start = 0; start < deletions.length; start += REPAIR_CHUNK_ITEMS) {
    doc.transact((transaction) => {
      for (const item of deletions.slice(start, start + REPAIR_CHUNK_ITEMS)) item.delete(transaction);
    }, origin);
  }
  return counts;
}
