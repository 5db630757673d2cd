import type { Diagram, DriverLevel, DriverNode } from '../schema/drivers';
import type { DriverNodeId } from '../schema/ids';

/**
 * Turns a diagram's node records into a tree, the same tree on every replica.
 *
 * Each node stores only its parent. Concurrent edits can leave that graph
 * in shapes a tree cannot have, and the reading below resolves them the same
 * way everywhere, so no node is ever lost, none is an orphan, and there is
 * no loop:
 * - **Deleted parent.** A node whose parent was deleted (while someone added
 *   it, or moved it there) hangs from its nearest ancestor that is not
 *   deleted, or from the aim.
 * - **Missing parent** (a record that never arrived, or another diagram's):
 *   the node hangs from the aim.
 * - **Crossing moves.** Two people move A under B and B under A at once:
 *   the parents now form a loop. The loop is cut at the node that moved
 *   last (largest `movedAt`, then largest id): that node hangs from the aim,
 *   and the others keep the parent they were given. The earlier move stands,
 *   the later one gives way, whichever replica looks.
 */

/** A node in the tree, or the aim at its root. */
export interface DriverTreeNode {
  /** The node's id, or the diagram's id for the aim. */
  id: string;
  /** Null for the aim. */
  node: DriverNode | null;
  level: DriverLevel;
  depth: number;
  children: DriverTreeNode[];
}

/** The tree of a diagram, with every node findable by id. */
export interface DriverTree {
  root: DriverTreeNode;
  byId: Map<string, DriverTreeNode>;
  /** The node each live node actually hangs from (null for the aim), after resolving conflicts. */
  parentOf: Map<string, DriverNodeId | null>;
}

/** What a node is at a depth under the aim. */
export function levelAtDepth(depth: number): DriverLevel {
  if (depth <= 0) return 'aim';
  if (depth === 1) return 'primary';
  if (depth === 2) return 'secondary';
  return 'change';
}

const byMoveThenId = (a: DriverNode, b: DriverNode) => a.movedAt - b.movedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const bySiblingOrder = (a: DriverTreeNode, b: DriverTreeNode) =>
  a.node!.order - b.node!.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Builds the tree of one diagram from all the node records of a board. */
export function buildDriverTree(diagram: Pick<Diagram, 'id'>, records: readonly DriverNode[]): DriverTree {
  const all = new Map<string, DriverNode>();
  for (const record of records) if (record.diagramId === diagram.id) all.set(record.id, record);
  const live = [...all.values()].filter((node) => !node.deleted);

  // The nearest ancestor that is not deleted, following stored parents; the aim when the chain ends or loops among deleted nodes.
  const parentOf = new Map<string, DriverNodeId | null>();
  for (const node of live) {
    let parent = node.parentId;
    const passed = new Set<string>([node.id]);
    while (parent !== null) {
      const record = all.get(parent);
      if (!record || passed.has(parent)) {
        parent = null;
        break;
      }
      if (!record.deleted) break;
      passed.add(parent);
      parent = record.parentId;
    }
    parentOf.set(node.id, parent);
  }

  // Each live node has one parent, so loops are separate rings: cut each at its latest move.
  const settled = new Set<string>();
  for (const start of live) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let at: string | null = start.id;
    while (at !== null && !settled.has(at) && !onPath.has(at)) {
      path.push(at);
      onPath.add(at);
      at = parentOf.get(at) ?? null;
    }
    if (at !== null && onPath.has(at)) {
      const ring = path.slice(path.indexOf(at)).map((id) => all.get(id)!);
      const cut = ring.reduce((latest, node) => (byMoveThenId(node, latest) > 0 ? node : latest));
      parentOf.set(cut.id, null);
    }
    for (const id of path) settled.add(id);
  }

  const root: DriverTreeNode = { id: diagram.id, node: null, level: 'aim', depth: 0, children: [] };
  const byId = new Map<string, DriverTreeNode>([[diagram.id, root]]);
  for (const node of live) byId.set(node.id, { id: node.id, node, level: 'primary', depth: 1, children: [] });
  for (const node of live) {
    const parent = parentOf.get(node.id);
    (parent === null || parent === undefined ? root : byId.get(parent)!).children.push(byId.get(node.id)!);
  }
  const place = (treeNode: DriverTreeNode, depth: number) => {
    treeNode.depth = depth;
    treeNode.level = levelAtDepth(depth);
    treeNode.children.sort(bySiblingOrder);
    for (const child of treeNode.children) place(child, depth + 1);
  };
  place(root, 0);
  return { root, byId, parentOf };
}

/** Every node of a tree, depth first in reading order (the aim first). */
export function flattenDriverTree(root: DriverTreeNode): DriverTreeNode[] {
  const out: DriverTreeNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]!);
  }
  return out;
}

/** True when `candidate` is `ancestor` itself or somewhere below it. */
export function isWithin(tree: DriverTree, candidate: string, ancestor: string): boolean {
  let at: string | null | undefined = candidate;
  const seen = new Set<string>();
  while (at !== null && at !== undefined && !seen.has(at)) {
    if (at === ancestor) return true;
    seen.add(at);
    at = tree.parentOf.get(at);
  }
  return false;
}

/** An order value that places a node between two siblings (either may be missing). */
export function orderBetween(before: number | null, after: number | null): number {
  if (before === null && after === null) return 0;
  if (before === null) return after! - 1;
  if (after === null) return before + 1;
  return (before + after) / 2;
}
