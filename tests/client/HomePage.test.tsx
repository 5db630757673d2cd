import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HomePage } from '../../client/screens/home/HomePage';
import { inviteCodeFromPath, inviteLink } from '../../client/router';
import { listOpenedBoards, recordOpenedBoard } from '../../client/state/openedBoards';
import createdBoard from '../fixtures/api/create-board-response.json';

function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function mockFetch(...responses: Array<Response | Error>) {
  const fetchMock = vi.spyOn(globalThis, 'fetch');
  for (const response of responses) {
    if (response instanceof Error) fetchMock.mockRejectedValueOnce(response);
    else fetchMock.mockResolvedValueOnce(response);
  }
  return fetchMock;
}

function requestBody(fetchMock: ReturnType<typeof mockFetch>, call = 0): unknown {
  const init = fetchMock.mock.calls[call]?.[1];
  return JSON.parse(String(init?.body));
}

afterEach(() => {
  vi.restoreAllMocks();
  window.history.replaceState(null, '', '/');
  localStorage.clear();
});

describe('the home page', () => {
  it('says what it is for and how a session runs, naming the product once', () => {
    render(<HomePage />);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Run a staff-retention workshop on one shared board');
    expect(screen.getByText(/the same sticky-note board at once/)).toBeTruthy();
    const steps = within(screen.getByRole('region', { name: 'How a session works' })).getAllByRole('listitem');
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(steps.length).toBeLessThanOrEqual(6);
    expect(steps.map((step) => step.querySelector('strong')?.textContent)).toEqual([
      'Create a board',
      'Invite everyone in.',
      'Write in private.',
      'Reveal and compare.',
      'Vote, then agree three to five actions.',
      'Take the plan away and come back to it.',
    ]);
    // The header's brand is the one "Retain" on the page.
    expect(document.body.textContent!.match(/Retain/g)).toHaveLength(1);
    expect(screen.getByText('Based on the NHS Employers retention guide.')).toBeTruthy();
    // A first visit has no boards to list.
    expect(screen.queryByRole('heading', { name: 'Your boards' })).toBeNull();
  });

  it('lists the boards this browser opened, newest first, with their roles, and forgets one on request', async () => {
    recordOpenedBoard({ boardId: 'Vq3xK9mZ2pL8wR4t', title: 'Ward 7 workshop', role: 'facilitator', token: 'f'.repeat(43) }, Date.UTC(2026, 10, 2, 9, 30));
    recordOpenedBoard({ boardId: 'Hn5rT2wQ8xL4kP7z', title: 'Board session', role: 'participant', token: 'p'.repeat(43) }, Date.UTC(2026, 10, 3, 14, 0));
    const user = userEvent.setup();
    render(<HomePage />);
    const list = within(screen.getByRole('region', { name: 'Your boards' })).getByRole('list');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => within(item).getByRole('link').getAttribute('aria-label'))).toEqual(['Board session, as participant', 'Ward 7 workshop, as facilitator']);
    expect(within(items[0]!).getByRole('link').textContent).toBe('Board session');
    expect(items[0]!.textContent).toContain('Participant');
    expect(items[0]!.textContent).toContain('Last opened 3 Nov 2026');
    expect(within(items[1]!).getByRole('link').getAttribute('href')).toBe(`/b/Vq3xK9mZ2pL8wR4t#token=${'f'.repeat(43)}`);

    // Opening one goes to its link, token and all, without reloading the app.
    await user.click(within(items[0]!).getByRole('link'));
    expect(window.location.pathname).toBe('/b/Hn5rT2wQ8xL4kP7z');
    expect(window.location.hash).toBe(`#token=${'p'.repeat(43)}`);

    await user.click(screen.getByRole('button', { name: /^Forget\s*“Board session” \(participant\)$/ }));
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('status').textContent).toBe('“Board session” is no longer in your list. The board itself is not deleted.');
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Your boards' }));
    expect(listOpenedBoards().map((board) => board.title)).toEqual(['Ward 7 workshop']);
  });

  it('asks for a title before creating a board, without calling the server', async () => {
    const fetchMock = mockFetch();
    const user = userEvent.setup();
    render(<HomePage />);
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    const title = screen.getByRole('textbox', { name: 'Workshop title' });
    expect(screen.getByText('Give the workshop a title')).toBeTruthy();
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(title.getAttribute('aria-describedby')).toContain(screen.getByText('Give the workshop a title').parentElement?.id);
    expect(document.activeElement).toBe(title);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('creates a board and shows its three links, the join code in large type, and a way in', async () => {
    const fetchMock = mockFetch(jsonResponse(createdBoard, 201));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Workshop title' }), '  Board development session ');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));

    expect(await screen.findByRole('heading', { name: '“Board development session” is ready' })).toBeTruthy();
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/boards');
    expect(requestBody(fetchMock)).toEqual({ title: 'Board development session', template: 'four-perspectives' });
    for (const [label, link] of Object.entries({
      'Facilitator link': createdBoard.links.facilitator,
      'Participant link': createdBoard.links.participant,
      'Viewer link': createdBoard.links.viewer,
    })) {
      expect((screen.getByRole('textbox', { name: label }) as HTMLInputElement).value).toBe(link);
      expect(screen.getByRole('button', { name: `Copy ${label.toLowerCase()}` })).toBeTruthy();
    }
    const code = screen.getByText('K7PQ-4XRM');
    expect(code.className).toBe('big-join-code__code');
    expect(code.closest('.big-join-code')?.textContent).toContain('Go to localhost:3000 and enter this code');

    await user.click(screen.getByRole('button', { name: 'Open the board as facilitator' }));
    expect(window.location.pathname).toBe(`/b/${createdBoard.boardId}`);
    expect(window.location.hash).toBe(`#token=${createdBoard.tokens.facilitator}`);
  });

  it('copies a link with its copy button and says it did', async () => {
    mockFetch(jsonResponse(createdBoard, 201));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Workshop title' }), 'Board development session');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    await user.click(await screen.findByRole('button', { name: 'Copy participant link' }));
    expect(await navigator.clipboard.readText()).toBe(createdBoard.links.participant);
    expect(await screen.findByText('Copied.')).toBeTruthy();
  });

  it('shows the server’s reason when it refuses to create the board', async () => {
    mockFetch(jsonResponse({ error: 'The workshop title is too long.' }, 400));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Workshop title' }), 'Retention');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    expect(await screen.findByText('The workshop title is too long.')).toBeTruthy();
  });

  it('asks for the creation secret when the server needs one, and sends it with the next try', async () => {
    const fetchMock = mockFetch(
      jsonResponse({ error: 'Creating a workshop on this server needs its creation secret.', needs: 'creation-secret' }, 403),
      jsonResponse(createdBoard, 201),
    );
    const user = userEvent.setup();
    render(<HomePage />);
    expect(screen.queryByLabelText('Creation secret')).toBeNull();
    await user.type(screen.getByRole('textbox', { name: 'Workshop title' }), 'Board development session');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    const secret = await screen.findByLabelText('Creation secret');
    expect(screen.getByText('Creating a workshop on this server needs its creation secret.')).toBeTruthy();
    await vi.waitFor(() => expect(document.activeElement).toBe(secret));
    await user.type(secret, 'the-trust-secret-1234');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    expect(await screen.findByRole('heading', { name: '“Board development session” is ready' })).toBeTruthy();
    expect(new Headers(fetchMock.mock.calls[1]?.[1]?.headers).get('x-retain-creation-secret')).toBe('the-trust-secret-1234');
  });

  it('says plainly when the server cannot be reached', async () => {
    mockFetch(new TypeError('Failed to fetch'));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Workshop title' }), 'Retention');
    await user.click(screen.getByRole('button', { name: 'Create workshop board' }));
    expect(await screen.findByText('Cannot reach the server. Check your connection and try again.')).toBeTruthy();
  });
});

