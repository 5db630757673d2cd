import { type ClipboardEvent, type DragEvent, type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { durationText } from '../../../shared/rules/planText';
import {
  type Action,
  ACTION_STATUS_LABELS,
  ACTION_STATUSES,
  type ActionStatus,
  DURATION_UNITS,
  type DurationUnit,
  MAX_DURATION_AMOUNT,
  MAX_STEPS_PER_ACTION,
  ACTION_STEP_MAX_CHARS,
  ACTION_FIELD_MAX_CHARS,
  ACTION_TEXT_LABELS,
  type ActionTextField,
  type Timescale,
} from '../../../shared/schema/exercise';
import { SharedTextInput } from '../../components/SharedTextInput';
import { announce } from '../../state/boardUi';
import { useCanChangeBoard } from '../../sync/BoardProvider';
import { actionTextField, stepTextField, useSharedText } from '../../sync/useSharedText';
import { useActionSteps, useExerciseActions, useIsFacilitator, useSession } from '../../sync/useExerciseState';
import './plan.css';

/**
 * The editors of an action's structured fields (timescale, steps, progress),
 * shared by the actions phase and the plan view, and who may use them.
 */

/** What this person may change in the plan. */
export interface PlanPermissions {
  /** The written fields, the timescale and the list of steps. Once the actions are agreed, only the facilitator changes them. */
  canWrite: boolean;
  /** Ticking steps off and setting progress: anyone who may edit the board, agreed or not, since that is what check-ins are for. */
  canTrack: boolean;
}

export function usePlanPermissions(): PlanPermissions {
  const canEdit = useCanChangeBoard();
  const isFacilitator = useIsFacilitator();
  const session = useSession();
  return { canWrite: canEdit && (isFacilitator || !session.actionsAgreed), canTrack: canEdit };
}

/** A name for an action in labels: its action, else its topic, else its number. */
export function actionName(action: Pick<Action, 'action' | 'topic'>, index: number): string {
  return action.action.trim() || action.topic.trim() || `Action ${index + 1}`;
}

/**
 * A written field of an action, typed into live by anyone at once, as in the
 * actions phase: on the plan's cards and in a check-in's agenda. Its visible
 * label is the field's name, said once (the plan has no column headings over
 * the cards to repeat it); screen readers hear which action it belongs to as
 * well.
 */
export function PlanTextField({ action, field, name, readOnly }: { action: Action; field: ActionTextField; name: string; readOnly: boolean }) {
  const actions = useExerciseActions();
  const id = useId();
  const text = useSharedText<HTMLTextAreaElement>(actionTextField(action.id, field), action[field], (next) =>
    actions.updateAction(action.id, { [field]: next }),
  );
  return (
    <div className="action-fields__field" data-field={field}>
      <label className="field__label" htmlFor={id}>
        {ACTION_TEXT_LABELS[field]}
      </label>
      <textarea
        {...text}
        id={id}
        // Starts with the visible label (WCAG 2.5.3, label in name), and says which action.
        aria-label={`${ACTION_TEXT_LABELS[field]} of “${name}”`}
        className="field__input action-fields__text"
        rows={field === 'owner' ? 1 : field === 'review' ? 3 : 2}
        maxLength={ACTION_FIELD_MAX_CHARS}
        readOnly={readOnly}
      />
    </div>
  );
}

/** Today plus some months, as YYYY-MM-DD: the date a new "by a date" timescale starts at. */
function monthsFromToday(months: number): string {
  const today = new Date();
  return new Date(Date.UTC(today.getFullYear(), today.getMonth() + months, today.getDate())).toISOString().slice(0, 10);
}

type TimescaleKind = 'none' | Timescale['kind'];

/**
 * An action's timescale as a real date ("by") or a duration ("within"). A
 * timescale written as free text before (or imported) is shown as written
 * until someone picks a date or a duration for it.
 */
export function TimescaleInput({ action, name, readOnly }: { action: Action; name: string; readOnly: boolean }) {
  const actions = useExerciseActions();
  const id = useId();
  const timescale = action.timescale;
  const kind: TimescaleKind = timescale?.kind ?? 'none';
  const set = (next: Timescale | null) => actions.updateAction(action.id, { timescale: next });
  const changeKind = (next: TimescaleKind) => {
    if (next === 'date') set({ kind: 'date', date: monthsFromToday(3) });
    else if (next === 'duration') set({ kind: 'duration', amount: 3, unit: 'months' });
    else if (next === 'none') set(null);
  };
  return (
    <fieldset className="timescale">
      <legend className="field__label">
        Timescale<span className="visually-hidden"> for “{name}”</span>
      </legend>
      <label className="timescale__part">
        <span className="visually-hidden">Kind of timescale</span>
        <select className="field__input" value={kind} disabled={readOnly} onChange={(event) => changeKind(event.target.value as TimescaleKind)}>
          <option value="none">Not set</option>
          <option value="date">By a date</option>
          <option value="duration">Within a time</option>
          {kind === 'text' && <option value="text">As written</option>}
        </select>
      </label>
      {timescale?.kind === 'date' && (
        <label className="timescale__part">
          <span className="visually-hidden">Finish by</span>
          <input
            type="date"
            className="field__input"
            value={timescale.date}
            readOnly={readOnly}
            required
            // A cleared date field gives "": keep the last date rather than lose the timescale.
            onChange={(event) => event.target.value && set({ kind: 'date', date: event.target.value })}
          />
        </label>
      )}
      {timescale?.kind === 'duration' && (
        <span className="timescale__part timescale__part--duration">
          <label htmlFor={`${id}-amount`} className="visually-hidden">
            How many
          </label>
          <input
            id={`${id}-amount`}
            type="number"
            inputMode="numeric"
            className="field__input timescale__amount"
            min={1}
            max={MAX_DURATION_AMOUNT}
            value={timescale.amount}
            readOnly={readOnly}
            onChange={(event) => {
              const amount = Math.round(Number(event.target.value));
              if (amount >= 1 && amount <= MAX_DURATION_AMOUNT) set({ ...timescale, amount });
            }}
          />
          <label htmlFor={`${id}-unit`} className="visually-hidden">
            Unit
          </label>
          <select
            id={`${id}-unit`}
            className="field__input"
            value={timescale.unit}
            disabled={readOnly}
            onChange={(event) => set({ ...timescale, unit: event.target.value as DurationUnit })}
          >
            {DURATION_UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {durationText(timescale.amount, unit).replace(/^\d+ /, '')}
              </option>
            ))}
          </select>
        </span>
      )}
      {timescale?.kind === 'text' && (
        <p className="timescale__written">
          “{timescale.text}”{!readOnly && <span className="field__hint"> Choose a date or a time so the check-ins can track it.</span>}
        </p>
      )}
    </fieldset>
  );
}

