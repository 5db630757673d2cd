import * as Y from 'yjs';
import type { WriteLocation } from '../../shared/board/access';
import { DocKey } from '../../shared/board/doc';
import { NOTE_TEXT_MAX_CHARS } from '../../shared/schema/records';

/**
 * Finds where in a document an update would write, before it is applied, so
 * the room can refuse an update that touches what its sender may not change
 * (DESIGN rule 7: the role lives on the connection). Yjs has no way to take
 * an applied update back, so the check has to come first.
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
 * of a board may be (a note longer than the limit, say), or is null.
 */
export type UpdateLocations = { kind: 'located'; locations: WriteLocation[]; oversized: string | null } | { kind: 'unresolved' };

/**
 * The longest value any field of a board holds, in characters (the longest
 * real ones, an action's fields, are 2,000): anything longer comes from a
 * tampered client and would only bloat the board for everyone.
 */
export const MAX_VALUE_CHARS = 5000;

/**
 * Why an item's content is too large for where it goes, or null. Notes have
 * their own, shorter limit; `key` is the map key the item is written under.
 */
function oversizedContent(item: Y.Item, location: WriteLocation | null | 'missing', key: string | null): string | null {
  const isNoteText = location !== null && location !== 'missing' && location.root === DocKey.notes && key === 'text';
  const limit = isNoteText ? NOTE_TEXT_MAX_CHARS : MAX_VALUE_CHARS;
  const content = item.content as unknown;
  let values: unknown[] = [];
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) values = content.arr;
  else if (content instanceof Y.ContentString) values = [content.str];
  else if (content instanceof Y.ContentBinary) values = [content.content];
  for (const value of values) {
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

/** Where an item the document already holds lives: its top-level type and the record under it. */
function locateIntegrated(doc: Y.Doc, item: Y.Item): WriteLocation | null {
  let current = item;
  for (;;) {
    const parent = current.parent as Y.AbstractType<unknown> | null;
    if (!parent) return null;
    if (!parent._item) {
      const root = Y.findRootTypeKey(parent);
      return root ? { root, record: current.parentSub } : null;
    }
    current = parent._item;
  }
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

/**
 * Every place an update writes to in `doc`. Items that would have no effect
 * (inserted into something already garbage-collected, or deleting what is
 * already deleted) are left out, so a client resending its whole history
 * after a reconnect is judged only on what is new.
 */
export function locateUpdate(doc: Y.Doc, update: Uint8Array): UpdateLocations {
  const decoded = Y.decodeUpdate(update);
  const structs = decoded.structs as Struct[];
  const ds = decoded.ds;
  checkWellFormed(structs, ds);
  const index = indexStructs(structs);
  // Items reached on a walk share its answer; remembering it keeps a long
  // chain (a paragraph typed letter by letter) linear.
  const memo = new Map<AnyItem, WriteLocation | null | 'missing'>();
  const locations = new Map<string, WriteLocation>();
  let unresolved = false;
  let oversized: string | null = null;

  const locateNew = (start: AnyItem): WriteLocation | null | 'missing' => {
    const walked: AnyItem[] = [];
    let result: WriteLocation | null | 'missing';
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
        result = { root: parent, record: current.parentSub };
        break;
      }
      // The parent item, or else the neighbour whose parent this item shares.
      const next = parent instanceof Y.ID ? parent : (current.origin ?? current.rightOrigin);
      if (!next) {
        result = 'missing';
        break;
      }
      const inUpdate = findInUpdate(index, next);
      if (inUpdate instanceof Y.Item) {
        current = inUpdate;
        continue;
      }
      const inDocument = inUpdate ? null : findInDocument(doc, next);
      if (inDocument instanceof Y.Item) result = locateIntegrated(doc, inDocument);
      else if (inDocument || inUpdate) result = null; // garbage-collected: Yjs will discard the item
      else result = 'missing';
      break;
    }
    for (const item of walked) memo.set(item, result);
    return result;
  };

  /**
   * The map key an item is written under. An update leaves it out when the
   * item replaces an earlier value of the same key (its left origin), so it
   * is found the way the parent is: through the item's neighbours.
   */
  const keyOf = (start: AnyItem): string | null => {
    let current: Y.Item | null = start;
    for (let steps = 0; current && steps < 10_000; steps++) {
      if (current.parentSub !== null) return current.parentSub;
      const next: Y.ID | null = current.origin ?? current.rightOrigin;
      if (!next) return null;
      const inUpdate = findInUpdate(index, next);
      const found: Struct | null = inUpdate ?? findInDocument(doc, next);
      current = found instanceof Y.Item ? found : null;
    }
    return null;
  };

  const add = (location: WriteLocation | null | 'missing'): void => {
    if (location === 'missing') unresolved = true;
    else if (location) locations.set(`${location.root}\u0000${location.record ?? ''}`, location);
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
    if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
    const parent = struct.parent instanceof Y.ID ? struct.parent : null;
    for (const ref of [struct.origin, struct.rightOrigin, parent]) {
      if (!ref || ref.clock < Y.getState(doc.store, ref.client)) continue;
      const inUpdate = findInUpdate(index, ref);
      if (!inUpdate) unresolved = true;
      else if (!(inUpdate instanceof Y.Item || inUpdate instanceof Y.GC)) throw new MalformedUpdate('an item refers to a gap in the update');
    }
  }

  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    // Already in the document: applying it again changes nothing.
    if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
    const location = locateNew(struct);
    add(location);
    oversized ??= oversizedContent(struct, location, keyOf(struct));
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
          unresolved = true;
          break;
        }
        if (struct instanceof Y.Item) {
          if (!known) add(locateNew(struct));
          else if (!struct.deleted) add(locateIntegrated(doc, struct));
        }
        at = struct.id.clock + struct.length;
      }
    }
  }
  return unresolved ? { kind: 'unresolved' } : { kind: 'located', locations: [...locations.values()], oversized };
}
