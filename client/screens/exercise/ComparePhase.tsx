import { type FormEvent, useId, useMemo, useState } from 'react';
import { type Announcements, DndContext, type DragEndEvent, useDraggable, useDroppable } from '@dnd-kit/core';
import { useHandleDragSensors } from '../../components/useHandleDragSensors';
import { CSS } from '@dnd-kit/utilities';
import { compareThemes, type ThemeComparison } from '../../../shared/rules/comparison';
import type { NoteId, ThemeId } from '../../../shared/schema/ids';
import type { Note } from '../../../shared/schema/records';
import { type Theme, THEME_TITLE_MAX_CHARS } from '../../../shared/schema/exercise';
import { announce } from '../../state/boardUi';
import { useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useExerciseActions, useLaneNames, usePerspectives, useThemes } from '../../sync/useExerciseState';
import { SharedTextInput } from '../../components/SharedTextInput';
import { themeTitleField } from '../../sync/useSharedText';
import { usePromoteToDiagram } from '../diagram/useDiagram';

const NEW_THEME = '__new__';
const UNGROUPED_ZONE = 'ungrouped';
const noteZone = (id: string) => `note:${id}`;
const themeZone = (id: string) => `theme:${id}`;

function shortText(text: string): string {
  const trimmed = text.trim() || 'an empty note';
  return trimmed.length > 50 ? `${trimmed.slice(0, 50)}…` : trimmed;
}

/** A note that can be dragged onto another note or a theme, or moved with its menu. */
function GroupableNote({ note, themes, canEdit }: { note: Note; themes: Theme[]; canEdit: boolean }) {
  const actions = useExerciseActions();
  const promote = usePromoteToDiagram();
  const laneNames = useLaneNames();
  const selectId = useId();
  const drag = useDraggable({ id: noteZone(note.id), disabled: !canEdit });
  const drop = useDroppable({ id: noteZone(note.id), disabled: !canEdit });
  const setRef = (element: HTMLElement | null) => {
    drag.setNodeRef(element);
    drop.setNodeRef(element);
  };
  const moveTo = (value: string) => {
    if (value === NEW_THEME) {
      actions.addTheme(shortText(note.text), [note.id]);
      announce(`A new theme now holds “${shortText(note.text)}”.`);
      return;
    }
    const theme = themes.find((t) => t.id === value);
    actions.moveNoteToTheme(note.id, (value || null) as ThemeId | null);
    announce(theme ? `Moved to the theme “${theme.title}”.` : 'Taken out of its theme.');
  };
  return (
    <li
      ref={setRef}
      className={`lane-note lane-note--groupable${drag.isDragging ? ' lane-note--dragging' : ''}${drop.isOver && !drag.isDragging ? ' lane-note--target' : ''}`}
      style={{ transform: CSS.Translate.toString(drag.transform) }}
    >
      {canEdit && (
        <button type="button" className="lane-note__handle" {...drag.listeners} {...drag.attributes} aria-label={`Drag note “${shortText(note.text)}”`}>
          ⠿
        </button>
      )}
      <p className="lane-note__text">{note.text}</p>
      <p className="lane-note__lane">{note.perspectiveId ? (laneNames.get(note.perspectiveId) ?? '') : ''}</p>
      {canEdit && (
        <button
          type="button"
          className="button button--small button--secondary lane-note__promote"
          onClick={() => announce(promote({ kind: 'note', id: note.id, themeId: note.themeId }))}
        >
          Add to the driver diagram<span className="visually-hidden">: {shortText(note.text)}</span>
        </button>
      )}
      {canEdit && (
        <div className="lane-note__move">
          <label htmlFor={selectId} className="lane-note__move-label">
            Move to theme
          </label>
          <select id={selectId} className="participants__select" value={note.themeId ?? ''} onChange={(event) => moveTo(event.target.value)}>
            <option value="">No theme</option>
            {themes.map((theme) => (
              <option key={theme.id} value={theme.id}>
                {theme.title}
              </option>
            ))}
            <option value={NEW_THEME}>A new theme</option>
          </select>
        </div>
      )}
    </li>
  );
}

