import type { Diagram, DriverLevel, DriverNode } from '../schema/driverRecords';
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
 * - **Too deep.** A chain deeper than `MAX_DRIVER_TREE_DEPTH` (a hostile
 *   writer's, thousands of levels) is folded: a node that would sit deeper
 *   hangs at that depth, beside its ancestor there, so every reader of the
 *   tree (screens, pictures, exports) walks a tree of bounded depth.
 *
 * Nothing here recurses: the document's shape, not the stack, bounds the work.
 */

/**
 * The deepest a node is shown under the aim. Far past any real diagram (aim,
 * primary, secondary, change ideas a few levels down), and shallow enough
 * that anything walking the tree recursively is safe.
 */
export const MAX_DRIVER_TREE_DEPTH = 20;

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
  // Each deleted node's answer is kept, so a long chain of them is walked once, not once per node under it.
  const liveAncestorOfDeleted = new Map<string, DriverNodeId | null>();
  const nearestLive = (start: DriverNodeId | null, from: string): DriverNodeId | null => {
    const passed: string[] = [];
    const onPath = new Set<string>();
    let at = start;
    let found: DriverNodeId | null = null;
    while (at !== null) {
      const known = liveAncestorOfDeleted.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      const record = all.get(at);
      if (!record || onPath.has(at)) break;
      if (!record.deleted) {
        found = at;
        break;
      }
      passed.push(at);
      onPath.add(at);
      at = record.parentId;
    }
    for (const id of passed) liveAncestorOfDeleted.set(id, found);
    // A chain of deleted nodes that leads back to the node itself ends at the aim.
    return found === from ? null : found;
  };
  const parentOf = new Map<string, DriverNodeId | null>();
  for (const node of live) parentOf.set(node.id, nearestLive(node.parentId, node.id));

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
  const storedChildren = new Map<string, DriverTreeNode[]>();
  for (const node of live) {
    byId.set(node.id, { id: node.id, node, level: 'primary', depth: 1, children: [] });
    const parentKey = parentOf.get(node.id) ?? diagram.id;
    const siblings = storedChildren.get(parentKey);
    if (siblings) siblings.push(byId.get(node.id)!);
    else storedChildren.set(parentKey, [byId.get(node.id)!]);
  }
  // Depth first from the aim. A node's children hang from it; at the deepest level, from what it hangs from (beside it).
  const hangFromOf = new Map<DriverTreeNode, DriverTreeNode>();
  const stack: DriverTreeNode[] = [];
  const pushChildrenOf = (parent: DriverTreeNode) => {
    const hangFrom = parent.depth < MAX_DRIVER_TREE_DEPTH ? parent : hangFromOf.get(parent)!;
    for (const child of storedChildren.get(parent.id) ?? []) {
      hangFromOf.set(child, hangFrom);
      stack.push(child);
    }
  };
  pushChildrenOf(root);
  while (stack.length > 0) {
    const treeNode = stack.pop()!;
    const hangFrom = hangFromOf.get(treeNode)!;
    hangFrom.children.push(treeNode);
    treeNode.depth = hangFrom.depth + 1;
    treeNode.level = levelAtDepth(treeNode.depth);
    pushChildrenOf(treeNode);
  }
  for (const treeNode of byId.values()) treeNode.children.sort(bySiblingOrder);
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
