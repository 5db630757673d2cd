import { createHmac, randomInt } from 'node:crypto';
import type * as Y from 'yjs';
import type { Logger } from 'pino';
import { addDraftCounts, addRevealedNotes, deleteDrafts, hasStaleProgress, readDrafts, type RevealedDraft, writeProgress } from '../../shared/document/drafts';
import { DocKey, topMap } from '../../shared/document/doc';
import { phaseRevealsDrafts } from '../../shared/rules/phaseRules';
import { readSession, setSessionFlag } from '../../shared/document/session';
import { hasStaleVotes, publishVoteTally, readOwnBallot, withdrawVoteTally } from '../../shared/document/votes';
import { countVotes } from '../../shared/rules/dotVoting';
import { publishAssessmentSpread, readAssessmentSpread, readAssessmentTopics, readOwnRatings, withdrawAssessmentSpread } from '../../shared/document/assessment';
import { buildAssessmentSpread, hasRated, type RaterRatings } from '../../shared/rules/assessment';
import type { Ballot, Progress, Session, VoteTally } from '../../shared/schema/exercise';
import type { BoardId, NoteId, TopicId } from '../../shared/schema/ids';
import type { OwnRating } from '../../shared/schema/assessment';
import {
  type BoardRecord,
  type BoardStore,
  type DocumentStore,
  parseDocumentName,
  type ParticipantRecord,
  type PrivateDocumentName,
} from '../persistence/types';
import type { Room } from './room';
import type { RoomRegistry } from './registry';

/** Settings of the exercise jobs, from the server configuration. */
export interface ExerciseOptions {
  /** The clock grid the counts are republished (and late drafts moved) on. */
  progressIntervalMs: number;
}

/** What the exercise needs of storage: the documents, and who owns each private one. */
export type ExerciseStore = DocumentStore & Pick<BoardStore, 'findParticipant'>;

/**
 * The id a draft's note gets on the board: made by the server from the
 * owner's key (which only they and the server know) and the draft's id, so
 * it says nothing of the writer to anyone else, is the same when a reveal
 * interrupted by a crash runs again, and can never be an id someone else's
 * draft (or note) has (docs/exercise.md, "Anonymity").
 */
function revealedNoteId(owner: ParticipantRecord, draftId: string): NoteId {
  return createHmac('sha256', owner.keyHash).update(draftId).digest('base64url').slice(0, 12) as NoteId;
}

