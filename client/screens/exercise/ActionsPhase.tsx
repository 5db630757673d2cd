import { useId, useMemo, useState } from 'react';
import { actionWarnings, agreementProblems } from '../../../shared/rules/actionReadiness';
import {
  type Action,
  ACTION_TEXT_LABELS,
  ACTION_FIELD_MAX_CHARS,
  type ActionTextField,
  EVALUATION_STEPS,
  NEXT_STEP_QUESTIONS,
  PLAN_COLUMNS,
} from '../../../shared/schema/exercise';
import { actionName, DeleteActionButton, StepsChecklist, TimescaleInput, usePlanPermissions } from '../plan/ActionEditors';
import { NameInput } from '../../components/NameInput';
import { actionTextField, useSharedText } from '../../sync/useSharedText';
import type { ThemeId } from '../../../shared/schema/ids';
import { announce } from '../../state/boardUi';
import { useBoardIdentity, useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useActionChecks, useActionEvaluation, useActionResponses, useActions, useExerciseActions, useIsFacilitator, useSession, useThemes } from '../../sync/useExerciseState';
import { useVoteResults } from './VotePhase';
import { PlanDownloads } from '../plan/PlanDownloads';

/** Fields written as a line; the others get room for a few sentences. */
const SHORT_FIELDS = new Set<ActionTextField>(['owner']);
const FIELD_HINTS: Partial<Record<ActionTextField, string>> = {
  topic: 'What area, and what you want to achieve.',
  owner: 'Who makes sure it happens: a person, a role or a team.',
};

function ActionField({ action, field }: { action: Action; field: ActionTextField }) {
  const actions = useExerciseActions();
  const canEdit = useCanChangeBoard();
  const session = useSession();
  const id = useId();
  const hint = FIELD_HINTS[field];
  const text = useSharedText<HTMLInputElement & HTMLTextAreaElement>(actionTextField(action.id, field), action[field], (next) =>
    actions.updateAction(action.id, { [field]: next }),
  );
  const common = {
    ...text,
    id,
    className: `field__input action__input${SHORT_FIELDS.has(field) ? '' : ' action-fields__text'}`,
    maxLength: ACTION_FIELD_MAX_CHARS,
    readOnly: !canEdit || session.actionsAgreed,
    'aria-describedby': hint ? `${id}-hint` : undefined,
  };
  return (
    <div className="action-fields__field" data-field={field}>
      <label className="field__label" htmlFor={id}>
        {ACTION_TEXT_LABELS[field]}
      </label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {SHORT_FIELDS.has(field) ? <input type="text" {...common} /> : <textarea rows={2} {...common} />}
    </div>
  );
}

