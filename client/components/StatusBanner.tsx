import type { SaveStatus } from '../sync/types';
import './StatusBanner.css';

/** A problem that no reconnecting can fix, such as a link that is not valid. */
export interface BannerError {
  title: string;
  detail?: string;
}

type StatusBannerProps =
  | { status: SaveStatus; readOnly?: boolean; error?: undefined }
  | { error: BannerError; status?: undefined; readOnly?: undefined };

function unsavedChanges(count: number): string {
  if (count === 0) return 'no unsaved changes';
  return count === 1 ? '1 unsaved change' : `${count} unsaved changes`;
}

/** The banner's words for a state: what the person sees and what screen readers hear. */
function describeSaveStatus(status: SaveStatus, readOnly = false): { title: string; detail: string | null } {
  switch (status.kind) {
    case 'connecting':
      return {
        title: readOnly || status.unsaved === 0 ? 'Connecting…' : `Connecting… – ${unsavedChanges(status.unsaved)}`,
        detail: null,
      };
    case 'live':
      return { title: readOnly ? 'Live – view only' : 'Live – all changes saved', detail: null };
    case 'saving':
      return { title: 'Saving…', detail: null };
    case 'offline':
      if (readOnly) return { title: 'Offline – trying to reconnect', detail: null };
      return {
        title: `Offline – ${unsavedChanges(status.unsaved)}`,
        detail:
          status.unsaved > 0
            ? 'Your changes stay on this device and are saved when the connection returns.'
            : 'Trying to reconnect.',
      };
    case 'closed':
      return { title: 'This board is no longer available', detail: 'It may have been deleted. Changes can no longer be saved.' };
    case 'full':
      return {
        title: 'This board is full',
        detail:
          'It holds as much as this server allows, so your latest change was not saved (it stays on this device). Download the action plan, then carry on in a new board; your IT team can raise the limit (MAX_BOARD_BYTES).',
      };
    case 'refused':
      return {
        title: 'The board refused a change from this device',
        detail: 'It was a change your role cannot make. Reload the page to carry on; if this keeps happening, tell the facilitator.',
      };
  }
}

const ICONS: Record<SaveStatus['kind'] | 'error', string> = {
  connecting: '…',
  live: '✓',
  saving: '↻',
  offline: '!',
  closed: '✕',
  refused: '✕',
  full: '✕',
  error: '✕',
};

/**
 * Says whether the connection is live and whether this device's changes are
 * stored on the server. Words and an icon carry the meaning; colour only
 * repeats it.
 */
export function StatusBanner(props: StatusBannerProps) {
  const kind = props.error ? 'error' : props.status.kind;
  const { title, detail } = props.error
    ? { title: props.error.title, detail: props.error.detail ?? null }
    : describeSaveStatus(props.status, props.readOnly);
  return (
    <div className={`status-banner status-banner--${kind}`} role="status" aria-live="polite">
      <span className="status-banner__icon" aria-hidden="true">
        {ICONS[kind]}
      </span>
      <span className="status-banner__text">
        <strong className="status-banner__title">{title}</strong>
        {detail && <span className="status-banner__detail">{detail}</span>}
      </span>
    </div>
  );
}
