import { lazy, Suspense, type ReactNode } from 'react';
import { type Activity, showActivity, useBoardUi } from '../../state/boardUi';
import { DiagramsPanel } from '../diagram/DiagramsPanel';
import { PlanView } from '../plan/PlanView';
import { useInCycle } from '../cycle/useInCycle';

/*
 * The self-assessment is a chunk of its own, loaded when someone first opens
 * it: the board page's first load must stay under 250 KB gzipped
 * (docs/client.md, "Styles"), and most of a workshop is spent elsewhere.
 */
const AssessmentView = lazy(() => import('../assessment/AssessmentView').then((module) => ({ default: module.AssessmentView })));


/** The self-assessment, with a line to say so while its chunk loads. */
function Assessment() {
  return (
    <Suspense fallback={<p role="status">Opening the self-assessment…</p>}>
      <AssessmentView />
    </Suspense>
  );
}

/** "What changed" across a retention cycle: a chunk of its own too, for the same reason, and only boards of a cycle offer it. */
const CycleView = lazy(() => import('../cycle/CycleView').then((module) => ({ default: module.CycleView })));

/** What changed across the cycle, with a line to say so while its chunk loads. */
function Cycle() {
  return (
    <Suspense fallback={<p role="status">Opening what changed…</p>}>
      <CycleView />
    </Suspense>
  );
}

/**
 * Switches this screen between the workshop (its board or exercise), the
 * self-assessment, the driver diagrams and the action plan, and, on a board
 * of a retention cycle (`useInCycle`), what changed across it.
 */
export function ActivitySwitch({ workshopLabel }: { workshopLabel: string }) {
  const activity = useBoardUi((state) => state.activity);
  const inCycle = useInCycle();
  const choices: { activity: Activity; label: string }[] = [
    { activity: 'workshop', label: workshopLabel },
    { activity: 'assessment', label: 'Self-assessment' },
    { activity: 'diagrams', label: 'Driver diagrams' },
    { activity: 'plan', label: 'Action plan' },
  ];
  // Shown while it is the activity even if the board has just left its cycle (its earlier boards deleted), so the pressed button never vanishes under the person.
  if (inCycle || activity === 'cycle') choices.push({ activity: 'cycle', label: 'What changed' });
  return (
    <div className="view-switch activity-switch" role="group" aria-label="Show">
      {choices.map((choice) => (
        <button
          key={choice.activity}
          type="button"
          className="button button--small button--secondary"
          aria-pressed={activity === choice.activity}
          onClick={() => showActivity(choice.activity)}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}

interface ActivityContentProps {
  /** The screen's own workshop: the blank board's notes, or the exercise's phase. */
  workshop: ReactNode;
  /**
   * Classes of the boxes the diagrams and the plan sit in, on a screen whose
   * main area has no padding of its own (the blank board's, which the notes fill edge to edge).
   */
  frames?: { diagrams: string; plan: string; assessment: string; cycle: string };
}

/** What the activity switch shows: the self-assessment, the driver diagrams, the action plan, what changed, or the screen's workshop. */
export function ActivityContent({ workshop, frames }: ActivityContentProps) {
  const activity = useBoardUi((state) => state.activity);
  if (activity === 'diagrams') {
    return frames ? (
      <div className={frames.diagrams}>
        <DiagramsPanel />
      </div>
    ) : (
      <DiagramsPanel />
    );
  }
  if (activity === 'assessment') {
    return frames ? (
      <div className={frames.assessment}>
        <Assessment />
      </div>
    ) : (
      <Assessment />
    );
  }
  if (activity === 'cycle') {
    return frames ? (
      <div className={frames.cycle}>
        <Cycle />
      </div>
    ) : (
      <Cycle />
    );
  }
  if (activity === 'plan') {
    return frames ? (
      <div className={frames.plan}>
        <PlanView />
      </div>
    ) : (
      <PlanView />
    );
  }
  return workshop;
}
