/**
 * Times the reveal on a busy board: PEOPLE participants each write DRAFTS
 * notes in private, all disconnect (so the server reads every private
 * document back from storage), then the facilitator reveals. Prints how long
 * it takes until every note is on the facilitator's board.
 *   node --import tsx scripts/measure-reveal.ts [people] [drafts]
 * Real server on 127.0.0.1 and a free port, real sockets, real SQLite.
 */
import { addNote, readNotes } from '../shared/document/notes';
import { readSession, writePhase } from '../shared/document/session';
import type { ParticipantId, PerspectiveId } from '../shared/schema/ids';
import { DEFAULT_PERSPECTIVES } from '../shared/schema/exercise';
import { connectStockClient, createBoard, eventually, registerParticipant, startTestServer, whenSynced } from '../tests/helpers/server';

const PEOPLE = Number(process.argv[2] ?? 200);
const DRAFTS = Number(process.argv[3] ?? 3);

const server = await startTestServer({ roomUnloadGraceMs: 100 });
try {
  const board = await createBoard(server, 'Reveal measurement', 'four-perspectives');
  for (let p = 0; p < PEOPLE; p++) {
    const person = await registerParticipant(server, board.boardId, board.tokens.participant, `Person ${p}`);
    const mine = connectStockClient(server, `${board.boardId}/private`, { token: board.tokens.participant, participant: person.participantKey });
    await whenSynced(mine.provider);
    const lane = DEFAULT_PERSPECTIVES[p % DEFAULT_PERSPECTIVES.length]!.id as PerspectiveId;
    for (let d = 0; d < DRAFTS; d++) {
      addNote(mine.doc, { text: `Draft ${d} of person ${p}`, x: 0, y: 0, authorId: person.participantId as ParticipantId, authorName: `Person ${p}`, perspectiveId: lane });
    }
    // The server has stored the drafts once it reports them in the board's progress.
    await new Promise((resolve) => setTimeout(resolve, 5));
    mine.destroy();
  }
  const host = await registerParticipant(server, board.boardId, board.tokens.facilitator, 'Facilitator');
  const facilitator = connectStockClient(server, board.boardId, { token: board.tokens.facilitator, participant: host.participantKey });
  await whenSynced(facilitator.provider);
  // Let every private room unload, so the reveal reads them all from storage.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  writePhase(facilitator.doc, 'reveal');
  await eventually(() => {
    if (!readSession(facilitator.doc).revealed || readNotes(facilitator.doc).length !== PEOPLE * DRAFTS) throw new Error('not yet');
  }, 120_000, 5);
  const elapsed = performance.now() - started;
  console.log(`reveal of ${PEOPLE} people × ${DRAFTS} drafts (${PEOPLE * DRAFTS} notes), every private document read from storage: ${elapsed.toFixed(0)} ms`);
  facilitator.destroy();
} finally {
  await server.stop();
}
