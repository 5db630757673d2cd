import { hierarchy, tree as treeLayout } from 'd3-hierarchy';
import { flattenDriverTree, type DriverTree, type DriverTreeNode } from '../rules/driverTree';
import type { Diagram, DriverLevel } from '../schema/driverRecords';
import { markdownText } from './markdown';

/**
 * A driver diagram laid out left to right (aim, primary drivers, secondary
 * drivers, change ideas) by d3-hierarchy's tidy tree, and written out as a
 * standalone SVG picture or a Markdown outline. Pure functions: the board's
 * diagram view, its downloads and the plan exports all use these.
 */

/** A node's box, in diagram pixels. */
export const DIAGRAM_NODE_WIDTH_PX = 220;
export const DIAGRAM_NODE_HEIGHT_PX = 84;
/** Space between columns (levels) and between boxes in a column. */
const COLUMN_GAP_PX = 70;
const ROW_GAP_PX = 18;
const MARGIN_PX = 16;

/** One box of the laid-out diagram. */
export interface PlacedNode {
  id: string;
  text: string;
  level: DriverLevel;
  /** Top-left corner. */
  x: number;
  y: number;
  /** How many children it has, shown or not. */
  childCount: number;
  collapsed: boolean;
}

/** A link from a box's right edge to a child's left edge. */
export interface PlacedLink {
  fromId: string;
  toId: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DiagramLayout {
  nodes: PlacedNode[];
  links: PlacedLink[];
  width: number;
  height: number;
}

/** Lays the tree out left to right; the children of collapsed nodes are left out. */
export function layoutDriverDiagram(diagram: Pick<Diagram, 'aim'>, driverTree: DriverTree, collapsed: ReadonlySet<string> = new Set()): DiagramLayout {
  const root = hierarchy<DriverTreeNode>(driverTree.root, (node) => (collapsed.has(node.id) ? [] : node.children));
  treeLayout<DriverTreeNode>().nodeSize([DIAGRAM_NODE_HEIGHT_PX + ROW_GAP_PX, DIAGRAM_NODE_WIDTH_PX + COLUMN_GAP_PX])(root);
  // d3 lays trees out top to bottom: its x is our row, its y our column.
  let top = Infinity;
  let bottom = -Infinity;
  root.each((node) => {
    top = Math.min(top, node.x!);
    bottom = Math.max(bottom, node.x!);
  });
  const place = (node: { x?: number; y?: number }) => ({ x: MARGIN_PX + node.y!, y: MARGIN_PX + node.x! - top });
  const nodes: PlacedNode[] = [];
  const links: PlacedLink[] = [];
  root.each((node) => {
    const { x, y } = place(node);
    nodes.push({
      id: node.data.id,
      text: node.data.node ? node.data.node.text : diagram.aim,
      level: node.data.level,
      x,
      y,
      childCount: node.data.children.length,
      collapsed: collapsed.has(node.data.id) && node.data.children.length > 0,
    });
    for (const child of node.children ?? []) {
      const to = place(child);
      links.push({
        fromId: node.data.id,
        toId: child.data.id,
        x1: x + DIAGRAM_NODE_WIDTH_PX,
        y1: y + DIAGRAM_NODE_HEIGHT_PX / 2,
        x2: to.x,
        y2: to.y + DIAGRAM_NODE_HEIGHT_PX / 2,
      });
    }
  });
  const depth = Math.max(0, ...nodes.map((n) => n.x));
  return {
    nodes,
    links,
    width: depth + DIAGRAM_NODE_WIDTH_PX + 2 * MARGIN_PX,
    height: bottom - top + DIAGRAM_NODE_HEIGHT_PX + 2 * MARGIN_PX,
  };
}

/**
 * The deepest an outline indents: every level below the secondary drivers is
 * a change idea, and indenting a long chain of them further would make the
 * outline grow with the square of its length.
 */
const MAX_OUTLINE_DEPTH = 8;

/** What each level is called, for the picture's column labels and the outline. */
export const LEVEL_NAMES: Record<DriverLevel, string> = {
  aim: 'Aim',
  primary: 'Primary driver',
  secondary: 'Secondary driver',
  change: 'Change idea',
};

/** Box colours by level: pale fills with dark text, above WCAG AA contrast, printable in grey. */
const LEVEL_FILLS: Record<DriverLevel, string> = { aim: '#d5e9fb', primary: '#fff6a8', secondary: '#d9f1d3', change: '#ffdcb8' };

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Breaks text into lines that fit a box, cutting the last with an ellipsis. */
export function wrapText(text: string, maxChars = 28, maxLines = 3): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= maxChars) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word.length > maxChars ? `${word.slice(0, maxChars - 1)}…` : word;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, maxChars - 1)}…`;
    return kept;
  }
  return lines;
}

/** The diagram as a standalone SVG document, for download and for the plan's documents. */
export function driverDiagramToSvg(diagram: Pick<Diagram, 'title' | 'aim'>, layout: DiagramLayout): string {
  const titleHeight = 36;
  const width = Math.max(layout.width, 320);
  const height = layout.height + titleHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, sans-serif" font-size="14">`,
    `<title>${escapeXml(diagram.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="18" font-weight="bold" fill="#212b32">${escapeXml(diagram.title)}</text>`,
    `<g transform="translate(0 ${titleHeight})">`,
  ];
  for (const link of layout.links) {
    const middle = (link.x1 + link.x2) / 2;
    parts.push(`<path d="M${link.x1},${link.y1} C${middle},${link.y1} ${middle},${link.y2} ${link.x2},${link.y2}" fill="none" stroke="#425563" stroke-width="2"/>`);
  }
  for (const node of layout.nodes) {
    parts.push(
      `<rect x="${node.x}" y="${node.y}" width="${DIAGRAM_NODE_WIDTH_PX}" height="${DIAGRAM_NODE_HEIGHT_PX}" rx="6" fill="${LEVEL_FILLS[node.level]}" stroke="#425563" stroke-width="1.5"/>`,
      `<text x="${node.x + 10}" y="${node.y + 18}" font-size="11" fill="#4c6272">${escapeXml(LEVEL_NAMES[node.level])}${node.collapsed ? ` (+${node.childCount})` : ''}</text>`,
    );
    wrapText(node.text || '(empty)').forEach((line, index) => {
      parts.push(`<text x="${node.x + 10}" y="${node.y + 38 + index * 17}" fill="#212b32">${escapeXml(line)}</text>`);
    });
  }
  parts.push('</g>', '</svg>');
  return parts.join('\n');
}

