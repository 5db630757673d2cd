import { z } from 'zod';
import { ROLES, type Role } from '../../shared/schema/api';

/**
 * Board tokens and participant keys kept in the browser. A token arrives in
 * the link's fragment (never sent to the server's logs) and is kept for the
 * tab's life in sessionStorage; a participant's registration is kept in
 * localStorage so the same person keeps the same identity after a reload.
 */

/** The token in a link's fragment (`#token=...`), or null when there is none. */
export function readTokenFromFragment(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.trim() ? token.trim() : null;
}

function tokenKey(boardId: string): string {
  return `retain:token:${boardId}`;
}

/** Keeps the token for this tab, so a reload without the fragment still works. */
export function rememberToken(boardId: string, token: string): void {
  try {
    sessionStorage.setItem(tokenKey(boardId), token);
  } catch {
    // Storage disabled: the link in the address bar is then the only copy.
  }
}

/** The token this tab last used for the board. */
export function recallToken(boardId: string): string | null {
  try {
    return sessionStorage.getItem(tokenKey(boardId));
  } catch {
    return null;
  }
}

/** A registration with the server, as kept on this device. */
export interface StoredParticipant {
  participantId: string;
  participantKey: string;
  displayName: string;
  /** The colour the server gave this person; the server says it again on every visit. */
  colour: string;
  role: Role;
}

const storedParticipantSchema = z.object({
  participantId: z.string().min(1),
  participantKey: z.string().min(1),
  displayName: z.string(),
  colour: z.string(),
  role: z.enum(ROLES),
});

function participantKey(boardId: string, role: Role): string {
  return `retain:participant:${boardId}:${role}`;
}

/** Keeps a registration so the same person keeps the same identity after a reload. */
export function rememberParticipant(boardId: string, participant: StoredParticipant): void {
  try {
    localStorage.setItem(participantKey(boardId, participant.role), JSON.stringify(participant));
  } catch {
    // Storage disabled: the person is asked for their name again next time.
  }
}

/** The registration kept for this board and role, if any. */
export function recallParticipant(boardId: string, role: Role): StoredParticipant | null {
  try {
    const raw = localStorage.getItem(participantKey(boardId, role));
    if (!raw) return null;
    const parsed = storedParticipantSchema.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.role === role ? parsed.data : null;
  } catch {
    return null;
  }
}