/** The guide's questions before agreeing an action, ticked or noted against by the group. */
function NextStepsCheck({ action, name }: { action: Action; name: string }) {
  const actions = useExerciseActions();
  const checks = useActionChecks(action.id);
  const canEdit = useCanChangeBoard();
  const mine = checks ?? {};
  const done = NEXT_STEP_QUESTIONS.filter((q) => mine[q.key]?.done).length;
  return (
    <details className="next-steps">
      <summary>
        Next-steps check ({done} of {NEXT_STEP_QUESTIONS.length})<span className="visually-hidden"> for “{name}”</span>
      </summary>
      <ul className="next-steps__list">
        {NEXT_STEP_QUESTIONS.map((question) => (
          <li key={question.key} className="next-steps__item">
            <label className="next-steps__question">
              <input
                type="checkbox"
                checked={mine[question.key]?.done ?? false}
                disabled={!canEdit}
                onChange={(event) => actions.setNextStepCheck(action.id, question.key, { done: event.target.checked })}
              />{' '}
              {question.text}
            </label>
            <NameInput
              aria-label={`Note on: ${question.text}`}
              className="field__input next-steps__note"
              value={mine[question.key]?.note ?? ''}
              disabled={!canEdit}
              allowBlank
              placeholder="Note (optional)"
              onCommit={(note) => actions.setNextStepCheck(action.id, question.key, { note })}
            />
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The guide's six steps for evaluating an action's impact, all optional. */
function EvaluationPlan({ action, name }: { action: Action; name: string }) {
  const actions = useExerciseActions();
  const evaluation = useActionEvaluation(action.id);
  const canEdit = useCanChangeBoard();
  const plan = evaluation ?? {};
  const written = EVALUATION_STEPS.filter((step) => plan[step.key]).length;
  return (
    <details className="next-steps">
      <summary>
        Evaluation plan ({written} of {EVALUATION_STEPS.length} steps)<span className="visually-hidden"> for “{name}”</span>
      </summary>
      <ol className="next-steps__list">
        {EVALUATION_STEPS.map((step) => (
          <li key={step.key} className="next-steps__item">
            <label className="next-steps__question">
              <strong>{step.title}</strong> <span className="setup__hint">{step.hint}</span>
              <NameInput
                multiline
                className="field__input next-steps__note"
                value={plan[step.key] ?? ''}
                disabled={!canEdit}
                allowBlank
                onCommit={(text) => actions.setEvaluationStep(action.id, step.key, text)}
              />
            </label>
          </li>
        ))}
      </ol>
    </details>
  );
}

function ActionCard({ action, index }: { action: Action; index: number }) {
  const actions = useExerciseActions();
  const responses = useActionResponses(action.id);
  const session = useSession();
  const themes = useThemes();
  const { participantId } = useBoardIdentity();
  const canEdit = useCanChangeBoard();
  const response = responses ?? { agree: [], concern: [] };
  const mine = participantId ? (response.agree.includes(participantId) ? 'agree' : response.concern.includes(participantId) ? 'concern' : null) : null;
  const theme = themes.find((t) => t.id === action.themeId);
  const fromDiagram = useBoardState((state) => state.diagrams.nodes.find((n) => n.actionId === action.id && !n.deleted));
  const name = actionName(action, index);
  const permissions = usePlanPermissions();
  return (
    <li className="action">
      <fieldset className="action__fieldset">
        <legend className="action__legend">
          Action {index + 1}
          {theme && <span className="action__theme"> – from the theme “{theme.title}”</span>}
        </legend>
        {fromDiagram && <p className="action__from-diagram">From the driver diagram: the change idea “{fromDiagram.text}”</p>}
        {/* The plan's grid of fields (client/screens/plan/plan.css): two wide columns where the card has room, one on a phone. */}
        <div className="action-fields">
          {PLAN_COLUMNS.map((column) =>
            column === 'timescale' ? (
              <div key={column} className="action-fields__field" data-field={column}>
                <TimescaleInput action={action} name={name} readOnly={!canEdit || session.actionsAgreed} />
              </div>
            ) : column === 'steps' ? (
              <div key={column} className="action-fields__field" data-field={column}>
                <StepsChecklist action={action} name={name} permissions={{ ...permissions, canWrite: canEdit && !session.actionsAgreed }} />
              </div>
            ) : (
              <ActionField key={column} action={action} field={column} />
            ),
          )}
        </div>
      </fieldset>
      {actionWarnings(action).length > 0 && (
        <ul className="action__warnings" aria-label={`Missing from “${name}”`}>
          {actionWarnings(action).map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      <NextStepsCheck action={action} name={name} />
      <EvaluationPlan action={action} name={name} />
      <p className="action__responses" aria-live="polite">
        {plural(response.agree.length, 'person agrees', 'people agree')}, {plural(response.concern.length, 'concern')}
      </p>
      {canEdit && (
        <div className="action__tools">
          <button
            type="button"
            className="button button--small"
            aria-pressed={mine === 'agree'}
            onClick={() => actions.respondToAction(action.id, mine === 'agree' ? null : 'agree')}
          >
            Agree<span className="visually-hidden"> with “{name}”</span>
          </button>
          <button
            type="button"
            className="button button--small button--secondary"
            aria-pressed={mine === 'concern'}
            onClick={() => actions.respondToAction(action.id, mine === 'concern' ? null : 'concern')}
          >
            Concern<span className="visually-hidden"> about “{name}”</span>
          </button>
          {!session.actionsAgreed && (
            <DeleteActionButton action={action} name={name} />
          )}
        </div>
      )}
    </li>
  );
}

/** Themes to draft actions from: the vote's ranking when there is one, else the comparison's order. */
function useTopThemes(): { id: ThemeId; title: string; dots: number | null }[] {
  const themes = useThemes();
  const session = useSession();
  const results = useVoteResults();
  return useMemo(() => {
    if (results && session.voteTarget === 'themes') {
      return results
        .map((r) => ({ id: r.itemId as ThemeId, title: r.label, dots: r.dots as number | null }))
        .filter((t) => themes.some((theme) => theme.id === t.id));
    }
    return themes.map((t) => ({ id: t.id, title: t.title, dots: null }));
  }, [results, themes, session.voteTarget]);
}

/**
 * Agree actions: draft them from the top themes with the plan's columns,
 * signal agree or concern live, and (the facilitator) mark three to five agreed.
 */
export function ActionsPhase() {
  const drafts = useActions();
  const session = useSession();
  const canEdit = useCanChangeBoard();
  const isFacilitator = useIsFacilitator();
  const actions = useExerciseActions();
  const topThemes = useTopThemes();
  const problems = agreementProblems(drafts);
  // Once the facilitator has been refused, the reasons stay in view as they are now, and go once met.
  const [refused, setRefused] = useState(false);
  const drafted = new Set(drafts.map((d) => d.themeId));

  return (
    <section className="phase-panel" aria-label="Agree actions">
      {session.actionsAgreed && (
        <p className="actions__agreed" role="status">
          The actions are agreed.
        </p>
      )}
      {canEdit && !session.actionsAgreed && topThemes.length > 0 && (
        <section aria-labelledby="top-themes-heading" className="top-themes">
          <h3 id="top-themes-heading">Top themes</h3>
          <ol className="top-themes__list">
            {topThemes.slice(0, 8).map((theme) => (
              <li key={theme.id}>
                {theme.title}
                {theme.dots !== null && ` (${plural(theme.dots, 'dot')})`}{' '}
                <button
                  type="button"
                  className="button button--small button--secondary"
                  onClick={() => {
                    actions.addAction(theme.id, theme.title);
                    announce(`Drafted an action from “${theme.title}”.`);
                  }}
                >
                  {drafted.has(theme.id) ? 'Draft another action' : 'Draft an action'}
                  <span className="visually-hidden"> from “{theme.title}”</span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      <ol className="actions__list">
        {drafts.map((action, index) => (
          <ActionCard key={action.id} action={action} index={index} />
        ))}
      </ol>
      {canEdit && !session.actionsAgreed && (
        <button type="button" className="button button--secondary" onClick={() => actions.addAction(null, '')}>
          Add an action
        </button>
      )}
      <section className="actions__rule" aria-labelledby="rule-heading">
        <h3 id="rule-heading">Ready to agree?</h3>
        {problems.length === 0 ? (
          <p>
            {plural(drafts.length, 'action')}, each with an owner and a timescale: ready to agree.
          </p>
        ) : (
          <ul className="actions__problems">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        {isFacilitator &&
          (session.actionsAgreed ? (
            <button type="button" className="button button--secondary" onClick={() => actions.markActionsAgreed(false)}>
              Reopen the actions
            </button>
          ) : (
            <button
              type="button"
              className="button"
              // Not disabled: pressing it says what is missing, which a greyed-out button cannot.
              onClick={() => {
                const refusal = actions.markActionsAgreed(true);
                setRefused(refusal.length > 0);
                if (refusal.length === 0) announce('The actions are agreed.');
              }}
            >
              Mark the actions agreed
            </button>
          ))}
        <p className="actions__refusal" role="alert">
          {refused && !session.actionsAgreed && problems.length > 0 ? `Not yet: ${problems.join(' ')}` : ''}
        </p>
      </section>
      <PlanDownloads />
    </section>
  );
}
