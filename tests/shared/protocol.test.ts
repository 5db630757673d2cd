import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import {
  decodeAwarenessUpdate,
  decodeMessage,
  encodeAwarenessMessage,
  encodeAwarenessUpdate,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  MalformedMessageError,
  MessageType,
  readStateRefusalReason,
  StateRefusalReason,
} from '../../shared/protocol';

/** What y-websocket's own provider sends: the message type, then what y-protocols writes. */
function stock(messageType: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, messageType);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

describe('the codec (shared/protocol.ts) and the stock y-websocket messages', () => {
  it('writes sync step 1, step 2 and updates byte for byte as y-protocols does', () => {
    const doc = docWithText('Rotas six weeks ahead');
    const update = Y.encodeStateAsUpdate(doc);
    expect(encodeSyncStep1(Y.encodeStateVector(doc))).toEqual(stock(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, doc)));
    expect(encodeSyncStep2(update)).toEqual(stock(MessageType.sync, (e) => syncProtocol.writeSyncStep2(e, doc)));
    expect(encodeSyncUpdate(update)).toEqual(stock(MessageType.sync, (e) => syncProtocol.writeUpdate(e, update)));
  });

  it('writes awareness updates as y-protocols/awareness does, and reads them back', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ cursor: { x: 1, y: 2 } });
    const stockUpdate = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
    const clock = awareness.meta.get(doc.clientID)!.clock;
    expect(encodeAwarenessUpdate([{ clientId: doc.clientID, clock, state: { cursor: { x: 1, y: 2 } } }])).toEqual(stockUpdate);
    expect(encodeAwarenessMessage(stockUpdate)).toEqual(stock(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, stockUpdate)));

    const [entry, ...rest] = decodeAwarenessUpdate(stockUpdate);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ clientId: doc.clientID, clock });
    expect(JSON.parse(new TextDecoder().decode(entry!.stateJson))).toEqual({ cursor: { x: 1, y: 2 } });
    awareness.destroy();
  });

  it('reads every envelope once into what it carries', () => {
    const doc = docWithText('Exit interviews');
    const stateVector = Y.encodeStateVector(doc);
    const update = Y.encodeStateAsUpdate(doc);
    expect(decodeMessage(encodeSyncStep1(stateVector))).toEqual({ type: 'syncStep1', stateVector });
    expect(decodeMessage(encodeSyncStep2(update))).toEqual({ type: 'syncStep2', update });
    expect(decodeMessage(encodeSyncUpdate(update))).toEqual({ type: 'syncUpdate', update });
    expect(decodeMessage(encodeAwarenessMessage(update))).toEqual({ type: 'awareness', update });
    expect(decodeMessage(encodeQueryAwareness())).toEqual({ type: 'queryAwareness' });
    expect(decodeMessage(stock(MessageType.auth, (e) => (encoding.writeVarUint(e, 0), encoding.writeVarString(e, 'no'))))).toEqual({
      type: 'auth',
      deniedReason: 'no',
    });
  });

  it('refuses what does not read as a message with MalformedMessageError, never another error', () => {
    const whole = encodeSyncUpdate(Y.encodeStateAsUpdate(docWithText('Mentoring')));
    const unreadable = [
      new Uint8Array([]),
      new Uint8Array([7]),
      new Uint8Array([MessageType.sync, 9, 0]),
      whole.subarray(0, whole.byteLength - 3),
      new Uint8Array([MessageType.sync, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ];
    for (const bytes of unreadable) expect(() => decodeMessage(bytes)).toThrow(MalformedMessageError);
    expect(() => decodeAwarenessUpdate(new Uint8Array([2, 1, 1]))).toThrow(MalformedMessageError);
  });
});

describe('the reason of a 4423 close', () => {
  it('reads each of ours, and anything else as the lock, which 4423 meant first', () => {
    for (const reason of Object.values(StateRefusalReason)) expect(readStateRefusalReason(reason)).toBe(reason);
    expect(readStateRefusalReason('text-full')).toBe(StateRefusalReason.textFull);
    expect(readStateRefusalReason('')).toBe(StateRefusalReason.locked);
    expect(readStateRefusalReason('something newer')).toBe(StateRefusalReason.locked);
  });
});
