import * as Y from 'yjs';
import type { FieldWrite, WriteLocation } from '../../shared/document/access';
import { DocKey } from '../../shared/document/doc';
import { BOARD_LAYOUT, type DocumentLayout, type FieldShape, type RootLayout, valueDepthBeyond, valueProblem } from '../../shared/document/layout';
import { NOTE_TEXT_MAX_CHARS } from '../../shared/schema/records';

/**
 * Finds where in a document an update would write, before it is applied, so
 * the room can refuse an update that touches what its sender may not change
 * (the role lives on the connection: "Roles and who may do what" in
 * docs/server-promises.md). Yjs has no way to take an applied update back,
 * so the check has to come first.
 *
 * An update names the parent of each new item only sometimes: an item
 * inserted next to another inherits that neighbour's parent, so the parent
 * is found by following the item's origin, through this update's own items
 * and the document's, to an item whose parent is known. Deletions are
 * located through the items they delete.
 */

/**
 * Where an update writes; `unresolved` when it refers to items the document
 * does not have. `oversized` says why a value in it is larger than any field
 * of a board may be (a note longer than the limit, say), or is null;
 * `textOverLimit` why it would leave a shared-text field longer than the
 * field holds (two people typing into a nearly full field at once can), or
 * is null; `misshapen` why it puts something where the document's layout
 * (shared/document/layout.ts, docs/document-layout.md) has no such thing, or is
 * null. `fieldWrites` lists the record fields it sets or removes, for the
 * rules that look at values (who may change a note's text);
 * `createdRecords` the records it creates and `deletedRecords` those it
 * deletes (a record replaced under its key is both), for the rules about
 * whole records (who may delete a note, when an action may be added);
 * `addsContent` is false for an update that only deletes.
 */
export type UpdateLocations =
  | {
      kind: 'located';
      locations: WriteLocation[];
      oversized: string | null;
      textOverLimit: string | null;
      misshapen: string | null;
      fieldWrites: FieldWrite[];
      createdRecords: WriteLocation[];
      deletedRecords: WriteLocation[];
      addsContent: boolean;
    }
  | { kind: 'unresolved' };

/**
 * The longest value any field of a board holds, in characters (the longest
 * real ones, an action's fields, are 2,000): anything longer comes from a
 * tampered client and would only bloat the board for everyone.
 */
export const MAX_VALUE_CHARS = 5000;

/** Values no deeper than this are measured; the layout's deepest (the published tally's items) is 2. */
const MAX_MEASURED_DEPTH = 4;

/**
 * Why an item's content is too large for where it goes, or null. Notes have
 * their own, shorter limit; `key` is the map key the item is written under.
 */
function oversizedContent(item: Y.Item, location: WriteLocation, key: string | null): string | null {
  const isNoteText = location.root === DocKey.notes && key === 'text';
  const limit = isNoteText ? NOTE_TEXT_MAX_CHARS : MAX_VALUE_CHARS;
  const content = item.content as unknown;
  let values: unknown[] = [];
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) values = content.arr;
  else if (content instanceof Y.ContentString) values = [content.str];
  else if (content instanceof Y.ContentBinary) values = [content.content];
  for (const value of values) {
    // A value nested past the layout is refused for its shape; it is never walked here.
    if (valueDepthBeyond(value, MAX_MEASURED_DEPTH)) continue;
    const size = typeof value === 'string' ? value.length : value instanceof Uint8Array ? value.byteLength : (JSON.stringify(value)?.length ?? 0);
    if (size > limit) return isNoteText ? `A note may hold at most ${NOTE_TEXT_MAX_CHARS} characters.` : `A value of ${size} characters is larger than a board holds.`;
  }
  return null;
}

type AnyItem = Y.Item;
type Struct = Y.Item | Y.GC | { id: Y.ID; length: number };

/** The item of the document that holds this id, or null when the document has none. */
function findInDocument(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null;
  return Y.getItem(doc.store, id) as Y.Item | Y.GC;
}

/** An update no real Yjs client could have made: its sender is closed as malformed (1007). */
export class MalformedUpdate extends Error {
  override name = 'MalformedUpdate';
}

/** Yjs client ids are 32-bit, and no client makes four billion changes. */
const MAX_ID = 2 ** 32;

