import { useEffect, useId, useRef, useState } from 'react';
import { GROUP_MODES, type GroupMode, MAX_VOTE_BUDGET, type Perspective, PERSPECTIVE_NAME_MAX_CHARS } from '../../../shared/schema/exercise';
import { GroupPicker } from './ParticipantsPanel';
import { useExerciseActions, useIsFacilitator, usePerspectives, useSession } from '../../sync/useExerciseState';
import { NameInput } from '../../components/NameInput';
import { setTemplateSwitch, useBoardUi } from '../../state/boardUi';
import { ConfirmDialog } from '../shell/ConfirmDialog';

const GROUP_MODE_LABELS: Record<GroupMode, { label: string; hint: string }> = {
  pick: { label: 'Participants pick their group', hint: 'Each person chooses a perspective on their own screen.' },
  assign: { label: 'I assign the groups', hint: 'You put each person in a group from the list of people.' },
  auto: { label: 'Balance the groups automatically', hint: 'People are spread evenly as they arrive.' },
};

/** A lane's name, saved when the field loses focus (so a half-typed name is not shown to everyone). */
function PerspectiveField({ perspective, canRemove }: { perspective: Perspective; canRemove: boolean }) {
  const actions = useExerciseActions();
  const id = useId();
  return (
    <li className="setup__lane">
      <label className="field__label" htmlFor={id}>
        Perspective {perspective.order + 1}
      </label>
      <div className="setup__lane-row">
        <NameInput
          id={id}
          className="field__input"
          value={perspective.name}
          maxLength={PERSPECTIVE_NAME_MAX_CHARS}
          onCommit={(name) => actions.renamePerspective(perspective.id, name)}
        />
        {canRemove && (
          <button type="button" className="button button--small button--secondary" onClick={() => actions.removePerspective(perspective.id)}>
            Remove<span className="visually-hidden"> {perspective.name}</span>
          </button>
        )}
      </div>
    </li>
  );
}

/**
 * The facilitator's choice of template. Switching to a blank board changes
 * every screen at once, so it asks first, saying what changes and what is
 * kept; once switched, the blank board offers "Undo" (BoardScreen). After
 * that undo, focus comes back here, to the exercise's choice.
 */
function TemplateChoice() {
  const session = useSession();
  const actions = useExerciseActions();
  const [asking, setAsking] = useState(false);
  const blankChoice = useRef<HTMLInputElement>(null);
  const exerciseChoice = useRef<HTMLInputElement>(null);
  const undone = useBoardUi((state) => state.templateSwitch?.undone ?? false);

  useEffect(() => {
    if (!undone) return;
    exerciseChoice.current?.focus();
    setTemplateSwitch(null);
  }, [undone]);

  return (
    <fieldset className="setup__fieldset">
      <legend>Template</legend>
      <label className="setup__choice">
        <input
          ref={exerciseChoice}
          type="radio"
          name="template"
          checked={session.template === 'four-perspectives'}
          onChange={() => actions.chooseTemplate('four-perspectives')}
        />{' '}
        “What does good look like?” from four perspectives
      </label>
      <label className="setup__choice">
        <input ref={blankChoice} type="radio" name="template" checked={false} onChange={() => setAsking(true)} /> A blank board: notes anywhere, no phases
      </label>
      {asking && (
        <ConfirmDialog
          title="Switch to a blank board?"
          confirmLabel="Switch to a blank board"
          cancelLabel="Keep the exercise"
          onCancel={() => {
            setAsking(false);
            // Back on the choice that opened the question (the radio stays unchecked: nothing changed).
            blankChoice.current?.focus();
          }}
          onConfirm={() => {
            setAsking(false);
            setTemplateSwitch({ from: session.template, undone: false });
            actions.chooseTemplate('blank');
          }}
        >
          <p>
            Everyone’s screen changes at once to a free board of notes: no phases, no private writing, and no anonymity, since everyone sees everyone’s notes,
            names and pointers as they happen.
          </p>
          <p>The perspectives and settings you have chosen are kept, out of sight. You can switch back with “Undo” straight after, before anyone adds a note.</p>
        </ConfirmDialog>
      )}
    </fieldset>
  );
}

