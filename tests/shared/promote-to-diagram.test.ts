import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDiagram, addDriverNode, moveDriverNode, promoteToDiagram, readDriverNodes, readDriverTree, updateDriverNode } from '../../shared/document/drivers';
import { addNote } from '../../shared/document/notes';
import { addTheme } from '../../shared/document/themes';
import type { DiagramId, DriverNodeId } from '../../shared/schema/ids';

/**
 * "Add to the driver diagram" turns a theme into a driver and a note into a
 * change idea, under the driver its theme became when there is one
 * (docs/driver-diagram.md). A node's level is its depth, so these check
 * where each lands, read back through the tree every replica reads.
 */

function board() {
  const doc = new Y.Doc();
  const diagram = addDiagram(doc, { title: 'Keeping nurses' });
  const note = (text: string) => addNote(doc, { text, x: 0, y: 0, authorId: null, authorName: '' });
  return { doc, diagram, note };
}

/** Each live node as "level: text", parents before children, depth-first. */
function outline(doc: Y.Doc, diagram: DiagramId): string[] {
  const lines: string[] = [];
  const walk = (node: ReturnType<typeof readDriverTree>['root']) => {
    for (const child of node.children) {
      lines.push(`${'  '.repeat(child.depth - 1)}${child.level}: ${child.node!.text}`);
      walk(child);
    }
  };
  walk(readDriverTree(doc, diagram).root);
  return lines;
}

describe('promoting to the driver diagram', () => {
  it('makes a theme a primary driver under the aim', () => {
    const { doc, diagram } = board();
    const theme = addTheme(doc, { title: 'Flexible working' });
    const done = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } })!;
    expect(done).toMatchObject({ level: 'primary', already: false, parentText: null });
    expect(outline(doc, diagram)).toEqual(['primary: Flexible working']);
  });

  it('makes a note of a promoted theme a change idea, under a blank secondary driver beneath the theme’s driver', () => {
    const { doc, diagram, note } = board();
    const rostering = note('Self-rostering');
    const swaps = note('Shift swaps in the app');
    const theme = addTheme(doc, { title: 'Flexible working', noteIds: [rostering, swaps] });
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } });
    const first = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: rostering } })!;
    expect(first).toMatchObject({ level: 'change', already: false, parentText: '' });
    // The second note of the theme goes under the same blank driver, not a blank driver of its own.
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: swaps } });
    expect(outline(doc, diagram)).toEqual(['primary: Flexible working', '  secondary: ', '    change: Self-rostering', '    change: Shift swaps in the app']);
    expect(readDriverTree(doc, diagram).byId.get(first.nodeId)!.node).toMatchObject({ sourceKind: 'note', sourceId: rostering });
  });

  it('puts a note directly under its theme’s driver when that driver is a secondary one', () => {
    const { doc, diagram, note } = board();
    const rostering = note('Self-rostering');
    const theme = addTheme(doc, { title: 'Flexible working', noteIds: [rostering] });
    const primary = addDriverNode(doc, { diagramId: diagram, parentId: null, text: 'Staff feel in control of their time' })!;
    const driver = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } })!.nodeId;
    // The team moved the theme's driver under a primary driver of their own.
    expect(moveDriverNode(doc, driver, { parentId: primary })).toBe(true);
    const done = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: rostering } })!;
    expect(done).toMatchObject({ level: 'change', parentText: 'Flexible working' });
    expect(outline(doc, diagram)).toEqual(['primary: Staff feel in control of their time', '  secondary: Flexible working', '    change: Self-rostering']);
  });

  it('puts a note whose theme is not in the diagram under a blank primary and secondary driver, reused by the next such note', () => {
    const { doc, diagram, note } = board();
    const exitData = note('Exit interview data');
    const careers = note('Career paths');
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: exitData } });
    const done = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: careers } })!;
    expect(done).toMatchObject({ level: 'change', parentText: '' });
    expect(outline(doc, diagram)).toEqual(['primary: ', '  secondary: ', '    change: Exit interview data', '    change: Career paths']);
  });

  it('stops reusing a blank driver once the team has named it', () => {
    const { doc, diagram, note } = board();
    const first = note('Exit interview data');
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: first } });
    const [primary] = readDriverTree(doc, diagram).root.children;
    updateDriverNode(doc, primary!.id as DriverNodeId, { text: 'Learning why people leave' });
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: note('Stay interviews') } });
    expect(outline(doc, diagram)).toEqual([
      'primary: Learning why people leave',
      '  secondary: ',
      '    change: Exit interview data',
      'primary: ',
      '  secondary: ',
      '    change: Stay interviews',
    ]);
  });

  it('does not add the same note or theme twice, and says where it already is', () => {
    const { doc, diagram, note } = board();
    const rostering = note('Self-rostering');
    const theme = addTheme(doc, { title: 'Flexible working', noteIds: [rostering] });
    const driver = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } })!;
    expect(promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } })).toEqual({ ...driver, already: true });
    const idea = promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: rostering } })!;
    const count = readDriverNodes(doc).length;
    expect(promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: rostering } })).toEqual({ ...idea, already: true });
    expect(readDriverNodes(doc)).toHaveLength(count);
  });

  it('adds it again to a second diagram, which is a diagram of its own', () => {
    const { doc, diagram } = board();
    const theme = addTheme(doc, { title: 'Flexible working' });
    const other = addDiagram(doc, { title: 'Keeping porters' });
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: theme } });
    expect(promoteToDiagram(doc, { diagramId: other, source: { kind: 'theme', id: theme } })).toMatchObject({ already: false, level: 'primary' });
  });

  it('is one transaction, so one undo takes the note and the blank drivers made for it', () => {
    const { doc, diagram, note } = board();
    const exitData = note('Exit interview data');
    const origin = {};
    const undo = new Y.UndoManager(doc.getMap('driverNodes'), { trackedOrigins: new Set([origin]) });
    promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: exitData } }, origin);
    expect(readDriverNodes(doc)).toHaveLength(3);
    undo.undo();
    expect(readDriverNodes(doc)).toHaveLength(0);
  });

  it('adds nothing for a note or theme that is gone', () => {
    const { doc, diagram } = board();
    expect(promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'note', id: 'gone' as never } })).toBeNull();
    expect(promoteToDiagram(doc, { diagramId: diagram, source: { kind: 'theme', id: 'gone' as never } })).toBeNull();
    expect(readDriverNodes(doc)).toHaveLength(0);
  });
});
