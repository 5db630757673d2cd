import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import * as Y from 'yjs';
import { addNote } from '../../shared/document/notes';
import { addAction, updateAction } from '../../shared/document/actions';
import { connectStockClient, createBoard, eventually, makeDataDir, registerParticipant, type StockClient, whenSynced } from '../helpers/server';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';
import { RawClient } from '../helpers/raw-socket';

/**
 * Boards hold what staff said about their employer. Whatever happens, at the
 * most verbose level, no note, name, title, action or secret reaches the
 * logs, and every line is structured (JSON).
 */
describe('the logs', () => {
  let server: ServerProcess | null = null;
  const clients: StockClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  });

  it('never hold what people wrote, their names or any secret, even at trace level, through errors and refusals', async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'trace' });
    const s = { url: server.url, wsUrl: server.wsUrl };
    const secrets = {
      title: 'Title-Zq7 ward of secrets',
      name: 'Name-Xk3 Persephone',
      note: 'Note-Wp9 my manager ignores rota requests',
      action: 'Action-Vt5 confidential pay review',
      owner: 'Owner-Ur2 Dr Example',
    };
    const board = await createBoard(s, secrets.title);
    const person = await registerParticipant(s, board.boardId, board.tokens.participant, secrets.name);
    const client = connectStockClient(s, board.boardId, { token: board.tokens.participant, participant: person.participantKey });
    clients.push(client);
    await whenSynced(client.provider);
    addNote(client.doc, { text: secrets.note, x: 1, y: 1, authorId: null, authorName: secrets.name });
    const actionId = addAction(client.doc, { topic: secrets.action });
    updateAction(client.doc, actionId, { owner: secrets.owner });
    await eventually(async () => {
      const csv = await (await fetch(`${server!.url}/api/boards/${board.boardId}/plan.csv?token=${board.tokens.viewer}`)).text();
      expect(csv).toContain(secrets.owner);
    });

    // Things that make the server log warnings and errors: a viewer's edit, a malformed frame, a note past the limit, a bad import.
    const viewer = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`);
    const forged = new Y.Doc();
    addNote(forged, { text: secrets.note, x: 0, y: 0, authorId: null, authorName: secrets.name });
    viewer.sendUpdate(Y.encodeStateAsUpdate(forged));
    await viewer.closed();
    const garbage = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`);
    garbage.send(Uint8Array.of(0, 1, 200, 200, 200));
    await garbage.closed();
    const tooLong = new Y.Doc();
    const id = addNote(tooLong, { text: 'x', x: 0, y: 0, authorId: null, authorName: secrets.name });
    (tooLong.getMap('notes').get(id) as Y.Map<unknown>).set('text', `${secrets.note} ${'x'.repeat(2000)}`);
    const tamperer = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`);
    tamperer.sendUpdate(Y.encodeStateAsUpdate(tooLong));
    await tamperer.closed();
    const badImport = await fetch(`${server.url}/api/boards/${board.boardId}/plan/import?name=${encodeURIComponent(secrets.title)}.csv`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${board.tokens.facilitator}` },
      body: `Name,Email\r\n${secrets.name},x@example.invalid\r\n`,
    });
    expect(badImport.status).toBe(400);
    await fetch(`${server.url}/api/boards/${board.boardId}?token=wrong-${board.tokens.facilitator}`);

    server.child.kill('SIGTERM');
    await server.exited;
    const output = server.output();
    const lines = output.split('\n').filter((line) => line.trim());
    // The start-up banner is for people; everything else is a JSON log line.
    const logLines = lines.filter((line) => line.startsWith('{'));
    expect(logLines.length, output).toBeGreaterThan(3);
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
    expect(logLines.some((line) => JSON.parse(line).level >= 40), 'warnings were logged').toBe(true);
    const forbidden = [
      ...Object.values(secrets),
      board.tokens.facilitator,
      board.tokens.participant,
      board.tokens.viewer,
      board.joinCode!,
      person.participantKey,
    ];
    for (const secret of forbidden) expect(output.includes(secret), `the logs hold “${secret}”`).toBe(false);
    // The distinctive parts of each secret, in case a log cut or escaped it.
    for (const marker of ['Zq7', 'Xk3', 'Wp9', 'Vt5', 'Ur2']) expect(output).not.toContain(marker);
  }, 60_000);
});
