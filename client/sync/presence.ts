import { type Presence, presenceSchema, presenceUser } from '../../shared/schema/presence';
import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX } from '../../shared/schema/records';
import type { Role } from '../../shared/schema/api';
import type { BoardPoint, Person, RemoteCursor } from './types';

const ROLE_ORDER: Record<Role, number> = { facilitator: 0, participant: 1, viewer: 2 };

/** What this client publishes about itself when it joins a board. */
export function ownPresence(
  participant: { participantId: string; displayName: string; colour: string } | null,
  role: Role,
  clientId: number,
): Presence {
  return { user: presenceUser(participant, role, clientId), cursor: null };
}

/** A pointer position kept inside the board, as presenceSchema requires. */
export function clampToBoard(point: BoardPoint): BoardPoint {
  return {
    x: Math.round(Math.min(Math.max(point.x, 0), BOARD_WIDTH_PX)),
    y: Math.round(Math.min(Math.max(point.y, 0), BOARD_HEIGHT_PX)),
  };
}

/**
 * Turns awareness states into the presence list and the cursors to draw.
 * States that do not match presenceSchema are ignored: any client can
 * publish anything. One person with several tabs is listed once; their own
 * pointer is never drawn back at them.
 */
export function readPresence(
  states: ReadonlyMap<number, unknown>,
  selfClientId: number,
): { people: Person[]; cursors: RemoteCursor[] } {
  const valid = new Map<number, Presence>();
  for (const [clientId, state] of states) {
    const parsed = presenceSchema.safeParse(state);
    if (parsed.success) valid.set(clientId, parsed.data);
  }
  const selfId = valid.get(selfClientId)?.user.participantId ?? null;
  const people = new Map<string, Person>();
  const cursors: RemoteCursor[] = [];
  for (const [clientId, { user, cursor }] of valid) {
    const isSelf = user.participantId === selfId;
    if (!people.has(user.participantId)) {
      people.set(user.participantId, { participantId: user.participantId, name: user.name, colour: user.colour, role: user.role, isSelf });
    }
    if (cursor && !isSelf) cursors.push({ clientId, name: user.name, colour: user.colour, x: cursor.x, y: cursor.y });
  }
  const sorted = [...people.values()].sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
      a.name.localeCompare(b.name) ||
      a.participantId.localeCompare(b.participantId),
  );
  cursors.sort((a, b) => a.clientId - b.clientId);
  return { people: sorted, cursors };
}
