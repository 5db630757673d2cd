import { useId } from 'react';
import { actionWarnings } from '../../../shared/rules/actionReadiness';
import { type Action, ACTION_FIELD_LABELS, ACTION_FIELD_MAX_CHARS, type ActionTextField } from '../../../shared/schema/exercise';
import { announce } from '../../state/boardUi';
import { actionTextField, useSharedText } from '../../sync/useSharedText';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useActions, useExerciseActions, useSession, useSteps } from '../../sync/useExerciseState';
import { PlanDownloads } from './PlanDownloads';
import { actionName, type PlanPermissions, StatusSelect, StepsChecklist, TimescaleInput, usePlanPermissions } from './ActionEditors';
import { PlanImport } from './PlanImport';
import { useAddToPlan } from './useAddToPlan';
import { PLAN_TABLE_COLUMNS, planTableRow } from '../../../shared/export/planTable';
import { PlanTableHead } from './PlanTableHead';
import './plan.css';

/** A written field of the plan, typed into live in its table cell by anyone at once, as in the actions phase. */
function PlanTextCell({ action, field, name, readOnly }: { action: Action; field: ActionTextField; name: string; readOnly: boolean }) {
  const actions = useExerciseActions();
  const text = useSharedText<HTMLTextAreaElement>(actionTextField(action.id, field), action[field], (next) =>
    actions.updateAction(action.id, { [field]: next }),
  );
  return (
    <textarea
      {...text}
      className="field__input plan-table__input"
      aria-label={`${ACTION_FIELD_LABELS[field]} of “${name}”`}
      rows={field === 'owner' ? 1 : 3}
      maxLength={ACTION_FIELD_MAX_CHARS}
      readOnly={readOnly}
    />
  );
}

function PlanRow({ action, index, permissions }: { action: Action; index: number; permissions: PlanPermissions }) {
  const actions = useExerciseActions();
  const name = actionName(action, index);
  const warnings = actionWarnings(action);
  const readOnly = !permissions.canWrite;
  const cell = (field: ActionTextField) => (
    <td data-label={ACTION_FIELD_LABELS[field]}>
      <PlanTextCell action={action} field={field} name={name} readOnly={readOnly} />
    </td>
  );
  return (
    <tr className={`plan-table__row plan-table__row--${action.status}`}>
      <th scope="row" data-label={ACTION_FIELD_LABELS.topic}>
        <span className="plan-table__number">{index + 1}.</span>
        <PlanTextCell action={action} field="topic" name={name} readOnly={readOnly} />
        {action.importedFrom && <p className="plan-table__source">Imported from {action.importedFrom}</p>}
      </th>
      {cell('action')}
      {cell('owner')}
      <td data-label={ACTION_FIELD_LABELS.timescale}>
        <TimescaleInput action={action} name={name} readOnly={readOnly} />
      </td>
      <td data-label={ACTION_FIELD_LABELS.steps}>
        <StepsChecklist action={action} name={name} permissions={permissions} />
      </td>
      {cell('success')}
      <td data-label="Progress">
        <StatusSelect action={action} name={name} readOnly={!permissions.canTrack} />
        {warnings.length > 0 && (
          <ul className="action__warnings plan-table__warnings" aria-label={`Missing from “${name}”`}>
            {warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        )}
        {permissions.canWrite && (
          <button
            type="button"
            className="button button--small button--secondary plan-table__delete"
            onClick={() => {
              actions.deleteAction(action.id);
              announce(`Deleted “${name}”.`);
            }}
          >
            Delete<span className="visually-hidden"> “{name}”</span>
          </button>
        )}
      </td>
    </tr>
  );
}

/** The plan as plain text in the template's columns, for paper: form fields do not print well. */
function PrintedPlan({ planned }: { planned: readonly Action[] }) {
  const steps = useSteps();
  return (
    <table className="plan-print" aria-hidden="true">
      <PlanTableHead />
      <tbody>
        {planned.map((action) => (
          <tr key={action.id}>
            {planTableRow({ ...action, steps: steps[action.id] ?? [] }, 'words').map((text, index) => (
              <td key={PLAN_TABLE_COLUMNS[index]}>{text}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The action plan on every board: the actions as the guide's table, edited
 * live by whoever may (see usePlanPermissions), with the downloads, the
 * calendar of check-ins, and importing an earlier plan to review.
 */
export function PlanView() {
  const planned = useActions();
  const session = useSession();
  const actions = useExerciseActions();
  const permissions = usePlanPermissions();
  const canEdit = useCanChangeBoard();
  const headingId = useId();
  const { addToPlan, prompt: addToPlanPrompt } = useAddToPlan();
  const done = planned.filter((action) => action.status === 'done').length;
  return (
    <section className="plan-view" aria-labelledby={headingId}>
      <h2 id={headingId} className="plan-view__title">
        Action plan
      </h2>
      <p className="plan-view__summary">
        {planned.length === 0
          ? 'No actions yet. Add one below, agree them in the exercise, or import the plan of an earlier workshop to review it.'
          : `${plural(planned.length, 'action')}, ${session.actionsAgreed ? 'agreed' : 'not agreed yet'}; ${done} done.`}
        {canEdit && !permissions.canWrite && ' The actions are agreed: tick steps off and set progress as they move on.'}
      </p>
      {planned.length > 0 && (
        <div className="plan-table__wrap" role="region" aria-label="Action plan table" tabIndex={0}>
          <table className="plan-table">
            <PlanTableHead />
            <tbody>
              {planned.map((action, index) => (
                <PlanRow key={action.id} action={action} index={index} permissions={permissions} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PrintedPlan planned={planned} />
      {permissions.canWrite && (
        <button
          type="button"
          className="button button--secondary plan-view__add"
          onClick={() =>
            addToPlan(() => {
              actions.addAction(null, '');
              announce('Added an action at the end of the plan.');
            })
          }
        >
          Add an action
        </button>
      )}
      {addToPlanPrompt}
      <PlanDownloads />
      <PlanImport />
    </section>
  );
}
