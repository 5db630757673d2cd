import { CloseCode } from '../../shared/protocol';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as Y from 'yjs';
import { addNote, readNotes } from '../../shared/document/notes';
import { SQLITE_FILE_NAME } from '../../server/persistence/sqlite';
import { createBoard, eventually, registerParticipant, type TestServer } from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';
import { RawClient, tryUpgrade } from '../helpers/raw-socket';

describe('who may open a board is decided at the upgrade', () => {
  let server: TestServer;
  serverPerTest((started) => {
    server = started;
  });

  it('refuses a socket without a token with 401, before any socket exists', async () => {
    const board = await createBoard(server);
    const outcome = await tryUpgrade(`${server.wsUrl}/${board.boardId}`);
    expect(outcome).toMatchObject({ accepted: false, status: 401 });
    expect(outcome.accepted || outcome.body).toMatch(/token is required/);
  });

  it('refuses a wrong token with 401 and says the link is not valid', async () => {
    const board = await createBoard(server);
    const outcome = await tryUpgrade(`${server.wsUrl}/${board.boardId}?token=not-the-token`);
    expect(outcome).toMatchObject({ accepted: false, status: 401 });
    expect(outcome.accepted || outcome.body).toMatch(/not valid for this board/);
  });

  it('refuses a token of board A on board B', async () => {
    const a = await createBoard(server, 'A');
    const b = await createBoard(server, 'B');
    const outcome = await tryUpgrade(`${server.wsUrl}/${b.boardId}?token=${a.tokens.facilitator}`);
    expect(outcome).toMatchObject({ accepted: false, status: 401 });
  });

  it('answers 404 for a board that does not exist and for paths outside /sync/<id>', async () => {
    const board = await createBoard(server);
    expect(await tryUpgrade(`${server.wsUrl}/no-such-board-123456?token=${board.tokens.viewer}`)).toMatchObject({ status: 404 });
    expect(await tryUpgrade(`${server.url.replace('http', 'ws')}/elsewhere`)).toMatchObject({ status: 404 });
    expect(await tryUpgrade(`${server.wsUrl}/${board.boardId}/extra?token=${board.tokens.viewer}`)).toMatchObject({ status: 404 });
    // A broken %-escape names no board: 404, not a server error.
    expect(await tryUpgrade(`${server.wsUrl}/%E0%A4%A?token=${board.tokens.viewer}`)).toMatchObject({ status: 404 });
  });

  it('refuses a participant key that does not belong to the board', async () => {
    const a = await createBoard(server, 'A');
    const b = await createBoard(server, 'B');
    const { participantKey } = await registerParticipant(server, a.boardId, a.tokens.participant, 'Sam');
    const outcome = await tryUpgrade(`${server.wsUrl}/${b.boardId}?token=${b.tokens.participant}&participant=${participantKey}`);
    expect(outcome).toMatchObject({ accepted: false, status: 401 });
    const own = await tryUpgrade(`${server.wsUrl}/${a.boardId}?token=${a.tokens.participant}&participant=${participantKey}`);
    expect(own.accepted).toBe(true);
    if (own.accepted) own.socket.close();
  });

  it('accepts the join code as a participant token', async () => {
    const board = await createBoard(server);
    const typed = board.joinCode.toLowerCase().replace('-', ' ');
    const outcome = await tryUpgrade(`${server.wsUrl}/${board.boardId}?token=${encodeURIComponent(typed)}`);
    expect(outcome.accepted).toBe(true);
    if (outcome.accepted) outcome.socket.close();
  });

  it('refuses a viewer’s update with 4403: never applied, never broadcast, never stored', async () => {
    const board = await createBoard(server);
    const participant = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`);
    const viewer = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`);
    participant.requestSync();
    viewer.requestSync();

    // The viewer writes a note and sends it both as an update and as sync step 2.
    const forged = new Y.Doc();
    addNote(forged, { text: 'viewer graffiti', x: 0, y: 0, authorId: null, authorName: 'Viewer' });
    viewer.sendUpdate(Y.encodeStateAsUpdate(forged));
    expect(await viewer.closed()).toBe(CloseCode.forbidden);

    // A participant's note sent afterwards arrives, so the viewer's had every chance to.
    const legit = new Y.Doc();
    addNote(legit, { text: 'a real note', x: 0, y: 0, authorId: null, authorName: '' });
    participant.sendUpdate(Y.encodeStateAsUpdate(legit));
    await eventually(() => expect(readNotes(participant.doc).map((n) => n.text)).toEqual(['a real note']));

    const room = await server.rooms.get(board.boardId as never);
    expect(readNotes(room!.doc).map((n) => n.text)).toEqual(['a real note']);
    participant.close();
    await eventually(() => expect(server.rooms.size).toBe(0));
    const stored = new Y.Doc();
    for (const part of await server.storage.loadDocument(board.boardId as never)) Y.applyUpdate(stored, part);
    expect(readNotes(stored).map((n) => n.text)).toEqual(['a real note']);
  });

  it('keeps the three tokens only as hashes in the database', async () => {
    const board = await createBoard(server);
    await server.storage.checkHealth();
    const files = fs.readdirSync(server.dataDir).filter((f) => f.startsWith(SQLITE_FILE_NAME));
    const bytes = Buffer.concat(files.map((f) => fs.readFileSync(path.join(server.dataDir, f))));
    for (const token of Object.values(board.tokens)) {
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(bytes.includes(Buffer.from(token))).toBe(false);
    }
  });
});
