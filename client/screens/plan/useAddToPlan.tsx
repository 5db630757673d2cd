import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { actionAdditionProblem } from '../../../shared/rules/actionReadiness';
import { announce } from '../../state/boardUi';
import { useActions, useExerciseActions, useIsFacilitator, useSession } from '../../sync/useExerciseState';

/** Where on a screen an addition was asked for, so the question shows beside that button: any name the screen gives its buttons. */
const MAIN_PLACE = 'main';

/** What the person is asked, or told, after trying to add an action to an agreed plan. */
export interface AddToPlan {
  /**
   * Runs `add` at once when the plan takes a new action; otherwise asks the
   * facilitator, or tells anyone else why not, at `place` (the screen's main
   * button when left out).
   */
  addToPlan(add: () => void, place?: string): void;
  /** The question or the refusal for the screen's main button; null when there is none. */
  prompt: ReactNode;
  /** The question or the refusal for the button at `place`, to render beside it; null when there is none there. */
  promptAt(place: string): ReactNode;
}

/**
 * Adding an action from any screen (the plan, the driver diagram). An agreed
 * plan keeps the 3-to-5 rule: the facilitator is asked to reopen the
 * agreement before anything is added, and anyone else is told only the
 * facilitator can (`actionAdditionProblem`; docs/exercise.md, "Agreeing the
 * actions"). The question goes away by itself once the plan is no longer agreed.
 */
export function useAddToPlan(): AddToPlan {
  const session = useSession();
  const plan = useActions();
  const exercise = useExerciseActions();
  const isFacilitator = useIsFacilitator();
  const [pendingAdd, setPendingAdd] = useState<(() => void) | null>(null);
  const [refused, setRefused] = useState(false);
  const [place, setPlace] = useState(MAIN_PLACE);
  const problem = actionAdditionProblem({ actionsAgreed: session.actionsAgreed, actionCount: plan.length }, isFacilitator);
  const textId = useId();
  const keepButton = useRef<HTMLButtonElement>(null);
  const asking = pendingAdd !== null && problem !== null;

  useEffect(() => {
    if (asking) keepButton.current?.focus();
  }, [asking]);

  const addToPlan = (add: () => void, at: string = MAIN_PLACE) => {
    setPlace(at);
    setRefused(false);
    if (!problem) add();
    else if (isFacilitator) setPendingAdd(() => add);
    else setRefused(true);
  };

  let prompt: ReactNode = null;
  if (asking) {
    prompt = (
      <div className="add-to-plan" role="alertdialog" aria-modal="false" aria-label="The actions are agreed" aria-describedby={textId}>
        <p id={textId}>{problem}</p>
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            exercise.markActionsAgreed(false);
            pendingAdd?.();
            setPendingAdd(null);
            announce('The agreement is reopened and the action added. Mark the actions agreed again when they are ready.');
          }}
        >
          Reopen the agreement and add it
        </button>{' '}
        <button type="button" className="button button--small button--secondary" ref={keepButton} onClick={() => setPendingAdd(null)}>
          Keep the agreed plan
        </button>
      </div>
    );
  } else if (refused && problem) {
    prompt = (
      <p className="add-to-plan add-to-plan--refused" role="alert">
        {problem}
      </p>
    );
  }
  const promptAt = (at: string) => (at === place ? prompt : null);
  return { addToPlan, prompt: promptAt(MAIN_PLACE), promptAt };
}
