import { useEffect, useRef } from 'react';
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
import { Timer, TimerControls } from './Timer';
import { useActions, useExerciseActions, useIsFacilitator, usePerspectives, useSession, useThemes } from '../../sync/useExerciseState';
import { BoardShell } from '../shell/BoardShell';
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

/** The facilitator's controls: move between phases, lock, bring everyone along, and the timer. */
function FacilitatorControls() {
  const session = useSession();
  const actions = useExerciseActions();
  const problem = useRef<HTMLParagraphElement>(null);
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
    const scroller = document.scrollingElement ?? document.documentElement;
    const fraction = (position: number, range: number) => (range > 0 ? position / range : 0);
    actions.summon({
      phase: session.phase,
      scrollX: fraction(scroller.scrollLeft, scroller.scrollWidth - scroller.clientWidth),
      scrollY: fraction(scroller.scrollTop, scroller.scrollHeight - scroller.clientHeight),
    });
    announce('Everyone’s screen now shows what you see.');
  };

  return (
    // Kept in view while the page scrolls (on a laptop), so pressing "Bring everyone to me" does not move the facilitator.
    <section className="facilitator-controls" aria-label="Facilitator controls">
      <div className="facilitator-controls__row">
        {previous && (
          <button type="button" className="button button--secondary" onClick={() => goTo(previous)}>
            Back to {PHASE_GUIDE[previous].title}
          </button>
        )}
        {next && (
          <button type="button" className="button" onClick={() => goTo(next)}>
            Next: {PHASE_GUIDE[next].title}
          </button>
        )}
        <button type="button" className="button button--secondary" aria-pressed={session.locked} onClick={() => actions.setLocked(!session.locked)}>
          {session.locked ? 'Unlock the board' : 'Lock the board'}
        </button>
        <button type="button" className="button button--secondary" onClick={summon}>
          Bring everyone to me
        </button>
      </div>
      <p className="facilitator-controls__problem" role="alert" tabIndex={-1} ref={problem}>
        {lastProblem}
      </p>
      <TimerControls />
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
 * scrolls to where they are; when the phase changes, it is announced.
 */
function useFollowFacilitator(isFacilitator: boolean) {
  const session = useSession();
  const serial = session.summons?.serial ?? 0;
  const seen = useRef(serial);
  const phase = useRef(session.phase);

  useEffect(() => {
    if (phase.current !== session.phase) {
      phase.current = session.phase;
      if (!isFacilitator) announce(`The facilitator moved everyone to: ${PHASE_GUIDE[session.phase].title}.`);
    }
  }, [session.phase, isFacilitator]);

  useEffect(() => {
    if (serial === seen.current) return;
    seen.current = serial;
    const summons = session.summons;
    if (isFacilitator || !summons) return;
    const scroller = document.scrollingElement ?? document.documentElement;
    scroller.scrollTo({
      left: summons.scrollX * (scroller.scrollWidth - scroller.clientWidth),
      top: summons.scrollY * (scroller.scrollHeight - scroller.clientHeight),
    });
    document.getElementById(MAIN_ID)?.focus({ preventScroll: true });
    announce('The facilitator brought everyone to the same place.');
  }, [serial, session.summons, isFacilitator]);
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
  useAutoGroup();

  return (
    <BoardShell
      title={title}
      joinCode={joinCode}
      pageTitle={guide.title}
      className="exercise"
      skipLink={{ targetId: MAIN_ID, text: 'Skip to the exercise' }}
    >
      <div className="phase-bar">
        <PhaseSteps current={session.phase} />
        <div className="phase-bar__now">
          <h2 className="phase-bar__title">
            <span className="visually-hidden">Now: </span>
            {guide.title}
          </h2>
          <p className="phase-bar__todo">{isFacilitator ? guide.facilitatorTodo : guide.todo}</p>
          <Timer />
        </div>
      </div>
      {isFacilitator && <FacilitatorControls />}
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
