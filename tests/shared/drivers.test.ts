import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import {
  addDiagram,
  addDriverNode,
  changeIdeaToAction,
  deleteDiagram,
  deleteDriverNode,
  moveDriverNode,
  nodesByAction,
  promoteToDiagram,
  readDiagrams,
  readDriverNodes,
  readDriverTree,
  updateDiagram,
  updateDriverNode,
} from '../../shared/document/drivers';
import { readActions } from '../../shared/document/actions';
import { addNote } from '../../shared/document/notes';
import { addTheme } from '../../shared/document/themes';
import { type DriverTreeNode, flattenDriverTree, levelAtDepth, orderBetween } from '../../shared/rules/driverTree';
import type { DiagramId, DriverNodeId } from '../../shared/schema/ids';

/** The shape of a tree as nested ids, to compare replicas. */
function shapeOf(node: DriverTreeNode): unknown {
  return [node.id, node.children.map(shapeOf)];
}

function texts(doc: Y.Doc, diagram: DiagramId): string[] {
  return flattenDriverTree(readDriverTree(doc, diagram).root)
    .slice(1)
    .map((n) => `${'  '.repeat(n.depth - 1)}${n.node!.text} (${n.level})`);
}

function syncAll(docs: Y.Doc[]): void {
  for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

/** Three replicas sharing one diagram. */
function replicas(): { docs: Y.Doc[]; diagram: DiagramId } {
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const diagram = addDiagram(docs[0]!, { title: 'Keeping nurses', aim: 'Halve first-year leavers' });
  syncAll(docs);
  return { docs, diagram };
}

describe('the driver diagram', () => {
  it('keeps one aim and gives each node its level from its depth: primary, secondary, change idea', () => {
    const doc = new Y.Doc();
    const diagram = addDiagram(doc, { title: 'Keeping nurses', aim: 'Halve first-year leavers' });
    updateDiagram(doc, diagram, { aimMeasure: 'Leavers in year one', aimMeasureKind: 'outcome', aimTargetDate: '2027-03-31' });
    updateDiagram(doc, diagram, { aimTargetDate: 'next spring' });
    const primary = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'Predictable rotas' })!;
    const secondary = addDriverNode(doc, { diagramId: diagram, parentId: primary, text: 'Rotas published early' })!;
    addDriverNode(doc, { diagramId: diagram, parentId: secondary, text: 'Publish six weeks ahead' });
    addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'Career conversations' });
    expect(readDiagrams(doc)).toMatchObject([{ title: 'Keeping nurses', aim: 'Halve first-year leavers', aimMeasureKind: 'outcome', aimTargetDate: '2027-03-31' }]);
    expect(texts(doc, diagram)).toEqual([
      'Predictable rotas (primary)',
      '  Rotas published early (secondary)',
      '    Publish six weeks ahead (change)',
      'Career conversations (primary)',
    ]);
    expect(levelAtDepth(0)).toBe('aim');
    expect(levelAtDepth(7)).toBe('change');
    expect(addDriverNode(doc, { diagramId: diagram, parentId: 'nowhere' as DriverNodeId })).toBeNull();
  });

  it('adds siblings at a place, reorders, and moves a branch with everything under it', () => {
    const doc = new Y.Doc();
    const diagram = addDiagram(doc, {});
    const a = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'A' })!;
    const c = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'C' })!;
    addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'B', index: 1 });
    addDriverNode(doc, { diagramId: diagram, parentId: a, text: 'A1' });
    expect(texts(doc, diagram)).toEqual(['A (primary)', '  A1 (secondary)', 'B (primary)', 'C (primary)']);
    expect(moveDriverNode(doc, c, { parentId: null, index: 0 })).toBe(true);
    expect(moveDriverNode(doc, a, { parentId: c })).toBe(true);
    expect(texts(doc, diagram)).toEqual(['C (primary)', '  A (secondary)', '    A1 (change)', 'B (primary)']);
  });

  it('refuses to move a node under itself or under its own branch', () => {
    const doc = new Y.Doc();
    const diagram = addDiagram(doc, {});
    const a = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'A' })!;
    const a1 = addDriverNode(doc, { diagramId: diagram, parentId: a, text: 'A1' })!;
    expect(moveDriverNode(doc, a, { parentId: a1 })).toBe(false);
    expect(moveDriverNode(doc, a, { parentId: a })).toBe(false);
    expect(texts(doc, diagram)).toEqual(['A (primary)', '  A1 (secondary)']);
  });

  it('deletes a branch as tombstones, and edits text and measures', () => {
    const doc = new Y.Doc();
    const diagram = addDiagram(doc, {});
    const a = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'A' })!;
    addDriverNode(doc, { diagramId: diagram, parentId: a, text: 'A1' });
    const b = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'B' })!;
    updateDriverNode(doc, b, { text: 'B, renamed', measure: 'Staff survey score', measureKind: 'process' });
    expect(deleteDriverNode(doc, a)).toBe(true);
    expect(texts(doc, diagram)).toEqual(['B, renamed (primary)']);
    expect(readDriverNodes(doc).filter((n) => n.deleted).map((n) => n.text).sort()).toEqual(['A', 'A1']);
    expect(readDriverTree(doc, diagram).byId.get(b)!.node).toMatchObject({ measure: 'Staff survey score', measureKind: 'process' });
  });

  it('promotes a note or a theme with a link to it, and turns a change idea into an action linked both ways', () => {
    const doc = new Y.Doc();
    const diagram = addDiagram(doc, {});
    const note = addNote(doc, { text: 'Self-rostering', x: 0, y: 0, authorId: null, authorName: '' });
    const theme = addTheme(doc, { title: 'Flexible working' });
    const driver = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } })!.nodeId;
    const idea = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: note } })!.nodeId;
    expect(readDriverTree(doc, diagram).byId.get(idea)!.node).toMatchObject({ text: 'Self-rostering', sourceKind: 'note', sourceId: note });
    expect(readDriverTree(doc, diagram).byId.get(driver)!.node).toMatchObject({ text: 'Flexible working', sourceKind: 'theme', sourceId: theme });
    const action = changeIdeaToAction(doc, idea)!;
    expect(changeIdeaToAction(doc, idea)).toBe(action);
    expect(readActions(doc)).toMatchObject([{ id: action, topic: 'Self-rostering' }]);
    expect(nodesByAction(doc).get(action)!.map((n) => n.id)).toEqual([idea]);
    expect(promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: 'gone' as never } })).toBeNull();
  });

  it('deletes a whole diagram with its nodes', () => {
    const doc = new Y.Doc();
    const keep = addDiagram(doc, { title: 'Keep' });
    const drop = addDiagram(doc, { title: 'Drop' });
    addDriverNode(doc, { diagramId: drop, parentId: null, text: 'x' });
    addDriverNode(doc, { diagramId: keep, parentId: null, text: 'y' });
    deleteDiagram(doc, drop);
    expect(readDiagrams(doc).map((d) => d.title)).toEqual(['Keep']);
    expect(readDriverNodes(doc).map((n) => n.text)).toEqual(['y']);
  });

  it('orders between neighbours', () => {
    expect(orderBetween(null, null)).toBe(0);
    expect(orderBetween(1, null)).toBe(2);
    expect(orderBetween(null, 1)).toBe(0);
    expect(orderBetween(1, 2)).toBe(1.5);
  });
});

