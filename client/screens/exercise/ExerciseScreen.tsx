import { useEffect, useId, useRef, useState } from 'react';
import { agreementProblems } from '../../../shared/rules/actionReadiness';
import { nextPhase, PHASE_GUIDE, phaseChangeProblem, previousPhase } from '../../../shared/rules/phaseRules';
import { PHASES, type Phase } from '../../../shared/schema/exercise';
import { announce, setPhaseRefusal, useBoardUi } from '../../state/boardUi';
import { useBoardState } from '../../sync/BoardProvider';
import { ParticipantsPanel, useAutoGroup } from './ParticipantsPanel';
import { SetupPhase } from './SetupPhase';
import { WritePhase } from './WritePhase';
import { ComparePhase } from './ComparePhase';
import { VotePhase } from './VotePhase';
import { ActionsPhase } from './ActionsPhase';
import { DonePhase } from './DonePhase';
import { UnfinishedNotes } from './UnfinishedNotes';
import { usePhaseHeadingFocus } from './usePhaseHeadingFocus';
import { Timer, TimerControls } from './Timer';
import { useActions, useExerciseActions, useIsFacilitator, usePerspectives, useSession, useThemes } from '../../sync/useExerciseState';
import { BoardShell } from '../shell/BoardShell';
import { facilitatorPlace, useFollowSummons } from '../shell/summons';
import { ActivityContent, ActivitySwitch } from '../shell/ActivitySwitch';
import './exercise.css';

const MAIN_ID = 'exercise-main';

function PhasePanel({ phase }: { phase: Phase }) {
  switch (phase) {
    case 'setup':
      return <SetupPhase />;
    case 'write':
    case 'reveal':
      return <WritePhase />;
    case 'compare':
      return <ComparePhase />;
    case 'vote':
      return <VotePhase />;
    case 'actions':
      return <ActionsPhase />;
    case 'done':
      return <DonePhase />;
  }
}

/**
 * Why the board cannot move to a phase now, by the phase rules, worked out
 * from what the screen shows, so a reason goes as soon as it no longer holds.
 */
function usePhaseRuleProblem(): (phase: Phase) => string | null {
  const session = useSession();
  const perspectives = usePerspectives();
  const themes = useThemes();
  const actions = useActions();
  const noteCount = useBoardState((state) => state.notes.length);
  const context = { session, perspectiveCount: perspectives.length, noteCount, themeCount: themes.length, actionProblems: agreementProblems(actions) };
  return (phase) => phaseChangeProblem(context, phase, 'facilitator');
}

/**
 * The facilitator's bar: move between phases, lock, bring everyone along,
 * and the timer's settings behind a "Timer" button, in one compact row
 * (wrapping on a phone). It sits under the header, above the content, which
 * scrolls by itself on a laptop (BoardShell), so it stays at hand without
 * lying over what people work on.
 */
function FacilitatorControls() {
  const session = useSession();
  const actions = useExerciseActions();
  const problem = useRef<HTMLParagraphElement>(null);
  const [timerOpen, setTimerOpen] = useState(false);
  const timerId = useId();
  const previous = previousPhase(session.phase);
  const next = nextPhase(session.phase);
  const refusal = useBoardUi((state) => state.phaseRefusal);
  const ruleProblem = usePhaseRuleProblem();
  // A refusal by the phase rules shows their reason as it is now, and nothing once they are met; any other stays until the next try.
  const lastProblem = refusal && (refusal.byRule ? ruleProblem(refusal.phase) : refusal.reason);

  const goTo = (phase: Phase) => {
    const refusal = actions.changePhase(phase);
    setPhaseRefusal(refusal ? { phase, reason: refusal, byRule: refusal === ruleProblem(phase) } : null);
    if (!refusal) announce(`Everyone is now at: ${PHASE_GUIDE[phase].title}.`);
    else problem.current?.focus();
  };
  const summon = () => {
    // The activity (and diagram) too, not only the scroll position: people on the plan were left there (docs/exercise.md, "Following the facilitator").
    actions.summon(facilitatorPlace(session.phase));
    announce('Everyone’s screen now shows what you see.');
  };

  return (
    <section className="facilitator-controls" aria-label="Facilitator controls">
      <div className="facilitator-controls__row">
        {previous && (
          <button type="button" className="button button--small button--secondary" onClick={() => goTo(previous)}>
            Back to {PHASE_GUIDE[previous].title}
          </button>
        )}
        {next && (
          <button type="button" className="button button--small" onClick={() => goTo(next)}>
            Next: {PHASE_GUIDE[next].title}
          </button>
        )}
        <button type="button" className="button button--small button--secondary" aria-pressed={session.locked} onClick={() => actions.setLocked(!session.locked)}>
          {session.locked ? 'Unlock the board' : 'Lock the board'}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={summon}>
          Bring everyone to me
        </button>
        <button
          type="button"
          className="button button--small button--secondary facilitator-controls__timer-toggle"
          aria-expanded={timerOpen}
          aria-controls={timerId}
          onClick={() => setTimerOpen(!timerOpen)}
        >
          Timer
          <span className="facilitator-controls__arrow" aria-hidden="true">
            {timerOpen ? '▴' : '▾'}
          </span>
        </button>
      </div>
      <div id={timerId} className="facilitator-controls__timer" hidden={!timerOpen}>
        <TimerControls />
      </div>
      <p className="facilitator-controls__problem" role="alert" tabIndex={-1} ref={problem}>
        {lastProblem}
      </p>
    </section>
  );
}

