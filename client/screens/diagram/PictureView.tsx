import { useCallback, useMemo } from 'react';
import { DndContext, type DragEndEvent, useDraggable, useDroppable } from '@dnd-kit/core';
import { useHandleDragSensors } from '../../components/useHandleDragSensors';
import { CSS } from '@dnd-kit/utilities';
import type { DriverTree } from '../../../shared/rules/driverTree';
import { isWithin } from '../../../shared/rules/driverTree';
import { DIAGRAM_NODE_HEIGHT_PX, DIAGRAM_NODE_WIDTH_PX, type DiagramLayout, LEVEL_NAMES, type PlacedNode } from '../../../shared/export/diagram';
import { DIAGRAM_TEXT_MAX_CHARS, type Diagram } from '../../../shared/schema/driverRecords';
import type { DriverNodeId } from '../../../shared/schema/ids';
import { SharedTextInput } from '../../components/SharedTextInput';
import { diagramTextField, driverNodeTextField } from '../../sync/useSharedText';
import { announce, toggleCollapsed } from '../../state/boardUi';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { useDiagramActions } from './useDiagram';

/** How much of a box's height, at its top and at its bottom, drops a dragged box beside it rather than under it. */
const DROP_BESIDE_FRACTION = 0.3;

/** One box: drag it onto another box to hang it there, or onto its edge to put it beside; edit its text in place; fold its branch. */
function DiagramBox({ placed, diagram, canEdit }: { placed: PlacedNode; diagram: Diagram; canEdit: boolean }) {
  const actions = useDiagramActions();
  const isAim = placed.id === diagram.id;
  const drag = useDraggable({ id: placed.id, disabled: !canEdit || isAim });
  // A box being dragged is no place to drop itself.
  const drop = useDroppable({ id: placed.id, disabled: !canEdit || drag.isDragging });
  // The whole box moves (so where it lands is where the box is), picked up by its handle.
  const { setNodeRef: setDragRef } = drag;
  const { setNodeRef: setDropRef } = drop;
  const setRef = useCallback(
    (element: HTMLElement | null) => {
      setDragRef(element);
      setDropRef(element);
    },
    [setDragRef, setDropRef],
  );
  return (
    <div
      ref={setRef}
      className={`diagram-box diagram-box--${placed.level}${drop.isOver ? ' diagram-box--target' : ''}${drag.isDragging ? ' diagram-box--dragging' : ''}`}
      style={{ left: placed.x, top: placed.y, width: DIAGRAM_NODE_WIDTH_PX, height: DIAGRAM_NODE_HEIGHT_PX, transform: CSS.Translate.toString(drag.transform) }}
      data-node-id={placed.id}
    >
      <div className="diagram-box__head">
        {canEdit && !isAim && (
          <button ref={drag.setActivatorNodeRef} type="button" className="diagram-box__handle" {...drag.listeners} {...drag.attributes} aria-label={`Drag “${placed.text || 'empty'}” onto another box`}>
            ⠿
          </button>
        )}
        <span className="diagram-box__level">{LEVEL_NAMES[placed.level]}</span>
        {placed.childCount > 0 && (
          <button
            type="button"
            className="diagram-box__fold"
            aria-expanded={!placed.collapsed}
            aria-label={`${placed.collapsed ? 'Show' : 'Hide'} the ${placed.childCount} under “${placed.text || 'empty'}”`}
            onClick={() => toggleCollapsed(placed.id)}
          >
            {placed.collapsed ? `+${placed.childCount}` : '−'}
          </button>
        )}
      </div>
      {canEdit ? (
        <SharedTextInput
          multiline
          aria-label={`Text of the ${LEVEL_NAMES[placed.level].toLowerCase()}`}
          className="diagram-box__text"
          address={isAim ? diagramTextField(diagram.id, 'aim') : driverNodeTextField(placed.id as DriverNodeId, 'text')}
          value={placed.text}
          maxLength={DIAGRAM_TEXT_MAX_CHARS}
          onFallbackChange={(text) => (isAim ? actions.updateDiagram(diagram.id, { aim: text }) : actions.updateNode(placed.id as DriverNodeId, { text }))}
        />
      ) : (
        <p className="diagram-box__text">{placed.text}</p>
      )}
      {canEdit && (
        <button
          type="button"
          className="diagram-box__add"
          aria-label={`Add under “${placed.text || 'empty'}”`}
          onClick={() => actions.addNode(diagram.id, isAim ? null : (placed.id as DriverNodeId), '') && announce('Added a box under it.')}
        >
          +
        </button>
      )}
    </div>
  );
}

