import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { SECURITY_HEADERS } from '../../server/http/router';
import { addNote, readNotes } from '../../shared/document/notes';
import { connectStockClient, createBoard, registerParticipant, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';
import type { ServerConfig } from '../../server/config';

/** An upgrade's outcome with the refusal's headers, which tests/helpers/raw-socket.ts does not keep. */
type Upgrade = { accepted: true } | { accepted: false; status: number; headers: IncomingHttpHeaders; body: string };

function upgrade(url: string, headers: Record<string, string> = {}): Promise<Upgrade> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.close();
      resolve({ accepted: true });
    });
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ accepted: false, status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    socket.once('error', reject);
  });
}

/** A wrong code that is still a well-formed one. */
function wrongCode(n: number): string {
  return `ZZZZ-${String(n).padStart(4, '2').replace(/[01]/g, '3').slice(-4)}`;
}

describe('join codes and tokens cannot be guessed', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.stop();
  });

  async function start(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
    server = await startTestServer({ joinFailuresPerAddress: 5, joinFailuresPerBoard: 8, joinFailureWindowSeconds: 600, ...overrides });
    return server;
  }

  function join(code: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}/api/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ code }),
    });
  }

  it('refuses wrong codes from one address past the limit with 429 and Retry-After, also a right code, and logs a warning once', async () => {
    await start();
    const warn = vi.spyOn(server.log, 'warn');
    const board = await createBoard(server);
    for (let attempt = 0; attempt < 5; attempt++) expect((await join(wrongCode(attempt))).status).toBe(404);
    const refused = await join(wrongCode(6));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    expect((await refused.json()).error).toMatch(/Too many wrong codes.*Try again in \d+ minutes/);
    // Past the limit the code is not even looked at: a right guess learns nothing.
    expect((await join(board.joinCode)).status).toBe(429);
    expect((await join(wrongCode(7))).status).toBe(429);
    const warnings = warn.mock.calls.filter(([, message]) => String(message).includes('failed join attempts'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain(board.joinCode);
  });

  it('counts only failures: a right code is let in again and again and uses up nothing', async () => {
    await start();
    const board = await createBoard(server);
    for (let attempt = 0; attempt < 20; attempt++) expect((await join(board.joinCode)).status).toBe(200);
    for (let attempt = 0; attempt < 4; attempt++) expect((await join(wrongCode(attempt))).status).toBe(404);
    expect((await join(board.joinCode)).status).toBe(200);
  });

  it('tries no more codes than the limit however many requests arrive at once', async () => {
    await start();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => join(wrongCode(n)).then((res) => res.status)));
    expect(answers.filter((status) => status === 404)).toHaveLength(5);
    expect(answers.filter((status) => status === 429)).toHaveLength(35);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set, and then counts the address the proxy appended', async () => {
    await start();
    for (let attempt = 0; attempt < 5; attempt++) await join(wrongCode(attempt), { 'X-Forwarded-For': `198.51.100.${attempt}` });
    // A forged header does not buy a fresh count.
    expect((await join(wrongCode(9), { 'X-Forwarded-For': '198.51.100.200' })).status).toBe(429);
    await server.stop();

    await start({ trustProxy: true });
    for (let attempt = 0; attempt < 5; attempt++) await join(wrongCode(attempt), { 'X-Forwarded-For': `203.0.113.${attempt}, 192.0.2.7` });
    // The leftmost entries are the client's to write; the rightmost is what the proxy saw.
    expect((await join(wrongCode(9), { 'X-Forwarded-For': '203.0.113.99, 192.0.2.7' })).status).toBe(429);
    expect((await join(wrongCode(9), { 'X-Forwarded-For': '192.0.2.8' })).status).toBe(404);
    // One IPv6 subscriber holds a whole /64: its addresses count together.
    for (let attempt = 0; attempt < 5; attempt++) await join(wrongCode(attempt), { 'X-Forwarded-For': `2001:db8:1:2::${attempt + 1}` });
    expect((await join(wrongCode(9), { 'X-Forwarded-For': '2001:db8:1:2:ffff::1' })).status).toBe(429);
    expect((await join(wrongCode(9), { 'X-Forwarded-For': '2001:db8:1:3::1' })).status).toBe(404);
  });

  it('refuses wrong tokens and codes at the socket upgrade past the limit with 429 and Retry-After, and still lets a real link in', async () => {
    await start();
    const board = await createBoard(server);
    const at = (token: string) => `${server.wsUrl}/${board.boardId}?token=${encodeURIComponent(token)}`;
    for (let attempt = 0; attempt < 5; attempt++) expect(await upgrade(at(`wrong-token-${attempt}`))).toMatchObject({ status: 401 });
    const refused = await upgrade(at('wrong-token-again'));
    expect(refused).toMatchObject({ accepted: false, status: 429 });
    if (!refused.accepted) expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    expect(await upgrade(at(wrongCode(1)))).toMatchObject({ status: 429 });
    expect(await upgrade(at(board.joinCode))).toMatchObject({ status: 429 });
    // 256 random bits cannot be guessed: refusing them would only let a flood lock real people out.
    expect(await upgrade(at(board.tokens.participant))).toEqual({ accepted: true });
    // The API routes count the same attempts.
    expect((await fetch(`${server.url}/api/boards/${board.boardId}?token=${board.joinCode}`)).status).toBe(429);
    expect((await fetch(`${server.url}/api/boards/${board.boardId}?token=${board.tokens.viewer}`)).status).toBe(200);
  });

  it('limits wrong attempts on one board from every address together, refusing its code but never its links', async () => {
    await start({ trustProxy: true });
    const board = await createBoard(server);
    const other = await createBoard(server);
    const at = (id: string, token: string, from: string) => upgrade(`${server.wsUrl}/${id}?token=${encodeURIComponent(token)}`, { 'X-Forwarded-For': from });
    for (let attempt = 0; attempt < 8; attempt++) expect(await at(board.boardId, `wrong-${attempt}`, `198.51.100.${attempt}`)).toMatchObject({ status: 401 });
    expect(await at(board.boardId, 'wrong-again', '198.51.100.50')).toMatchObject({ status: 429 });
    expect(await at(board.boardId, board.joinCode, '198.51.100.51')).toMatchObject({ status: 429 });
    expect(await at(board.boardId, board.tokens.facilitator, '198.51.100.52')).toEqual({ accepted: true });
    expect(await at(other.boardId, other.joinCode, '198.51.100.53')).toEqual({ accepted: true });
  });

  it('sends the security headers with every refused upgrade: 401, 403, 404 and 429', async () => {
    await start();
    const board = await createBoard(server);
    const refusals = [
      await upgrade(`${server.wsUrl}/${board.boardId}?token=wrong`),
      await upgrade(`${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`, { Origin: 'https://elsewhere.example' }),
      await upgrade(`${server.wsUrl}/no-such-board-123456789?token=wrong`),
    ];
    for (let attempt = 0; attempt < 5; attempt++) await upgrade(`${server.wsUrl}/${board.boardId}?token=wrong-${attempt}`);
    refusals.push(await upgrade(`${server.wsUrl}/${board.boardId}?token=wrong-again`));
    expect(refusals.map((refusal) => (refusal.accepted ? 'accepted' : refusal.status))).toEqual([401, 403, 404, 429]);
    for (const refusal of refusals) {
      if (refusal.accepted) continue;
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(refusal.headers[name.toLowerCase()], `${name} on ${refusal.status}`).toBe(value);
    }
  });
});

