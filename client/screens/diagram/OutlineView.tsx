import type { DriverTree, DriverTreeNode } from '../../../shared/rules/driverTree';
import { LEVEL_NAMES } from '../../../shared/export/diagram';
import { DIAGRAM_TEXT_MAX_CHARS, type Diagram } from '../../../shared/schema/driverRecords';
import { MeasureKindSelect } from './MeasureKindSelect';
import type { DriverNodeId } from '../../../shared/schema/ids';
import { SharedTextInput } from '../../components/SharedTextInput';
import { driverNodeTextField } from '../../sync/useSharedText';
import { announce } from '../../state/boardUi';
import { useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { useDiagramActions } from './useDiagram';
import { useAddToPlan } from '../plan/useAddToPlan';

const label = (node: DriverTreeNode) => `${LEVEL_NAMES[node.level].toLowerCase()} “${node.node?.text || 'empty'}”`;

/** A node's measure: its kind and what is measured. */
function MeasureFields({ node }: { node: DriverTreeNode }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  const record = node.node!;
  return (
    <details className="outline__measure">
      <summary>Measure{record.measure ? `: ${record.measure}` : ''}</summary>
      <label>
        Kind of measure for the {label(node)}{' '}
        <MeasureKindSelect value={record.measureKind} disabled={!canEdit} onChange={(measureKind) => actions.updateNode(record.id, { measureKind })} />
      </label>
      <SharedTextInput
        aria-label={`What is measured for the ${label(node)}`}
        className="field__input"
        address={driverNodeTextField(record.id, 'measure')}
        value={record.measure}
        maxLength={DIAGRAM_TEXT_MAX_CHARS}
        disabled={!canEdit}
        onFallbackChange={(measure) => actions.updateNode(record.id, { measure })}
      />
    </details>
  );
}

/** One node of the outline, with everything that can be done to it from the keyboard. */
function OutlineItem({ node, parent, index, diagram, tree }: { node: DriverTreeNode; parent: DriverTreeNode; index: number; diagram: Diagram; tree: DriverTree }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  const action = useBoardState((state) => state.exercise.actions.find((a) => a.id === node.node!.actionId));
  const source = useBoardState((state) => {
    const { sourceKind, sourceId } = node.node!;
    if (sourceKind === 'theme') return `From the theme “${state.exercise.themes.find((t) => t.id === sourceId)?.title ?? 'since deleted'}”`;
    if (sourceKind === 'note') return `From the note “${state.notes.find((n) => n.id === sourceId)?.text ?? 'since deleted'}”`;
    return null;
  });
  const id = node.id as DriverNodeId;
  const parentId = (parent.node ? parent.id : null) as DriverNodeId | null;
  const siblings = parent.children;
  const previous = siblings[index - 1];
  const move = (to: DriverNodeId | null, at: number | undefined, done: string) => {
    if (actions.moveNode(id, to, at)) announce(done);
  };
  const { addToPlan, prompt: addToPlanPrompt } = useAddToPlan();
  return (
    <li className={`outline__item outline__item--${node.level}`}>
      <div className="outline__row">
        <span className="outline__level">{LEVEL_NAMES[node.level]}</span>
        <SharedTextInput
          aria-label={`Text of the ${LEVEL_NAMES[node.level].toLowerCase()}`}
          className="field__input outline__text"
          address={driverNodeTextField(id, 'text')}
          value={node.node!.text}
          maxLength={DIAGRAM_TEXT_MAX_CHARS}
          disabled={!canEdit}
          onFallbackChange={(text) => actions.updateNode(id, { text })}
        />
        {canEdit && (
          <div className="outline__tools" role="group" aria-label={`Change the ${label(node)}`}>
            <button type="button" className="button button--small button--secondary" onClick={() => actions.addNode(diagram.id, id, '') && announce('Added a node under it.')}>
              Add under<span className="visually-hidden"> the {label(node)}</span>
            </button>
            <button type="button" className="button button--small button--secondary" onClick={() => actions.addNode(diagram.id, parentId, '', index + 1) && announce('Added a node below it.')}>
              Add below<span className="visually-hidden"> the {label(node)}</span>
            </button>
            {/* aria-disabled, not disabled: a button that goes disabled while focused drops focus to the page. */}
            <button type="button" className="button button--small button--secondary" aria-disabled={index === 0} onClick={() => index > 0 && move(parentId, index - 1, 'Moved up.')}>
              Move up<span className="visually-hidden"> the {label(node)}</span>
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              aria-disabled={index === siblings.length - 1}
              onClick={() => index < siblings.length - 1 && move(parentId, index + 1, 'Moved down.')}
            >
              Move down<span className="visually-hidden"> the {label(node)}</span>
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              aria-disabled={!previous}
              onClick={() => previous && move(previous.id as DriverNodeId, undefined, `Now under “${previous.node!.text || 'empty'}”.`)}
            >
              Indent<span className="visually-hidden"> the {label(node)}</span>
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              aria-disabled={!parent.node}
              onClick={() => {
                if (!parent.node) return;
                // Out of its parent, to the place just after it.
                const grandparentId = tree.parentOf.get(parent.id) ?? null;
                const uncles = tree.byId.get(grandparentId ?? diagram.id)!.children;
                move(grandparentId, uncles.findIndex((uncle) => uncle.id === parent.id) + 1, 'Moved out one level.');
              }}
            >
              Outdent<span className="visually-hidden"> the {label(node)}</span>
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => {
                actions.deleteNode(id);
                announce('Deleted, with everything under it. Use Undo to bring it back.');
              }}
            >
              Delete<span className="visually-hidden"> the {label(node)}</span>
            </button>
            {node.level === 'change' && !action && (
              <button
                type="button"
                className="button button--small"
                onClick={() => addToPlan(() => actions.toAction(id) && announce('Added to the action list.'))}
              >
                Make it an action<span className="visually-hidden">: {node.node!.text}</span>
              </button>
            )}
          </div>
        )}
        {addToPlanPrompt}
        {source && <p className="outline__source">{source}</p>}
        {action && <p className="outline__link">Action: {action.action || action.topic || 'untitled'}</p>}
        <MeasureFields node={node} />
      </div>
      {node.children.length > 0 && <OutlineList parent={node} diagram={diagram} tree={tree} />}
    </li>
  );
}

function OutlineList({ parent, diagram, tree }: { parent: DriverTreeNode; diagram: Diagram; tree: DriverTree }) {
  return (
    <ul className="outline__list">
      {parent.children.map((child, index) => (
        <OutlineItem key={child.id} node={child} parent={parent} index={index} diagram={diagram} tree={tree} />
      ))}
    </ul>
  );
}

/**
 * The diagram as a nested list that a keyboard or screen-reader user can read
 * and change completely: each node's level, text and measure, and buttons
 * to add, move, indent, outdent and delete.
 */
export function OutlineView({ diagram, tree }: { diagram: Diagram; tree: DriverTree }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  return (
    <div className="outline">
      <p className="outline__aim">
        <strong>Aim:</strong> {diagram.aim || 'not set yet'}
      </p>
      {tree.root.children.length === 0 && <p>No drivers yet.</p>}
      <OutlineList parent={tree.root} diagram={diagram} tree={tree} />
      {canEdit && (
        <button type="button" className="button button--secondary" onClick={() => actions.addNode(diagram.id, null, '') && announce('Added a primary driver.')}>
          Add a primary driver
        </button>
      )}
    </div>
  );
}
