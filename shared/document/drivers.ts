import * as Y from 'yjs';
import { addAction } from './actions';
import { DocKey, newRecord, notesMap, readRecords, type RecordMap, topMap, writeFields } from './doc';
import { readTextValue, writeTextField } from './text';
import { buildDriverTree, type DriverTree, type DriverTreeNode, isWithin, levelAtDepth, orderBetween } from '../rules/driverTree';
import {
  type Diagram,
  DIAGRAM_TEXT_MAX_CHARS,
  DIAGRAM_TITLE_MAX_CHARS,
  diagramSchema,
  type DriverLevel,
  type DriverNode,
  driverNodeSchema,
  type MeasureKind,
  type NodeSourceKind,
} from '../schema/driverRecords';
import { type ActionId, type DiagramId, type DriverNodeId, newRecordId, type NoteId, type ThemeId } from '../schema/ids';

/**
 * The driver diagram in the board document: diagrams (each with its aim) in
 * `diagrams`, and every diagram's drivers and change ideas in `driverNodes`,
 * each a record with its parent. The shape is read with `buildDriverTree`,
 * which resolves what concurrent edits leave behind (see there).
 */

const clip = (text: string, max = DIAGRAM_TEXT_MAX_CHARS) => text.slice(0, max);

/** Every diagram on the board, oldest first. */
export function readDiagrams(doc: Y.Doc): Diagram[] {
  return readRecords(doc, DocKey.diagrams, diagramSchema).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** Every node record of every diagram, deleted ones included (the tree needs them to place their children). */
export function readDriverNodes(doc: Y.Doc): DriverNode[] {
  return readRecords(doc, DocKey.driverNodes, driverNodeSchema);
}

/** The tree of one diagram. */
export function readDriverTree(doc: Y.Doc, diagramId: DiagramId): DriverTree {
  return buildDriverTree({ id: diagramId }, readDriverNodes(doc));
}

/** Starts a diagram with its aim. */
export function addDiagram(doc: Y.Doc, input: { title?: string; aim?: string; now?: number; id?: DiagramId }, origin: unknown = null): DiagramId {
  const id = input.id ?? newRecordId<DiagramId>();
  doc.transact(() => {
    topMap(doc, DocKey.diagrams).set(
      id,
      newRecord({
        id,
        title: new Y.Text(clip(input.title?.trim() || 'Driver diagram', DIAGRAM_TITLE_MAX_CHARS)),
        aim: new Y.Text(clip(input.aim ?? '')),
        aimMeasure: new Y.Text(),
        aimMeasureKind: null,
        aimTargetDate: '',
        createdAt: input.now ?? Date.now(),
      }),
    );
  }, origin);
  return id;
}

/** Changes a diagram's title or its aim. */
export function updateDiagram(
  doc: Y.Doc,
  id: DiagramId,
  changes: Partial<Pick<Diagram, 'title' | 'aim' | 'aimMeasure' | 'aimMeasureKind' | 'aimTargetDate'>>,
  origin: unknown = null,
): boolean {
  const record = topMap(doc, DocKey.diagrams).get(id);
  if (!(record instanceof Y.Map)) return false;
  const { title, aim, aimMeasure, ...fields } = changes;
  if (fields.aimTargetDate !== undefined && !/^(\d{4}-\d{2}-\d{2})?$/.test(fields.aimTargetDate)) delete fields.aimTargetDate;
  doc.transact(() => {
    writeTexts(record, { title: title === undefined ? undefined : clip(title, DIAGRAM_TITLE_MAX_CHARS), aim, aimMeasure });
    writeFields(record, fields);
  }, origin);
  return true;
}

/** Writes the given shared-text fields of a record, each clipped to a diagram text's limit. */
function writeTexts(record: RecordMap, texts: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(texts)) if (value !== undefined) writeTextField(record, field, clip(value));
}

/** Deletes a diagram and all its nodes. */
export function deleteDiagram(doc: Y.Doc, id: DiagramId, origin: unknown = null): void {
  doc.transact(() => {
    const nodes = topMap(doc, DocKey.driverNodes);
    for (const node of readDriverNodes(doc)) if (node.diagramId === id) nodes.delete(node.id);
    topMap(doc, DocKey.diagrams).delete(id);
  }, origin);
}

/** The next `movedAt`: larger than any move so far in the diagram. */
function nextMove(doc: Y.Doc, diagramId: DiagramId): number {
  let latest = 0;
  for (const node of readDriverNodes(doc)) if (node.diagramId === diagramId) latest = Math.max(latest, node.movedAt);
  return latest + 1;
}

/** The order value for a place among a parent's children (at the end when no index is given). */
function orderAt(tree: DriverTree, parentId: DriverNodeId | null, diagramId: DiagramId, index: number | undefined, moving?: DriverNodeId): number {
  const parent = tree.byId.get(parentId ?? diagramId);
  const siblings = (parent?.children ?? []).filter((child) => child.id !== moving).map((child) => child.node!.order);
  const at = index === undefined ? siblings.length : Math.max(0, Math.min(index, siblings.length));
  return orderBetween(siblings[at - 1] ?? null, siblings[at] ?? null);
}

