import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { MessageType } from '../../shared/protocol';
import { connectStockClient, createBoard, eventually, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';
import { RawClient } from '../helpers/raw-socket';

/** Publishes awareness states for one Yjs client id, each with a newer clock, as a real client does. */
class PresencePublisher {
  private readonly doc = new Y.Doc();
  private readonly awareness: awarenessProtocol.Awareness;
  constructor(readonly clientId: number) {
    this.doc.clientID = clientId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
  }
  /** The awareness message announcing `state`. */
  message(state: Record<string, unknown>): Uint8Array {
    this.awareness.setLocalState(state);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.clientId]));
    return encoding.toUint8Array(encoder);
  }
  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

describe('presence across reconnections', () => {
  let server: TestServer;
  const clients: StockClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server.stop();
  });

  it('keeps a person present when their old socket closes after their new one has taken over', async () => {
    const board = await createBoard(server);
    const url = `${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}`;
    const observer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(observer);
    await whenSynced(observer.provider);

    const pat = new PresencePublisher(424242);
    const oldSocket = await RawClient.connect(url);
    oldSocket.send(pat.message({ user: { name: 'Pat' } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(pat.clientId)).toEqual({ user: { name: 'Pat' } }));

    // The browser reconnects before the server has noticed the old socket is gone...
    const newSocket = await RawClient.connect(url);
    newSocket.send(pat.message({ user: { name: 'Pat', back: true } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(pat.clientId)).toEqual({ user: { name: 'Pat', back: true } }));

    // ...then the old one's close arrives. Pat is still here.
    oldSocket.close();
    await oldSocket.closed();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(observer.provider.awareness.getStates().get(pat.clientId)).toEqual({ user: { name: 'Pat', back: true } });

    // When the socket that holds Pat's presence closes, Pat goes.
    newSocket.close();
    await eventually(() => expect(observer.provider.awareness.getStates().has(pat.clientId)).toBe(false));
    pat.destroy();
  });
});