/** The facilitator sets up the exercise; everyone else waits, choosing a group if they may. */
export function SetupPhase() {
  const isFacilitator = useIsFacilitator();
  const session = useSession();
  const perspectives = usePerspectives();
  const actions = useExerciseActions();
  const [newLane, setNewLane] = useState('');
  const newLaneId = useId();
  const budgetId = useId();
  const capId = useId();

  if (!isFacilitator) {
    return (
      <section className="phase-panel" aria-label="Set up">
        <p>The exercise looks at what good retention looks like from {perspectives.length} perspectives:</p>
        <ul className="setup__lanes-summary">
          {perspectives.map((p) => (
            <li key={p.id}>{p.name}</li>
          ))}
        </ul>
        <GroupPicker />
      </section>
    );
  }

  return (
    <section className="phase-panel setup" aria-label="Set up">
      <TemplateChoice />

      <fieldset className="setup__fieldset">
        <legend>Perspectives</legend>
        <ol className="setup__lanes">
          {perspectives.map((p) => (
            <PerspectiveField key={p.id} perspective={p} canRemove={perspectives.length > 1} />
          ))}
        </ol>
        <form
          className="setup__add-lane"
          onSubmit={(event) => {
            event.preventDefault();
            if (!newLane.trim()) return;
            actions.addPerspective(newLane);
            setNewLane('');
          }}
        >
          <label className="field__label" htmlFor={newLaneId}>
            Add a perspective
          </label>
          <div className="setup__lane-row">
            <input id={newLaneId} className="field__input" value={newLane} maxLength={PERSPECTIVE_NAME_MAX_CHARS} onChange={(event) => setNewLane(event.target.value)} />
            <button type="submit" className="button button--small button--secondary">
              Add
            </button>
          </div>
        </form>
      </fieldset>

      <fieldset className="setup__fieldset">
        <legend>Groups</legend>
        {GROUP_MODES.map((mode) => (
          <label key={mode} className="setup__choice">
            <input type="radio" name="group-mode" checked={session.groupMode === mode} onChange={() => actions.updateSettings({ groupMode: mode })} />{' '}
            {GROUP_MODE_LABELS[mode].label}
            <span className="setup__hint"> – {GROUP_MODE_LABELS[mode].hint}</span>
          </label>
        ))}
      </fieldset>

      <fieldset className="setup__fieldset">
        <legend>Anonymity and votes</legend>
        <label className="setup__choice">
          <input type="checkbox" checked={session.anonymous} onChange={(event) => actions.updateSettings({ anonymous: event.target.checked })} /> Anonymous
          notes: nobody sees who wrote what
        </label>
        <div className="setup__numbers">
          <label className="field__label" htmlFor={budgetId}>
            Dots each person can place
          </label>
          <input
            id={budgetId}
            className="field__input setup__number"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_VOTE_BUDGET}
            value={session.voteBudget}
            onChange={(event) => actions.updateSettings({ voteBudget: Number(event.target.value) })}
          />
          <label className="field__label" htmlFor={capId}>
            Most dots one person can put on one item
          </label>
          <input
            id={capId}
            className="field__input setup__number"
            type="number"
            inputMode="numeric"
            min={1}
            max={session.voteBudget}
            value={session.voteCap}
            onChange={(event) => actions.updateSettings({ voteCap: Number(event.target.value) })}
          />
        </div>
        <label className="setup__choice">
          <input type="radio" name="vote-target" checked={session.voteTarget === 'themes'} onChange={() => actions.updateSettings({ voteTarget: 'themes' })} /> Vote on
          themes
        </label>
        <label className="setup__choice">
          <input type="radio" name="vote-target" checked={session.voteTarget === 'notes'} onChange={() => actions.updateSettings({ voteTarget: 'notes' })} /> Vote on
          single notes
        </label>
      </fieldset>
    </section>
  );
}
