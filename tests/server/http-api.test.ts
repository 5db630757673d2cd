import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { boardInfoSchema, createBoardResponseSchema, registerParticipantResponseSchema } from '../../shared/schema/api';
import { createBoard, registerParticipant, startTestServer, type TestServer } from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';

describe('the HTTP API', () => {
  let server: TestServer;
  serverPerTest((started) => {
    server = started;
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('creates a board with three distinct links, three tokens of at least 128 bits and a join code', async () => {
    const res = await post('/api/boards', { title: '  Workforce committee  ' });
    expect(res.status).toBe(201);
    const body = createBoardResponseSchema.parse(await res.json());
    expect(body.title).toBe('Workforce committee');
    expect(body.joinCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const tokens = Object.values(body.tokens);
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    for (const role of ['facilitator', 'participant', 'viewer'] as const) {
      expect(body.links[role]).toBe(`${server.url}/b/${body.boardId}#token=${body.tokens[role]}`);
    }
  });

  it('refuses a board without a title, a body that is not JSON, and one that is too large, with clear messages', async () => {
    const empty = await post('/api/boards', { title: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: 'Give the workshop a title' });

    const extra = await post('/api/boards', { title: 'x', admin: true });
    expect(extra.status).toBe(400);

    const garbage = await post('/api/boards', '{"title": ');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ error: 'The body is not valid JSON.' });

    const wrongType = await fetch(`${server.url}/api/boards`, { method: 'POST', body: 'title=x' });
    expect(wrongType.status).toBe(415);

    const huge = await post('/api/boards', { title: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
  });

  it('tells each token holder their role, and the join code only to the facilitator and the viewer (the presenter view shows it to the room)', async () => {
    const board = await createBoard(server);
    for (const role of ['facilitator', 'participant', 'viewer'] as const) {
      const res = await fetch(`${server.url}/api/boards/${board.boardId}`, {
        headers: { Authorization: `Bearer ${board.tokens[role]}` },
      });
      const info = boardInfoSchema.parse(await res.json());
      expect(info.role).toBe(role);
      expect(info.joinCode).toBe(role === 'participant' ? null : board.joinCode);
      expect(info.viewerLink).toBe(role === 'facilitator' ? board.links.viewer : null);
    }
    const byQuery = await fetch(`${server.url}/api/boards/${board.boardId}?token=${board.tokens.viewer}`);
    expect(byQuery.status).toBe(200);
  });

  it('refuses board info without a token, with a wrong token, or for an unknown board', async () => {
    const board = await createBoard(server);
    expect((await fetch(`${server.url}/api/boards/${board.boardId}`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/boards/${board.boardId}?token=wrong`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/boards/unknownboard123?token=wrong`)).status).toBe(404);
  });

  it('gives a participant a stable id that a reload recognises through the key', async () => {
    const board = await createBoard(server);
    const res = await post(`/api/boards/${board.boardId}/participants`, { displayName: 'Priya' }, { Authorization: `Bearer ${board.tokens.participant}` });
    expect(res.status).toBe(201);
    const me = registerParticipantResponseSchema.parse(await res.json());
    expect(me.role).toBe('participant');

    const again = await fetch(`${server.url}/api/boards/${board.boardId}`, {
      headers: { Authorization: `Bearer ${board.tokens.participant}`, 'X-Participant-Key': me.participantKey },
    });
    expect(boardInfoSchema.parse(await again.json()).participant).toEqual({ participantId: me.participantId, displayName: 'Priya', colour: me.colour });

    const stale = await fetch(`${server.url}/api/boards/${board.boardId}`, {
      headers: { Authorization: `Bearer ${board.tokens.participant}`, 'X-Participant-Key': 'forgotten' },
    });
    expect(boardInfoSchema.parse(await stale.json()).participant).toBeNull();
  });

  it('gives the people on a board different colours and tells each person theirs again later', async () => {
    const board = await createBoard(server);
    const people = [];
    for (const name of ['Ann', 'Ben', 'Cat', 'Dev']) people.push(await registerParticipant(server, board.boardId, board.tokens.participant, name));
    expect(new Set(people.map((p) => p.colour)).size).toBe(4);
    const again = await fetch(`${server.url}/api/boards/${board.boardId}`, {
      headers: { Authorization: `Bearer ${board.tokens.participant}`, 'X-Participant-Key': people[2]!.participantKey },
    });
    expect(boardInfoSchema.parse(await again.json()).participant?.colour).toBe(people[2]!.colour);
  });

  it('refuses to register a participant with an empty name or a wrong token', async () => {
    const board = await createBoard(server);
    const empty = await post(`/api/boards/${board.boardId}/participants`, { displayName: ' ' }, { Authorization: `Bearer ${board.tokens.participant}` });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: 'Enter a display name' });
    await expect(registerParticipant(server, board.boardId, 'wrong', 'Sam')).rejects.toThrow(/401/);
  });

  it('turns a typed join code into the board and its participant token, forgiving case, spaces and look-alike letters', async () => {
    const board = await createBoard(server);
    const typed = ` ${board.joinCode.toLowerCase().replace('-', ' ')} `;
    const res = await post('/api/join', { code: typed });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ boardId: board.boardId, token: board.tokens.participant });
    const unknown = await post('/api/join', { code: 'ZZZZ-ZZZZ' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/No workshop has that code/);
  });

  it('answers /healthz with 200 while the store can serve', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers unknown API routes with 404 and wrong methods with 405, in JSON', async () => {
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/api/boards`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('answers an address it cannot read (a broken %-escape, an unparseable request line) with 404 or 400, and stays up', async () => {
    // Either of these once threw outside any handler and stopped the whole server.
    const broken = await fetch(`${server.url}/api/boards/%E0%A4%A`);
    expect(broken.status).toBe(404);
    expect(await broken.json()).toEqual({ error: 'There is no board at this address.' });

    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('The request’s address is not valid.');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses to start on a port that is already taken, saying why', async () => {
    await expect(startTestServer({ port: server.port })).rejects.toThrow(/EADDRINUSE/);
    // The first server is unharmed.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('says how to build the client when it is not built', async () => {
    const res = await fetch(`${server.url}/b/anything`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
