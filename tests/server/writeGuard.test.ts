import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, deleteNote, updateNote } from '../../shared/document/notes';
import { initBoard } from '../../shared/document/board';
import { writePhase } from '../../shared/document/session';
import type { ParticipantId } from '../../shared/schema/ids';
import { locateUpdate, MAX_VALUE_CHARS } from '../../server/rooms/writeGuard';
import { NOTE_TEXT_MAX_CHARS } from '../../shared/schema/records';

/** The server's copy and a client that has synced it. */
function pair(): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  initBoard(server, { title: 't', createdAt: 1, template: 'four-perspectives' });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** What the client changed since it last matched the server, as the update it would send. */
function changeOf(client: Y.Doc, server: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(server);
  change();
  return Y.encodeStateAsUpdate(client, before);
}

const author = { authorId: 'p1' as ParticipantId, authorName: 'Priya' };

describe('finding where an update writes, before applying it', () => {
  it('locates a new note, an edit of one of its fields, and its deletion to the note', () => {
    const { server, client } = pair();
    let id = '';
    const added = changeOf(client, server, () => {
      id = addNote(client, { ...author, x: 0, y: 0, text: 'hello' });
    });
    expect(locateUpdate(server, added)).toMatchObject({ kind: 'located', locations: [{ root: 'notes', record: id }], oversized: null, misshapen: null });
    Y.applyUpdate(server, added);

    // Overwriting a field names no parent: it is found through the value it replaces.
    const edited = changeOf(client, server, () => updateNote(client, id as never, { text: 'hello again' }));
    expect(locateUpdate(server, edited)).toMatchObject({ kind: 'located', locations: [{ root: 'notes', record: id }], oversized: null, misshapen: null });
    Y.applyUpdate(server, edited);

    const deleted = changeOf(client, server, () => deleteNote(client, id as never));
    expect(locateUpdate(server, deleted)).toMatchObject({ kind: 'located', locations: [{ root: 'notes', record: id }], oversized: null, misshapen: null });
  });

  it('locates a phase change to the session, even sent with the whole history', () => {
    const { server, client } = pair();
    writePhase(client, 'reveal');
    // A reconnecting client sends everything the server lacks plus every deletion it knows.
    const whole = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
    expect(locateUpdate(server, whole)).toMatchObject({ kind: 'located', locations: [{ root: 'session', record: 'phase' }], oversized: null, misshapen: null });
  });

  it('ignores deletions the server already has, so resending history is judged only on what is new', () => {
    const { server, client } = pair();
    writePhase(server, 'write');
    writePhase(server, 'reveal');
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const update = changeOf(client, server, () => addNote(client, { ...author, x: 0, y: 0 }));
    const located = locateUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
    expect(located.kind === 'located' && located.locations.map((l) => l.root)).toEqual(['notes']);
    expect(locateUpdate(server, update).kind).toBe('located');
  });

  it('judges a client replaying its whole history (as its offline copy does) only on what is new', () => {
    const { server, client } = pair();
    // The facilitator changed the phase twice: the older values are deleted everywhere.
    writePhase(server, 'write');
    writePhase(server, 'reveal');
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const id = addNote(client, { ...author, x: 0, y: 0, text: 'written offline' });
    updateNote(client, id, { text: 'written offline, then edited' });
    // Everything the client has, deleted session values included, in one update.
    expect(locateUpdate(server, Y.encodeStateAsUpdate(client))).toMatchObject({ kind: 'located', locations: [{ root: 'notes', record: id }], oversized: null, misshapen: null });
  });

  it('finds a note longer than the limit, and any value larger than a board field can be', () => {
    const { server, client } = pair();
    let id = '';
    const longNote = changeOf(client, server, () => {
      id = addNote(client, { ...author, x: 0, y: 0, text: 'x' });
      // Written straight into the document, past the client's own limit, as a tampered client would.
      (client.getMap('notes').get(id) as Y.Map<unknown>).set('text', 'y'.repeat(NOTE_TEXT_MAX_CHARS + 1));
    });
    expect(locateUpdate(server, longNote)).toMatchObject({ kind: 'located', oversized: `A note may hold at most ${NOTE_TEXT_MAX_CHARS} characters.` });
    const { server: s2, client: c2 } = pair();
    const fullNote = changeOf(c2, s2, () => addNote(c2, { ...author, x: 0, y: 0, text: 'z'.repeat(NOTE_TEXT_MAX_CHARS) }));
    expect(locateUpdate(s2, fullNote)).toMatchObject({ kind: 'located', oversized: null });
    const { server: s3, client: c3 } = pair();
    const huge = changeOf(c3, s3, () => c3.getMap('actionEvaluations').set('a1/objectives', 'w'.repeat(MAX_VALUE_CHARS + 1)));
    expect(locateUpdate(s3, huge)).toMatchObject({ kind: 'located', oversized: `A value of ${MAX_VALUE_CHARS + 1} characters is larger than a board holds.` });
  });

  it('follows a long chain of typed text inside one update without recursion, and finds it is not a note', () => {
    const { server, client } = pair();
    const update = changeOf(client, server, () => {
      const text = new Y.Text();
      client.getMap('notes').set('n1', text as never);
      for (let i = 0; i < 5000; i++) text.insert(i, 'x');
    });
    expect(locateUpdate(server, update)).toMatchObject({
      kind: 'located',
      locations: [{ root: 'notes', record: 'n1' }],
      misshapen: 'notes/n1 is not the one Y.Map a record is',
    });
  });

  it('reports an update that builds on items the server does not have, or deletes them, as unresolved', () => {
    const { server, client } = pair();
    // The server never receives this note.
    const id = addNote(client, { ...author, x: 0, y: 0 });
    const edit = changeOf(client, client, () => updateNote(client, id, { text: 'x' }));
    expect(locateUpdate(server, edit).kind).toBe('unresolved');
    // Yjs would keep such a deletion pending and apply it to whatever arrived later.
    const removal = changeOf(client, client, () => deleteNote(client, id));
    expect(locateUpdate(server, removal).kind).toBe('unresolved');
  });
});
