import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { StatusBanner } from '../../client/components/StatusBanner';
import type { SaveStatus } from '../../client/sync/types';

function bannerText(status: SaveStatus, readOnly = false): string {
  const { unmount } = render(<StatusBanner status={status} readOnly={readOnly} />);
  const text = screen.getByRole('status').textContent ?? '';
  unmount();
  return text;
}

describe('the status banner', () => {
  it('is a polite status region that says it is connecting', () => {
    render(<StatusBanner status={{ kind: 'connecting', unsaved: 0 }} />);
    const banner = screen.getByRole('status');
    expect(banner.getAttribute('aria-live')).toBe('polite');
    expect(banner.textContent).toContain('Connecting…');
  });

  it('says everything is saved only when live with nothing waiting', () => {
    expect(bannerText({ kind: 'live', unsaved: 0 })).toContain('Live – all changes saved');
  });

  it('says it is saving while changes are not yet confirmed', () => {
    expect(bannerText({ kind: 'saving', unsaved: 2 })).toContain('Saving…');
  });

  it('shows how many changes are unsaved while offline', () => {
    expect(bannerText({ kind: 'offline', unsaved: 3 })).toContain('Offline – 3 unsaved changes');
  });

  it('uses the singular for one unsaved change and explains where it is kept', () => {
    const text = bannerText({ kind: 'offline', unsaved: 1 });
    expect(text).toContain('Offline – 1 unsaved change');
    expect(text).toContain('stay on this device');
  });

  it('says offline with nothing unsaved when nothing is waiting', () => {
    expect(bannerText({ kind: 'offline', unsaved: 0 })).toContain('Offline – no unsaved changes');
  });

  it('mentions unsaved changes while reconnecting', () => {
    expect(bannerText({ kind: 'connecting', unsaved: 2 })).toContain('Connecting… – 2 unsaved changes');
  });

  it('tells a viewer the board is view only and never talks of saving', () => {
    const live = bannerText({ kind: 'live', unsaved: 0 }, true);
    expect(live).toContain('Live – view only');
    const offline = bannerText({ kind: 'offline', unsaved: 0 }, true);
    expect(offline).toContain('Offline – trying to reconnect');
    expect(`${live} ${offline}`).not.toMatch(/sav/i);
  });

  it('says a refused change apart from a deleted board, and how to carry on', () => {
    expect(bannerText({ kind: 'refused', unsaved: 0 })).toContain('The board refused a change from this device');
    expect(bannerText({ kind: 'refused', unsaved: 0 })).toContain('Reload the page');
  });

  it('tells whoever fills the board what to do next', () => {
    const full = bannerText({ kind: 'full', unsaved: 1 });
    expect(full).toContain('This board is full');
    expect(full).toContain('Download the action plan, then carry on in a new board');
  });

  it('says so when the board has been closed for good', () => {
    expect(bannerText({ kind: 'closed', unsaved: 0 })).toContain('This board is no longer available');
  });

  it('shows a permanent error, such as a link that is not valid', () => {
    render(<StatusBanner error={{ title: 'This link is not valid', detail: 'Ask the facilitator for a new link.' }} />);
    expect(screen.getByRole('status').textContent).toContain('This link is not valid');
    expect(screen.getByRole('status').className).toContain('status-banner--error');
  });
});