/** A theme's title, typed into live; one left blank gets back the title it had. */
function ThemeTitle({ theme, canEdit }: { theme: Theme; canEdit: boolean }) {
  const actions = useExerciseActions();
  const id = useId();
  if (!canEdit) return <h3 className="theme__title">{theme.title}</h3>;
  return (
    <div className="theme__title-field">
      <label htmlFor={id} className="visually-hidden">
        Theme title
      </label>
      <SharedTextInput
        id={id}
        className="field__input theme__title-input"
        address={themeTitleField(theme.id)}
        value={theme.title}
        maxLength={THEME_TITLE_MAX_CHARS}
        onFallbackChange={(title) => actions.renameTheme(theme.id, title)}
        onLeftBlank={(before) => actions.renameTheme(theme.id, before)}
      />
    </div>
  );
}

function ThemeColumn({ item, themes, canEdit }: { item: ThemeComparison; themes: Theme[]; canEdit: boolean }) {
  const actions = useExerciseActions();
  const promote = usePromoteToDiagram();
  const { isOver, setNodeRef } = useDroppable({ id: themeZone(item.theme.id), disabled: !canEdit });
  return (
    <section ref={setNodeRef} className={`theme${isOver ? ' theme--target' : ''}`} aria-label={`Theme: ${item.theme.title}`}>
      <ThemeTitle theme={item.theme} canEdit={canEdit} />
      <p className="theme__count">{plural(item.notes.length, 'note')}</p>
      <ul className="lane__notes">
        {item.notes.map((note) => (
          <GroupableNote key={note.id} note={note} themes={themes} canEdit={canEdit} />
        ))}
      </ul>
      {canEdit && (
        <div className="lane-note__tools">
          <button type="button" className="button button--small button--secondary" onClick={() => announce(promote({ kind: 'theme', id: item.theme.id }))}>
            Add to the driver diagram<span className="visually-hidden"> as a driver: {item.theme.title}</span>
          </button>
          <button type="button" className="button button--small button--secondary" onClick={() => actions.deleteTheme(item.theme.id)}>
            Delete theme<span className="visually-hidden"> {item.theme.title}</span>
          </button>
        </div>
      )}
    </section>
  );
}

