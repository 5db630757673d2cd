import type { Logger } from 'pino';
import type { DocumentName } from '../persistence/types';
import type { RoomConnection } from './connection';

/** The limits of one document's size, from the server configuration. */
export interface SizeLimitOptions {
  /** The most the stored document may hold; a client's update past it is refused with 4413. */
  maxBoardBytes: number;
  /**
   * How many bytes of updates one participant may add while the room is
   * loaded; past it only their updates are refused with 4413 (the facilitator
   * has no such limit).
   */
  participantShareBytes: number;
}

/** The share key of writers who never registered (a participant link used without a name): they share one share. */
const UNREGISTERED_WRITER = Symbol('unregistered writer');

/**
 * What a room's document may still take: the board's size and each
 * participant's share of it (docs/server-promises.md, Limits). The room
 * tells it what storage holds as it changes, and asks it before applying an
 * update that adds content.
 */
export class SizeLimits {
  /**
   * Roughly what storage holds for the document: the loaded state plus every
   * append since, reset at each compaction. Cheap to keep, and an upper bound
   * of the document's encoded size, which is what the board-size limit needs.
   */
  private storedBytes = 0;
  /** `storedBytes` when it was last measured as the compacted board: measuring again before anything more is stored would find the same. */
  private measuredAtStoredBytes = -1;
  /** The board was measured as compacted: storage should be compacted at the next append, so that it holds what was measured. */
  private compactionWanted = false;
  /**
   * The bytes of the updates the room admitted from each participant (by
   * participant id; unregistered writers share one count), against their
   * share of the board. Kept while the room is loaded.
   */
  private readonly addedBytes = new Map<string | typeof UNREGISTERED_WRITER, number>();

  constructor(
    private readonly options: SizeLimitOptions,
    private readonly log: Logger,
    private readonly roomName: DocumentName,
  ) {}

  /** True once the board was measured as compacted and storage has not been compacted since. */
  get compactionDue(): boolean {
    return this.compactionWanted;
  }

  /** Storage now holds the document as `bytes`: it was loaded, or compacted. */
  stored(bytes: number): void {
    this.storedBytes = bytes;
    this.compactionWanted = false;
  }

  /** Storage appended `bytes` to the document's log. */
  appended(bytes: number): void {
    this.storedBytes += bytes;
  }

  /**
   * Why an update from `connection` adding `bytes` does not fit the sender's
   * share or the board, or null when it fits. What storage holds counts
   * every change ever made, deleted junk included, so before refusing for the
   * board's size this measures the board as a compaction would store it
   * (`measureCompacted`), and has storage compacted to match at the next
   * append (see compactionDue).
   */
  refusal(connection: RoomConnection, bytes: number, measureCompacted: () => number): string | null {
    const writer = shareOf(connection);
    if (writer !== null && (this.addedBytes.get(writer) ?? 0) + bytes > this.options.participantShareBytes) {
      this.log.warn({ room: this.roomName, role: connection.role }, 'refused an update: the sender has added their share of the board');
      return 'You have added as much to this board as one person may.';
    }
    if (this.storedBytes + bytes > this.options.maxBoardBytes && this.measuredAtStoredBytes !== this.storedBytes) {
      this.storedBytes = measureCompacted();
      this.measuredAtStoredBytes = this.storedBytes;
      this.compactionWanted = true;
    }
    if (this.storedBytes + bytes > this.options.maxBoardBytes) {
      this.log.warn({ room: this.roomName, storedBytes: this.storedBytes }, 'refused an update: the board is full');
      return `The board is full (${Math.round(this.options.maxBoardBytes / 1024 / 1024)} MB).`;
    }
    return null;
  }

  /** Counts an update the room applied against its sender's share. */
  admitted(connection: RoomConnection, bytes: number): void {
    const writer = shareOf(connection);
    if (writer !== null) this.addedBytes.set(writer, (this.addedBytes.get(writer) ?? 0) + bytes);
  }
}

/** Whose share of the board a connection's updates count against; null for the facilitator, who has no share limit. */
function shareOf(connection: RoomConnection): string | typeof UNREGISTERED_WRITER | null {
  if (connection.role === 'facilitator') return null;
  return connection.participantId ?? UNREGISTERED_WRITER;
}
