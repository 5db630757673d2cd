import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode, decodeMessage, encodeAwarenessMessage, encodeAwarenessUpdate, encodeQueryAwareness, type AwarenessEntry } from '../../shared/protocol';
import { DEFAULT_CONFIG } from '../../server/config';
import { connectStockClient, createBoard, eventually, registerParticipant, startTestServer, whenSynced, type StockClient, type TestServer } from '../helpers/server';
import { serverPerTest } from '../helpers/serverPerTest';
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
    return encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.clientId]));
  }
  /** The awareness message saying this client has left (its state null), with a newer clock. */
  leaving(): Uint8Array {
    this.awareness.setLocalState(null);
    return encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.clientId]));
  }
  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

describe('presence across reconnections', () => {
  let server: TestServer;
  const clients = serverPerTest((started) => {
    server = started;
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
    await eventually(() => expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser, cursor: null }));

    // The browser reconnects before the server has noticed the old socket is gone...
    const newSocket = await RawClient.connect(url);
    newSocket.send(publisher.message({ user: { name: 'Pat' }, cursor: { x: 7, y: 8 } }));
    await eventually(() => expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser, cursor: { x: 7, y: 8 } }));

    // ...then the old one's close arrives. Pat is still here.
    oldSocket.close();
    await oldSocket.closed();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(observer.provider.awareness.getStates().get(publisher.clientId)).toEqual({ user: patUser, cursor: { x: 7, y: 8 } });

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
    bobSocket.send(forger.leaving());
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
    for (const message of watcher.receivedMessages()) {
      if (message.type !== 'awareness') continue;
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      awarenessProtocol.applyAwarenessUpdate(awareness, message.update, 'server');
      if (awareness.getStates().has(clientId)) {
        messages++;
        last = awareness.getStates().get(clientId);
      }
      awareness.destroy();
    }
    return { messages, last };
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

  it('goes to everyone else but not back to the socket that sent it, which still gets it when it asks for everyone', async () => {
    const { publisherSocket, watcher } = await roomOf(3);
    const publisher = new PresencePublisher(535353);
    const other = new PresencePublisher(545454);
    publisherSocket.send(publisher.message({ cursor: { x: 1, y: 2 } }));
    await eventually(() => expect(presenceSeen(watcher, publisher.clientId).last).toMatchObject({ cursor: { x: 1, y: 2 } }));
    // The watcher's own state reaches the publisher: the publisher's socket is read and written as any other.
    watcher.send(other.message({ cursor: { x: 3, y: 4 } }));
    await eventually(() => expect(presenceSeen(publisherSocket, other.clientId).last).toMatchObject({ cursor: { x: 3, y: 4 } }));
    expect(presenceSeen(publisherSocket, publisher.clientId).messages).toBe(0);
    expect(presenceSeen(watcher, other.clientId).messages).toBe(0);
    // Asked for everyone's presence (as a client does after a reconnect), it is sent its own too.
    publisherSocket.send(encodeQueryAwareness());
    await eventually(() => expect(presenceSeen(publisherSocket, publisher.clientId).last).toMatchObject({ cursor: { x: 1, y: 2 } }));
    publisher.destroy();
    other.destroy();
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

/**
 * An awareness message of any states at all, as a hostile client may send:
 * well formed, but speaking for whichever client ids it likes, at any clock
 * (1 unless given), with states no real client would publish.
 */
function hostilePresence(entries: (Omit<AwarenessEntry, 'clock'> & { clock?: number })[]): Uint8Array {
  return encodeAwarenessMessage(encodeAwarenessUpdate(entries.map(({ clientId, clock = 1, state }) => ({ clientId, clock, state }))));
}

/** A JSON array nested `depth` deep: `[[[…]]]`. */
function nestedJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** The bytes of every awareness message a socket has received. */
function awarenessBytes(socket: RawClient): number {
  return socket.received.filter((message) => decodeMessage(message).type === 'awareness').reduce((sum, message) => sum + message.byteLength, 0);
}

/** True once the socket has been sent a sync step 2 since its `since`th message. */
function answeredSync(socket: RawClient, since = 0): boolean {
  return socket.receivedMessages(since).some((message) => message.type === 'syncStep2');
}

/**
 * Resolves once the server has handled everything the socket sent before
 * (or closed it on the way): a socket's messages are read in order, and
 * presence at once, so the answer to a sync request comes after them.
 */
async function handled(socket: RawClient): Promise<void> {
  const before = socket.received.length;
  socket.requestSync();
  await eventually(() => expect(socket.closeCode !== null || answeredSync(socket, before)).toBe(true));
}

describe('presence a hostile client publishes', () => {
  let server: TestServer;
  let board: Awaited<ReturnType<typeof createBoard>>;
  let observer: StockClient;
  const sockets: RawClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    board = await createBoard(server);
    observer = connectStockClient(server, board.boardId, { token: board.tokens.facilitator });
    await whenSynced(observer.provider);
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    observer.destroy();
    await server.stop();
  });

  /** A viewer's raw socket, once the server has answered its sync request: what it sends from then on is read. */
  async function viewerSocket(): Promise<RawClient> {
    const socket = await RawClient.connect(`${server.wsUrl}/${board.boardId}?token=${board.tokens.viewer}`);
    sockets.push(socket);
    await handled(socket);
    return socket;
  }

  const statesSeen = () => observer.provider.awareness.getStates();

  it('closes with 1009 a connection whose presence state is over the limit, and none of it reaches anyone', async () => {
    const flooder = await viewerSocket();
    const padding = 'x'.repeat(DEFAULT_CONFIG.maxPresenceBytes);
    flooder.send(hostilePresence([{ clientId: 9001, state: { cursor: { x: 1, y: 1 } } }, { clientId: 9002, state: { padding } }]));
    expect(await flooder.closed()).toBe(CloseCode.messageTooBig);
    await handled(await viewerSocket());
    expect(statesSeen().has(9001)).toBe(false);
    expect(statesSeen().has(9002)).toBe(false);
  });

  it('lets one connection speak for at most two client ids, ignoring the rest and staying open', async () => {
    const flooder = await viewerSocket();
    const ids = Array.from({ length: 50 }, (_, i) => 7000 + i);
    flooder.send(hostilePresence(ids.slice(0, 40).map((clientId) => ({ clientId, state: { cursor: { x: 1, y: 2 } } }))));
    // A removal, then more ids: the allowance is for the socket's life, not for what it holds at once.
    flooder.send(hostilePresence([{ clientId: ids[0]!, clock: 2, state: null }]));
    flooder.send(hostilePresence(ids.slice(40).map((clientId) => ({ clientId, state: { cursor: { x: 3, y: 4 } } }))));
    await handled(flooder);
    await eventually(() => expect(statesSeen().has(ids[1]!)).toBe(true));
    expect(ids.filter((id) => statesSeen().has(id))).toEqual([ids[1]]);
    expect(flooder.closeCode).toBeNull();
  });

  it('passes on only the user the server stamps and a cursor on the board, whatever else a viewer publishes', async () => {
    const viewer = await viewerSocket();
    const claimed = {
      user: { name: 'The Chief Executive', role: 'facilitator', avatar: 'https://example.com/x.png' },
      cursor: { x: 100, y: 200, label: 'look here' },
      banner: 'All staff: the board is closed, go to evil.example',
      deep: JSON.parse(nestedJson(1500)) as unknown,
    };
    viewer.send(hostilePresence([{ clientId: 8801, state: claimed }]));
    await eventually(() =>
      expect(statesSeen().get(8801)).toEqual({
        user: { participantId: 'viewer-8801', name: 'Viewer', colour: expect.stringMatching(/^#[0-9a-f]{6}$/) as unknown, role: 'viewer' },
        cursor: { x: 100, y: 200 },
      }),
    );
  });

  it('sends a cursor that is not a point on the board as none, and a state that is not an object as the user alone', async () => {
    const viewer = await viewerSocket();
    const cursors = [{ x: -1, y: 5 }, { x: 5, y: 1e9 }, { x: '5', y: 5 }, { x: 5 }, JSON.parse(nestedJson(1500)) as unknown, 'here'];
    for (const [index, cursor] of cursors.entries()) {
      viewer.send(hostilePresence([{ clientId: 8811, clock: index + 1, state: { cursor } }]));
      await handled(viewer);
      expect(statesSeen().get(8811)).toMatchObject({ user: { role: 'viewer' }, cursor: null });
    }
    const other = await viewerSocket();
    other.send(hostilePresence([{ clientId: 8812, state: JSON.parse(nestedJson(2000)) as unknown }]));
    await eventually(() => expect(statesSeen().get(8812)).toMatchObject({ user: { role: 'viewer' }, cursor: null }));
  });

  it('keeps what a newcomer downloads of presence to a few hundred bytes a person, whatever flooding clients send', async () => {
    const big = await viewerSocket();
    big.send(hostilePresence([{ clientId: 6001, state: { cursor: null, padding: 'x'.repeat(1024 * 1024) } }]));
    const many = await viewerSocket();
    many.send(hostilePresence(Array.from({ length: 1000 }, (_, i) => ({ clientId: 6100 + i, state: { cursor: null, padding: 'x'.repeat(3000) } }))));
    const deep = await viewerSocket();
    deep.send(hostilePresence([{ clientId: 6002, state: { cursor: null, deep: JSON.parse(nestedJson(1900)) as unknown } }]));
    await Promise.all([big, many, deep].map(handled));

    const newcomer = await viewerSocket();
    newcomer.send(encodeQueryAwareness());
    const people = statesSeen().size;
    await eventually(() => expect(newcomer.receivedMessages().some((message) => message.type === 'awareness')).toBe(true));
    const bytes = awarenessBytes(newcomer);
    console.log(`presence a newcomer downloaded with three flooding sockets present: ${bytes} bytes for ${people} client ids`);
    // The observer, two ids of the flooder of many and the deep one's: each state the stamped user and a cursor.
    expect(people).toBeLessThanOrEqual(1 + 2 + 1);
    expect(bytes).toBeLessThan(2 * people * 300);
  });
});
