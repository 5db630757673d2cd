import { CURSOR_THROTTLE_MS, type Presence, presenceSchema, presenceUser } from '../../shared/schema/presence';
import { BOARD_HEIGHT_PX, BOARD_WIDTH_PX } from '../../shared/schema/records';
import type { Role } from '../../shared/schema/api';
import { throttle } from './throttle';
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

/** This person's pointer as the others see it: the `cursor` field of their own presence. */
export interface OwnCursorField {
  get(): unknown;
  set(point: BoardPoint | null): void;
}

/** Sends this person's pointer to the others. */
export interface CursorSender {
  /** A position on the board, or null once the pointer has left it. */
  move(point: BoardPoint | null): void;
  /** Drops a position still waiting to be sent. */
  cancel(): void;
}

/**
 * Sends the pointer at most once per `CURSOR_THROTTLE_MS` (the latest position
 * always gets through) and always inside the board. A pointer that leaves the
 * board is cleared at once, and a position still waiting is dropped, so it
 * does not come back.
 */
export function createCursorSender(cursor: OwnCursorField): CursorSender {
  const send = throttle((point: BoardPoint) => cursor.set(point), CURSOR_THROTTLE_MS);
  return {
    move(point) {
      if (point) {
        send(clampToBoard(point));
        return;
      }
      send.cancel();
      if (cursor.get() !== null) cursor.set(null);
    },
    cancel: () => send.cancel(),
  };
}

/**
 * How long after syncing before joins and leaves are announced: on every
 * (re)connection everyone's presence arrives at once, which is not news.
 */
const PRESENCE_SETTLE_MS = 2000;

/** Whether the presence list announces joins and leaves (`presenceSettled` in the store). */
export interface PresenceSettledFlag {
  get(): boolean;
  set(settled: boolean): void;
}

/** Decides when joins and leaves are news. */
export interface PresenceSettling {
  /** The board has synced: joins and leaves are news from `PRESENCE_SETTLE_MS` on, unless they are already. */
  synced(): void;
  /** The socket is not (or no longer) connected: what arrives next is everyone at once again. */
  unsettle(): void;
  /** Stops waiting, for good. */
  cancel(): void;
}

/** Sets `settled` a while after each sync, and clears it as soon as the connection drops. */
export function settlePresence(settled: PresenceSettledFlag): PresenceSettling {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const change = (value: boolean) => {
    if (settled.get() !== value) settled.set(value);
  };
  return {
    synced() {
      if (timer !== null || settled.get()) return;
      timer = setTimeout(() => {
        timer = null;
        change(true);
      }, PRESENCE_SETTLE_MS);
    },
    unsettle() {
      cancel();
      change(false);
    },
    cancel,
  };
}
