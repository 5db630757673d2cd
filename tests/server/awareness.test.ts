import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { MessageType } from '../../shared/protocol';
import { connectStockClient, createBoard, eventually, registerParticipant, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';
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
  /** The awareness with its local state set to `state` (null: this client is leaving), for hand-made messages. */
  awarenessOf(state: Record<string, unknown> | null): awarenessProtocol.Awareness {
    this.awareness.setLocalState(state);
    return this.awareness;
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
    const pat = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const url = `${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}&participant=${pat.participantKey}`;
    const observer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(observer);
    await whenSynced(observer.provider);
    const patUser = { participantId: pat.participantId, name: 'Pat', colour: pat.colour, role: 'participant' };

    const publisher = new PresencePublisher(424242);
    const oldSocket = await RawClient.connect(url);
    oldSocket.send(publisher.message({ user: { name: 'Pat' } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser }));

    // The browser reconnects before the server has noticed the old socket is gone...
    const newSocket = await RawClient.connect(url);
    newSocket.send(publisher.message({ user: { name: 'Pat' }, back: true }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser, back: true }));

    // ...then the old one's close arrives. Pat is still here.
    oldSocket.close();
    await oldSocket.closed();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser, back: true });

    // When the socket that holds Pat's presence closes, Pat goes.
    newSocket.close();
    await eventually(() => expect(observer.provider.awareness.getStates().has(publisher.clientId)).toBe(false));
    publisher.destroy();
  });

  // Presence is each connection's own, and says who the server knows it to be.
  it('stamps the name, colour and role others see from the connection, whatever the client claims', async () => {
    const board = await createBoard(server);
    const pat = await registerParticipant(server, board.boardId, board.tokens.participant, 'Pat');
    const observer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(observer);
    await whenSynced(observer.provider);
    const liar = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}&participant=${pat.participantKey}`);
    const publisher = new PresencePublisher(777);
    liar.send(publisher.message({ user: { participantId: 'someone-else', name: 'The Chief Executive', colour: '#ff0000', role: 'facilitator' }, cursor: { x: 5, y: 6 } }));
    await eventually(() =>
      expect(observer.provider.awareness.getStates().get(777)).toEqual({
        user: { participantId: pat.participantId, name: 'Pat', colour: pat.colour, role: 'participant' },
        cursor: { x: 5, y: 6 },
      }),
    );
    // A viewer is a viewer, whatever it says.
    const viewer = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`);
    const viewerPresence = new PresencePublisher(778);
    viewer.send(viewerPresence.message({ user: { name: 'Fay', role: 'facilitator' } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(778)).toMatchObject({ user: { name: 'Viewer', role: 'viewer' } }));
    liar.close();
    viewer.close();
    publisher.destroy();
    viewerPresence.destroy();
  });

  it('lets no connection set or remove another client’s presence', async () => {
    const board = await createBoard(server);
    const [ann, bob] = await Promise.all(['Ann', 'Bob'].map((name) => registerParticipant(server, board.boardId, board.tokens.participant, name)));
    const observer = connectStockClient(server, board.boardId, { token: board.tokens.viewer });
    clients.push(observer);
    await whenSynced(observer.provider);
    const socketOf = (person: typeof ann) => RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.participant}&participant=${person!.participantKey}`);
    const annSocket = await socketOf(ann);
    const bobSocket = await socketOf(bob);
    const annPresence = new PresencePublisher(1001);
    annSocket.send(annPresence.message({ cursor: { x: 10, y: 10 } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(1001)).toMatchObject({ user: { name: 'Ann' }, cursor: { x: 10, y: 10 } }));

    // Bob forges Ann's client id: first to move her pointer, then to make her vanish.
    const forger = new PresencePublisher(1001);
    bobSocket.send(forger.message({ cursor: { x: 999, y: 999 } }));
    const removal = encoding.createEncoder();
    encoding.writeVarUint(removal, MessageType.awareness);
    encoding.writeVarUint8Array(removal, awarenessProtocol.encodeAwarenessUpdate(forger.awarenessOf(null), [1001]));
    bobSocket.send(encoding.toUint8Array(removal));
    // Bob's own presence, sent afterwards, arrives: so his forgeries had every chance to.
    const bobPresence = new PresencePublisher(1002);
    bobSocket.send(bobPresence.message({ cursor: { x: 20, y: 20 } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(1002)).toMatchObject({ user: { name: 'Bob' } }));
    expect(observer.provider.awareness.getStates().get(1001)).toMatchObject({ user: { name: 'Ann' }, cursor: { x: 10, y: 10 } });
    expect(bobSocket.closeCode).toBeNull();
    annSocket.close();
    bobSocket.close();
    for (const p of [annPresence, forger, bobPresence]) p.destroy();
  });
});

describe('presence in a big room', () => {
  let server: TestServer;
  const sockets: RawClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server.stop();
  });

  /** How many of the awareness messages `watcher` received carry `clientId`, and the last state it was sent. */
  function presenceSeen(watcher: RawClient, clientId: number): { messages: number; last: unknown } {
    let messages = 0;
    let last: unknown = undefined;
    for (const message of watcher.received) {
      if (message[0] !== MessageType.awareness) continue;
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      awarenessProtocol.applyAwarenessUpdate(awareness, message.subarray(varUintLength(message[1]!) + 1), 'server');
      if (awareness.getStates().has(clientId)) {
        messages++;
        last = awareness.getStates().get(clientId);
      }
      awareness.destroy();
    }
    return { messages, last };
  }

  /** The bytes a varUint length prefix takes, read from its first byte (the messages here are short). */
  function varUintLength(firstByte: number): number {
    return firstByte < 0x80 ? 1 : 2;
  }

  async function roomOf(size: number): Promise<{ publisherSocket: RawClient; watcher: RawClient }> {
    const board = await createBoard(server);
    const url = `${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`;
    for (let i = 0; i < size; i++) sockets.push(await RawClient.connect(url));
    return { publisherSocket: sockets[0]!, watcher: sockets[1]! };
  }

  it('goes out at most once a frame when more than ten are there, and the latest state always arrives', async () => {
    const { publisherSocket, watcher } = await roomOf(12);
    const publisher = new PresencePublisher(515151);
    // 30 pointer moves within about 30 ms: one a millisecond, each in a turn of its own.
    for (let i = 0; i < 30; i++) {
      publisherSocket.send(publisher.message({ cursor: { x: i, y: i } }));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await eventually(() => expect(presenceSeen(watcher, publisher.clientId).last).toMatchObject({ cursor: { x: 29, y: 29 } }));
    const { messages } = presenceSeen(watcher, publisher.clientId);
    expect(messages).toBeGreaterThan(0);
    // Unthrottled, it would be about 30; once a frame (16 ms), a handful however slow this machine is.
    expect(messages).toBeLessThan(15);
    publisher.destroy();
  });

  it('goes out at once in a small room', async () => {
    const { publisherSocket, watcher } = await roomOf(3);
    const publisher = new PresencePublisher(525252);
    for (let i = 0; i < 5; i++) {
      publisherSocket.send(publisher.message({ cursor: { x: i, y: i } }));
      await eventually(() => expect(presenceSeen(watcher, publisher.clientId).last).toMatchObject({ cursor: { x: i, y: i } }), 1000, 1);
    }
    expect(presenceSeen(watcher, publisher.clientId).messages).toBe(5);
    publisher.destroy();
  });
});
