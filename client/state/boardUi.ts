import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { NoteId } from '../../shared/schema/ids';
import type { Activity, Phase, Template } from '../../shared/schema/exercise';

/** The parts of a board a person can look at; shared/schema says them, since the facilitator's is also in the document (`session.facilitatorView`). */
export type { Activity } from '../../shared/schema/exercise';

/** A phase change the facilitator tried that did not happen. */
export interface PhaseRefusal {
  phase: Phase;
  reason: string;
  /** The phase rules refused it (rather than, say, a lost connection). */
  byRule: boolean;
}

/**
 * What this screen is doing, for this person only: never shared, never in
 * the board document.
 */
export interface BoardUiState {
  /** The note whose text is open for editing here. */
  editingNoteId: NoteId | null;
  /** The join code is shown full screen for the projector. */
  joinCodeEnlarged: boolean;
  /**
   * The latest message for screen readers about something this person did.
   * The serial number lets the same words be announced twice.
   */
  announcement: { text: string; serial: number };
  /**
   * The facilitator's last phase change that could not happen: where to, why,
   * and whether the phase rules said so. A rule's reason is shown only while
   * it still holds (docs/exercise.md, "The phases").
   */
  phaseRefusal: PhaseRefusal | null;
  /** What this person is looking at: the workshop's board or exercise, the driver diagrams, or the action plan. */
  activity: Activity;
  /** The driver diagram shown, and how: as a picture or as an outline. */
  diagramId: string | null;
  diagramView: 'picture' | 'outline';
  /** Diagram branches folded away on this screen only. */
  collapsed: string[];
  /**
   * The facilitator switched the board's template here: the template it had
   * before, for the blank board's "Undo" (the undo manager does not cover the
   * session, docs/client.md), and whether that undo has just happened, so
   * the set-up puts focus back on the template choice.
   */
  templateSwitch: { from: Template; undone: boolean } | null;
  /** How this person reads the plan's cards: in the plan's order, or grouped by the self-assessment topic each serves (docs/client.md, "The action plan and a check-in's agenda"). */
  planGrouping: 'order' | 'topic';
}

const initialState: BoardUiState = {
  editingNoteId: null,
  joinCodeEnlarged: false,
  announcement: { text: '', serial: 0 },
  phaseRefusal: null,
  activity: 'workshop',
  diagramId: null,
  diagramView: 'picture',
  collapsed: [],
  templateSwitch: null,
  planGrouping: 'order',
};

/** The one board screen's UI state; reset whenever a board is opened. */
export const boardUiStore = createStore<BoardUiState>()(() => initialState);

/** Reads part of the board's UI state. */
export function useBoardUi<T>(selector: (state: BoardUiState) => T): T {
  return useStore(boardUiStore, selector);
}

/** Opens a note's text for editing. */
export function startEditingNote(id: NoteId): void {
  boardUiStore.setState({ editingNoteId: id });
}

/** Closes the editor, if it is still open on this note. */
export function stopEditingNote(id: NoteId): void {
  if (boardUiStore.getState().editingNoteId === id) boardUiStore.setState({ editingNoteId: null });
}

/** Shows or hides the full-screen join code. */
export function setJoinCodeEnlarged(enlarged: boolean): void {
  boardUiStore.setState({ joinCodeEnlarged: enlarged });
}

/** Tells screen-reader users what just happened. */
export function announce(text: string): void {
  const { serial } = boardUiStore.getState().announcement;
  boardUiStore.setState({ announcement: { text, serial: serial + 1 } });
}

/** Keeps (or clears) why the phase could not change. */
export function setPhaseRefusal(refusal: PhaseRefusal | null): void {
  boardUiStore.setState({ phaseRefusal: refusal });
}

/** Switches between the workshop and the driver diagrams. */
export function showActivity(activity: BoardUiState['activity']): void {
  boardUiStore.setState({ activity });
}

/** Shows a driver diagram, as a picture or an outline. */
export function showDiagram(diagramId: string | null, view?: BoardUiState['diagramView']): void {
  boardUiStore.setState(view ? { diagramId, diagramView: view } : { diagramId });
}

/** Folds a diagram branch away, or opens it again. */
export function toggleCollapsed(nodeId: string): void {
  const { collapsed } = boardUiStore.getState();
  boardUiStore.setState({ collapsed: collapsed.includes(nodeId) ? collapsed.filter((id) => id !== nodeId) : [...collapsed, nodeId] });
}

/** Remembers (or forgets) the facilitator's switch of template, for its "Undo". */
export function setTemplateSwitch(templateSwitch: BoardUiState['templateSwitch']): void {
  boardUiStore.setState({ templateSwitch });
}

/** Shows the plan's cards in order or grouped by topic, on this screen only. */
export function setPlanGrouping(planGrouping: BoardUiState['planGrouping']): void {
  boardUiStore.setState({ planGrouping });
}

/** Back to nothing selected, nothing announced. */
export function resetBoardUi(): void {
  boardUiStore.setState(initialState, true);
}
