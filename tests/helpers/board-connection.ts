import { WebSocket } from 'ws';
import { BoardConnection, type BoardConnectionOptions } from '../../client/sync/BoardConnection';

/**
 * The client's BoardConnection opened from Node against a test server, over
 * real sockets (the `ws` package standing in for the browser's WebSocket) and
 * without IndexedDB unless the options bring it back. It goes into `opened`
 * at once, for the test to close.
 */
export function openBoardConnection(server: { wsUrl: string }, options: BoardConnectionOptions, opened: BoardConnection[]): BoardConnection {
  const connection = new BoardConnection({
    websocketUrl: server.wsUrl,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    indexedDb: false,
    ...options,
  });
  opened.push(connection);
  return connection;
}
