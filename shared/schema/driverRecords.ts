import { z } from 'zod';

/**
 * The records of a driver diagram (NHS England's QSIR tool, Activity 2 of
 * the workshop; docs/driver-diagram.md): an aim, then primary drivers,
 * secondary drivers and change ideas, left to right. A node's level is its
 * depth under the aim, so moving a node moves it between levels too.
 */

/** The kinds of measure the aim and drivers can carry. */
export const MEASURE_KINDS = ['outcome', 'process', 'balancing'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** What a node is, from its depth under the aim. */
export type DriverLevel = 'aim' | 'primary' | 'secondary' | 'change';

/** What a node was promoted from, so it keeps a link to it. */
const NODE_SOURCE_KINDS = ['note', 'theme'] as const;
export type NodeSourceKind = (typeof NODE_SOURCE_KINDS)[number];

export const DIAGRAM_TEXT_MAX_CHARS = 500;
export const DIAGRAM_TITLE_MAX_CHARS = 120;

const finite = z.number().finite();
const text = z.string().max(DIAGRAM_TEXT_MAX_CHARS).catch('');
const measureKind = z.enum(MEASURE_KINDS).nullable().catch(null);

export const diagramSchema = z.object({
  id: z.string().min(1).max(64).brand<'DiagramId'>(),
  title: z.string().max(DIAGRAM_TITLE_MAX_CHARS).catch(''),
  aim: text,
  // How the aim is measured; empty when not set.
  aimMeasure: text,
  aimMeasureKind: measureKind,
  // By when, as an ISO date (YYYY-MM-DD); empty when not set.
  aimTargetDate: z.string().regex(/^(\d{4}-\d{2}-\d{2})?$/).catch(''),
  createdAt: finite.catch(0),
});

/** A diagram, with its aim: what we want to achieve, how it is measured, and by when. */
export type Diagram = z.infer<typeof diagramSchema>;

export const driverNodeSchema = z.object({
  id: z.string().min(1).max(64).brand<'DriverNodeId'>(),
  diagramId: z.string().min(1).max(64).brand<'DiagramId'>(),
  // The node it hangs from; null under the aim.
  parentId: z.string().max(64).brand<'DriverNodeId'>().nullable().catch(null),
  text,
  // Place among its siblings, ascending (ties by id).
  order: finite.catch(0),
  // When it last moved, as a count that grows with every move in the
  // diagram: where two people's moves make a loop, the later move gives way.
  movedAt: finite.catch(0),
  // Deleted, kept as a tombstone so that undo, and nodes added under it meanwhile, survive.
  deleted: z.boolean().catch(false),
  measure: text,
  measureKind,
  sourceKind: z.enum(NODE_SOURCE_KINDS).nullable().catch(null),
  sourceId: z.string().max(64).nullable().catch(null),
  // The action this change idea became, if any.
  actionId: z.string().max(64).brand<'ActionId'>().nullable().catch(null),
  createdAt: finite.catch(0),
});

/** A driver or a change idea. */
export type DriverNode = z.infer<typeof driverNodeSchema>;