/** Where a new node comes from, when it is promoted from the board. */
export interface NodeSource {
  kind: NodeSourceKind;
  id: NoteId | ThemeId;
}

/**
 * Adds a driver or change idea under a parent (null: under the aim), at a
 * place among its siblings (the end by default). Returns its id, or null
 * when the parent is not in the diagram.
 */
export function addDriverNode(
  doc: Y.Doc,
  input: { diagramId: DiagramId; parentId: DriverNodeId | null; text?: string; index?: number; source?: NodeSource; now?: number; id?: DriverNodeId },
  origin: unknown = null,
): DriverNodeId | null {
  const tree = readDriverTree(doc, input.diagramId);
  if (input.parentId !== null && !tree.byId.has(input.parentId)) return null;
  const id = input.id ?? newRecordId<DriverNodeId>();
  doc.transact(() => {
    topMap(doc, DocKey.driverNodes).set(
      id,
      newRecord({
        id,
        diagramId: input.diagramId,
        parentId: input.parentId,
        text: new Y.Text(clip(input.text ?? '')),
        order: orderAt(tree, input.parentId, input.diagramId, input.index),
        movedAt: nextMove(doc, input.diagramId),
        deleted: false,
        measure: new Y.Text(),
        measureKind: null,
        sourceKind: input.source?.kind ?? null,
        sourceId: input.source?.id ?? null,
        actionId: null,
        createdAt: input.now ?? Date.now(),
      }),
    );
  }, origin);
  return id;
}

/** Changes a node's text or measure. */
export function updateDriverNode(
  doc: Y.Doc,
  id: DriverNodeId,
  changes: { text?: string; measure?: string; measureKind?: MeasureKind | null },
  origin: unknown = null,
): boolean {
  const record = topMap(doc, DocKey.driverNodes).get(id);
  if (!(record instanceof Y.Map)) return false;
  const { text, measure, ...fields } = changes;
  doc.transact(() => {
    writeTexts(record, { text, measure });
    writeFields(record, fields);
  }, origin);
  return true;
}

/**
 * Moves a node (with everything under it) to a new parent and place. Refuses
 * (returns false) a move under the node itself or one of its own
 * descendants, which would make a loop; loops that two people's moves make
 * together are resolved when the tree is read.
 */
export function moveDriverNode(
  doc: Y.Doc,
  id: DriverNodeId,
  to: { parentId: DriverNodeId | null; index?: number },
  origin: unknown = null,
): boolean {
  const record = topMap(doc, DocKey.driverNodes).get(id);
  if (!(record instanceof Y.Map)) return false;
  const diagramId = record.get('diagramId') as DiagramId;
  const tree = readDriverTree(doc, diagramId);
  if (!tree.byId.has(id)) return false;
  if (to.parentId !== null && (!tree.byId.has(to.parentId) || isWithin(tree, to.parentId, id))) return false;
  doc.transact(() => {
    writeFields(record, {
      parentId: to.parentId,
      order: orderAt(tree, to.parentId, diagramId, to.index, id),
      movedAt: nextMove(doc, diagramId),
    });
  }, origin);
  return true;
}

/**
 * Deletes a node and everything under it, as tombstones: undo brings them
 * back, and a node someone adds under them meanwhile is not lost (it hangs
 * from the nearest ancestor left).
 */
export function deleteDriverNode(doc: Y.Doc, id: DriverNodeId, origin: unknown = null): boolean {
  const record = topMap(doc, DocKey.driverNodes).get(id);
  if (!(record instanceof Y.Map)) return false;
  const tree = readDriverTree(doc, record.get('diagramId') as DiagramId);
  const start = tree.byId.get(id);
  if (!start) return false;
  doc.transact(() => {
    const nodes = topMap(doc, DocKey.driverNodes);
    const stack = [start];
    while (stack.length > 0) {
      const next = stack.pop()!;
      const nodeRecord = nodes.get(next.id);
      if (nodeRecord instanceof Y.Map) nodeRecord.set('deleted', true);
      stack.push(...next.children);
    }
  }, origin);
  return true;
}

/** What promoting a note or a theme did, so the screen can say it. */
export interface Promotion {
  /** The node that now stands for it. */
  nodeId: DriverNodeId;
  /** Its level: a theme is a driver, a note a change idea (docs/driver-diagram.md). */
  level: DriverLevel;
  /** It was in the diagram already, so nothing was added. */
  already: boolean;
  /** The text of the driver it hangs from ('' for one left blank to name), or null under the aim. */
  parentText: string | null;
}