function Ungrouped({ notes, themes, canEdit }: { notes: Note[]; themes: Theme[]; canEdit: boolean }) {
  const { isOver, setNodeRef } = useDroppable({ id: UNGROUPED_ZONE, disabled: !canEdit });
  return (
    <section ref={setNodeRef} className={`theme theme--ungrouped${isOver ? ' theme--target' : ''}`} aria-label="Notes in no theme">
      <h3 className="theme__title">Not in a theme yet ({notes.length})</h3>
      <ul className="lane__notes">
        {notes.map((note) => (
          <GroupableNote key={note.id} note={note} themes={themes} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}

function AddTheme() {
  const actions = useExerciseActions();
  const [title, setTitle] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    actions.addTheme(title);
    announce(`Theme “${title.trim()}” added.`);
    setTitle('');
  };
  return (
    <form className="add-theme" onSubmit={submit}>
      <label htmlFor={id} className="field__label">
        New theme
      </label>
      <div className="setup__lane-row">
        <input id={id} className="field__input" value={title} maxLength={THEME_TITLE_MAX_CHARS} onChange={(event) => setTitle(event.target.value)} />
        <button type="submit" className="button button--small">
          Add theme
        </button>
      </div>
    </form>
  );
}

/** The notes behind a theme, each with its lane, so the group can talk about what each perspective said. */
function ThemeNotes({ item }: { item: ThemeComparison }) {
  const laneNames = useLaneNames();
  return (
    <ul className="comparison__notes">
      {item.notes.map((note) => (
        <li key={note.id}>
          {note.text} <span className="comparison__lane">({note.perspectiveId ? (laneNames.get(note.perspectiveId) ?? '') : 'no lane'})</span>
        </li>
      ))}
    </ul>
  );
}

/** Which perspectives share each theme, and which see it alone. */
function ComparisonView({ items, ungrouped }: { items: ThemeComparison[]; ungrouped: number }) {
  const laneNames = useLaneNames();
  const names = (ids: readonly string[]) => ids.map((id) => laneNames.get(id) ?? id).join(', ');
  const similarities = items.filter((i) => i.kind === 'similarity');
  const differences = items.filter((i) => i.kind === 'difference');
  return (
    <div className="comparison">
      <section aria-labelledby="similarities-heading">
        <h3 id="similarities-heading">Similarities: shared by several perspectives ({similarities.length})</h3>
        {similarities.length === 0 && <p>No theme has notes from more than one perspective yet.</p>}
        <ul className="comparison__list">
          {similarities.map((item) => (
            <li key={item.theme.id} className="comparison__item comparison__item--similar">
              <strong>{item.theme.title}</strong> <span>({plural(item.notes.length, 'note')})</span>
              <p>Raised by: {names(item.contributing)}</p>
              {item.silent.length > 0 && <p className="comparison__silent">Said nothing on it: {names(item.silent)}</p>}
              <ThemeNotes item={item} />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="differences-heading">
        <h3 id="differences-heading">Differences: seen by one perspective only ({differences.length})</h3>
        {differences.length === 0 && <p>No theme is seen by one perspective alone.</p>}
        <ul className="comparison__list">
          {differences.map((item) => (
            <li key={item.theme.id} className="comparison__item comparison__item--different">
              <strong>{item.theme.title}</strong> <span>({plural(item.notes.length, 'note')})</span>
              <p>Only: {names(item.contributing)}</p>
              <p className="comparison__silent">Said nothing on it: {names(item.silent)}</p>
              <ThemeNotes item={item} />
            </li>
          ))}
        </ul>
      </section>
      {ungrouped > 0 && <p>{plural(ungrouped, 'note')} not in any theme yet.</p>}
    </div>
  );
}

/**
 * Compare: group notes into themes by dragging (a note onto a note or a
 * theme) or with each note's "Move to theme" menu, then see what the
 * perspectives share and where they differ.
 */
export function ComparePhase() {
  const notes = useBoardState((state) => state.notes);
  const themes = useThemes();
  const perspectives = usePerspectives();
  const canEdit = useCanChangeBoard();
  const actions = useExerciseActions();
  const [view, setView] = useState<'group' | 'compare'>('group');
  const comparison = useMemo(() => compareThemes(themes, notes, perspectives), [themes, notes, perspectives]);
  const sensors = useHandleDragSensors();
  const textOf = (zone: string | number | undefined) => {
    const id = String(zone ?? '');
    if (id.startsWith('note:')) return `note “${shortText(notes.find((n) => n.id === id.slice(5))?.text ?? '')}”`;
    if (id.startsWith('theme:')) return `theme “${themes.find((t) => t.id === id.slice(6))?.title ?? ''}”`;
    return 'the notes in no theme';
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${textOf(active.id)}.`,
    onDragOver: ({ over }) => (over ? `Over ${textOf(over.id)}.` : undefined),
    onDragEnd: ({ active, over }) => (over ? `Dropped ${textOf(active.id)} on ${textOf(over.id)}.` : `Dropped ${textOf(active.id)}.`),
    onDragCancel: ({ active }) => `Cancelled moving ${textOf(active.id)}.`,
  };
  const handleDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return;
    const dragged = String(active.id).slice(5) as NoteId;
    const target = String(over.id);
    if (target.startsWith('theme:')) actions.moveNoteToTheme(dragged, target.slice(6) as ThemeId);
    else if (target.startsWith('note:') && target !== String(active.id)) actions.groupNotes(dragged, target.slice(5) as NoteId);
    else if (target === UNGROUPED_ZONE) actions.moveNoteToTheme(dragged, null);
  };

  return (
    <section className="phase-panel" aria-label="Compare">
      <div className="view-switch" role="group" aria-label="View">
        <button type="button" className="button button--small button--secondary" aria-pressed={view === 'group'} onClick={() => setView('group')}>
          Group notes into themes
        </button>
        <button type="button" className="button button--small button--secondary" aria-pressed={view === 'compare'} onClick={() => setView('compare')}>
          Compare the perspectives
        </button>
      </div>
      {view === 'compare' ? (
        <ComparisonView items={comparison.themes} ungrouped={comparison.ungrouped.length} />
      ) : (
        <>
          {canEdit && <AddTheme />}
          <DndContext sensors={sensors} onDragEnd={handleDragEnd} accessibility={{ announcements }}>
            <div className="themes">
              <Ungrouped notes={comparison.ungrouped} themes={themes} canEdit={canEdit} />
              {/* In the order they were made, so a theme does not jump while people group notes. */}
              {themes.map((theme) => {
                const item = comparison.themes.find((candidate) => candidate.theme.id === theme.id);
                return item ? <ThemeColumn key={theme.id} item={item} themes={themes} canEdit={canEdit} /> : null;
              })}
            </div>
          </DndContext>
        </>
      )}
    </section>
  );
}