/**
 * A step is one line: the exports write one step per line and the import
 * reads them back that way (docs/plan-export.md), so a line break inside a
 * step would come back as two steps. Its field is still a textarea, so a long
 * step wraps and is read in full; these handlers keep line breaks out of it
 * (Enter already finishes the step, in SharedTextInput).
 */
const ONE_LINE = {
  onKeyDownCapture(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter') event.preventDefault();
  },
  onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = event.clipboardData.getData('text/plain');
    if (!/[\r\n]/.test(pasted)) return;
    event.preventDefault();
    // insertText keeps the browser's own undo and fires the input event the shared text listens to.
    document.execCommand('insertText', false, pasted.replace(/\s*[\r\n]+\s*/g, ' ').trim());
  },
  onDrop(event: DragEvent<HTMLTextAreaElement>) {
    if (/[\r\n]/.test(event.dataTransfer.getData('text/plain'))) event.preventDefault();
  },
};

/** An action's steps as a checklist: tick them off, reword them, add and remove them. */
export function StepsChecklist({ action, name, permissions }: { action: Action; name: string; permissions: PlanPermissions }) {
  const actions = useExerciseActions();
  const steps = useActionSteps(action.id) ?? [];
  const [draft, setDraft] = useState('');
  const headingId = useId();
  const done = steps.filter((step) => step.done).length;
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    actions.addActionStep(action.id, draft);
    announce(`Added the step “${draft.trim()}”.`);
    setDraft('');
  };
  return (
    <div className="steps" role="group" aria-labelledby={headingId}>
      <p className="field__label steps__label" id={headingId}>
        Steps to take<span className="visually-hidden"> for “{name}”</span>
        {steps.length > 0 && <span className="steps__count"> ({done} of {steps.length} done)</span>}
      </p>
      {steps.length > 0 && (
        <ul className="steps__list">
          {steps.map((step, index) => (
            <li key={step.id} className={`steps__item${step.done ? ' steps__item--done' : ''}`}>
              <input
                type="checkbox"
                className="steps__tick"
                aria-label={`Done: ${step.text}`}
                checked={step.done}
                disabled={!permissions.canTrack}
                onChange={(event) => actions.updateActionStep(action.id, step.id, { done: event.target.checked })}
              />
              {permissions.canWrite ? (
                <>
                  <SharedTextInput
                    {...ONE_LINE}
                    multiline
                    aria-label={`Step ${index + 1} of “${name}”`}
                    className="field__input steps__text"
                    address={stepTextField(action.id, step.id)}
                    value={step.text}
                    maxLength={ACTION_STEP_MAX_CHARS}
                    // A step may be blank while someone retypes it; one left blank is deleted (docs/document-layout.md, "Shared text").
                    onFallbackChange={(text) => actions.updateActionStep(action.id, step.id, { text })}
                    onLeftBlank={() => actions.deleteActionStep(action.id, step.id)}
                  />
                  <button
                    type="button"
                    className="button button--small button--secondary"
                    onClick={() => {
                      actions.deleteActionStep(action.id, step.id);
                      announce(`Removed the step “${step.text}”.`);
                    }}
                  >
                    Remove<span className="visually-hidden"> the step “{step.text}”</span>
                  </button>
                </>
              ) : (
                <span className="steps__text">{step.text}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {permissions.canWrite && steps.length < MAX_STEPS_PER_ACTION && (
        <form className="steps__add" onSubmit={add}>
          <input
            className="field__input"
            aria-label={`New step for “${name}”`}
            placeholder="A step, then Enter"
            value={draft}
            maxLength={ACTION_STEP_MAX_CHARS}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="button button--small button--secondary">
            Add step<span className="visually-hidden"> to “{name}”</span>
          </button>
        </form>
      )}
      {!permissions.canWrite && steps.length === 0 && <p className="field__hint">No steps yet.</p>}
    </div>
  );
}

/** Where an action is up to, set at each check-in. */
export function StatusSelect({ action, name, readOnly }: { action: Action; name: string; readOnly: boolean }) {
  const actions = useExerciseActions();
  return (
    <label className="status-select">
      <span className="field__label">
        Progress<span className="visually-hidden"> of “{name}”</span>
      </span>
      <select
        className={`field__input status-select--${action.status}`}
        value={action.status}
        disabled={readOnly}
        onChange={(event) => actions.updateAction(action.id, { status: event.target.value as ActionStatus })}
      >
        {ACTION_STATUSES.map((status) => (
          <option key={status} value={status}>
            {ACTION_STATUS_LABELS[status]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Deletes an action, saying so; on the plan's cards and in the actions phase. */
export function DeleteActionButton({ action, name, className = '' }: { action: Pick<Action, 'id'>; name: string; className?: string }) {
  const actions = useExerciseActions();
  return (
    <button
      type="button"
      className={`button button--small button--secondary ${className}`.trim()}
      onClick={() => {
        actions.deleteAction(action.id);
        announce(`Deleted “${name}”.`);
      }}
    >
      Delete<span className="visually-hidden"> “{name}”</span>
    </button>
  );
}