/** The live node of a diagram that came from a note or theme, if any. */
function nodeFrom(tree: DriverTree, source: NodeSource): DriverTreeNode | undefined {
  for (const treeNode of tree.byId.values()) {
    if (treeNode.node?.sourceKind === source.kind && treeNode.node.sourceId === source.id) return treeNode;
  }
  return undefined;
}

/**
 * The driver one level down from `parent` that a promoted note hangs from:
 * its first child left blank (a driver waiting for the team to name it), or
 * a new blank one. Reusing it keeps a run of promoted notes together under
 * one box to name, rather than one empty box each.
 */
function blankDriverUnder(doc: Y.Doc, diagramId: DiagramId, parent: DriverTreeNode, origin: unknown): DriverNodeId {
  const blank = parent.children.find((child) => child.node!.text.trim() === '');
  if (blank) return blank.id as DriverNodeId;
  return addDriverNode(doc, { diagramId, parentId: parent.node ? (parent.id as DriverNodeId) : null }, origin)!;
}

/**
 * Promotes a sticky note or a theme into a diagram, keeping a link to it, at
 * the level docs/driver-diagram.md gives it. A node's level is its depth
 * (`levelAtDepth`), so the place decides what it is:
 * - a theme becomes a primary driver, under the aim;
 * - a note becomes a change idea, which is three levels in (aim, primary,
 *   secondary, change idea). It goes under the driver its theme became when
 *   there is one: directly when that driver is a secondary one (or deeper),
 *   else under a blank secondary driver beneath it; a note whose theme is not
 *   in the diagram goes under a blank primary and a blank secondary driver,
 *   which the team names in the diagram.
 * Something already in the diagram is not added twice. One transaction, so
 * one undo step. Returns null when the note or theme is gone.
 */
export function promoteToDiagram(
  doc: Y.Doc,
  input: { diagramId: DiagramId; source: NodeSource },
  origin: unknown = null,
): Promotion | null {
  const { diagramId, source } = input;
  const sourceRecord = source.kind === 'note' ? notesMap(doc).get(source.id) : topMap(doc, DocKey.themes).get(source.id);
  if (!(sourceRecord instanceof Y.Map)) return null;
  const tree = readDriverTree(doc, diagramId);
  const existing = nodeFrom(tree, source);
  if (existing) {
    const parentId = tree.parentOf.get(existing.id) ?? null;
    const parentText = parentId === null ? null : (tree.byId.get(parentId)?.node?.text ?? null);
    return { nodeId: existing.id as DriverNodeId, level: existing.level, already: true, parentText };
  }
  const text = readTextValue(sourceRecord.get(source.kind === 'note' ? 'text' : 'title')) ?? '';
  let result = null as Promotion | null;
  doc.transact(() => {
    let parent: DriverTreeNode = tree.root;
    if (source.kind === 'note') {
      const themeId = sourceRecord.get('themeId');
      const themeDriver = typeof themeId === 'string' ? nodeFrom(tree, { kind: 'theme', id: themeId as ThemeId }) : undefined;
      const fresh = () => readDriverTree(doc, diagramId);
      // Down to the secondary level, through blank drivers where the diagram has none to hang it from.
      let at: DriverTreeNode = themeDriver ?? tree.root;
      while (at.depth < 2) {
        const next = blankDriverUnder(doc, diagramId, at, origin);
        at = fresh().byId.get(next)!;
      }
      parent = at;
    }
    const parentId = parent.node ? (parent.id as DriverNodeId) : null;
    const nodeId = addDriverNode(doc, { diagramId, parentId, text, source }, origin)!;
    result = { nodeId, level: levelAtDepth(parent.depth + 1), already: false, parentText: parent.node ? parent.node.text : null };
  }, origin);
  return result;
}

/**
 * Turns a change idea into a draft action in the board's action list, and
 * links the two both ways (the node holds the action id; the action's topic
 * names the idea). Returns the action's id; an idea already turned into an
 * action keeps the one it has.
 */
export function changeIdeaToAction(doc: Y.Doc, id: DriverNodeId, origin: unknown = null): ActionId | null {
  const record = topMap(doc, DocKey.driverNodes).get(id);
  if (!(record instanceof Y.Map)) return null;
  const existing = record.get('actionId');
  if (typeof existing === 'string' && topMap(doc, DocKey.actions).has(existing)) return existing as ActionId;
  let actionId: ActionId | null = null;
  doc.transact(() => {
    actionId = addAction(doc, { topic: readTextValue(record.get('text')) ?? '' }, origin);
    record.set('actionId', actionId);
  }, origin);
  return actionId;
}

/** The diagram nodes that became each action, by action id: the link read from the action's side. */
export function nodesByAction(doc: Y.Doc): Map<string, DriverNode[]> {
  const result = new Map<string, DriverNode[]>();
  for (const node of readDriverNodes(doc)) {
    if (!node.actionId || node.deleted) continue;
    result.set(node.actionId, [...(result.get(node.actionId) ?? []), node]);
  }
  return result;
}
