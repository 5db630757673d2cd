import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type RunningServer } from '../../server/app';
import type { ServerConfig } from '../../server/config';
import type { Storage } from '../../server/persistence/types';
import type { BoardFanout } from '../../server/rooms/fanout';
import {
  createBoardResponseSchema,
  type CreateBoardResponse,
  registerParticipantResponseSchema,
  type RegisterParticipantResponse,
} from '../../shared/schema/api';
import type { Template } from '../../shared/schema/exercise';
import type { ParticipantId } from '../../shared/schema/ids';
import { PRIVATE_DOCUMENT_SUFFIX } from '../../shared/protocol';

/** A server on 127.0.0.1 and a free port, with its own temporary data directory. */
export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
  /** Closes the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** Makes a fresh temporary data directory. */
export function makeDataDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'retain-test-'));
}

/** Starts the real server for a test: port 0, loopback only, silent logs. */
export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  dependencies: { storage?: Storage; fanout?: BoardFanout } = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? (await makeDataDir());
  let server: RunningServer;
  try {
    server = await startServer(
      {
        host: '127.0.0.1',
        port: 0,
        dataDir,
        clientDir: null,
        logLevel: 'silent',
        roomUnloadGraceMs: 50,
        progressIntervalMs: 50,
        ...overrides,
      },
      dependencies,
    );
  } catch (error) {
    // Only a directory made here is ours to remove.
    if (!overrides.dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...server,
    dataDir,
    wsUrl: server.url.replace(/^http/, 'ws') + '/sync',
    async stop() {
      await server.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a board through the HTTP API and returns its ids, code, links and tokens. */
export async function createBoard(
  server: { url: string },
  title = 'Retention workshop',
  template?: Template,
): Promise<CreateBoardResponse> {
  const res = await fetch(`${server.url}/api/boards`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, template }),
  });
  if (res.status !== 201) throw new Error(`create board answered ${res.status}: ${await res.text()}`);
  return createBoardResponseSchema.parse(await res.json());
}

/** Registers a participant and returns the id and key the server issued. */
export async function registerParticipant(
  server: { url: string },
  boardId: string,
  token: string,
  displayName: string,
): Promise<RegisterParticipantResponse> {
  const res = await fetch(`${server.url}/api/boards/${boardId}/participants`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ displayName }),
  });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return registerParticipantResponseSchema.parse(await res.json());
}

/** A stock y-websocket client: the npm WebsocketProvider, not our wrapper. */
export interface StockClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** Connects the stock WebsocketProvider exactly as docs/document-layout.md says any integration may. */
export function connectStockClient(
  server: { wsUrl: string },
  boardId: string,
  params: Record<string, string>,
  doc: Y.Doc = new Y.Doc(),
  /** The socket class, for a test that watches every frame (malformed.test.ts). */
  socketClass: new (address: string, protocols?: string | string[]) => WebSocket = WebSocket,
): StockClient {
  const provider = new WebsocketProvider(server.wsUrl, boardId, doc, {
    params,
    WebSocketPolyfill: socketClass as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Someone on a board through plain Yjs: their view of the board and their private document. */
export interface BoardPerson {
  id: ParticipantId;
  name: string;
  key: string;
  token: string;
  board: StockClient;
  private: StockClient;
  /** The codes the server closed the board connection with. */
  closeCodes: number[];
}

/**
 * Registers someone in the role and connects them, with the stock provider,
 * to the board and to their private document (docs/document-layout.md);
 * resolves once both have synced. Both clients go into `opened` at once, for
 * the test to destroy; `presence`, when given, is published from the start.
 */
export async function joinWithPrivateDocument(
  server: TestServer,
  board: CreateBoardResponse,
  role: 'facilitator' | 'participant',
  name: string,
  options: { opened: StockClient[]; presence?: Record<string, unknown> },
): Promise<BoardPerson> {
  const token = board.tokens[role];
  const registered = await registerParticipant(server, board.boardId, token, name);
  const params = { token, participant: registered.participantKey };
  const person: BoardPerson = {
    id: registered.participantId as ParticipantId,
    name,
    key: registered.participantKey,
    token,
    board: connectStockClient(server, board.boardId, params),
    private: connectStockClient(server, `${board.boardId}/${PRIVATE_DOCUMENT_SUFFIX}`, params),
    closeCodes: [],
  };
  options.opened.push(person.board, person.private);
  person.board.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) person.closeCodes.push(event.code);
  });
  if (options.presence) person.board.provider.awareness.setLocalState(options.presence);
  await Promise.all([whenSynced(person.board.provider), whenSynced(person.private.provider)]);
  return person;
}

/** Resolves when the provider has completed its first sync with the server. */
export function whenSynced(provider: WebsocketProvider, timeoutMs = 5000): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not sync in time')), timeoutMs);
    provider.once('sync', (synced: boolean) => {
      if (synced) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Polls until the check passes or the time runs out; the last failure is rethrown. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
