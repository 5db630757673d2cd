import { createContext, type ReactNode, useCallback, useContext, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiRequestError, renewJoinCode, stopJoinCode } from '../api';
import { inviteLink } from '../router';
import { announce, setJoinCodeEnlarged } from '../state/boardUi';
import { CopyButton } from './CopyField';
import './JoinCode.css';

/** The address people type into their browser to join: this site, without "https://". */
function joinAddress(origin: string): string {
  return origin.replace(/^https?:\/\//, '');
}

/**
 * The participant join code, large enough to read off a projector from the
 * back of the room, with where to type it.
 */
export function BigJoinCode({ code, origin }: { code: string; origin: string }) {
  return (
    <div className="big-join-code">
      <p className="big-join-code__instruction">
        Go to <strong>{joinAddress(origin)}</strong> and enter this code:
      </p>
      <p className="big-join-code__code">{code}</p>
    </div>
  );
}

/**
 * The join code full screen, for the projector. Escape or the button closes
 * it, and focus goes back to whatever opened it.
 */
export function JoinCodeOverlay({ code, origin, onClose }: { code: string; origin: string; onClose(): void }) {
  const titleId = useId();
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      // The close button is the only control: Tab stays on it while the dialog is open.
      if (event.key === 'Tab') {
        event.preventDefault();
        closeButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      opener?.focus();
    };
  }, [onClose]);

  return (
    <div className="join-code-overlay" role="dialog" aria-modal="true" aria-labelledby={titleId}>
      <h2 id={titleId} className="join-code-overlay__title">
        Join this workshop
      </h2>
      <BigJoinCode code={code} origin={origin} />
      <button ref={closeButton} type="button" className="button button--secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

/** The facilitator's hold on the board's join code: the code now, and the two things they can do with it. */
interface JoinCodeControl {
  /** Null when no code works, or when the one that works cannot be shown (from before codes were sealed). */
  code: string | null;
  /** When the working code stops by itself; null when none works. */
  expiresAt: number | null;
  renew(): Promise<void>;
  stop(): Promise<void>;
}

const JoinCodeContext = createContext<JoinCodeControl | null>(null);

/**
 * Holds the facilitator's join code for the board's screens: the header's
 * panel changes it, and the large view shows whichever code is current.
 */
export function JoinCodeProvider({
  boardId,
  token,
  code: initialCode,
  expiresAt: initialExpiresAt,
  children,
}: {
  boardId: string;
  /** The facilitator's token: the server opens the sealed code with it. */
  token: string;
  code: string | null;
  expiresAt: number | null;
  children: ReactNode;
}) {
  const [current, setCurrent] = useState({ code: initialCode, expiresAt: initialExpiresAt });
  const renew = useCallback(async () => {
    const issued = await renewJoinCode(boardId, token);
    setCurrent({ code: issued.joinCode, expiresAt: issued.expiresAt });
  }, [boardId, token]);
  const stop = useCallback(async () => {
    await stopJoinCode(boardId, token);
    setCurrent({ code: null, expiresAt: null });
  }, [boardId, token]);
  const control = useMemo(() => ({ ...current, renew, stop }), [current, renew, stop]);
  return <JoinCodeContext.Provider value={control}>{children}</JoinCodeContext.Provider>;
}

/** The facilitator's join code control, or null outside a JoinCodeProvider (everyone else). */
export function useJoinCodeControl(): JoinCodeControl | null {
  return useContext(JoinCodeContext);
}

/**
 * The join code in the board's bar, for the facilitator: the code with its
 * large view and invite link, and (with a JoinCodeProvider) buttons to issue
 * a new code or stop it when the workshop ends.
 */
export function JoinCodePanel({ code }: { code: string | null }) {
  const control = useJoinCodeControl();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!code && !control) return null;

  const act = async (action: () => Promise<void>, done: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      announce(done);
    } catch (failure) {
      setProblem(failure instanceof ApiRequestError ? failure.message : 'The join code could not be changed. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="join-code-badge">
      {code ? (
        <>
          <span className="join-code-badge__label">Join code</span>
          <strong className="join-code-badge__code">{code}</strong>
          <button type="button" className="button button--small button--secondary" onClick={() => setJoinCodeEnlarged(true)}>
            Show large
          </button>
          <CopyButton label="Copy invite link" value={inviteLink(window.location.origin, code)} />
        </>
      ) : (
        <span className="join-code-badge__label">
          {control?.expiresAt ? 'The join code works but cannot be shown: issue a new one to see it' : 'No join code: people join with the participant link'}
        </span>
      )}
      {control && (
        <>
          <button
            type="button"
            className="button button--small button--secondary"
            disabled={busy}
            onClick={() => void act(control.renew, 'A new join code is on screen; the old one no longer works.')}
          >
            New join code
          </button>
          {control.expiresAt !== null && (
            <button
              type="button"
              className="button button--small button--secondary"
              disabled={busy}
              onClick={() => void act(control.stop, 'The join code is stopped. People with the participant link can still come in.')}
            >
              Stop the join code
            </button>
          )}
        </>
      )}
      {problem && (
        <p className="nhsuk-error-message join-code-badge__problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
