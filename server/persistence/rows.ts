import type { BoardId, ParticipantId } from '../../shared/schema/ids';
import type { Role } from '../../shared/schema/api';
import { CYCLE_STAGES, type CycleStage } from '../../shared/schema/cycle';
import type { BoardRecord, ParticipantRecord } from './types';

/**
 * The rows of `boards` and `participants` as both stores read them
 * (docs/storage.md): the same columns in SQLite and Postgres. A time is
 * milliseconds since the epoch, which SQLite returns as a number and
 * Postgres (a BIGINT) as a string.
 */
type StoredTime = number | string;

export interface BoardRow {
  id: string;
  title: string;
  created_at: StoredTime;
  facilitator_token_hash: Buffer;
  participant_token_hash: Buffer;
  viewer_token_hash: Buffer;
  participant_token_sealed: Buffer | null;
  viewer_token_sealed: Buffer | null;
  join_code_hash: Buffer | null;
  join_code_sealed: Buffer | null;
  join_code_participant_token_sealed: Buffer | null;
  join_code_viewer_sealed: Buffer | null;
  join_code_issued_at: StoredTime | null;
  join_code_stopped_at: StoredTime | null;
  cycle_id: string | null;
  cycle_stage: number;
}

export interface ParticipantRow {
  id: string;
  board_id: string;
  key_hash: Buffer;
  display_name: string;
  colour: string;
  role: Role;
  created_at: StoredTime;
}

/** A stage column as a stage: only the server writes it, but a value that is none of the four reads as a workshop. */
export function storedStage(value: number): CycleStage {
  return (CYCLE_STAGES as readonly number[]).includes(value) ? (value as CycleStage) : 0;
}

export function toBoardRecord(row: BoardRow): BoardRecord {
  return {
    id: row.id as BoardId,
    title: row.title,
    createdAt: Number(row.created_at),
    tokenHashes: {
      facilitator: row.facilitator_token_hash,
      participant: row.participant_token_hash,
      viewer: row.viewer_token_hash,
    },
    participantTokenSealed: row.participant_token_sealed,
    viewerTokenSealed: row.viewer_token_sealed,
    joinCode:
      row.join_code_hash && row.join_code_issued_at !== null
        ? {
            hash: row.join_code_hash,
            sealed: row.join_code_sealed,
            participantTokenSealed: row.join_code_participant_token_sealed,
            viewerSealed: row.join_code_viewer_sealed,
            issuedAt: Number(row.join_code_issued_at),
            stoppedAt: row.join_code_stopped_at === null ? null : Number(row.join_code_stopped_at),
          }
        : null,
    cycleId: row.cycle_id as BoardId | null,
    cycleStage: storedStage(row.cycle_stage),
  };
}

export function toParticipantRecord(row: ParticipantRow | undefined): ParticipantRecord | null {
  if (!row) return null;
  return {
    id: row.id as ParticipantId,
    boardId: row.board_id as BoardId,
    keyHash: row.key_hash,
    displayName: row.display_name,
    colour: row.colour,
    role: row.role,
    createdAt: Number(row.created_at),
  };
}