describe('concurrent edits to a driver diagram', () => {
  it('resolves two people moving crossing nodes at once the same way on every replica: the later move gives way', () => {
    const { docs, diagram } = replicas();
    const [one, two] = docs as [Y.Doc, Y.Doc, Y.Doc];
    const a = addDriverNode(one, { diagramId: diagram, parentId: null, text: 'A', id: 'node-a' as DriverNodeId })!;
    const b = addDriverNode(one, { diagramId: diagram, parentId: null, text: 'B', id: 'node-b' as DriverNodeId })!;
    syncAll(docs);
    // One moves A under B; meanwhile two moves B under A.
    moveDriverNode(one, a, { parentId: b });
    moveDriverNode(two, b, { parentId: a });
    syncAll(docs);
    const shapes = docs.map((doc) => shapeOf(readDriverTree(doc, diagram).root));
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    // Both moves have the same move count, so the larger id (B) gives way and goes back under the aim.
    expect(texts(one, diagram)).toEqual(['B (primary)', '  A (secondary)']);
  });

  it('keeps a node added under a branch someone deleted at the same time, under the nearest ancestor left', () => {
    const { docs, diagram } = replicas();
    const [one, two] = docs as [Y.Doc, Y.Doc, Y.Doc];
    const top = addDriverNode(one, { diagramId: diagram, parentId: null, text: 'Top' })!;
    const middle = addDriverNode(one, { diagramId: diagram, parentId: top, text: 'Middle' })!;
    syncAll(docs);
    deleteDriverNode(one, middle);
    addDriverNode(two, { diagramId: diagram, parentId: middle, text: 'Added meanwhile' });
    syncAll(docs);
    for (const doc of docs) expect(texts(doc, diagram)).toEqual(['Top (primary)', '  Added meanwhile (secondary)']);
  });

  it('converges, never loops and never loses a node, whatever three people do in whatever order (property test)', () => {
    type Command =
      | { kind: 'add'; replica: number; parent: number; text: string }
      | { kind: 'move'; replica: number; node: number; parent: number; index: number }
      | { kind: 'delete'; replica: number; node: number }
      | { kind: 'edit'; replica: number; node: number; text: string }
      | { kind: 'sync'; from: number; to: number };
    const replica = fc.integer({ min: 0, max: 2 });
    // Moves weigh most: crossing moves between syncs are what can make loops.
    const command: fc.Arbitrary<Command> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), replica, parent: fc.nat(), text: fc.string({ maxLength: 8 }) }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('move' as const), replica, node: fc.nat(), parent: fc.nat(), index: fc.nat(4) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), replica, node: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), replica, node: fc.nat(), text: fc.string({ maxLength: 8 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: replica, to: replica }) },
    );

    fc.assert(
      fc.property(fc.array(command, { minLength: 10, maxLength: 60, size: 'max' }), (commands) => {
        const { docs, diagram } = replicas();
        const created = new Set<string>();
        const deleted = new Set<string>();
        const liveIds = (doc: Y.Doc) => flattenDriverTree(readDriverTree(doc, diagram).root).slice(1).map((n) => n.id as DriverNodeId);
        for (const c of commands) {
          if (c.kind === 'sync') {
            Y.applyUpdate(docs[c.to]!, Y.encodeStateAsUpdate(docs[c.from]!, Y.encodeStateVector(docs[c.to]!)));
            continue;
          }
          const doc = docs[c.replica]!;
          const nodes = liveIds(doc);
          const pick = (i: number) => nodes[i % nodes.length]!;
          if (c.kind === 'add') {
            const parent = c.parent % (nodes.length + 1) === 0 ? null : pick(c.parent);
            created.add(addDriverNode(doc, { diagramId: diagram, parentId: parent, text: c.text })!);
          } else if (nodes.length === 0) {
            continue;
          } else if (c.kind === 'move') {
            const parent = c.parent % (nodes.length + 1) === 0 ? null : pick(c.parent);
            moveDriverNode(doc, pick(c.node), { parentId: parent, index: c.index });
          } else if (c.kind === 'delete') {
            const target = readDriverTree(doc, diagram).byId.get(pick(c.node))!;
            for (const n of flattenDriverTree(target)) deleted.add(n.id);
            deleteDriverNode(doc, pick(c.node));
          } else {
            updateDriverNode(doc, pick(c.node), { text: c.text });
          }
        }
        syncAll(docs);
        const trees = docs.map((doc) => readDriverTree(doc, diagram));
        // Every replica reads the same tree.
        for (const tree of trees) expect(shapeOf(tree.root)).toEqual(shapeOf(trees[0]!.root));
        // A tree with every node once: no loop can hide a node, and none hangs outside.
        const inTree = flattenDriverTree(trees[0]!.root).slice(1).map((n) => n.id);
        expect(new Set(inTree).size).toBe(inTree.length);
        // Nothing is lost: exactly the nodes nobody deleted are in the tree.
        expect(new Set(inTree)).toEqual(new Set([...created].filter((id) => !deleted.has(id))));
      }),
      { numRuns: 500 },
    );
  });
});