/** The stepper: every phase, with the current one marked. */
function PhaseSteps({ current }: { current: Phase }) {
  return (
    <nav aria-label="Phases of the exercise">
      <ol className="phase-steps">
        {PHASES.map((phase, index) => (
          <li
            key={phase}
            className={`phase-steps__step${phase === current ? ' phase-steps__step--current' : ''}`}
            aria-current={phase === current ? 'step' : undefined}
          >
            <span className="phase-steps__number">{index + 1}</span> {PHASE_GUIDE[phase].title}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * Follows the facilitator: when they bring everyone to them, this screen
 * switches to their activity and scrolls to where they are
 * (`useFollowSummons`); when the phase changes, it is announced.
 */
function useFollowFacilitator(isFacilitator: boolean) {
  const session = useSession();
  const phase = useRef(session.phase);
  useFollowSummons(session.summons, isFacilitator, MAIN_ID);

  useEffect(() => {
    if (phase.current !== session.phase) {
      phase.current = session.phase;
      if (!isFacilitator) announce(`The facilitator moved everyone to: ${PHASE_GUIDE[session.phase].title}.`);
    }
  }, [session.phase, isFacilitator]);
}

interface ExerciseScreenProps {
  title: string;
  joinCode: string | null;
}

/**
 * The four-perspective exercise: every screen shows the phase, what to do
 * now and the time left; the facilitator also has the controls.
 */
export function ExerciseScreen({ title, joinCode }: ExerciseScreenProps) {
  const session = useSession();
  const isFacilitator = useIsFacilitator();
  const guide = PHASE_GUIDE[session.phase];
  useFollowFacilitator(isFacilitator);
  // After a phase change, focus starts at the new phase's heading.
  const phaseHeading = usePhaseHeadingFocus(session.phase);
  useAutoGroup();

  return (
    <BoardShell
      title={title}
      joinCode={joinCode}
      pageTitle={guide.title}
      className="exercise"
      skipLink={{ targetId: MAIN_ID, text: 'Skip to the exercise' }}
      controls={isFacilitator && <FacilitatorControls />}
    >
      <div className="phase-bar">
        <PhaseSteps current={session.phase} />
        <div className="phase-bar__now">
          <h2 className="phase-bar__title" ref={phaseHeading} tabIndex={-1}>
            <span className="visually-hidden">Now: </span>
            {guide.title}
          </h2>
          <p className="phase-bar__todo">{isFacilitator ? guide.facilitatorTodo : guide.todo}</p>
          <Timer />
        </div>
      </div>
      <div className="exercise__layout">
        <main id={MAIN_ID} className="exercise__main" tabIndex={-1}>
          <ActivitySwitch workshopLabel="The exercise" />
          <ActivityContent
            workshop={
              <>
                {session.phase !== 'write' && session.phase !== 'reveal' && <UnfinishedNotes />}
                <PhasePanel phase={session.phase} />
              </>
            }
          />
        </main>
        <aside className="exercise__aside">
          <ParticipantsPanel />
        </aside>
      </div>
    </BoardShell>
  );
}
