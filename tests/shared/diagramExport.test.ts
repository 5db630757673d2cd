import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDiagram, addDriverNode, readDiagrams, readDriverTree, updateDiagram, updateDriverNode } from '../../shared/document/drivers';
import {
  DIAGRAM_NODE_HEIGHT_PX,
  driverDiagramToMarkdown,
  driverDiagramToSvg,
  layoutDriverDiagram,
  wrapText,
} from '../../shared/export/diagram';

function sample() {
  const doc = new Y.Doc();
  const id = addDiagram(doc, { title: 'Keeping nurses', aim: 'Halve first-year leavers' });
  updateDiagram(doc, id, { aimMeasure: 'Leavers in year one', aimTargetDate: '2027-03-31' });
  const rotas = addDriverNode(doc, { diagramId: id, parentId: null, text: 'Predictable rotas' })!;
  updateDriverNode(doc, rotas, { measure: 'Rotas out 6 weeks ahead', measureKind: 'process' });
  const early = addDriverNode(doc, { diagramId: id, parentId: rotas, text: 'Rotas published early' })!;
  addDriverNode(doc, { diagramId: id, parentId: early, text: 'Publish six weeks ahead <now> & always' });
  addDriverNode(doc, { diagramId: id, parentId: rotas, text: 'Self-rostering' });
  addDriverNode(doc, { diagramId: id, parentId: null, text: 'Career conversations' });
  return { diagram: readDiagrams(doc)[0]!, tree: readDriverTree(doc, id), rotas };
}

describe('laying out and exporting a driver diagram', () => {
  it('puts each level in its own column, left to right, with no two boxes overlapping', () => {
    const { diagram, tree } = sample();
    const layout = layoutDriverDiagram(diagram, tree);
    const columns = new Map<string, Set<number>>();
    for (const node of layout.nodes) columns.set(node.level, (columns.get(node.level) ?? new Set()).add(node.x));
    expect([...columns.values()].every((xs) => xs.size === 1)).toBe(true);
    const x = (level: string) => [...columns.get(level)!][0]!;
    expect(x('aim')).toBeLessThan(x('primary'));
    expect(x('primary')).toBeLessThan(x('secondary'));
    expect(x('secondary')).toBeLessThan(x('change'));
    for (const column of columns.values()) {
      const ys = layout.nodes.filter((n) => column.has(n.x)).map((n) => n.y).sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(DIAGRAM_NODE_HEIGHT_PX);
    }
    expect(layout.links).toHaveLength(layout.nodes.length - 1);
    expect(Math.min(...layout.nodes.map((n) => n.y))).toBeGreaterThanOrEqual(0);
  });

  it('leaves out the branches of collapsed nodes and says how many are hidden', () => {
    const { diagram, tree, rotas } = sample();
    const layout = layoutDriverDiagram(diagram, tree, new Set([rotas]));
    expect(layout.nodes.map((n) => n.text)).toEqual(['Halve first-year leavers', 'Predictable rotas', 'Career conversations']);
    expect(layout.nodes.find((n) => n.id === rotas)).toMatchObject({ collapsed: true, childCount: 2 });
  });

  it('writes a standalone SVG with every box and escaped text', () => {
    const { diagram, tree } = sample();
    const svg = driverDiagramToSvg(diagram, layoutDriverDiagram(diagram, tree));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<title>Keeping nurses</title>');
    expect(svg).toContain('Predictable rotas');
    expect(svg).toContain('&lt;now&gt; &amp;');
    expect(svg.match(/<rect /g)).toHaveLength(1 + 6);
  });

  it('writes a nested Markdown list with levels and measures', () => {
    const { diagram, tree } = sample();
    expect(driverDiagramToMarkdown(diagram, tree)).toBe(
      [
        '### Keeping nurses',
        '',
        '- **Aim:** Halve first-year leavers',
        '  - Measure: Leavers in year one',
        '  - By: 2027-03-31',
        '  - Primary driver: Predictable rotas (process: Rotas out 6 weeks ahead)',
        '    - Secondary driver: Rotas published early',
        // What people typed is text, never HTML (docs/plan-export.md).
        '      - Change idea: Publish six weeks ahead \\<now\\> \\& always',
        '    - Secondary driver: Self-rostering',
        '  - Primary driver: Career conversations',
        '',
      ].join('\n'),
    );
  });

  it('wraps text into short lines and cuts what does not fit', () => {
    expect(wrapText('Publish rotas six weeks ahead for every ward in the trust', 20, 2)).toEqual(['Publish rotas six', 'weeks ahead for…']);
    expect(wrapText('Short')).toEqual(['Short']);
  });
});
