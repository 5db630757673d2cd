import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { CloseCode, encodeAwarenessMessage, encodeAwarenessUpdate, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, MessageType, SyncMessageType } from '../../shared/protocol';
import { DEFAULT_CONFIG } from '../../server/config';
import {
  ANY_ARRAY_TAG,
  concat,
  Content,
  fixedRandomBytes,
  type Frame,
  HAS_ORIGIN,
  HAS_PARENT_SUB,
  Harness,
  hostileAwarenessUpdate,
  hostileBytes,
  hostileItemUpdate,
  reportOf,
  runFuzz,
  TextFrame,
  unseenUpdate,
  varUint,
} from '../helpers/malformed-harness';

/**
 * Anyone who holds a board link can open a sync socket and send it any bytes
 * at all, so the server has to read every frame defensively. A frame it
 * cannot read must cost the sender their connection and nothing else: 1007
 * (malformedMessage in shared/protocol.ts) for a binary frame it cannot read
 * and for any text frame, as server/rooms/connection.ts closes those, and 1009
 * for a frame over the size limit. The document it was sent to stays byte
 * for byte as it was, everyone else on that board stays connected (and a
 * newcomer still gets the document), other boards carry on syncing, and the
 * process stays up.
 *
 * Two parts. A named corpus of bad frames, each sent on a fresh socket both
 * to a board and to a participant's private document (whose policy is not
 * the board's write guard, so the two take different paths to Yjs). Then a
 * seeded fuzz of random frames. A failing fuzz run names its seed: replay it
 * with FUZZ_SEED=<seed>, and change its size with FUZZ_FRAMES. The seed fixes
 * every random choice, but the real messages the fuzz mutates carry the
 * random client and note ids of their own run, so a replay makes the same
 * kinds of frame, and finds the same faults, rather than identical bytes.
 */

const FUZZ_FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);
// A fixed seed by default, so every run of the suite (and CI) tries the same frames; FUZZ_SEED=random explores.
const FUZZ_SEED =
  process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261123;

// ---------------------------------------------------------------------------
// The corpus. Envelopes the codec can write are written with it, around
// hostile payloads; what no codec writes is hostile bytes, built by hand
// (tests/helpers/malformed-harness.ts, "Hostile bytes").

interface BadFrame {
  name: string;
  /** The frame, given the encoded state of the document it is sent to. */
  build: (documentState: Uint8Array) => Frame;
  /** The close code shared/protocol.ts documents for it. */
  closeCode: number;
}

const malformed = (name: string, build: BadFrame['build']): BadFrame => ({ name, build, closeCode: CloseCode.malformedMessage });

/** Arrays in arrays, deeper than any stack: a recursive reader must fail cleanly, not take the process down. */
const DEEP_NESTING = 100_000;