/**
 * The diagram as a nested Markdown list, for the plan's Markdown export.
 * Everything people typed (title, aim, measures, drivers) is escaped, the
 * title kept to one line (docs/plan-export.md).
 */
export function driverDiagramToMarkdown(diagram: Pick<Diagram, 'title' | 'aim' | 'aimMeasure' | 'aimTargetDate'>, driverTree: DriverTree): string {
  const text = (typed: string) => markdownText(typed, 'br');
  const lines = [`### ${markdownText(diagram.title, 'space') || 'Driver diagram'}`, '', `- **Aim:** ${text(diagram.aim) || '(not set)'}`];
  if (diagram.aimMeasure) lines.push(`  - Measure: ${text(diagram.aimMeasure)}`);
  if (diagram.aimTargetDate) lines.push(`  - By: ${text(diagram.aimTargetDate)}`);
  // Depth first without recursion, however deep a (hostile) chain of drivers goes.
  for (const child of flattenDriverTree(driverTree.root)) {
    if (!child.node) continue;
    const measure = child.node.measure ? ` (${child.node.measureKind ?? 'measure'}: ${text(child.node.measure)})` : '';
    const indent = '  '.repeat(Math.min(child.depth, MAX_OUTLINE_DEPTH));
    lines.push(`${indent}- ${LEVEL_NAMES[child.level]}: ${text(child.node.text) || '(empty)'}${measure}`);
  }
  return `${lines.join('\n')}\n`;
}