describe('the join code’s life', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.stop();
  });

  const call = (path: string, method: string, token: string) =>
    fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const join = (code: string) =>
    fetch(`${server.url}/api/join`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });

  it('lets the facilitator issue a new code, which stops the old one at once, and stop the code when the workshop ends', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const info = await (await call(`/api/boards/${board.boardId}`, 'GET', board.tokens.facilitator)).json();
    expect(info).toMatchObject({ joinCode: board.joinCode, joinCodeExpiresAt: expect.any(Number) });

    for (const token of [board.tokens.participant, board.tokens.viewer]) {
      expect((await call(`/api/boards/${board.boardId}/join-code`, 'POST', token)).status).toBe(403);
      expect((await call(`/api/boards/${board.boardId}/join-code`, 'DELETE', token)).status).toBe(403);
    }
    const renewed = await call(`/api/boards/${board.boardId}/join-code`, 'POST', board.tokens.facilitator);
    expect(renewed.status).toBe(201);
    const { joinCode } = (await renewed.json()) as { joinCode: string };
    expect(joinCode).not.toBe(board.joinCode);
    expect((await join(board.joinCode)).status).toBe(404);
    expect(await upgrade(`${server.wsUrl}/${board.boardId}?token=${board.joinCode}`)).toMatchObject({ status: 401 });
    expect(await (await join(joinCode)).json()).toEqual({ boardId: board.boardId, token: board.tokens.participant });
    expect((await (await call(`/api/boards/${board.boardId}`, 'GET', board.tokens.facilitator)).json()).joinCode).toBe(joinCode);

    expect((await call(`/api/boards/${board.boardId}/join-code`, 'DELETE', board.tokens.facilitator)).status).toBe(204);
    const stopped = await join(joinCode);
    expect(stopped.status).toBe(410);
    expect((await stopped.json()).error).toMatch(/expired or the facilitator has stopped it/);
    expect(await upgrade(`${server.wsUrl}/${board.boardId}?token=${joinCode}`)).toMatchObject({ status: 401 });
    expect(await upgrade(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`)).toEqual({ accepted: true });
    expect(await (await call(`/api/boards/${board.boardId}`, 'GET', board.tokens.facilitator)).json()).toMatchObject({ joinCode: null, joinCodeExpiresAt: null });
  });

  it('stops a code by itself once JOIN_CODE_TTL_HOURS have passed since it was issued, leaving in whoever joined with it', async () => {
    server = await startTestServer({ joinCodeTtlHours: 0.3 / 3600 });
    const board = await createBoard(server);
    const joined = await join(board.joinCode);
    expect(joined.status).toBe(200);
    const { token } = (await joined.json()) as { token: string };
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await join(board.joinCode)).status).toBe(410);
    expect(await upgrade(`${server.wsUrl}/${board.boardId}?token=${board.joinCode}`)).toMatchObject({ status: 401 });
    expect(await upgrade(`${server.wsUrl}/${board.boardId}?token=${encodeURIComponent(token)}`)).toEqual({ accepted: true });
    // The expired code can no longer hand the participant token out: the copy sealed under it is gone.
    expect((await server.storage.getBoard(board.boardId as never))!.joinCode!.participantTokenSealed).toBeNull();
  });

  it('keeps the code and the participant token only hashed and sealed: no file holds either, and no other token opens the code', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    expect((await join(board.joinCode)).status).toBe(200);
    const renewed = (await (await call(`/api/boards/${board.boardId}/join-code`, 'POST', board.tokens.facilitator)).json()) as { joinCode: string };
    expect((await join(renewed.joinCode)).status).toBe(200);
    const { readdir, readFile } = await import('node:fs/promises');
    for (const file of await readdir(server.dataDir)) {
      const bytes = await readFile(`${server.dataDir}/${file}`);
      for (const secret of [board.joinCode, renewed.joinCode, board.tokens.participant, board.tokens.facilitator]) {
        expect(bytes.includes(Buffer.from(secret)), `${file} holds ${secret}`).toBe(false);
      }
    }
    const stored = (await server.storage.getBoard(board.boardId as never))!.joinCode!;
    expect(stored.sealed!.includes(Buffer.from(renewed.joinCode))).toBe(false);
    const asParticipant = await (await call(`/api/boards/${board.boardId}`, 'GET', board.tokens.participant)).json();
    expect(asParticipant).toMatchObject({ joinCode: null, joinCodeExpiresAt: null });
  });
});

describe('people who joined with the code', () => {
  let server: TestServer;
  const opened: StockClient[] = [];
  afterEach(async () => {
    for (const client of opened.splice(0)) client.destroy();
    await server.stop();
  });

  const call = (path: string, method: string, token: string) =>
    fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const join = (code: string) =>
    fetch(`${server.url}/api/join`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });

  /** Someone who typed the code, entered their name and is live on the board, as the client does it. */
  async function joinByCode(boardId: string, code: string, name: string): Promise<StockClient> {
    const answer = await join(code);
    expect(answer.status).toBe(200);
    const { token } = (await answer.json()) as { token: string };
    const registered = await registerParticipant(server, boardId, token, name);
    const client = connectStockClient(server, boardId, { token, participant: registered.participantKey });
    opened.push(client);
    await whenSynced(client.provider);
    return client;
  }

  /** A phone that slept, or a page reloaded: the socket closes and the client connects again with what it kept. */
  async function reconnect(client: StockClient): Promise<void> {
    client.provider.disconnect();
    client.provider.connect();
    await whenSynced(client.provider);
  }

  it('are given the participant token, the same access as the participant link', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    expect(await (await join(board.joinCode)).json()).toEqual({ boardId: board.boardId, token: board.tokens.participant });
  });

  it('reconnect after the facilitator stops the code, while a newcomer typing the stopped code is told 410', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const pat = await joinByCode(board.boardId, board.joinCode, 'Pat');
    expect((await call(`/api/boards/${board.boardId}/join-code`, 'DELETE', board.tokens.facilitator)).status).toBe(204);

    await reconnect(pat);
    expect((await join(board.joinCode)).status).toBe(410);
    expect((await server.storage.getBoard(board.boardId as never))!.joinCode!.participantTokenSealed).toBeNull();
  });

  it('reconnect after the facilitator issues a new code, which lets newcomers in with the same participant token', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const pat = await joinByCode(board.boardId, board.joinCode, 'Pat');
    const renewed = (await (await call(`/api/boards/${board.boardId}/join-code`, 'POST', board.tokens.facilitator)).json()) as { joinCode: string };

    await reconnect(pat);
    expect((await join(board.joinCode)).status).toBe(404);
    const sam = await joinByCode(board.boardId, renewed.joinCode, 'Sam');
    addNote(pat.doc, { text: 'Written after the code changed', x: 0, y: 0, authorId: null, authorName: '' });
    await expect.poll(() => readNotes(sam.doc).map((note) => note.text)).toContain('Written after the code changed');
  });
});
