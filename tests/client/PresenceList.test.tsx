import { beforeEach, describe, expect, it } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { resetBoardUi, showActivity } from '../../client/state/boardUi';
import { describePresenceChanges, PresenceList } from '../../client/components/PresenceList';
import type { Person } from '../../client/sync/types';

const me: Person = { participantId: 'p1', name: 'Priya', colour: '#005eb8', role: 'facilitator', isSelf: true };
const sam: Person = { participantId: 'p2', name: 'Sam', colour: '#007f3b', role: 'participant', isSelf: false };
const alex: Person = { participantId: 'p3', name: 'Alex', colour: '#8a1538', role: 'viewer', isSelf: false };

describe('the presence list', () => {
  beforeEach(() => resetBoardUi());

  it('lists everyone under a heading with their name, role and who is you', () => {
    render(<PresenceList people={[me, sam]} announceChanges={false} />);
    const list = screen.getByRole('region', { name: 'People (2)' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['Priyafacilitator(you)', 'Samparticipant']);
    // Its name, without the arrow (hidden from screen readers), is the region's.
    expect(within(list).getByRole('heading', { level: 2, name: 'People (2)' })).toBeTruthy();
  });

  it('folds away with its heading’s button, which says whether it is open; open on the workshop, closed on the plan and the diagrams', async () => {
    const user = userEvent.setup();
    render(<PresenceList people={[me, sam]} announceChanges={false} />);
    const toggle = screen.getByRole('button', { name: 'People (2)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('list')).toBeTruthy();
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('list')).toBeNull();

    // Another activity has its own default: folded away where the work needs the width.
    act(() => showActivity('plan'));
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(screen.getByRole('list')).toBeTruthy();
    act(() => showActivity('diagrams'));
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    // The person's own choice for an activity holds when they come back to it.
    act(() => showActivity('plan'));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });

  it('marks each person with a square colour swatch, not a round mark that looks like a radio button', () => {
    const { container } = render(<PresenceList people={[me]} announceChanges={false} />);
    const swatch = container.querySelector<HTMLElement>('.presence__swatch');
    expect(swatch?.style.backgroundColor).toBe('rgb(0, 94, 184)');
    expect(swatch?.getAttribute('aria-hidden')).toBe('true');
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('announces who joined and who left once the connection has settled', async () => {
    const { rerender, container } = render(<PresenceList people={[me, sam]} announceChanges announceDelayMs={10} />);
    rerender(<PresenceList people={[me, alex]} announceChanges announceDelayMs={10} />);
    const live = container.querySelector('[aria-live="polite"]');
    await screen.findByText('Alex joined. Sam left.');
    expect(live?.textContent).toBe('Alex joined. Sam left.');
  });

  it('stays quiet while everyone arrives at once after connecting', async () => {
    const { rerender, container } = render(<PresenceList people={[me]} announceChanges={false} announceDelayMs={10} />);
    rerender(<PresenceList people={[me, sam, alex]} announceChanges={false} announceDelayMs={10} />);
    rerender(<PresenceList people={[me, sam, alex]} announceChanges announceDelayMs={10} />);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(container.querySelector('[aria-live="polite"]')?.textContent).toBe('');
  });
});

describe('describing presence changes', () => {
  it('gathers many arrivals into a count and never announces yourself', () => {
    const many = ['a', 'b', 'c', 'd'].map((id) => ({ ...sam, participantId: id, name: id.toUpperCase() }));
    expect(describePresenceChanges([], [me, ...many])).toBe('4 people joined.');
    expect(describePresenceChanges([me], [me, sam, alex])).toBe('Sam and Alex joined.');
    expect(describePresenceChanges([me, sam], [me, sam])).toBe('');
  });
});
