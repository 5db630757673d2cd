import { type FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { type Announcements, DndContext, type DragEndEvent, type ScreenReaderInstructions, useDraggable, useDroppable } from '@dnd-kit/core';
import { useNoteDragSensors } from '../../components/noteDragSensors';
import { ActionMenu, type ActionMenuHandle, type MenuEntry } from '../../components/ActionMenu';
import { confirm, Confirmation } from '../../components/Confirmation';
import { movedNoteFocused, noteMoved, useMovedNote } from './movedNote';
import { CSS } from '@dnd-kit/utilities';
import { themeComparisonChart, themeComparisonFromBoard } from '../../../shared/charts';
import { compareThemes, type ThemeComparison } from '../../../shared/rules/comparison';
import type { NoteId, ThemeId } from '../../../shared/schema/ids';
import type { Note } from '../../../shared/schema/records';
import { type Perspective, type Theme, THEME_TITLE_MAX_CHARS } from '../../../shared/schema/exercise';
import { announce } from '../../state/boardUi';
import { useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { plural, useExerciseActions, useIsFacilitator, useLaneNames, usePerspectives, useThemes } from '../../sync/useExerciseState';
import { sameTitle, useTopicsNeedingWork } from '../assessment/needingWork';
import { SharedTextInput } from '../../components/SharedTextInput';
import { themeTitleField } from '../../sync/useSharedText';
import { usePromoteToDiagram } from '../diagram/useDiagram';
import { AddToDiagram } from '../diagram/AddToDiagram';
import { Chart } from '../../components/Chart';

const UNGROUPED_ZONE = 'ungrouped';
const noteZone = (id: string) => `note:${id}`;
const themeZone = (id: string) => `theme:${id}`;

function shortText(text: string): string {
  const trimmed = text.trim() || 'an empty note';
  return trimmed.length > 50 ? `${trimmed.slice(0, 50)}…` : trimmed;
}

/** Only Space picks a note up (useNoteDragSensors), so the instructions say so. */
const DRAG_INSTRUCTIONS: ScreenReaderInstructions = {
  draggable:
    'To move this note into a theme, press Space to pick it up, use the arrow keys to move it over a theme or another note, then press Space again to drop it, or Escape to cancel. Or use its Actions menu.',
};

/** Where confirmations of what happened on the compare board show (Confirmation's place). */
const CONFIRM_PLACE = 'compare';
/** The heading focus goes to when the theme that held focus is deleted. */
const UNGROUPED_HEADING_ID = 'compare-ungrouped-heading';

/**
 * A note that can be dragged (by the note itself) onto another note or a
 * theme, or acted on with its one menu: move to a theme, start a new theme,
 * add it to the driver diagram (one menu per note, not a handle,
 * a button and a select on each).
 */
function GroupableNote({ note, themes, canEdit }: { note: Note; themes: Theme[]; canEdit: boolean }) {
  const actions = useExerciseActions();
  const promote = usePromoteToDiagram();
  const laneNames = useLaneNames();
  const textId = useId();
  const laneId = useId();
  const menu = useRef<ActionMenuHandle>(null);
  const element = useRef<HTMLDivElement | null>(null);
  const { moved, focus } = useMovedNote(note.id, note.themeId ?? null);
  const drag = useDraggable({ id: noteZone(note.id), disabled: !canEdit });
  const drop = useDroppable({ id: noteZone(note.id), disabled: !canEdit });
  const { setNodeRef: setDragNode, setActivatorNodeRef } = drag;
  const { setNodeRef: setDropNode } = drop;
  // The whole note is what moves, what starts a move and what another note is dropped on.
  const setRef = useCallback(
    (node: HTMLDivElement | null) => {
      element.current = node;
      setDragNode(node);
      setActivatorNodeRef(node);
      setDropNode(node);
    },
    [setDragNode, setActivatorNodeRef, setDropNode],
  );

  // A note moved here is a new element in its new column: focus follows it there.
  useEffect(() => {
    if (!focus) return;
    if (focus === 'menu') menu.current?.focusButton();
    else element.current?.focus();
    movedNoteFocused();
  }, [focus]);

  const short = shortText(note.text);
  const moveTo = (theme: Theme | null) => {
    actions.moveNoteToTheme(note.id, theme?.id ?? null);
    noteMoved(note.id, theme?.id ?? null, 'menu');
    confirm(theme ? `Moved “${short}” to the theme “${theme.title}”.` : `Took “${short}” out of its theme.`, CONFIRM_PLACE);
  };
  const startTheme = () => {
    const themeId = actions.addTheme(short, [note.id]);
    if (!themeId) return;
    noteMoved(note.id, themeId, 'menu');
    confirm(`Started a new theme, “${short}”, with this note.`, CONFIRM_PLACE);
  };
  const entries: MenuEntry[] = [
    {
      key: 'move',
      label: 'Move to theme',
      items: [
        ...themes.map((theme) => ({ key: theme.id, label: theme.title || 'Untitled theme', current: note.themeId === theme.id, onSelect: () => moveTo(theme) })),
        { key: 'none', label: 'No theme', current: !note.themeId, onSelect: () => moveTo(null) },
      ],
    },
    { key: 'new-theme', label: 'New theme from this note', onSelect: startTheme },
    { key: 'diagram', label: 'Add to the driver diagram', onSelect: () => confirm(promote({ kind: 'note', id: note.id, label: note.text }), CONFIRM_PLACE) },
  ];

  return (
    <li className={`lane-note lane-note--groupable${drag.isDragging ? ' lane-note--dragging' : ''}${drop.isOver && !drag.isDragging ? ' lane-note--target' : ''}${moved ? ' lane-note--moved' : ''}`}>
      <div
        ref={setRef}
        className="lane-note__body"
        style={{ transform: CSS.Translate.toString(drag.transform) }}
        role="group"
        aria-roledescription="note"
        aria-labelledby={`${textId} ${laneId}`}
        aria-describedby={canEdit ? drag.attributes['aria-describedby'] : undefined}
        tabIndex={canEdit ? 0 : undefined}
        {...(canEdit ? drag.listeners : undefined)}
      >
        <div className="lane-note__words">
          <p className="lane-note__text" id={textId}>
            {note.text}
          </p>
          <p className="lane-note__lane" id={laneId}>
            {note.perspectiveId ? (laneNames.get(note.perspectiveId) ?? '') : ''}
          </p>
        </div>
        {canEdit && <ActionMenu handle={menu} label={`Actions for note: ${short}`} buttonText="Actions" entries={entries} className="lane-note__menu" />}
      </div>
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

/** A theme's column: its title, its notes, and its menu (add it to the driver diagram, delete it). */
function ThemeColumn({ item, themes, canEdit }: { item: ThemeComparison; themes: Theme[]; canEdit: boolean }) {
  const actions = useExerciseActions();
  const promote = usePromoteToDiagram();
  const { isOver, setNodeRef } = useDroppable({ id: themeZone(item.theme.id), disabled: !canEdit });
  const title = item.theme.title;
  const entries: MenuEntry[] = [
    { key: 'diagram', label: 'Add to the driver diagram', onSelect: () => confirm(promote({ kind: 'theme', id: item.theme.id, label: title }), CONFIRM_PLACE) },
    {
      key: 'delete',
      label: 'Delete theme',
      onSelect: () => {
        actions.deleteTheme(item.theme.id);
        // The menu's button goes with the theme: focus goes to the notes it held, now in no theme.
        document.getElementById(UNGROUPED_HEADING_ID)?.focus();
        confirm(`Deleted the theme “${title}”; its notes are in no theme now.`, CONFIRM_PLACE);
      },
    },
  ];
  return (
    <section ref={setNodeRef} className={`theme${isOver ? ' theme--target' : ''}`} aria-label={`Theme: ${title}`}>
      <div className="theme__head">
        <ThemeTitle theme={item.theme} canEdit={canEdit} />
        {canEdit && <ActionMenu label={`Actions for theme: ${title}`} buttonText="Actions" entries={entries} />}
      </div>
      <p className="theme__count">{plural(item.notes.length, 'note')}</p>
      <ul className="lane__notes">
        {item.notes.map((note) => (
          <GroupableNote key={note.id} note={note} themes={themes} canEdit={canEdit} />
        ))}
      </ul>
    </section>
  );
}

function Ungrouped({ notes, themes, canEdit }: { notes: Note[]; themes: Theme[]; canEdit: boolean }) {
  const { isOver, setNodeRef } = useDroppable({ id: UNGROUPED_ZONE, disabled: !canEdit });
  return (
    <section ref={setNodeRef} className={`theme theme--ungrouped${isOver ? ' theme--target' : ''}`} aria-label="Notes in no theme">
      <h3 className="theme__title" id={UNGROUPED_HEADING_ID} tabIndex={-1}>
        Not in a theme yet ({notes.length})
      </h3>
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

/**
 * The self-assessment's topics agreed red or amber (red first), offered to
 * the facilitator as starting themes; a topic already a
 * theme of the same title (case-insensitive) is not offered again.
 */
function ThemesFromTopics({ themes }: { themes: readonly Theme[] }) {
  const actions = useExerciseActions();
  const needing = useTopicsNeedingWork();
  const headingId = useId();
  const offered = needing.filter(({ topic }) => !themes.some((theme) => sameTitle(theme.title, topic.title)));
  if (offered.length === 0) return null;
  return (
    <section className="themes-from-topics" aria-labelledby={headingId}>
      <h3 id={headingId} className="field__label">
        Topics the self-assessment says need work
      </h3>
      <ul className="themes-from-topics__list">
        {offered.map(({ topic, rating, colour }) => (
          <li key={topic.id} className={`themes-from-topics__item themes-from-topics__item--${rating}`}>
            <span>
              {topic.title} (agreed {colour})
            </span>{' '}
            <button
              type="button"
              className="button button--small button--secondary"
              aria-label={`Add “${topic.title}” as a theme`}
              onClick={() => {
                const title = topic.title.slice(0, THEME_TITLE_MAX_CHARS);
                if (!actions.addTheme(title)) return;
                announce(`Theme “${title}” added.`);
              }}
            >
              Add as a theme
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The notes behind a theme, each with its lane, so the group can talk about
 * what each perspective said; each can go into the driver diagram from here
 * too, as from the grouping view (offered wherever notes are shown).
 */
function ThemeNotes({ item, canEdit }: { item: ThemeComparison; canEdit: boolean }) {
  const laneNames = useLaneNames();
  return (
    <ul className="comparison__notes">
      {item.notes.map((note) => (
        <li key={note.id}>
          <p className="comparison__note">
            {note.text} <span className="comparison__lane">({note.perspectiveId ? (laneNames.get(note.perspectiveId) ?? '') : 'no lane'})</span>
          </p>
          {canEdit && <AddToDiagram source={{ kind: 'note', id: note.id, label: note.text }} place={CONFIRM_PLACE} />}
        </li>
      ))}
    </ul>
  );
}

/**
 * The matrix of themes × perspectives (shared/charts/themeComparison.ts),
 * above the lists that say the same in words: which lanes raised each theme
 * and with how many notes. Those lists are what screen readers read, so the
 * picture is decorative (Chart.tsx). Drawn again only when the themes, their
 * notes or the lanes change.
 */
function ComparisonChart({ items, perspectives }: { items: ThemeComparison[]; perspectives: readonly Perspective[] }) {
  const svg = useMemo(() => themeComparisonChart(themeComparisonFromBoard({ themes: items }, perspectives)), [items, perspectives]);
  return <Chart svg={svg} className="comparison__chart" />;
}

/**
 * One theme of the comparison: its title and notes, which lanes raised it and
 * with how many notes each (the counts the matrix above draws), which said
 * nothing on it, and "Add to the driver diagram" for the theme and each note.
 */
function ComparedTheme({ item, canEdit }: { item: ThemeComparison; canEdit: boolean }) {
  const laneNames = useLaneNames();
  const names = (ids: readonly string[]) => ids.map((id) => laneNames.get(id) ?? id).join(', ');
  const withCounts = (ids: readonly string[]) =>
    ids.map((id) => `${laneNames.get(id) ?? id} (${plural(item.notes.filter((note) => note.perspectiveId === id).length, 'note')})`).join(', ');
  const similar = item.kind === 'similarity';
  return (
    <li className={`comparison__item comparison__item--${similar ? 'similar' : 'different'}`}>
      <p className="comparison__theme">
        <strong>{item.theme.title}</strong> <span>({plural(item.notes.length, 'note')})</span>
      </p>
      {canEdit && <AddToDiagram source={{ kind: 'theme', id: item.theme.id, label: item.theme.title }} place={CONFIRM_PLACE} />}
      <p>{similar ? 'Raised by' : 'Only'}: {withCounts(item.contributing)}</p>
      {item.silent.length > 0 && <p className="comparison__silent">Said nothing on it: {names(item.silent)}</p>}
      <ThemeNotes item={item} canEdit={canEdit} />
    </li>
  );
}

/** Which perspectives share each theme, and which see it alone: a chart, then the same in words. */
function ComparisonView({ items, ungrouped, perspectives, canEdit }: { items: ThemeComparison[]; ungrouped: number; perspectives: readonly Perspective[]; canEdit: boolean }) {
  const similarities = items.filter((i) => i.kind === 'similarity');
  const differences = items.filter((i) => i.kind === 'difference');
  // The chart draws the themes the lists below name (a theme with no notes is in neither), so the picture and the words agree.
  const charted = useMemo(() => items.filter((i) => i.kind !== 'empty'), [items]);
  return (
    <div className="comparison">
      {charted.length > 0 && <ComparisonChart items={charted} perspectives={perspectives} />}
      <section aria-labelledby="similarities-heading">
        <h3 id="similarities-heading">Similarities: shared by several perspectives ({similarities.length})</h3>
        {similarities.length === 0 && <p>No theme has notes from more than one perspective yet.</p>}
        <ul className="comparison__list">
          {similarities.map((item) => (
            <ComparedTheme key={item.theme.id} item={item} canEdit={canEdit} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="differences-heading">
        <h3 id="differences-heading">Differences: seen by one perspective only ({differences.length})</h3>
        {differences.length === 0 && <p>No theme is seen by one perspective alone.</p>}
        <ul className="comparison__list">
          {differences.map((item) => (
            <ComparedTheme key={item.theme.id} item={item} canEdit={canEdit} />
          ))}
        </ul>
      </section>
      {ungrouped > 0 && <p>{plural(ungrouped, 'note')} not in any theme yet.</p>}
    </div>
  );
}

/**
 * Compare: group notes into themes by dragging (a note onto a note or a
 * theme) or with each note's Actions menu, then see what the perspectives
 * share and where they differ. What a move or an "Add to the driver
 * diagram" did shows for a moment at the foot of the screen.
 */
export function ComparePhase() {
  const notes = useBoardState((state) => state.notes);
  const themes = useThemes();
  const perspectives = usePerspectives();
  const canEdit = useCanChangeBoard();
  const actions = useExerciseActions();
  const isFacilitator = useIsFacilitator();
  const [view, setView] = useState<'group' | 'compare'>('group');
  const comparison = useMemo(() => compareThemes(themes, notes, perspectives), [themes, notes, perspectives]);
  const sensors = useNoteDragSensors();
  const textOf = (zone: string | number | undefined) => {
    const id = String(zone ?? '');
    if (id.startsWith('note:')) return `note “${shortText(notes.find((n) => n.id === id.slice(5))?.text ?? '')}”`;
    if (id.startsWith('theme:')) return `theme “${themes.find((t) => t.id === id.slice(6))?.title ?? ''}”`;
    return 'the notes in no theme';
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${textOf(active.id)}.`,
    onDragOver: ({ over }) => (over ? `Over ${textOf(over.id)}.` : undefined),
    // A drop on a theme or note is confirmed by the board's status message, so it is not read twice.
    onDragEnd: ({ active, over }) => (over && over.id !== active.id ? undefined : `Dropped ${textOf(active.id)} where it was.`),
    onDragCancel: ({ active }) => `Cancelled moving ${textOf(active.id)}.`,
  };
  const handleDragEnd = ({ active, over, activatorEvent }: DragEndEvent) => {
    if (!over) return;
    const dragged = String(active.id).slice(5) as NoteId;
    const target = String(over.id);
    const what = textOf(active.id);
    let themeId: ThemeId | null;
    if (target.startsWith('theme:')) {
      themeId = target.slice(6) as ThemeId;
      actions.moveNoteToTheme(dragged, themeId);
    } else if (target.startsWith('note:') && target !== String(active.id)) {
      themeId = actions.groupNotes(dragged, target.slice(5) as NoteId);
      if (!themeId) return;
    } else if (target === UNGROUPED_ZONE) {
      themeId = null;
      actions.moveNoteToTheme(dragged, null);
    } else return;
    // Dragged with the keyboard, focus stays on the note in its new column; with a pointer, it is left alone.
    noteMoved(dragged, themeId, activatorEvent instanceof KeyboardEvent ? 'note' : null);
    const theme = themes.find((candidate) => candidate.id === themeId);
    confirm(themeId === null ? `Took ${what} out of its theme.` : `Moved ${what} to the theme “${theme?.title ?? shortText(notes.find((n) => n.id === target.slice(5))?.text ?? '')}”.`, CONFIRM_PLACE);
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
        <ComparisonView items={comparison.themes} ungrouped={comparison.ungrouped.length} perspectives={perspectives} canEdit={canEdit} />
      ) : (
        <>
          {canEdit && <AddTheme />}
          {canEdit && isFacilitator && <ThemesFromTopics themes={themes} />}
          <DndContext sensors={sensors} onDragEnd={handleDragEnd} accessibility={{ announcements, screenReaderInstructions: DRAG_INSTRUCTIONS }}>
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
      <Confirmation place={CONFIRM_PLACE} />
    </section>
  );
}
