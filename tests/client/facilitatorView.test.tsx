import * as Y from 'yjs';
import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSession } from '../../shared/document/session';
import { createBoardStore } from '../../client/sync/boardStore';
import { BoardProvider } from '../../client/sync/BoardProvider';
import { createExerciseActions } from '../../client/sync/exercise';
import type { BoardActions, BoardIdentity, BoardSession, ExerciseActions } from '../../client/sync/types';
import { useFacilitatorView, usePublishFacilitatorView } from '../../client/sync/useExerciseState';
import { resetBoardUi, showActivity, showDiagram } from '../../client/state/boardUi';

/*
 * What the facilitator is looking at reaches the session
 * (docs/document-layout.md, `session.facilitatorView`), for the presenter
 * view to follow: their screen writes it when they switch, through the
 * exercise's actions, and nobody else's does.
 */

afterEach(() => resetBoardUi());

const FACILITATOR: BoardIdentity = { role: 'facilitator', canEdit: true, participantId: 'p-fran', displayName: 'Fran' };
const PARTICIPANT: BoardIdentity = { role: 'participant', canEdit: true, participantId: 'p-priya', displayName: 'Priya' };

/** A session on a plain document, with the real exercise actions, live unless told otherwise. */
function sessionOn(doc: Y.Doc, identity: BoardIdentity, live = true): BoardSession {
  const store = createBoardStore();
  store.setState({ save: { kind: live ? 'live' : 'connecting', unsaved: 0 } });
  const exercise = createExerciseActions({
    doc,
    privateDoc: null,
    origin: {},
    role: identity.role,
    participant: null,
    canWrite: () => identity.canEdit,
    endStep: () => undefined,
  });
  return { store, identity, actions: { exercise } as unknown as BoardActions };
}

function Publisher() {
  usePublishFacilitatorView();
  return null;
}

describe('the facilitator’s view in the session', () => {
  it('is written by the facilitator’s screen whenever they switch activity or diagram, once the board is live', () => {
    const doc = new Y.Doc();
    const session = sessionOn(doc, FACILITATOR);
    render(
      <BoardProvider session={session}>
        <Publisher />
      </BoardProvider>,
    );
    expect(readSession(doc).facilitatorView).toEqual({ activity: 'workshop', diagramId: null });
    act(() => showActivity('diagrams'));
    expect(readSession(doc).facilitatorView).toEqual({ activity: 'diagrams', diagramId: null });
    act(() => showDiagram('d-second'));
    expect(readSession(doc).facilitatorView).toEqual({ activity: 'diagrams', diagramId: 'd-second' });
    act(() => showActivity('plan'));
    expect(readSession(doc).facilitatorView).toEqual({ activity: 'plan', diagramId: null });
  });

  it('is written only when it changes, and not before the board is live', () => {
    const doc = new Y.Doc();
    const updates = vi.fn();
    doc.on('update', updates);
    const session = sessionOn(doc, FACILITATOR, false);
    render(
      <BoardProvider session={session}>
        <Publisher />
      </BoardProvider>,
    );
    expect(updates).not.toHaveBeenCalled();
    act(() => session.store.setState({ save: { kind: 'live', unsaved: 0 } }));
    expect(updates).toHaveBeenCalledTimes(1);
    act(() => showDiagram('d-first'));
    // Not on the diagrams: the chosen diagram does not matter, and nothing is written.
    expect(updates).toHaveBeenCalledTimes(1);
  });

  it('is never written by a participant’s screen, and reads back through useFacilitatorView', () => {
    const doc = new Y.Doc();
    const spy = vi.fn();
    const session = sessionOn(doc, PARTICIPANT);
    (session.actions as { exercise: ExerciseActions }).exercise = { ...session.actions.exercise, setFacilitatorView: spy };
    let seen: unknown = 'unread';
    function Reader() {
      seen = useFacilitatorView();
      return null;
    }
    render(
      <BoardProvider session={session}>
        <Publisher />
        <Reader />
      </BoardProvider>,
    );
    act(() => showActivity('plan'));
    expect(spy).not.toHaveBeenCalled();
    expect(readSession(doc).facilitatorView).toBeNull();
    expect(seen).toBeNull();
  });
});
