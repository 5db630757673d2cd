import { createHash } from 'node:crypto';
import type * as Y from 'yjs';
import type { Logger } from 'pino';
import { copyDraftsToBoard, deleteDrafts, progressOf, writeProgress } from '../../shared/board/drafts';
import { DocKey } from '../../shared/board/doc';
import { phaseRevealsDrafts } from '../../shared/exercise/phases';
import { readSession, setSessionFlag } from '../../shared/board/session';
import { publishBallots, readOwnBallot, withdrawBallots } from '../../shared/board/votes';
import type { Ballot } from '../../shared/schema/exercise';
import type { BoardId } from '../../shared/schema/ids';
import { type BoardRecord, type DocumentName, type DocumentStore, parseDocumentName, type PrivateDocumentName } from '../persistence/types';
import type { Room } from './room';
import type { RoomRegistry } from './registry';

/**
 * The key of a person's progress on the board: opaque and stable, so the
 * counts add up per lane without telling anyone how many notes a named
 * person wrote (which, with anonymity on, could point at who wrote what).
 * Derived from a board secret only the server holds.
 */
function progressKey(board: BoardRecord, participantId: string): string {
  return createHash('sha256').update(board.tokenHashes.facilitator).update(participantId).digest('base64url').slice(0, 16);
}

/**
 * The server's part in the exercise, which no client can be trusted with
 * because it reads everyone's private documents:
 * - it keeps each person's progress (drafts per lane, dots placed) on the
 *   board, as counts, whenever their private document changes;
 * - at the reveal it moves every draft onto the board, those of people who
 *   are offline included, then marks the board revealed; drafts that arrive
 *   after the reveal (written offline) go straight on;
 * - when voting closes it publishes everyone's dots on the board, and takes
 *   them off again if voting reopens.
 *
 * Work on one board runs one job at a time, so a reveal and a late draft
 * never move the same note at once.
 */
export class ExerciseCoordinator {
  private readonly queues = new Map<BoardId, Promise<void>>();
  /** Private documents whose change is already queued, so a burst of typing queues one job. */
  private readonly privateQueued = new Set<DocumentName>();

  constructor(
    private readonly registry: RoomRegistry,
    private readonly store: DocumentStore,
    private readonly log: Logger,
  ) {
    registry.onRoomLoaded((room, board) => this.watch(room, board));
  }

  private watch(room: Room, board: BoardRecord): void {
    const { participantId } = parseDocumentName(room.name);
    if (participantId) {
      const name = room.name;
      room.doc.on('afterTransaction', (transaction: Y.Transaction) => {
        if (transaction.changed.size > 0) this.queuePrivateChange(board, name as PrivateDocumentName);
      });
      this.queuePrivateChange(board, name as PrivateDocumentName);
      return;
    }
    let votingClosed = readSession(room.doc).votingClosed;
    const sessionChanged = (): void => {
      const session = readSession(room.doc);
      if (phaseRevealsDrafts(session.phase) && !session.revealed && session.template === 'four-perspectives') {
        this.queue(board.id, () => this.reveal(board));
      }
      if (session.votingClosed !== votingClosed) {
        votingClosed = session.votingClosed;
        this.queue(board.id, () => (votingClosed ? this.publishVotes(board) : this.withdrawVotes(board)));
      }
    };
    room.doc.getMap(DocKey.session).observe(sessionChanged);
    // A reveal the server was stopped in the middle of is finished now.
    sessionChanged();
  }

  private queue(boardId: BoardId, job: () => Promise<void>): void {
    const previous = this.queues.get(boardId) ?? Promise.resolve();
    const next = previous
      .then(job)
      .catch((error: unknown) => this.log.error({ boardId, err: error }, 'exercise job failed'))
      .finally(() => {
        if (this.queues.get(boardId) === next) this.queues.delete(boardId);
      });
    this.queues.set(boardId, next);
  }

  private queuePrivateChange(board: BoardRecord, name: PrivateDocumentName): void {
    if (this.privateQueued.has(name)) return;
    this.privateQueued.add(name);
    this.queue(board.id, async () => {
      this.privateQueued.delete(name);
      await this.syncPrivate(board, name);
    });
  }

  /** Brings one private document's news to the board: late drafts after the reveal, and its progress. */
  private async syncPrivate(board: BoardRecord, name: PrivateDocumentName): Promise<void> {
    await this.registry.use(board, board.id, (boardRoom) =>
      this.registry.use(board, name, async (privateRoom) => {
        const session = readSession(boardRoom.doc);
        if (session.revealed) await this.moveDrafts(boardRoom, privateRoom, session.anonymous);
        const { participantId } = parseDocumentName(name);
        await boardRoom.transact((doc, origin) => {
          writeProgress(doc, progressKey(board, participantId!), progressOf(privateRoom.doc), origin);
        });
      }),
    );
  }

  /**
   * Moves one person's drafts onto the board: the board first, made durable,
   * then the drafts deleted, so a crash between the two leaves a draft in
   * both places (moved again, harmlessly, by id) and never in neither.
   */
  private async moveDrafts(boardRoom: Room, privateRoom: Room, anonymous: boolean): Promise<void> {
    let moved: ReturnType<typeof copyDraftsToBoard> = [];
    await boardRoom.transact((doc, origin) => {
      moved = copyDraftsToBoard(doc, privateRoom.doc, anonymous, origin);
    });
    if (moved.length > 0) await privateRoom.transact((doc, origin) => deleteDrafts(doc, moved, origin));
  }

  /** Every private document of a board: those stored, and those open but not yet stored. */
  private async privateDocuments(boardId: BoardId): Promise<PrivateDocumentName[]> {
    const stored = await this.store.listPrivateDocuments(boardId);
    const open = this.registry.loadedDocumentsOf(boardId).filter((name) => parseDocumentName(name).participantId !== null);
    return [...new Set([...stored, ...open])] as PrivateDocumentName[];
  }

  private async reveal(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      const session = readSession(boardRoom.doc);
      if (session.revealed || !phaseRevealsDrafts(session.phase)) return;
      let notes = 0;
      for (const name of await this.privateDocuments(board.id)) {
        await this.registry.use(board, name, async (privateRoom) => {
          const before = privateRoom.doc.getMap(DocKey.notes).size;
          await this.moveDrafts(boardRoom, privateRoom, session.anonymous);
          notes += before;
        });
      }
      await boardRoom.transact((doc, origin) => setSessionFlag(doc, 'revealed', true, origin));
      this.log.info({ boardId: board.id, notes }, 'revealed the drafts');
    });
  }

  private async publishVotes(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      if (!readSession(boardRoom.doc).votingClosed) return;
      const ballots = new Map<string, Ballot>();
      for (const name of await this.privateDocuments(board.id)) {
        const ballot = await this.registry.use(board, name, async (privateRoom) => readOwnBallot(privateRoom.doc));
        if (Object.keys(ballot).length > 0) ballots.set(parseDocumentName(name).participantId!, ballot);
      }
      await boardRoom.transact((doc, origin) => publishBallots(doc, ballots, origin));
    });
  }

  private async withdrawVotes(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      if (readSession(boardRoom.doc).votingClosed) return;
      await boardRoom.transact((doc, origin) => withdrawBallots(doc, origin));
    });
  }
}