/**
 * Refuses what only a forged update holds: ids out of range, and an item
 * whose neighbour or parent is a change its own client made at the same
 * moment or later (Yjs would apply part of such an update, then throw).
 */
function checkWellFormed(structs: Struct[], ds: { clients: Map<number, { clock: number; len: number }[]> }): void {
  for (const struct of structs) {
    const { client, clock } = struct.id;
    if (client >= MAX_ID || clock + struct.length > MAX_ID) throw new MalformedUpdate(`ids out of range (${client}:${clock})`);
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (ref && ref.client === client && ref.clock >= clock) throw new MalformedUpdate('an item refers to a later change of its own client');
    }
  }
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) if (client >= MAX_ID || clock + len > MAX_ID) throw new MalformedUpdate(`deletion out of range (${client}:${clock})`);
  }
}

/** Lists the structs of an update by client, in clock order, for lookups by id. */
function indexStructs(structs: Struct[]): Map<number, Struct[]> {
  const byClient = new Map<number, Struct[]>();
  for (const struct of structs) {
    const list = byClient.get(struct.id.client);
    if (list) list.push(struct);
    else byClient.set(struct.id.client, [struct]);
  }
  return byClient;
}

function findInUpdate(index: Map<number, Struct[]>, id: Y.ID): Struct | null {
  const list = index.get(id.client);
  if (!list) return null;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const struct = list[mid]!;
    if (id.clock < struct.id.clock) high = mid - 1;
    else if (id.clock >= struct.id.clock + struct.length) low = mid + 1;
    else return struct;
  }
  return null;
}

/** What holds an item: a top-level type by name, or the item of a shared type; `discarded` when Yjs would drop the item (its parent is garbage-collected or is no type). */
type Parent = { root: string } | { item: Y.Item } | 'discarded' | 'missing';

/** An item's parent and the map key it is written under (null in a sequence). */
interface Placement {
  parent: Parent;
  key: string | null;
}

/** One level of an item's path from its top-level type: the item at that level and its key. */
interface Level {
  item: Y.Item;
  key: string | null;
}

/**
 * Records are one level of fields, and a field declared a `Y.Text` one more:
 * an item deeper than this is refused without looking further up.
 */
const MAX_LAYOUT_LEVELS = 3;

function isSharedType(content: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  return content instanceof Y.ContentType && content.type.constructor === type;
}

/** The one plain value an item holds under a map key, or undefined when it holds anything else. */
function plainValue(item: Y.Item): { value: unknown } | undefined {
  const content = item.content as unknown;
  return content instanceof Y.ContentAny && content.arr.length === 1 ? { value: content.arr[0] } : undefined;
}

/** Why an item's content does not fit a field of the given shape, or null. */
function fieldProblem(shape: FieldShape, item: Y.Item): string | null {
  if (shape.kind === 'text') return isSharedType(item.content, Y.Text) ? null : 'is not the Y.Text the layout has there';
  const plain = plainValue(item);
  if (!plain) return 'holds a shared type, or a kind of value, where the layout has a plain value';
  return valueProblem(shape, plain.value);
}

/**
 * Every place an update writes to in `doc`, and whether what it writes fits
 * the document's layout. Items that would have no effect (inserted into
 * something already garbage-collected, or deleting what is already deleted)
 * are left out, so a client resending its whole history after a reconnect is
 * judged only on what is new.
 */
