import { usePresenterLink } from './presenterLink';

/**
 * "Present": opens the presenter view (the viewer link) in a new window, to
 * drag onto the projector; it follows the facilitator's phase and activity
 * by itself (docs/document-layout.md, `session.facilitatorView`). Shown to
 * the facilitator only, since only they are given the viewer link; the
 * header places it. `noopener` keeps the new window from reaching back into
 * this one, which holds the facilitator's token.
 */
export function PresentButton() {
  const link = usePresenterLink();
  if (!link) return null;
  return (
    <button
      type="button"
      className="button button--small button--secondary present-button"
      onClick={() => window.open(link, '_blank', 'noopener')}
    >
      Present<span className="visually-hidden"> (opens the view for the projector in a new window)</span>
    </button>
  );
}
