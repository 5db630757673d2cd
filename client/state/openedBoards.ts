import { z } from 'zod';
import { ROLES, type Role } from '../../shared/schema/api';
import { isBoardId } from '../../shared/schema/ids';
import { BOARD_TITLE_MAX_CHARS } from '../../shared/schema/records';

/**
 * The boards this browser has opened, newest first, for the home page's
 * "Your boards" list: a facilitator finds their workshop again without
 * hunting for the link.
 *
 * Each entry keeps only what the list shows and what reopens the board: the
 * board's id, its title and the role it was opened in, when it was last
 * opened, and the board link's path. That path carries the token in its
 * fragment (`/b/<id>#token=...`), exactly as the links the server hands out
 * and the join code's redirect do, so reopening it goes through the board
 * page's ordinary link check (`takeToken` in BoardPage, `readTokenFromFragment`
 * in credentials.ts) and nothing else needs to know this list exists. The
 * token is kept here once, inside the path, and not in a field of its own.
 *
 * The tab's own copy of the token (sessionStorage, docs/client.md "Links,
 * tokens and identity") ends with the tab, so this list is what lets a
 * facilitator come back the next day. It is in localStorage, like the
 * participant registrations credentials.ts keeps: anyone using this browser
 * profile can reopen these boards, which is why every entry has a "Forget"
 * button and a board the server says is gone (404) is dropped.
 *
 * Whatever is read back is checked with zod, entry by entry: storage is
 * shared with anything else on this origin and with older releases, so an
 * entry that does not read (or whose path is not a board link for its own
 * board) is skipped rather than trusted or shown.
 */

const STORAGE_KEY = 'retain:opened-boards';

/** How many boards the list keeps; the oldest go first. */
export const MAX_OPENED_BOARDS = 20;

/** A board link's path with its token in the fragment, as the server's links and the join code's redirect have it. */
export function boardLinkPath(boardId: string, token: string): string {
  return `/b/${encodeURIComponent(boardId)}#token=${encodeURIComponent(token)}`;
}

/**
 * The path must be a board link on this site for this very board: it becomes
 * an `href` on the home page, so nothing else (another site, `javascript:`)
 * may get through. Board ids are URL-safe (shared/schema/ids.ts) and tokens
 * base64url (server/auth/tokens.ts), so neither needs escaping.
 */
const LINK_PATH = /^\/b\/([A-Za-z0-9_-]+)#token=([A-Za-z0-9_-]{16,512})$/;

const openedBoardSchema = z
  .object({
    boardId: z.string().refine(isBoardId),
    title: z.string().trim().min(1).max(BOARD_TITLE_MAX_CHARS),
    role: z.enum(ROLES),
    openedAt: z.number().int().positive(),
    path: z.string().regex(LINK_PATH),
  })
  .refine((entry) => LINK_PATH.exec(entry.path)?.[1] === entry.boardId, 'The path opens another board');

/** A board this browser opened, as the home page lists it. */
export type OpenedBoard = z.infer<typeof openedBoardSchema>;

/** Which entry: one per board and role. */
interface EntryKey {
  boardId: string;
  role: Role;
}

function sameEntry(a: EntryKey, b: EntryKey): boolean {
  return a.boardId === b.boardId && a.role === b.role;
}

/**
 * The entries as stored, each checked on its own, newest first, one per
 * board and role (a facilitator who also tried the participant link sees
 * both), at most MAX_OPENED_BOARDS.
 */
export function listOpenedBoards(): OpenedBoard[] {
  let stored: unknown;
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return [];
    stored = JSON.parse(raw);
  } catch {
    // Storage disabled, or not JSON: nothing to list.
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const entries: OpenedBoard[] = [];
  for (const item of stored.slice(0, MAX_OPENED_BOARDS * 5)) {
    const parsed = openedBoardSchema.safeParse(item);
    if (parsed.success) entries.push(parsed.data);
  }
  entries.sort((a, b) => b.openedAt - a.openedAt);
  return entries.filter((entry, index) => entries.findIndex((other) => sameEntry(entry, other)) === index).slice(0, MAX_OPENED_BOARDS);
}

function save(entries: readonly OpenedBoard[]): void {
  try {
    if (entries.length === 0) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
  } catch {
    // Storage disabled or full: the list is a convenience, and the board link still works.
  }
}

/** Puts a board that has just opened at the top of the list (once per board and role). */
export function recordOpenedBoard(board: { boardId: string; title: string; role: Role; token: string }, now = Date.now()): void {
  const entry = openedBoardSchema.safeParse({
    boardId: board.boardId,
    title: board.title.trim().slice(0, BOARD_TITLE_MAX_CHARS),
    role: board.role,
    openedAt: now,
    path: boardLinkPath(board.boardId, board.token),
  });
  // A token or id of another shape would give a path the list refuses to read back: keep nothing rather than a dead entry.
  if (!entry.success) return;
  save([entry.data, ...listOpenedBoards().filter((other) => !sameEntry(entry.data, other))].slice(0, MAX_OPENED_BOARDS));
}

/** Takes one board and role off the list ("Forget"); the board itself is untouched. */
export function forgetOpenedBoard(boardId: string, role: Role): void {
  save(listOpenedBoards().filter((entry) => !sameEntry(entry, { boardId, role })));
}

/**
 * Takes a board that no longer exists off the list, in every role, and
 * returns its title as the list knew it (null if it was not listed), so the
 * board page can say which board has gone.
 */
export function forgetDeletedBoard(boardId: string): string | null {
  const entries = listOpenedBoards();
  const gone = entries.find((entry) => entry.boardId === boardId);
  if (!gone) return null;
  save(entries.filter((entry) => entry.boardId !== boardId));
  return gone.title;
}