describe('joining with a code', () => {
  it('explains what a code looks like when the one typed cannot be one', async () => {
    const fetchMock = mockFetch();
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Join code' }), 'abc{Enter}');
    expect(screen.getByText('Enter the 8-character code the facilitator shows, like K7PQ-4XRM')).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('accepts a code typed in lower case with a space and opens the board with it', async () => {
    const fetchMock = mockFetch(jsonResponse({ boardId: createdBoard.boardId, token: 'K7PQ-4XRM' }, 200));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Join code' }), 'k7pq 4xrm');
    await user.click(screen.getByRole('button', { name: 'Join workshop' }));
    await vi.waitFor(() => expect(window.location.pathname).toBe(`/b/${createdBoard.boardId}`));
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/join');
    expect(requestBody(fetchMock)).toEqual({ code: 'K7PQ-4XRM' });
    expect(window.location.hash).toBe('#token=K7PQ-4XRM');
  });

  it('says so when no workshop has the code', async () => {
    mockFetch(jsonResponse({ error: 'No workshop has that code. Check it with the facilitator.' }, 404));
    const user = userEvent.setup();
    render(<HomePage />);
    await user.type(screen.getByRole('textbox', { name: 'Join code' }), 'ZZZZ-ZZZZ{Enter}');
    expect(await screen.findByText('No workshop has that code. Check it with the facilitator.')).toBeTruthy();
    expect(window.location.pathname).toBe('/');
  });
});

describe('opening an invite link', () => {
  it('joins with the link’s code at once, without a button press', async () => {
    const fetchMock = mockFetch(jsonResponse({ boardId: createdBoard.boardId, token: 'K7PQ-4XRM' }, 200));
    render(<HomePage inviteCode="K7PQ-4XRM" />);
    await vi.waitFor(() => expect(window.location.pathname).toBe(`/b/${createdBoard.boardId}`));
    expect(requestBody(fetchMock)).toEqual({ code: 'K7PQ-4XRM' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('keeps the code in the field and says why when the link’s code is not known', async () => {
    mockFetch(jsonResponse({ error: 'No workshop has that code. Check it with the facilitator.' }, 404));
    render(<HomePage inviteCode="ZZZZ-ZZZZ" />);
    expect(await screen.findByText('No workshop has that code. Check it with the facilitator.')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Join code' }) as HTMLInputElement).value).toBe('ZZZZ-ZZZZ');
  });
});

describe('invite paths', () => {
  it('reads the code from /j/<code> and builds the same path back', () => {
    expect(inviteCodeFromPath('/j/K7PQ-4XRM')).toBe('K7PQ-4XRM');
    expect(inviteCodeFromPath('/j/K7PQ-4XRM/')).toBe('K7PQ-4XRM');
    expect(inviteCodeFromPath('/b/K7PQ-4XRM')).toBeNull();
    expect(inviteCodeFromPath('/j/')).toBeNull();
    expect(inviteLink('https://retain.example.nhs.uk', 'K7PQ-4XRM')).toBe('https://retain.example.nhs.uk/j/K7PQ-4XRM');
  });
});
