import { useEffect, useRef } from 'react';
import { useBoardIdentity, useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useAssessmentRevealed, useAssessmentTopics, useExerciseActions, useIsFacilitator, useRaters, useSession } from '../../sync/useExerciseState';
import { Results } from './Results';
import { RatingList } from './RatingList';
import { TopicEditor } from './TopicEditor';
import { describeRaters } from './ratingWords';
import './assessment.css';

/** The facilitator's reveal, with how many have rated so far (a count over everyone, never who). */
function RevealControls({ revealed }: { revealed: boolean }) {
  const raters = useRaters();
  const { revealAssessment } = useExerciseActions();
  return (
    <div className="assessment-controls">
      {!revealed && (
        <p className="assessment-controls__count" role="status">
          {plural(raters, 'person', 'people')} {raters === 1 ? 'has' : 'have'} rated so far.
        </p>
      )}
      <button type="button" className={`button ${revealed ? 'button--secondary' : ''}`} onClick={() => revealAssessment(!revealed)}>
        {revealed ? 'Hide them again' : 'Reveal the ratings'}
      </button>
    </div>
  );
}

/**
 * Moves focus to the results' heading when the ratings are revealed on this
 * screen, for the facilitator who pressed the button (which then changes)
 * and for everyone whose list gave way to the results, so they start from
 * the top of what is new (as the phases do: usePhaseHeadingFocus). Not on
 * first load, and not out of a field someone is typing in.
 */
function useResultsFocus(revealed: boolean) {
  const heading = useRef<HTMLHeadingElement>(null);
  const shown = useRef(revealed);
  useEffect(() => {
    if (shown.current === revealed) return;
    shown.current = revealed;
    if (!revealed) return;
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.isConnected && active.matches('input[type="text"], textarea')) return;
    heading.current?.focus();
  }, [revealed]);
  return heading;
}

/**
 * The traffic-light self-assessment, an activity on every board:
 * each person rates each topic red, amber or green in private, with a line
 * of evidence if they like; the facilitator reveals everyone's ratings as a
 * spread per topic, and records the rating the group agrees.
 */
export function AssessmentView() {
  const topics = useAssessmentTopics();
  const revealed = useAssessmentRevealed();
  const session = useSession();
  const raters = useRaters();
  const isFacilitator = useIsFacilitator();
  const canChange = useCanChangeBoard();
  const { canEdit } = useBoardIdentity();
  const heading = useResultsFocus(revealed);

  return (
    <section className="assessment" aria-labelledby="assessment-heading">
      <h2 id="assessment-heading" className="assessment__title">
        Self-assessment
      </h2>
      <p className="assessment__intro">
        How well does the organisation do on each topic? Choose red if it has not been tackled yet, amber if it has started but needs more work, and green if it works well.
      </p>
      {revealed ? null : (
        <p className="assessment__privacy">
          Nobody sees anyone’s rating until the facilitator reveals them, and then only how many chose each colour{session.anonymous ? ', and the evidence without names' : ', with the evidence and who gave it'}.
          {!isFacilitator && ` ${describeRaters(raters)} so far.`}
        </p>
      )}
      {isFacilitator && canChange && <RevealControls revealed={revealed} />}
      {topics.length === 0 ? (
        <p>There are no topics to rate yet.{isFacilitator && ' Add one below.'}</p>
      ) : revealed ? (
        <Results topics={topics} headingRef={heading} />
      ) : (
        <RatingList topics={topics} />
      )}
      {isFacilitator && canChange && <TopicEditor topics={topics} />}
      {!canEdit && !revealed && <p className="assessment__viewer">You are viewing this board, so you have no ratings to give.</p>}
    </section>
  );
}