/**
 * The diagram as a picture, left to right, as on a projector: boxes placed by
 * d3-hierarchy, links drawn between them, branches that fold. Moving a box
 * is by dragging (mouse, touch, or the keyboard on its handle); the outline
 * view offers the same with buttons.
 */
export function PictureView({ diagram, tree, layout }: { diagram: Diagram; tree: DriverTree; layout: DiagramLayout }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  const sensors = useHandleDragSensors();
  const textOf = useMemo(() => new Map(layout.nodes.map((n) => [n.id, n.text || 'empty'])), [layout.nodes]);
  const handleDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || over.id === active.id) return;
    const target = String(over.id);
    const moving = String(active.id);
    if (target !== diagram.id && isWithin(tree, target, moving)) {
      announce('A box cannot go under itself or its own branch.');
      return;
    }
    // Dropped on the top or bottom edge of a box: beside it, before or after; on its middle: under it.
    const dropped = active.rect.current.translated;
    const middle = dropped ? dropped.top + dropped.height / 2 : over.rect.top + over.rect.height / 2;
    const at = (middle - over.rect.top) / over.rect.height;
    const targetNode = tree.byId.get(target);
    if (target !== diagram.id && targetNode && (at < DROP_BESIDE_FRACTION || at > 1 - DROP_BESIDE_FRACTION)) {
      const parentId = tree.parentOf.get(target) ?? null;
      const siblings = tree.byId.get(parentId ?? diagram.id)!.children.filter((child) => child.id !== moving);
      const index = siblings.findIndex((child) => child.id === target) + (at < DROP_BESIDE_FRACTION ? 0 : 1);
      if (actions.moveNode(moving as DriverNodeId, parentId, index)) {
        announce(`Moved “${textOf.get(moving)}” ${at < DROP_BESIDE_FRACTION ? 'above' : 'below'} “${textOf.get(target)}”.`);
      }
      return;
    }
    if (actions.moveNode(moving as DriverNodeId, target === diagram.id ? null : (target as DriverNodeId))) {
      announce(`Moved “${textOf.get(moving)}” under “${textOf.get(target)}”.`);
    }
  };
  return (
    <div className="diagram-scroll" tabIndex={0} role="region" aria-label={`Driver diagram: ${diagram.title}`}>
      <DndContext
        sensors={sensors}
        onDragEnd={handleDragEnd}
        accessibility={{
          announcements: {
            onDragStart: ({ active }) => `Picked up “${textOf.get(String(active.id))}”.`,
            onDragOver: ({ over }) => (over ? `Over “${textOf.get(String(over.id))}”.` : undefined),
            onDragEnd: ({ active, over }) => (over ? `Dropped “${textOf.get(String(active.id))}” on “${textOf.get(String(over.id))}”.` : 'Dropped.'),
            onDragCancel: () => 'Moving cancelled.',
          },
        }}
      >
        <div className="diagram-canvas" style={{ width: layout.width, height: layout.height }}>
          <svg className="diagram-links" width={layout.width} height={layout.height} aria-hidden="true">
            {layout.links.map((link) => {
              const middle = (link.x1 + link.x2) / 2;
              return <path key={link.toId} d={`M${link.x1},${link.y1} C${middle},${link.y1} ${middle},${link.y2} ${link.x2},${link.y2}`} />;
            })}
          </svg>
          {layout.nodes.map((placed) => (
            <DiagramBox key={placed.id} placed={placed} diagram={diagram} canEdit={canEdit} />
          ))}
        </div>
      </DndContext>
    </div>
  );
}