/**
 * Puts items in a random order (Fisher-Yates with the system's secure random
 * numbers): the order the server writes notes in becomes their Yjs clock
 * order, which everyone receives, so it must not follow whose they were.
 */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Counts ballots as the published tally does (`countVotes`,
 * shared/rules/dotVoting.ts): within the session's budget and cap per item,
 * and only on items that exist for its vote target (their ids only: what the
 * items hold does not matter to the count). The dots in `progress` and the
 * tally at the close are both counted here, so a tampered private document
 * can no more inflate the one than the other (docs/exercise.md, "Private
 * writing: a document per person").
 */
function tallyBallots(boardDoc: Y.Doc, session: Session, ballots: Iterable<Ballot>): VoteTally {
  const items = new Set(topMap(boardDoc, session.voteTarget === 'themes' ? DocKey.themes : DocKey.notes).keys());
  return countVotes(ballots, { budget: session.voteBudget, cap: session.voteCap }, items);
}

/** All the dots of a tally, everyone's together. */
function totalDots(tally: VoteTally): number {
  return Object.values(tally.items).reduce((sum, item) => sum + item.dots, 0);
}

/**
 * The server's part in the exercise, which no client can be trusted with
 * because it reads everyone's private documents (docs/exercise.md):
 * - it publishes progress (drafts per lane, people who placed dots, dots
 *   placed in all) on the board as counts of everyone together, on a clock grid of
 *   `progressIntervalMs`, never per person and never per keystroke;
 * - at the reveal it moves every draft onto the board, those of people who
 *   are offline included, as new notes it makes (its own ids, the reveal's
 *   time, the author from its own records, in a random order), then marks the
 *   board revealed; drafts that arrive after the reveal (written offline)
 *   follow on the next tick of the grid, unless the board is locked;
 * - when voting closes it publishes the tally of everyone's dots on the
 *   board, and takes it off again if voting reopens;
 * - when the facilitator reveals the self-assessment it publishes the spread
 *   of everyone's ratings (counts per colour and the evidence, with names
 *   only on a board that is not anonymous), keeps it current on the ticks
 *   while revealed, and takes it off when the facilitator hides it
 *   (docs/exercise.md, "Self-assessment"). This runs on blank boards and
 *   exercise boards alike: every board has the self-assessment.
 *
 * Work on one board runs one job at a time, so a reveal and a late draft
 * never move the same note at once.
 */
export class ExerciseCoordinator {
  private readonly queues = new Map<BoardId, Promise<void>>();
  /** Boards whose private documents changed since their counts were last published, with the tick that will publish them. */
  private readonly dueBoards = new Map<BoardId, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly registry: RoomRegistry,
    private readonly store: ExerciseStore,
    private readonly log: Logger,
    private readonly options: ExerciseOptions,
  ) {
    registry.onRoomLoaded((room, board) => this.watch(room, board));
  }

  /** Stops the ticks (the server is closing). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.dueBoards.values()) clearTimeout(timer);
    this.dueBoards.clear();
  }

  private watch(room: Room, board: BoardRecord): void {
    if (parseDocumentName(room.name).participantId) {
      room.doc.on('afterTransaction', (transaction: Y.Transaction) => {
        if (transaction.changed.size > 0) this.scheduleTick(board);
      });
      return;
    }
    const loaded = readSession(room.doc);
    let { votingClosed, locked, assessmentRevealed, anonymous } = loaded;
    const sessionChanged = (): void => {
      const session = readSession(room.doc);
      if (phaseRevealsDrafts(session.phase) && !session.revealed && session.template === 'four-perspectives') {
        this.queue(board.id, () => this.reveal(board));
      }
      if (session.votingClosed !== votingClosed) {
        votingClosed = session.votingClosed;
        this.queue(board.id, () => (votingClosed ? this.publishVotes(board) : this.withdrawVotes(board)));
      }
      if (session.locked !== locked) {
        locked = session.locked;
        // Late drafts waited while the board was locked.
        if (!locked) this.scheduleTick(board);
      }
      if (session.assessmentRevealed !== assessmentRevealed) {
        assessmentRevealed = session.assessmentRevealed;
        this.queue(board.id, () => (assessmentRevealed ? this.publishAssessment(board) : this.withdrawAssessment(board)));
      } else if (session.anonymous !== anonymous && assessmentRevealed) {
        // Made anonymous while revealed: the names come off the evidence at once (and go on again the other way).
        this.queue(board.id, () => this.publishAssessment(board));
      }
      anonymous = session.anonymous;
    };
    room.doc.getMap(DocKey.session).observe(sessionChanged);
    // A topic added or deleted changes what is counted: the rater count now, and the spread while it is revealed.
    room.doc.getMap(DocKey.assessmentTopics).observe(() => this.scheduleTick(board));
    // A reveal the server was stopped in the middle of is finished now.
    sessionChanged();
    // Counts may lag, and late drafts wait, after a stop between a private change and its tick; a board of the
    // earlier layout loses its per-person entries.
    if (hasStaleProgress(room.doc) || (loaded.template === 'four-perspectives' && loaded.phase !== 'setup')) this.scheduleTick(board);
    if (hasStaleVotes(room.doc)) this.queue(board.id, () => (votingClosed ? this.publishVotes(board) : this.withdrawVotes(board)));
    // Ratings may have changed while the board was not loaded (or the server stopped mid-reveal): publish them as they are now.
    if (assessmentRevealed) this.queue(board.id, () => this.publishAssessment(board));
    else if (topMap(room.doc, DocKey.assessmentSpread).size > 0) this.queue(board.id, () => this.withdrawAssessment(board));
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

  /**
   * Publishes the board's private work at the next tick of the clock grid,
   * not a delay after the change: when the counts change then says only
   * which interval a change fell in, not when someone typed.
   */
  private scheduleTick(board: BoardRecord): void {
    if (this.stopped || this.dueBoards.has(board.id)) return;
    const interval = this.options.progressIntervalMs;
    const timer = setTimeout(() => {
      this.dueBoards.delete(board.id);
      this.queue(board.id, () => this.publishPrivateWork(board));
    }, interval - (Date.now() % interval));
    timer.unref();
    this.dueBoards.set(board.id, timer);
  }

  /** One tick: late drafts onto a revealed, unlocked board, then the counts, then the self-assessment's spread while it is revealed. */
  private async publishPrivateWork(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      const session = readSession(boardRoom.doc);
      const names = await this.privateDocuments(board.id);
      // A locked board takes no participant's change, a draft included; the reveal itself is the facilitator's act.
      if (session.revealed && !session.locked) await this.moveDrafts(board, boardRoom, names);
      const ratings = await this.publishProgress(board, boardRoom, names);
      // The ratings the counts just read, so each private document is opened once a tick.
      if (session.assessmentRevealed) await this.writeAssessmentSpread(board, boardRoom, names, ratings);
    });
  }

  /**
   * Counts every private document's drafts per lane, the people with a dot
   * placed, and the dots placed in all (as the tally at the close will count
   * them), all together: the ballots are summed here and only the sum leaves,
   * so nothing in `progress` is per person (docs/exercise.md, "Anonymity").
   * Returns each document's self-assessment ratings as read, for the spread.
   */
  private async publishProgress(board: BoardRecord, boardRoom: Room, names: readonly PrivateDocumentName[]): Promise<ReadonlyMap<PrivateDocumentName, Map<TopicId, OwnRating>>> {
    const ratingsOf = new Map<PrivateDocumentName, Map<TopicId, OwnRating>>();
    const progress: Progress = { drafts: {}, voters: 0, dots: 0, raters: 0 };
    const ballots: Ballot[] = [];
    // Only ratings of topics that exist count, as in the spread (buildAssessmentSpread).
    const topicIds = new Set<string>(readAssessmentTopics(boardRoom.doc).map((topic) => topic.id));
    for (const name of names) {
      await this.registry.use(board, name, async (privateRoom) => {
        addDraftCounts(progress.drafts, privateRoom.doc);
        ballots.push(readOwnBallot(privateRoom.doc));
        const ratings = readOwnRatings(privateRoom.doc);
        ratingsOf.set(name, ratings);
        if (hasRated(ratings, topicIds)) progress.raters += 1;
      });
    }
    // Both counts by the tally's own rules, so they agree with each other and with the results at close:
    // someone whose only dots sit on a deleted theme has placed none.
    const tally = tallyBallots(boardRoom.doc, readSession(boardRoom.doc), ballots);
    progress.voters = tally.voters;
    progress.dots = totalDots(tally);
    await boardRoom.transact((doc, origin) => {
      writeProgress(doc, progress, origin);
    });
    return ratingsOf;
  }

  /**
   * Moves every readable draft of the given private documents onto the board,
   * all in one board transaction in a random order; the board write is made
   * durable before any draft is deleted, so a crash between the two leaves a
   * draft in both places (moved again under the same id, which the board
   * already has, so it is not doubled) and never in neither. A draft that
   * does not read stays where it is, and is logged without its content.
   * Returns how many drafts were moved.
   */
  private async moveDrafts(board: BoardRecord, boardRoom: Room, names: readonly PrivateDocumentName[]): Promise<number> {
    const { anonymous } = readSession(boardRoom.doc);
    const revealed: RevealedDraft[] = [];
    const moved: { name: PrivateDocumentName; draftIds: string[] }[] = [];
    for (const name of names) {
      const owner = await this.store.findParticipant(board.id, parseDocumentName(name).participantId!);
      if (!owner) {
        this.log.warn({ boardId: board.id }, 'left the drafts of a private document with no registered owner');
        continue;
      }
      await this.registry.use(board, name, async (privateRoom) => {
        const { drafts, unreadable } = readDrafts(privateRoom.doc);
        if (unreadable > 0) this.log.warn({ boardId: board.id, unreadable }, 'left drafts that do not read in a private document');
        if (drafts.length === 0) return;
        moved.push({ name, draftIds: drafts.map((draft) => draft.draftId) });
        for (const { draftId, content } of drafts) {
          revealed.push({
            noteId: revealedNoteId(owner, draftId),
            content,
            // From the server's record of the document's owner, never from what the draft says.
            authorId: anonymous ? null : owner.id,
            authorName: anonymous ? '' : owner.displayName,
          });
        }
      });
    }
    if (revealed.length === 0) return 0;
    await boardRoom.transact((doc, origin) => {
      addRevealedNotes(doc, shuffle(revealed), Date.now(), origin);
    });
    for (const { name, draftIds } of moved) {
      await this.registry.use(board, name, (privateRoom) => privateRoom.transact((doc, origin) => deleteDrafts(doc, draftIds, origin)));
    }
    return revealed.length;
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
      const names = await this.privateDocuments(board.id);
      const notes = await this.moveDrafts(board, boardRoom, names);
      await boardRoom.transact((doc, origin) => setSessionFlag(doc, 'revealed', true, origin));
      await this.publishProgress(board, boardRoom, names);
      this.log.info({ boardId: board.id, notes }, 'revealed the drafts');
    });
  }

  private async publishVotes(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      const session = readSession(boardRoom.doc);
      if (!session.votingClosed) return;
      const ballots: Ballot[] = [];
      for (const name of await this.privateDocuments(board.id)) {
        ballots.push(await this.registry.use(board, name, async (privateRoom) => readOwnBallot(privateRoom.doc)));
      }
      const tally = tallyBallots(boardRoom.doc, session, ballots);
      await boardRoom.transact((doc, origin) => publishVoteTally(doc, tally, origin));
    });
  }

  /**
   * Everyone's ratings, each with the name the server knows for its owner
   * (docs/exercise.md, "Anonymity"): from the store's record of the private
   * document's owner, never from anything the document says, and '' on an
   * anonymous board. A document with no registered owner is left out, as its
   * drafts are (moveDrafts).
   */
  private async gatherRatings(
    board: BoardRecord,
    names: readonly PrivateDocumentName[],
    anonymous: boolean,
    alreadyRead: ReadonlyMap<PrivateDocumentName, Map<TopicId, OwnRating>>,
  ): Promise<RaterRatings[]> {
    const raters: RaterRatings[] = [];
    for (const name of names) {
      const owner = await this.store.findParticipant(board.id, parseDocumentName(name).participantId!);
      if (!owner) continue;
      const ratings = alreadyRead.get(name) ?? (await this.registry.use(board, name, async (privateRoom) => readOwnRatings(privateRoom.doc)));
      if (ratings.size > 0) raters.push({ ratings, authorName: anonymous ? '' : owner.displayName });
    }
    return raters;
  }

  /**
   * Publishes the spread of everyone's ratings on the board, when it differs
   * from what the board shows: the ticks call this while the ratings are
   * revealed, and an unchanged spread writes nothing (no update goes out).
   * `alreadyRead`: ratings read in this same turn of the job queue, by name.
   */
  private async writeAssessmentSpread(
    board: BoardRecord,
    boardRoom: Room,
    names: readonly PrivateDocumentName[],
    alreadyRead: ReadonlyMap<PrivateDocumentName, Map<TopicId, OwnRating>> = new Map(),
  ): Promise<void> {
    const session = readSession(boardRoom.doc);
    if (!session.assessmentRevealed) return;
    const topicIds = readAssessmentTopics(boardRoom.doc).map((topic) => topic.id);
    const spread = buildAssessmentSpread(topicIds, await this.gatherRatings(board, names, session.anonymous, alreadyRead));
    const spreadMap = topMap(boardRoom.doc, DocKey.assessmentSpread);
    // Compared with what is stored, and every stored key read: anything else there (a hostile leftover) is replaced.
    const unchanged = spreadMap.size === 2 && JSON.stringify(readAssessmentSpread(boardRoom.doc)) === JSON.stringify(spread);
    if (unchanged) return;
    await boardRoom.transact((doc, origin) => publishAssessmentSpread(doc, spread, origin));
  }

  private async publishAssessment(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      await this.writeAssessmentSpread(board, boardRoom, await this.privateDocuments(board.id));
      this.log.info({ boardId: board.id }, 'revealed the self-assessment');
    });
  }

  private async withdrawAssessment(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      if (readSession(boardRoom.doc).assessmentRevealed) return;
      await boardRoom.transact((doc, origin) => withdrawAssessmentSpread(doc, origin));
    });
  }

  private async withdrawVotes(board: BoardRecord): Promise<void> {
    await this.registry.use(board, board.id, async (boardRoom) => {
      if (readSession(boardRoom.doc).votingClosed) return;
      await boardRoom.transact((doc, origin) => withdrawVoteTally(doc, origin));
    });
  }
}
