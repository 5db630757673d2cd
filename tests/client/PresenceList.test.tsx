import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { describePresenceChanges, PresenceList } from '../../client/components/PresenceList';
import type { Person } from '../../client/sync/types';

const me: Person = { participantId: 'p1', name: 'Priya', colour: '#005eb8', role: 'facilitator', isSelf: true };
const sam: Person = { participantId: 'p2', name: 'Sam', colour: '#007f3b', role: 'participant', isSelf: false };
const alex: Person = { participantId: 'p3', name: 'Alex', colour: '#8a1538', role: 'viewer', isSelf: false };

describe('the presence list', () => {
  it('lists everyone under a heading with their name, role and who is you', () => {
    render(<PresenceList people={[me, sam]} announceChanges={false} />);
    const list = screen.getByRole('region', { name: 'People here (2)' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['Priyafacilitator(you)', 'Samparticipant']);
    expect(within(list).getByRole('heading', { level: 2 }).textContent).toBe('People here (2)');
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
