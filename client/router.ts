import { useSyncExternalStore } from 'react';

/**
 * Three routes (`/`, `/j/<joinCode>` and `/b/<boardId>`) need no router library: the path is
 * read from `location`, and in-app links go through `navigate`.
 */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The current path; components re-render when it changes. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to another page of the app without reloading it. */
export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

/** The one path segment after `/<prefix>/` (decoded), or null when the path is not of that shape. */
function segmentAfter(prefix: string, pathname: string): string | null {
  const match = new RegExp(`^/${prefix}/([^/]+)/?$`).exec(pathname);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The board id in a `/b/<boardId>` path, or null for any other path. */
export function boardIdFromPath(pathname: string): string | null {
  return segmentAfter('b', pathname);
}

/** The join code in an invite path, `/j/<code>`, or null for any other path. */
export function inviteCodeFromPath(pathname: string): string | null {
  return segmentAfter('j', pathname);
}

/** The invite link for a board's join code: opens the board as a participant, for people joining remotely. */
export function inviteLink(origin: string, joinCode: string): string {
  return `${origin}/j/${encodeURIComponent(joinCode)}`;
}

/** The in-app path (with fragment) of a board link, whatever host the server put in it. */
export function pathOfLink(link: string): string {
  const url = new URL(link, window.location.href);
  return `${url.pathname}${url.hash}`;
}
