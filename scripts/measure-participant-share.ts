/**
 * The largest board one participant can make alone with the default limits:
 * registers one participant, sends batches of 50 notes of 1,000 characters
 * each until the server closes the socket (4413: their share is used), and
 * prints the close code, the notes kept, and the board's size as stored
 * (compacted) and as encoded.
 *   node --import tsx scripts/measure-participant-share.ts
 * Real server on 127.0.0.1 and a free port with the default limits.
 */
import * as Y from 'yjs';
import { addNote, readNotes } from '../shared/document/notes';
import type { BoardId } from '../shared/schema/ids';
import { RawClient } from '../tests/helpers/raw-socket';
import { createBoard, registerParticipant, startTestServer } from '../tests/helpers/server';

const NOTES_PER_UPDATE = 50;

const server = await startTestServer();
try {
  const board = await createBoard(server, 'A board to fill');
  const person = await registerParticipant(server, board.boardId, board.tokens.participant, 'Filler');
  const client = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}&participant=${person.participantKey}`);
  client.requestSync();
  let sent = 0;
  while (client.closeCode === null) {
    const before = Y.encodeStateVector(client.doc);
    client.doc.transact(() => {
      for (let i = 0; i < NOTES_PER_UPDATE; i++) {
        addNote(client.doc, { text: `${sent++} ${'x'.repeat(990)}`, x: 0, y: 0, authorId: null, authorName: '' });
      }
    });
    client.sendUpdate(Y.encodeStateAsUpdate(client.doc, before));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const room = (await server.rooms.get(board.boardId as BoardId))!;
  await room.settle();
  const stored = await server.storage.loadDocument(board.boardId as BoardId);
  console.log(
    JSON.stringify({
      closeCode: client.closeCode,
      notesSent: sent,
      notesKept: readNotes(room.doc).length,
      storedBytes: stored.reduce((sum, part) => sum + part.byteLength, 0),
      encodedBytes: Y.encodeStateAsUpdate(room.doc).byteLength,
    }),
  );
} finally {
  await server.stop();
}
