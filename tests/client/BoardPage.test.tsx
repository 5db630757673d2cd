import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BoardInfo, RegisterParticipantResponse } from '../../shared/schema/api';
import { recallParticipant, rememberParticipant } from '../../client/state/credentials';

// The live board opens a socket; these tests stop at the door, so it is replaced by a marker.
vi.mock('../../client/screens/board/BoardSessionView', () => ({
  BoardSessionView: ({ participant, info }: { participant: { participantId: string; displayName: string } | null; info: BoardInfo }) => (
    <p>
      Board open as {info.role} {participant ? `${participant.displayName} (${participant.participantId})` : 'without a name'}
    </p>
  ),
}));

const { default: BoardPage } = await import('../../client/screens/board/BoardPage');

const BOARD_ID = 'Vq3xK9mZ2pL8wR4t';

function info(overrides: Partial<BoardInfo> = {}): BoardInfo {
  return { boardId: BOARD_ID, title: 'Board development session', role: 'participant', joinCode: null, joinCodeExpiresAt: null, viewerLink: null, participant: null, ...overrides };
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function openLink(fragment: string, ...responses: Array<Response | Error>) {
  window.history.replaceState(null, '', `/b/${BOARD_ID}${fragment}`);
  const fetchMock = vi.spyOn(globalThis, 'fetch');
  for (const response of responses) {
    if (response instanceof Error) fetchMock.mockRejectedValueOnce(response);
    else fetchMock.mockResolvedValueOnce(response);
  }
  render(<BoardPage boardId={BOARD_ID} />);
  return { fetchMock, user: userEvent.setup() };
}

function headersOf(fetchMock: ReturnType<typeof openLink>['fetchMock'], call: number): Headers {
  return new Headers(fetchMock.mock.calls[call]?.[1]?.headers);
}

afterEach(() => {
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('opening a board link', () => {
  it('explains that a link without its access key is incomplete', () => {
    const { fetchMock } = openLink('');
    expect(screen.getByRole('status').textContent).toContain('This link is incomplete');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says a link is not valid when the server refuses its token, and takes the token out of the address bar', async () => {
    const { fetchMock } = openLink('#token=withdrawn', jsonResponse({ error: 'This link is not valid.' }, 401));
    expect(await screen.findByText('This link is not valid')).toBeTruthy();
    expect(headersOf(fetchMock, 0).get('authorization')).toBe('Bearer withdrawn');
    expect(window.location.hash).toBe('');
    expect(sessionStorage.getItem(`retain:token:${BOARD_ID}`)).toBe('withdrawn');
  });

  it('offers to try again when the server cannot be reached', async () => {
    const { user } = openLink('#token=viewer', new TypeError('Failed to fetch'), jsonResponse(info({ role: 'viewer' })));
    expect(await screen.findByText('Cannot reach the server. Check your connection and try again.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Board open as viewer without a name')).toBeTruthy();
  });

  it('opens the board for a viewer without asking for a name', async () => {
    openLink('#token=viewer', jsonResponse(info({ role: 'viewer' })));
    expect(await screen.findByText('Board open as viewer without a name')).toBeTruthy();
  });

  it('asks a participant for their name, explains who sees it, and registers them with it', async () => {
    const registered: RegisterParticipantResponse = { participantId: 'p-new', participantKey: 'secret', displayName: 'Priya', colour: '#005eb8', role: 'participant' };
    const { fetchMock, user } = openLink('#token=K7PQ-4XRM', jsonResponse(info()), jsonResponse(registered, 201));
    const name = await screen.findByRole('textbox', { name: 'Your name' });
    expect(screen.getByText(/Everyone on this board sees it/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Join the board' }));
    expect(screen.getByText('Enter a display name')).toBeTruthy();

    await user.type(name, ' Priya {Enter}');
    expect(await screen.findByText('Board open as participant Priya (p-new)')).toBeTruthy();
    expect(JSON.parse(String(fetchMock.mock.calls[1]?.[1]?.body))).toEqual({ displayName: 'Priya' });
    expect(recallParticipant(BOARD_ID, 'participant')).toEqual(registered);
  });

  it('recognises a returning participant by the key kept on this device', async () => {
    rememberParticipant(BOARD_ID, { participantId: 'p-1', participantKey: 'key-1', displayName: 'Priya', colour: '#005eb8', role: 'participant' });
    const { fetchMock } = openLink(
      '#token=K7PQ-4XRM',
      jsonResponse(info()),
      jsonResponse(info({ participant: { participantId: 'p-1', displayName: 'Priya', colour: '#005eb8' } })),
    );
    expect(await screen.findByText('Board open as participant Priya (p-1)')).toBeTruthy();
    expect(headersOf(fetchMock, 1).get('x-participant-key')).toBe('key-1');
  });

  it('registers a returning participant again under the same name when the server no longer knows the key', async () => {
    rememberParticipant(BOARD_ID, { participantId: 'p-old', participantKey: 'stale', displayName: 'Priya', colour: '#005eb8', role: 'participant' });
    const fresh: RegisterParticipantResponse = { participantId: 'p-fresh', participantKey: 'new-key', displayName: 'Priya', colour: '#005eb8', role: 'participant' };
    openLink('#token=K7PQ-4XRM', jsonResponse(info()), jsonResponse(info()), jsonResponse(fresh, 201));
    expect(await screen.findByText('Board open as participant Priya (p-fresh)')).toBeTruthy();
    expect(recallParticipant(BOARD_ID, 'participant')?.participantKey).toBe('new-key');
  });
});
