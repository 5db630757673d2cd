import { useEffect, useId, useRef, useState } from 'react';
import { ASSESSMENT_TOPIC_MAX_CHARS, MAX_ASSESSMENT_TOPICS, type AssessmentTopic } from '../../../shared/schema/assessment';
import { announce } from '../../state/boardUi';
import { useExerciseActions } from '../../sync/useExerciseState';
import { ConfirmDialog } from '../shell/ConfirmDialog';

/**
 * A topic's title, renamed when the facilitator leaves the field or presses
 * Enter; a title left blank goes back to what it was, since a topic needs one.
 */
function TopicTitleField({ topic, number }: { topic: AssessmentTopic; number: number }) {
  const { renameTopic } = useExerciseActions();
  const [title, setTitle] = useState(topic.title);
  const field = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    if (document.activeElement !== field.current) setTitle(topic.title);
  }, [topic.title]);
  const finish = () => {
    const trimmed = title.trim();
    if (!trimmed) setTitle(topic.title);
    else if (trimmed !== topic.title) renameTopic(topic.id, trimmed);
  };
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        Topic {number}
      </label>
      <input
        ref={field}
        id={id}
        className="field__input topic-editor__title"
        type="text"
        value={title}
        maxLength={ASSESSMENT_TOPIC_MAX_CHARS}
        autoComplete="off"
        onChange={(event) => setTitle(event.target.value)}
        onBlur={finish}
        onKeyDown={(event) => {
          if (event.key === 'Enter') finish();
        }}
      />
    </>
  );
}

/**
 * The facilitator's editor of the board's topics: rename, reorder, delete
 * and add. Folded away by default, since the fourteen topics every board
 * starts with (shared/schema/assessment.ts) are usually what a group rates.
 */
export function TopicEditor({ topics }: { topics: AssessmentTopic[] }) {
  const { addTopic, deleteTopic, moveTopic } = useExerciseActions();
  const [newTitle, setNewTitle] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<AssessmentTopic | null>(null);
  const newId = useId();
  const full = topics.length >= MAX_ASSESSMENT_TOPICS;

  const summary = useRef<HTMLElement>(null);
  const move = (topic: AssessmentTopic, to: number, buttonId: string) => {
    moveTopic(topic.id, to);
    announce(`Moved “${topic.title}” to number ${to + 1} of ${topics.length}.`);
    // React moves the row, and the focused button with it; focusing it again by id keeps it where it is if the row was redrawn.
    requestAnimationFrame(() => document.getElementById(buttonId)?.focus());
  };
  // The dialog's caller puts focus back (ConfirmDialog): on the Delete button when kept, on the editor's summary when gone.
  const closeDialog = (deleted: boolean) => {
    const kept = deleting;
    setDeleting(null);
    requestAnimationFrame(() => (deleted || !kept ? summary.current : document.getElementById(`topic-delete-${kept.id}`))?.focus());
  };

  return (
    <details className="topic-editor">
      <summary className="topic-editor__summary" ref={summary}>Edit the topics</summary>
      <ol className="topic-editor__list">
        {topics.map((topic, index) => (
          <li key={topic.id} className="topic-editor__item">
            <TopicTitleField topic={topic} number={index + 1} />
            <span className="topic-editor__buttons">
              <button
                type="button"
                id={`topic-up-${topic.id}`}
                className="button button--small button--secondary"
                aria-disabled={index === 0}
                onClick={() => index > 0 && move(topic, index - 1, `topic-up-${topic.id}`)}
              >
                Move up<span className="visually-hidden"> “{topic.title}”</span>
              </button>
              <button
                type="button"
                id={`topic-down-${topic.id}`}
                className="button button--small button--secondary"
                aria-disabled={index === topics.length - 1}
                onClick={() => index < topics.length - 1 && move(topic, index + 1, `topic-down-${topic.id}`)}
              >
                Move down<span className="visually-hidden"> “{topic.title}”</span>
              </button>
              <button type="button" id={`topic-delete-${topic.id}`} className="button button--small button--warning" onClick={() => setDeleting(topic)}>
                Delete<span className="visually-hidden"> “{topic.title}”</span>
              </button>
            </span>
          </li>
        ))}
      </ol>
      <form
        className="topic-editor__add"
        onSubmit={(event) => {
          event.preventDefault();
          if (!newTitle.trim()) {
            setProblem('Write the new topic first.');
            return;
          }
          if (addTopic(newTitle.trim())) {
            announce(`Added “${newTitle.trim()}”.`);
            setNewTitle('');
            setProblem(null);
          } else setProblem(full ? `A board holds at most ${MAX_ASSESSMENT_TOPICS} topics.` : 'The topic could not be added.');
        }}
      >
        <div className={`field ${problem ? 'field--error' : ''}`}>
          <label className="field__label" htmlFor={newId}>
            A new topic
          </label>
          <p className="field__error" role="alert">
            {problem}
          </p>
          <input id={newId} className="field__input" type="text" value={newTitle} maxLength={ASSESSMENT_TOPIC_MAX_CHARS} autoComplete="off" onChange={(event) => setNewTitle(event.target.value)} />
        </div>
        <button type="submit" className="button button--small" aria-disabled={full}>
          Add the topic
        </button>
      </form>
      {deleting && (
        <ConfirmDialog
          title="Delete this topic?"
          confirmLabel="Delete the topic"
          cancelLabel="Keep it"
          danger
          onConfirm={() => {
            deleteTopic(deleting.id);
            announce(`Deleted “${deleting.title}”.`);
            closeDialog(true);
          }}
          onCancel={() => closeDialog(false)}
        >
          <p>
            “{deleting.title}” goes for everyone, with everyone’s ratings of it and its agreed rating.
          </p>
        </ConfirmDialog>
      )}
    </details>
  );
}
