import { lazy, Suspense, useEffect } from 'react';
import { PHASE_GUIDE } from '../../../shared/rules/phaseRules';
import { StatusBanner } from '../../components/StatusBanner';
import { useBoardState } from '../../sync/BoardProvider';
import { useFacilitatorView, useSession } from '../../sync/useExerciseState';
import { useDocumentTitle } from '../../useDocumentTitle';
import { Timer } from '../exercise/Timer';
import { JoinPanel } from './JoinPanel';
import { PresenterPlan } from './PresenterActions';
import { PresenterAssessment } from './PresenterAssessment';
import { PresenterDiagram } from './PresenterDiagram';
import { PresenterBoardNotes } from './PresenterNotes';
import { PresenterPhase } from './PresenterPhase';
import { useViewerJoinCode } from './useViewerJoinCode';
import './presenter.css';

/* What changed across a cycle, in the same chunk as the board screen's "What changed" (ActivitySwitch.tsx), loaded when the facilitator first goes there. */
const PresenterCycle = lazy(() => import('../cycle/CycleView').then((module) => ({ default: module.PresenterCycle })));

interface PresenterScreenProps {
  boardId: string;
  token: string;
  /** The title from the link check, shown until the document's own title arrives. */
  title: string;
  /** The join code and its end, as the viewer's board info gave them (docs/api.md); refreshed while the view is up. */
  joinCode: string | null;
  joinCodeExpiresAt: number | null;
}

/**
 * The page never scrolls on the projector (issue: "never the page"): what
 * does not fit is packed smaller, or a lane scrolls by itself. The class
 * lets presenter.css hold html and body to the screen for this view only.
 */
function usePresenterPage(): void {
  useEffect(() => {
    document.documentElement.classList.add('presenter-page');
    return () => document.documentElement.classList.remove('presenter-page');
  }, []);
}

/**
 * The presenter view: what the viewer link shows, for a room's projector at
 * 1920×1080 or 1366×768. Large type, no side panels and no controls; it
 * follows the facilitator (their phase, `session.phase`, and what they are
 * looking at, `session.facilitatorView`: docs/document-layout.md) with
 * nobody touching it. The viewer's connection listens only (docs/client.md,
 * "Viewers").
 */
export function PresenterScreen({ boardId, token, title, joinCode, joinCodeExpiresAt }: PresenterScreenProps) {
  usePresenterPage();
  const boardTitle = useBoardState((state) => state.boardTitle) ?? title;
  const save = useBoardState((state) => state.save);
  const session = useSession();
  const view = useFacilitatorView();
  const code = useViewerJoinCode(boardId, token, { code: joinCode, expiresAt: joinCodeExpiresAt });
  const activity = view?.activity ?? 'workshop';
  const exercise = session.template === 'four-perspectives';
  const now =
    activity === 'diagrams'
      ? 'Driver diagram'
      : activity === 'plan'
        ? 'Action plan'
        : activity === 'assessment'
          ? 'Self-assessment'
          : activity === 'cycle'
            ? 'What changed'
            : exercise
            ? PHASE_GUIDE[session.phase].title
            : 'The board';
  useDocumentTitle(`${now} – ${boardTitle} – Retain`);

  let content;
  if (activity === 'diagrams') content = <PresenterDiagram diagramId={view?.diagramId ?? null} />;
  else if (activity === 'plan') content = <PresenterPlan />;
  else if (activity === 'assessment') content = <PresenterAssessment />;
  else if (activity === 'cycle') {
    content = (
      <Suspense fallback={<p role="status">Opening what changed…</p>}>
        <PresenterCycle />
      </Suspense>
    );
  }
  else if (exercise) content = <PresenterPhase phase={session.phase} joinCode={code} />;
  else {
    content = (
      <div className="presenter-split presenter-split--board">
        <PresenterBoardNotes />
        <JoinPanel code={code} compact />
      </div>
    );
  }

  return (
    <div className="presenter">
      <header className="presenter__header">
        <h1 className="presenter__title">{boardTitle}</h1>
        <div className="presenter__status">
          <StatusBanner status={save} readOnly />
        </div>
      </header>
      <div className="presenter__now">
        <h2 className="presenter__now-title">Now: {now}</h2>
        {exercise && activity === 'workshop' && (
          <div className="presenter__timer">
            <Timer />
          </div>
        )}
      </div>
      <main className="presenter__main">{content}</main>
    </div>
  );
}
