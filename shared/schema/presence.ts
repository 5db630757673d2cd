import { z } from 'zod';
import { DISPLAY_NAME_MAX_CHARS, BOARD_HEIGHT_PX, BOARD_WIDTH_PX } from './records';
import { ROLES, type Role } from './api';

/** A pointer on the board, in board pixels; any other key is dropped when read. */
export const presenceCursorSchema = z.object({ x: z.number().min(0).max(BOARD_WIDTH_PX), y: z.number().min(0).max(BOARD_HEIGHT_PX) });

/**
 * What each client publishes in awareness: who they are and where their
 * pointer is. Never persisted; gone when the client leaves. The server
 * passes on exactly these two fields (the user stamped from the connection),
 * nothing else a client sends.
 */
export const presenceSchema = z.object({
  user: z.object({
    participantId: z.string().max(64),
    name: z.string().max(DISPLAY_NAME_MAX_CHARS),
    colour: z.string().regex(/^#[0-9a-f]{6}$/i),
    role: z.enum(ROLES),
  }),
  cursor: presenceCursorSchema.nullable(),
});
export type Presence = z.infer<typeof presenceSchema>;

/** The name of someone who has not registered one (a viewer, or a script with a token): their role. */
const UNREGISTERED_NAMES: Record<Role, string> = { facilitator: 'Facilitator', participant: 'Participant', viewer: 'Viewer' };

/**
 * Who a client is in presence: its registered name, colour and role. The
 * client publishes it, and the server stamps the same from the connection
 * over whatever a client claims, so nobody can appear as someone else.
 */
export function presenceUser(
  participant: { participantId: string; displayName: string; colour: string } | null,
  role: Role,
  clientId: number,
): Presence['user'] {
  // A viewer has no participant id; the awareness client id keeps two viewers apart.
  const participantId = participant?.participantId ?? `viewer-${clientId}`;
  return {
    participantId,
    name: participant?.displayName ?? UNREGISTERED_NAMES[role],
    colour: participant?.colour ?? colourForParticipant(participantId),
    role,
  };
}

/** How often a client publishes its pointer position at most. */
export const CURSOR_THROTTLE_MS = 50;

/**
 * Person colours: distinct, and dark enough for white text (contrast >= 4.5:1)
 * so a name label on a cursor stays readable.
 */
export const PERSON_COLOURS = [
  '#005eb8', // NHS blue
  '#007f3b', // NHS green
  '#8a1538', // NHS dark pink
  '#330072', // NHS purple
  '#7c2855', // NHS plum
  '#00403d', // dark teal
  '#a00054', // deep pink
  '#425563', // NHS dark grey
  '#6a3d00', // brown
  '#003087', // NHS dark blue
] as const;

/**
 * The colour for the next person on a board: the one fewest people have yet,
 * earliest in the palette on a tie, so the first ten people all differ.
 */
export function pickPersonColour(coloursInUse: readonly string[]): string {
  const uses = new Map<string, number>(PERSON_COLOURS.map((colour) => [colour, 0]));
  for (const colour of coloursInUse) if (uses.has(colour)) uses.set(colour, uses.get(colour)! + 1);
  let best: string = PERSON_COLOURS[0];
  for (const colour of PERSON_COLOURS) if (uses.get(colour)! < uses.get(best)!) best = colour;
  return best;
}

/** A stable colour for someone with no colour of their own (a viewer), derived from an id. */
export function colourForParticipant(participantId: string): string {
  let hash = 0;
  for (let i = 0; i < participantId.length; i++) hash = (hash * 31 + participantId.charCodeAt(i)) >>> 0;
  return PERSON_COLOURS[hash % PERSON_COLOURS.length] ?? PERSON_COLOURS[0];
}
