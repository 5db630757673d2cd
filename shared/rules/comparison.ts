import type { Perspective, Theme } from '../schema/exercise';
import type { PerspectiveId } from '../schema/ids';
import type { Note } from '../schema/records';

/** How a theme stands across the perspectives. */
export type ThemeKind =
  /** Raised from several perspectives. */
  | 'similarity'
  /** Seen from one perspective only. */
  | 'difference'
  /** No notes yet. */
  | 'empty';

/** One theme in the comparison view. */
export interface ThemeComparison {
  theme: Theme;
  notes: Note[];
  kind: ThemeKind;
  /** Lanes with at least one note in the theme, in lane order. */
  contributing: PerspectiveId[];
  /** Lanes that said nothing on it. */
  silent: PerspectiveId[];
}

/** The comparison of the perspectives: similarities first (most perspectives first), then differences, then empty themes. */
export interface Comparison {
  themes: ThemeComparison[];
  similarities: ThemeComparison[];
  differences: ThemeComparison[];
  /** Notes not yet in any theme. */
  ungrouped: Note[];
}

const KIND_ORDER: Record<ThemeKind, number> = { similarity: 0, difference: 1, empty: 2 };

/**
 * Compares the perspectives theme by theme: which lanes contributed to each,
 * which said nothing, and so which themes are shared (similarities) and
 * which are seen by one lane only (differences). A pure function of what
 * the board holds, so every screen and every export agree.
 */
export function compareThemes(themes: readonly Theme[], notes: readonly Note[], perspectives: readonly Perspective[]): Comparison {
  const laneOrder = new Map(perspectives.map((p, index) => [p.id as string, index]));
  const byTheme = new Map<string, Note[]>(themes.map((t) => [t.id, []]));
  const ungrouped: Note[] = [];
  for (const note of notes) {
    const bucket = note.themeId ? byTheme.get(note.themeId) : undefined;
    if (bucket) bucket.push(note);
    else ungrouped.push(note);
  }
  const compared = themes.map((theme): ThemeComparison => {
    const themeNotes = byTheme.get(theme.id)!;
    const lanes = new Set(themeNotes.map((n) => n.perspectiveId).filter((id): id is PerspectiveId => id !== null && laneOrder.has(id)));
    const contributing = perspectives.filter((p) => lanes.has(p.id)).map((p) => p.id);
    const silent = perspectives.filter((p) => !lanes.has(p.id)).map((p) => p.id);
    const kind: ThemeKind = themeNotes.length === 0 ? 'empty' : contributing.length >= 2 ? 'similarity' : 'difference';
    return { theme, notes: themeNotes, kind, contributing, silent };
  });
  compared.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      b.contributing.length - a.contributing.length ||
      b.notes.length - a.notes.length ||
      a.theme.createdAt - b.theme.createdAt,
  );
  return {
    themes: compared,
    similarities: compared.filter((c) => c.kind === 'similarity'),
    differences: compared.filter((c) => c.kind === 'difference'),
    ungrouped,
  };
}
