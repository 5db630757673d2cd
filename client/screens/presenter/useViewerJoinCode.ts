import { useEffect, useState } from 'react';
import { getBoardInfo } from '../../api';

/** How often the presenter view asks the server for the join code again: the facilitator may issue a new one or stop it at any time. */
const REFRESH_MS = 20_000;

interface JoinCodeNow {
  code: string | null;
  expiresAt: number | null;
}

/**
 * The board's join code as the viewer is shown it (docs/api.md, `GET
 * /api/boards/<id>`: the viewer gets the live code so the projector can show
 * it to the room). The facilitator may renew or stop the code while the
 * projector is up, and a code stops by itself, so it is asked for again
 * every 20 seconds and dropped the moment it expires: a stopped or expired
 * code is never left on the screen for people to type in vain.
 */
export function useViewerJoinCode(boardId: string, token: string, initial: JoinCodeNow): string | null {
  const [now, setNow] = useState<JoinCodeNow>(initial);

  useEffect(() => {
    let cancelled = false;
    const refresh = () => {
      getBoardInfo(boardId, token).then(
        (info) => {
          if (!cancelled) setNow({ code: info.joinCode, expiresAt: info.joinCodeExpiresAt });
        },
        // Offline for a moment: keep what is shown; the expiry below still clears it on time.
        () => undefined,
      );
    };
    const interval = setInterval(refresh, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(interval);
    };
  }, [boardId, token]);

  useEffect(() => {
    if (now.expiresAt === null) return;
    // setTimeout holds at most about 24.8 days; a code lives 14 days by default.
    const wait = Math.min(Math.max(now.expiresAt - Date.now(), 0), 2 ** 31 - 1);
    const timeout = setTimeout(() => setNow({ code: null, expiresAt: null }), wait);
    return () => clearTimeout(timeout);
  }, [now.expiresAt]);

  return now.code;
}
