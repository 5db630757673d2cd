import type * as Y from 'yjs';
import {
  addDiagram,
  addDriverNode,
  changeIdeaToAction,
  deleteDiagram,
  deleteDriverNode,
  moveDriverNode,
  promoteToDiagram,
  readDiagrams,
  readDriverNodes,
  updateDiagram,
  updateDriverNode,
} from '../../shared/document/drivers';
import { readActionAdditionProblem } from '../../shared/document/phases';
import type { Role } from '../../shared/schema/api';
import type { DiagramActions, DiagramState } from './types';
import { writeStep } from './writeStep';

/** Reads the board's driver diagrams. */
export function readDiagramState(doc: Y.Doc): DiagramState {
  return { diagrams: readDiagrams(doc), nodes: readDriverNodes(doc) };
}

/** The diagram actions of one connection: everyone who may edit may change the diagrams. */
export function createDiagramActions(ctx: { doc: Y.Doc; origin: object; role: Role; canWrite(): boolean; endStep(): void }): DiagramActions {
  const { doc, origin } = ctx;
  const write = writeStep(ctx);
  return {
    addDiagram: (title) => write(() => addDiagram(doc, { title }, origin), null),
    updateDiagram: (id, changes) => write(() => updateDiagram(doc, id, changes, origin), false),
    deleteDiagram: (id) => write(() => deleteDiagram(doc, id, origin), undefined),
    addNode: (diagramId, parentId, text, index) => write(() => addDriverNode(doc, { diagramId, parentId, text, index }, origin), null),
    updateNode: (id, changes) => write(() => updateDriverNode(doc, id, changes, origin), false),
    moveNode: (id, parentId, index) => write(() => moveDriverNode(doc, id, { parentId, index }, origin), false),
    deleteNode: (id) => write(() => deleteDriverNode(doc, id, origin), false),
    promote: (diagramId, source) => write(() => promoteToDiagram(doc, { diagramId, source }, origin), null),
    // An agreed plan takes no new action until the facilitator reopens it (docs/exercise.md).
    toAction: (id) => (readActionAdditionProblem(doc, ctx.role) ? null : write(() => changeIdeaToAction(doc, id, origin), null)),
  };
}
