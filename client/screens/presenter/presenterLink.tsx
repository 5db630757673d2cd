import { createContext, type ReactNode, useContext } from 'react';

/**
 * The viewer link, for the facilitator's "Present" button. The server gives
 * it to the facilitator alone, in their board info (`viewerLink`,
 * docs/api.md "GET /api/boards/<id>"); it is null for everyone else, and on
 * a board created before the server kept the viewer token sealed.
 */
const PresenterLinkContext = createContext<string | null>(null);

/** Makes the viewer link available to the board's screens (the header places the Present button). */
export function PresenterLinkProvider({ link, children }: { link: string | null; children: ReactNode }) {
  return <PresenterLinkContext.Provider value={link}>{children}</PresenterLinkContext.Provider>;
}

/** The viewer link, or null where this person has none. */
export function usePresenterLink(): string | null {
  return useContext(PresenterLinkContext);
}
