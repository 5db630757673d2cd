import { afterEach, describe, expect, it } from 'vitest';
import { boardInfoSchema, type BoardInfo } from '../../shared/schema/api';
import { createBoard, startTestServer, type TestServer } from '../helpers/server';

/**
 * What the presenter view needs from `GET /api/boards/<id>` (docs/api.md):
 * the viewer (the projector) is shown the live join code, to show the room;
 * the facilitator is given the viewer link for "Present"; participants get
 * neither, and a stopped or expired code is shown to no one.
 */

let server: TestServer | null = null;

afterEach(async () => {
  await server?.stop();
  server = null;
});

async function info(boardId: string, token: string): Promise<BoardInfo> {
  const res = await fetch(`${server!.url}/api/boards/${boardId}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return boardInfoSchema.parse(await res.json());
}

async function call(path: string, method: string, token: string): Promise<Response> {
  return fetch(`${server!.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
}

describe('the presenter view’s board info', () => {
  it('shows the viewer the live join code, follows a new one, and shows none once it is stopped; participants never see it', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    expect(await info(board.boardId, board.tokens.viewer)).toMatchObject({ role: 'viewer', joinCode: board.joinCode, joinCodeExpiresAt: expect.any(Number), viewerLink: null });
    expect(await info(board.boardId, board.tokens.participant)).toMatchObject({ joinCode: null, joinCodeExpiresAt: null, viewerLink: null });

    const renewed = (await (await call(`/api/boards/${board.boardId}/join-code`, 'POST', board.tokens.facilitator)).json()) as { joinCode: string };
    expect(renewed.joinCode).not.toBe(board.joinCode);
    expect((await info(board.boardId, board.tokens.viewer)).joinCode).toBe(renewed.joinCode);

    expect((await call(`/api/boards/${board.boardId}/join-code`, 'DELETE', board.tokens.facilitator)).status).toBe(204);
    expect(await info(board.boardId, board.tokens.viewer)).toMatchObject({ joinCode: null, joinCodeExpiresAt: null });
    const stored = await server.storage.getBoard(board.boardId as never);
    expect(stored?.joinCode?.viewerSealed ?? null).toBeNull();
  });

  it('shows the viewer no code once it has expired', async () => {
    server = await startTestServer({ joinCodeTtlHours: 0 });
    const board = await createBoard(server);
    expect(await info(board.boardId, board.tokens.viewer)).toMatchObject({ joinCode: null, joinCodeExpiresAt: null });
  });

  it('gives the facilitator the viewer link, which opens the board as its viewer, and keeps the viewer token off the disk', async () => {
    server = await startTestServer();
    const board = await createBoard(server);
    const facilitator = await info(board.boardId, board.tokens.facilitator);
    expect(facilitator.viewerLink).toBe(board.links.viewer);
    const token = decodeURIComponent(new URL(facilitator.viewerLink!).hash.replace(/^#token=/, ''));
    expect((await info(board.boardId, token)).role).toBe('viewer');

    const { readdir, readFile } = await import('node:fs/promises');
    for (const file of await readdir(server.dataDir)) {
      const bytes = await readFile(`${server.dataDir}/${file}`);
      for (const secret of [board.tokens.viewer, board.joinCode]) expect(bytes.includes(Buffer.from(secret)), `${file} holds ${secret}`).toBe(false);
    }
  });
});