const CORPUS: BadFrame[] = [
  malformed('an empty frame', () => new Uint8Array(0)),
  malformed('a text frame', () => new TextFrame(Buffer.from('{"type":"sync"}'))),
  malformed('a text frame that is not even UTF-8', () => new TextFrame(Buffer.from([0xc3, 0x28, 0xff, 0xfe]))),
  malformed('sync step 1 cut off before its state vector', () => new Uint8Array([MessageType.sync, SyncMessageType.step1])),
  malformed('sync step 1 whose state vector is cut off inside (its own length is right)', () =>
    encodeSyncStep1(new Uint8Array([3, 1])),
  ),
  malformed('sync step 2 cut off halfway', (state) => {
    const message = encodeSyncStep2(state);
    return message.slice(0, message.length >> 1);
  }),
  malformed('sync step 2 whose update is cut off halfway (its length is right)', (state) =>
    encodeSyncStep2(state.slice(0, state.length >> 1)),
  ),
  malformed('a sync update cut off halfway', () => {
    const message = encodeSyncUpdate(unseenUpdate());
    return message.slice(0, message.length >> 1);
  }),
  malformed('a sync update whose update stops just before its delete set', () => {
    const update = unseenUpdate();
    return encodeSyncUpdate(update.slice(0, update.length - 1));
  }),
  malformed('message type 99', () => new Uint8Array([99, 0, 0])),
  malformed('message type 2 (auth), which only a server sends', () =>
    concat(
      [MessageType.auth],
      hostileBytes((e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, 'let me in');
      }),
    ),
  ),
  malformed('a message type of ten 0xff bytes (a varint past 2^53)', () => new Uint8Array(10).fill(0xff)),
  malformed('a sync type of ten 0xff bytes', () => concat([MessageType.sync], new Uint8Array(10).fill(0xff))),
  malformed('an update length of ten 0xff bytes', () => concat([MessageType.sync, SyncMessageType.update], new Uint8Array(10).fill(0xff), [0, 0])),
  malformed('an update length far longer than the frame', () =>
    concat([MessageType.sync, SyncMessageType.update], varUint(1 << 20), [0, 0, 1, 2, 3]),
  ),
  malformed('an awareness length far longer than the frame', () => concat([MessageType.awareness], varUint(65_535), [1, 0])),
  malformed('sync message type 7', () => concat([MessageType.sync], varUint(7), varUint(2), [0, 0])),
  malformed('an awareness message with no update', () => new Uint8Array([MessageType.awareness])),
  malformed('an awareness update whose state is not JSON', () =>
    encodeAwarenessMessage(hostileAwarenessUpdate([{ clientId: 4_242_001, clock: 1, json: '{"user":{"name":' }])),
  ),
  malformed('an awareness update whose second entry is cut off', () => {
    const whole = encodeAwarenessUpdate([
      { clientId: 4_242_002, clock: 1, state: { user: { name: 'Ghost' } } },
      { clientId: 4_242_003, clock: 1, state: { user: { name: 'Half a ghost' } } },
    ]);
    return encodeAwarenessMessage(whole.slice(0, whole.length - 12));
  }),
  malformed('random bytes', () => fixedRandomBytes(256, 7)),
  malformed('random bytes after a sync update header', () => concat([MessageType.sync, SyncMessageType.update], fixedRandomBytes(256, 11))),
  malformed('a Yjs item header followed by random bytes', () =>
    encodeSyncUpdate(
      concat(
        hostileBytes((e) => {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 0x5eed01);
          encoding.writeVarUint(e, 0);
        }),
        fixedRandomBytes(64, 13),
      ),
    ),
  ),
  malformed('a Yjs item whose left neighbour is a later item of its own (Yjs applies what comes before it, then throws)', () =>
    encodeSyncUpdate(
      hostileBytes((e) => {
        const client = 0x5eed09;
        encoding.writeVarUint(e, 1); // clients
        encoding.writeVarUint(e, 3); // structs of that client, from clock 0
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 0);
        // Clock 0: a value under a key of `notes`, which Yjs applies.
        encoding.writeUint8(e, Content.any | HAS_PARENT_SUB);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'notes');
        encoding.writeVarString(e, 'half-applied');
        encoding.writeVarUint(e, 1);
        encoding.writeAny(e, 'applied before the throw');
        // Clock 1: to the right of clock 2, which does not exist yet when Yjs places it.
        encoding.writeUint8(e, Content.any | HAS_ORIGIN);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint(e, 1);
        encoding.writeAny(e, 'never placed');
        // Clock 2: to the right of clock 0. The write guard follows 1 to 2 to 0, to `notes`.
        encoding.writeUint8(e, Content.any | HAS_ORIGIN);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 1);
        encoding.writeAny(e, 'never placed either');
        encoding.writeVarUint(e, 0); // an empty delete set
      }),
    ),
  ),
  malformed('a Yjs item whose left neighbour is a later item of its own that exists nowhere', () =>
    encodeSyncUpdate(
      hostileBytes((e) => {
        const client = 0x5eed0a;
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 0);
        // A real client's item always comes after its left neighbour; Yjs fails on this one.
        encoding.writeUint8(e, Content.any | HAS_ORIGIN);
        encoding.writeVarUint(e, client);
        encoding.writeVarUint(e, 7);
        encoding.writeVarUint(e, 1);
        encoding.writeAny(e, 'nowhere to go');
        encoding.writeVarUint(e, 0);
      }),
    ),
  ),
  malformed('a Yjs item of a content type that does not exist', () =>
    encodeSyncUpdate(hostileItemUpdate({ client: 0x5eed02, clock: 0, content: 30, writeContent: (e) => encoding.writeVarUint(e, 3) })),
  ),
  malformed('a Yjs item of a shared type that does not exist', () =>
    encodeSyncUpdate(hostileItemUpdate({ client: 0x5eed03, clock: 0, content: Content.type, writeContent: (e) => encoding.writeVarUint(e, 99) })),
  ),
  malformed('a Yjs embed that is not JSON', () =>
    encodeSyncUpdate(
      hostileItemUpdate({ client: 0x5eed04, clock: 0, content: Content.embed, writeContent: (e) => encoding.writeVarString(e, '{"insert":') }),
    ),
  ),
  malformed('a Yjs string claiming to be 2 GiB long', () =>
    encodeSyncUpdate(
      hostileItemUpdate({
        client: 0x5eed05,
        clock: 0,
        content: Content.string,
        writeContent: (e) => {
          encoding.writeVarUint(e, 2 ** 31);
          encoding.writeUint8Array(e, new TextEncoder().encode('not that long'));
        },
      }),
    ),
  ),
  malformed('a Yjs value list claiming 2^32 values', () =>
    encodeSyncUpdate(
      hostileItemUpdate({
        client: 0x5eed06,
        clock: 0,
        content: Content.any,
        writeContent: (e) => {
          encoding.writeVarUint(e, 2 ** 32);
          encoding.writeAny(e, 'one');
        },
      }),
    ),
  ),
  malformed(`a Yjs value nested ${DEEP_NESTING.toLocaleString('en-GB')} arrays deep`, () =>
    encodeSyncUpdate(
      hostileItemUpdate({
        client: 0x5eed07,
        clock: 0,
        content: Content.any,
        writeContent: (e) => {
          encoding.writeVarUint(e, 1);
          for (let depth = 0; depth < DEEP_NESTING; depth++) {
            encoding.writeUint8(e, ANY_ARRAY_TAG);
            encoding.writeVarUint(e, 1);
          }
          encoding.writeAny(e, 'the bottom');
        },
      }),
    ),
  ),
  malformed('a Yjs item at an absurd client id and clock (a gap Yjs would hold on to)', () =>
    encodeSyncUpdate(
      hostileItemUpdate({ client: Number.MAX_SAFE_INTEGER, clock: 2 ** 50, content: Content.any, writeContent: (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeAny(e, 'from the far future');
      } }),
    ),
  ),
  malformed('a Yjs deletion of absurd clocks of an absurd client id', () =>
    encodeSyncUpdate(
      hostileBytes((e) => {
        encoding.writeVarUint(e, 0); // no structs
        encoding.writeVarUint(e, 1); // deletions of one client
        encoding.writeVarUint(e, Number.MAX_SAFE_INTEGER);
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint(e, 2 ** 50);
        encoding.writeVarUint(e, 5);
      }),
    ),
  ),
  malformed('a Yjs deleted run claiming 2^52 clocks', () =>
    encodeSyncUpdate(
      hostileItemUpdate({ client: 0x5eed08, clock: 0, content: Content.deleted, writeContent: (e) => encoding.writeVarUint(e, 2 ** 52) }),
    ),
  ),
  {
    name: 'a frame one byte over the size limit',
    build: () => concat([MessageType.sync, SyncMessageType.update], new Uint8Array(DEFAULT_CONFIG.maxMessageBytes - 1)),
    closeCode: CloseCode.messageTooBig,
  },
];