export function locateUpdate(doc: Y.Doc, update: Uint8Array, layout: DocumentLayout = BOARD_LAYOUT): UpdateLocations {
  const decoded = Y.decodeUpdate(update);
  const structs = decoded.structs as Struct[];
  const ds = decoded.ds;
  checkWellFormed(structs, ds);
  const index = indexStructs(structs);
  const fromUpdate = new Set<Struct>(structs);
  const isNew = (struct: Struct): boolean => struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client);
  // Items reached on a walk share its answer; remembering it keeps a long
  // chain (a paragraph typed letter by letter) linear.
  const memo = new Map<AnyItem, Placement>();
  const locations = new Map<string, WriteLocation>();
  const fieldWrites: FieldWrite[] = [];
  /** The fields each new record is created with, by its item. */
  const newRecordFields = new Map<Y.Item, { root: string; key: string; fields: Set<string> }>();
  /** The records the update deletes, by their root and key. */
  const removedRecords = new Map<string, WriteLocation>();
  let unresolved = false;
  let oversized: string | null = null;
  /** A shared-text field the update would leave longer than its limit: kept apart from `oversized`, since two people typing at once can do it without either doing wrong. */
  let textOverLimit: string | null = null;
  let misshapen: string | null = null;
  let addsContent = false;
  /**
   * The characters the update adds to and removes from each shared-text
   * field it types into, by the field's item, so the text it leaves behind
   * is held to the field's limit (docs/document-layout.md, "Shared text").
   */
  const typedTexts = new Map<Y.Item, { where: string; maxChars: number; added: number; removed: number }>();
  const typedText = (fieldItem: Y.Item, where: string, maxChars: number) => {
    let typed = typedTexts.get(fieldItem);
    if (!typed) typedTexts.set(fieldItem, (typed = { where, maxChars, added: 0, removed: 0 }));
    return typed;
  };

  /** Where an item the document already holds lives. */
  const placementIntegrated = (item: Y.Item): Placement => {
    const parent = item.parent as Y.AbstractType<unknown> | null;
    if (!parent) return { parent: 'discarded', key: null };
    if (parent._item) return { parent: { item: parent._item }, key: item.parentSub };
    const root = Y.findRootTypeKey(parent);
    return { parent: root ? { root } : 'discarded', key: item.parentSub };
  };

  /** The struct with this id, in this update or else in the document. */
  const find = (id: Y.ID): Struct | null => findInUpdate(index, id) ?? findInDocument(doc, id);

  /**
   * Where a new item goes, as Yjs will place it: under the parent it names,
   * or else under its left neighbour's parent and key (its right
   * neighbour's when it has no left), dropped when a neighbour is
   * garbage-collected. Walks without recursion.
   */
  const placementNew = (start: AnyItem): Placement => {
    const walked: AnyItem[] = [];
    let result: Placement;
    let current = start;
    for (;;) {
      const known = memo.get(current);
      if (known !== undefined) {
        result = known;
        break;
      }
      walked.push(current);
      const parent = current.parent as unknown;
      if (typeof parent === 'string') {
        result = { parent: { root: parent }, key: current.parentSub };
        break;
      }
      if (parent instanceof Y.ID) {
        const parentItem = find(parent);
        if (!parentItem) result = { parent: 'missing', key: null };
        else if (parentItem instanceof Y.Item && parentItem.content instanceof Y.ContentType) result = { parent: { item: parentItem }, key: current.parentSub };
        else if (parentItem instanceof Y.Item || parentItem instanceof Y.GC) result = { parent: 'discarded', key: null };
        else result = { parent: 'missing', key: null };
        break;
      }
      const left = current.origin ? find(current.origin) : null;
      const right = current.rightOrigin ? find(current.rightOrigin) : null;
      if (left instanceof Y.GC || right instanceof Y.GC) {
        result = { parent: 'discarded', key: null };
        break;
      }
      const neighbour = left ?? right;
      if (!(neighbour instanceof Y.Item)) {
        result = { parent: 'missing', key: null };
        break;
      }
      if (fromUpdate.has(neighbour)) {
        current = neighbour;
        continue;
      }
      result = placementIntegrated(neighbour);
      break;
    }
    for (const item of walked) memo.set(item, result);
    return result;
  };

  /** The levels from an item's top-level type down to the item, or why there are none. */
  const pathOf = (item: Y.Item): { root: string; levels: Level[] } | 'missing' | 'discarded' | 'tooDeep' => {
    const levels: Level[] = [];
    let current = item;
    for (let level = 0; level < MAX_LAYOUT_LEVELS; level++) {
      const placement = fromUpdate.has(current) ? placementNew(current) : placementIntegrated(current);
      if (placement.parent === 'missing' || placement.parent === 'discarded') return placement.parent;
      levels.unshift({ item: current, key: placement.key });
      if ('root' in placement.parent) return { root: placement.parent.root, levels };
      current = placement.parent.item;
    }
    return 'tooDeep';
  };

  /** Why a new item does not fit the layout, or null; notes the fields it writes. */
  const shapeProblem = (item: Y.Item, root: string, levels: Level[]): string | null => {
    const rootLayout = layout.get(root);
    if (!rootLayout) return `writes to ${root}, which the layout does not have`;
    const [record, field, inField] = levels;
    if (!record || record.key === null) return `writes a sequence into ${root}, which is a map`;
    const where = `${root}/${record.key}`;
    if (item.content instanceof Y.ContentDeleted) return null;
    if (!field) {
      if (rootLayout.kind === 'records') {
        if (!isSharedType(item.content, Y.Map)) return `${where} is not the one Y.Map a record is`;
        newRecordFields.set(item, { root, key: record.key, fields: new Set() });
        return null;
      }
      const shape = rootLayout.kind === 'values' ? rootLayout.value : rootLayout.fields.get(record.key);
      if (!shape) return `${where} is not a field the layout has`;
      const problem = fieldProblem(shape, item);
      return problem && `${where} ${problem}`;
    }
    if (rootLayout.kind !== 'records' || !isSharedType(record.item.content, Y.Map)) return `${where} holds something inside a value`;
    if (field.key === null) return `${where} holds a sequence where a record has fields`;
    const shape = rootLayout.fields.get(field.key);
    if (!shape) return `${where}/${field.key} is not a field the layout has`;
    const recordIsNew = fromUpdate.has(record.item) && isNew(record.item);
    if (!inField) {
      const problem = fieldProblem(shape, item);
      if (problem) return `${where}/${field.key} ${problem}`;
      const plain = plainValue(item);
      if (field.key === 'id' && plain?.value !== record.key) return `${where} has an id other than its key`;
      newRecordFields.get(record.item)?.fields.add(field.key);
      fieldWrites.push({ root, record: record.key, field: field.key, value: plain?.value, kind: 'set', recordIsNew });
      return null;
    }
    if (shape.kind !== 'text' || !isSharedType(field.item.content, Y.Text) || inField.key !== null || !(item.content instanceof Y.ContentString)) {
      return `${where}/${field.key} holds something the layout does not have there`;
    }
    typedText(field.item, `${where}/${field.key}`, shape.maxChars).added += item.length;
    fieldWrites.push({ root, record: record.key, field: field.key, value: undefined, kind: 'set', recordIsNew });
    return null;
  };

  const add = (location: WriteLocation): void => {
    locations.set(`${location.root}\u0000${location.record ?? ''}`, location);
  };

  // An update that skips one of its author's earlier updates (lost when a
  // connection dropped) is unresolved too: Yjs would hold its new items back
  // but apply its deletions at once, and those would reach everyone without
  // what they belong with. The author's resync sends everything in order.
  for (const [client, list] of index) {
    let have = Y.getState(doc.store, client);
    for (const struct of list) {
      const end = struct.id.clock + struct.length;
      if (end <= have) continue;
      if (struct.id.clock > have || !(struct instanceof Y.Item || struct instanceof Y.GC)) {
        unresolved = true;
        break;
      }
      have = end;
    }
  }

  // Every neighbour and parent a new item names must be there, in the
  // document or earlier in this update, or Yjs would hold the item back.
  // A name that points at a gap in an update (a skip) cannot be a real item.
  for (const struct of structs) {
    if (unresolved) break;
    if (!(struct instanceof Y.Item) || !isNew(struct)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (!ref || ref.clock < Y.getState(doc.store, ref.client)) continue;
      const inUpdate = findInUpdate(index, ref);
      if (!inUpdate) unresolved = true;
      else if (!(inUpdate instanceof Y.Item || inUpdate instanceof Y.GC)) throw new MalformedUpdate('an item refers to a gap in the update');
    }
  }
  if (unresolved) return { kind: 'unresolved' };

  for (const struct of structs) {
    // Already in the document: applying it again changes nothing.
    if (!isNew(struct)) continue;
    addsContent = true;
    if (!(struct instanceof Y.Item)) continue;
    const path = pathOf(struct);
    if (path === 'missing') return { kind: 'unresolved' };
    if (path === 'discarded') continue;
    if (path === 'tooDeep') {
      misshapen ??= 'nests shared types deeper than the layout has';
      continue;
    }
    add({ root: path.root, record: path.levels[0]!.key });
    misshapen ??= shapeProblem(struct, path.root, path.levels);
    oversized ??= oversizedContent(struct, { root: path.root, record: path.levels[0]!.key }, path.levels[path.levels.length - 1]!.key);
  }

  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) {
      let at = clock;
      while (at < clock + len) {
        const id = Y.createID(client, at);
        // What the document already holds is judged by the document's copy: a
        // client replaying its whole history (from its offline copy) resends
        // items, and deletions of them, that the server has long had.
        const known = at < Y.getState(doc.store, client);
        const struct = known ? findInDocument(doc, id) : findInUpdate(index, id);
        if (!struct) {
          // Deleting what the document does not have yet: Yjs would keep the
          // deletion pending and apply it to whatever arrives later.
          return { kind: 'unresolved' };
        }
        if (struct instanceof Y.Item && (!known || !struct.deleted)) {
          const path = pathOf(struct);
          if (path === 'missing') return { kind: 'unresolved' };
          if (typeof path === 'object') {
            add({ root: path.root, record: path.levels[0]!.key });
            if (known) noteRemoval(path.root, path.levels);
            const [, field, inField] = path.levels;
            const shape = field?.key ? layoutOfRecords(path.root)?.fields.get(field.key) : undefined;
            if (inField && shape?.kind === 'text' && struct.content instanceof Y.ContentString) {
              const overlap = Math.min(clock + len, struct.id.clock + struct.length) - Math.max(at, struct.id.clock);
              typedText(field!.item, `${path.root}/${path.levels[0]!.key}/${field!.key}`, shape.maxChars).removed += overlap;
            }
          }
        }
        at = struct.id.clock + struct.length;
      }
    }
  }

  for (const [fieldItem, typed] of typedTexts) {
    const content = fieldItem.content as unknown;
    const before = isNew(fieldItem) || !(content instanceof Y.ContentType) ? 0 : content.type._length;
    const after = before + typed.added - typed.removed;
    if (after > typed.maxChars) textOverLimit ??= `${typed.where} would hold ${after} characters; it holds at most ${typed.maxChars}.`;
  }

  /** The layout of a record root, or undefined for any other root. */
  function layoutOfRecords(root: string): (RootLayout & { kind: 'records' }) | undefined {
    const rootLayout = layout.get(root);
    return rootLayout?.kind === 'records' ? rootLayout : undefined;
  }

  /** A deletion of a record, of a field's value, or of characters of a field's Y.Text. */
  function noteRemoval(root: string, [record, field, inField]: Level[]): void {
    if (!record?.key || layout.get(root)?.kind !== 'records') return;
    if (!field) removedRecords.set(`${root}\u0000${record.key}`, { root, record: record.key });
    else if (field.key !== null) fieldWrites.push({ root, record: record.key, field: field.key, value: undefined, kind: inField ? 'set' : 'remove', recordIsNew: false });
  }

  for (const { root, key, fields } of newRecordFields.values()) {
    const rootLayout = layout.get(root);
    if (rootLayout?.kind !== 'records') continue;
    const missing = [...rootLayout.required].filter((field) => !fields.has(field));
    if (missing.length > 0) misshapen ??= `${root}/${key} is created without ${missing.join(', ')}`;
  }

  // A field's old value is deleted whenever it is overwritten, and its
  // record's fields whenever the record is: neither removes the field.
  const setFields = new Set(fieldWrites.filter((write) => write.kind === 'set').map((write) => `${write.root}\u0000${write.record}\u0000${write.field}`));
  const writes = fieldWrites.filter(
    (write) => write.kind === 'set' || (!removedRecords.has(`${write.root}\u0000${write.record}`) && !setFields.has(`${write.root}\u0000${write.record}\u0000${write.field}`)),
  );
  for (const write of writes) {
    const rootLayout = layout.get(write.root);
    if (write.kind === 'remove' && rootLayout?.kind === 'records' && rootLayout.required.has(write.field)) {
      misshapen ??= `${write.root}/${write.record} would lose its ${write.field}`;
    }
  }
  return {
    kind: 'located',
    locations: [...locations.values()],
    oversized,
    textOverLimit,
    misshapen,
    fieldWrites: writes,
    createdRecords: [...newRecordFields.values()].map(({ root, key }) => ({ root, record: key })),
    deletedRecords: [...removedRecords.values()],
    addsContent,
  };
}
