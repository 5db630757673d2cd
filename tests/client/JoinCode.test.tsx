import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JoinCodePanel, JoinCodeProvider, useJoinCodeControl } from '../../client/components/JoinCode';

function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The bar's panel with the code the screens would show beside it, as BoardSessionView wires them. */
function Bar() {
  const control = useJoinCodeControl();
  return (
    <>
      <JoinCodePanel code={control?.code ?? null} />
      <p data-testid="shown-code">{control?.code ?? 'none'}</p>
    </>
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the facilitator’s join code', () => {
  it('issues a new code, shown at once everywhere, and stops it when the workshop ends', async () => {
    const fetchMock = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValueOnce(jsonResponse({ joinCode: 'NEWC-2345', expiresAt: Date.now() + 1000 }, 201))
      .mockResolvedValueOnce(new Response(null, { status: 204 }));
    const user = userEvent.setup();
    render(
      <JoinCodeProvider boardId="board-1" token="facilitator-token" code="OLDC-2345" expiresAt={Date.now() + 1000}>
        <Bar />
      </JoinCodeProvider>,
    );
    expect(screen.getByText('OLDC-2345', { selector: 'strong' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'New join code' }));
    expect(await screen.findByText('NEWC-2345', { selector: 'strong' })).toBeTruthy();
    expect(screen.getByTestId('shown-code').textContent).toBe('NEWC-2345');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/boards/board-1/join-code');
    expect(fetchMock.mock.calls[0]?.[1]).toMatchObject({ method: 'POST', headers: { Authorization: 'Bearer facilitator-token' } });

    await user.click(screen.getByRole('button', { name: 'Stop the join code' }));
    expect(await screen.findByText('No join code: people join with the participant link')).toBeTruthy();
    expect(screen.getByTestId('shown-code').textContent).toBe('none');
    expect(fetchMock.mock.calls[1]?.[1]).toMatchObject({ method: 'DELETE' });
    expect(screen.queryByRole('button', { name: 'Stop the join code' })).toBeNull();
    expect(screen.getByRole('button', { name: 'New join code' })).toBeTruthy();
  });

  it('says why when the server will not change the code', async () => {
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(jsonResponse({ error: 'Only the facilitator can issue a join code.' }, 403));
    const user = userEvent.setup();
    render(
      <JoinCodeProvider boardId="board-1" token="t" code={null} expiresAt={null}>
        <Bar />
      </JoinCodeProvider>,
    );
    await user.click(screen.getByRole('button', { name: 'New join code' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only the facilitator can issue a join code.');
  });
});