describe('frames the server cannot read', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  // Plain loops rather than .each, which shortens long names until two cases could share one.
  const targets = [
    { link: 'facilitator' as const, target: 'a board, on its facilitator link (the widest write access)' },
    { link: 'private' as const, target: "a participant's private document (no board write guard)" },
  ];
  for (const { link, target } of targets) {
    describe(`sent to ${target}`, () => {
      for (const { name, build, closeCode } of CORPUS) {
        it(`${name}: closes that connection only, and changes nothing`, async () => {
          const seen = await h.sendBadFrame(link, build);
          expect.soft(seen.outcome, 'what became of the connection that sent it').toEqual({ kind: 'closed', code: closeCode });
          expect.soft(seen.newcomer, 'a newcomer on the same document asking for it at the same moment').toBe('answered');
          expect.soft(seen.documentsAfter, 'the board document and the private document').toEqual(seen.documentsBefore);
          expect.soft(seen.uncaughtErrors, 'errors nothing caught (each would stop the real server process)').toEqual([]);
          expect.soft(seen.presenceAfter, 'presence left behind by the closed connection').toEqual(seen.presenceBefore);
          expect.soft(await h.problems(), 'the server and everyone else on it').toEqual([]);
        });
      }
    });
  }

  it(`stays up, and leaves the documents and everyone else alone, through ${FUZZ_FRAMES.toLocaleString('en-GB')} random frames`, async () => {
    const { sent, skipped, violations } = await runFuzz(h, { seed: FUZZ_SEED, frames: FUZZ_FRAMES });
    expect(
      reportOf(violations),
      `The fuzz found problems in ${sent} frames (${skipped} valid edits left out). Replay with: FUZZ_SEED=${FUZZ_SEED} npx vitest run tests/server/malformed.test.ts`,
    ).toEqual([]);
    expect(sent, `too few frames sent with FUZZ_SEED=${FUZZ_SEED}: most were valid edits`).toBeGreaterThanOrEqual(FUZZ_FRAMES);
  }, 300_000);
});
