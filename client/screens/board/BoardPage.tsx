import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type BoardInfo, registerParticipantRequestSchema } from '../../../shared/schema/api';
import { DISPLAY_NAME_MAX_CHARS } from '../../../shared/schema/records';
import { ApiRequestError, getBoardInfo, registerParticipant } from '../../api';
import {
  readTokenFromFragment,
  recallParticipant,
  recallToken,
  rememberParticipant,
  rememberToken,
  type StoredParticipant,
} from '../../state/credentials';
import { forgetDeletedBoard, recordOpenedBoard } from '../../state/openedBoards';
import { type BannerError, StatusBanner } from '../../components/StatusBanner';
import { MessagePage } from '../../components/PageChrome';
import { TextField } from '../../components/TextField';
import { BoardSessionView } from './BoardSessionView';

type Stage =
  | { kind: 'loading' }
  | { kind: 'failed'; error: BannerError; canRetry: boolean }
  | { kind: 'needs-name'; info: BoardInfo; token: string }
  | { kind: 'ready'; info: BoardInfo; token: string; participant: StoredParticipant | null };

const MISSING_TOKEN: BannerError = {
  title: 'This link is incomplete',
  detail: 'It is missing its access key. Open the full link you were sent, or join with the code from the home page.',
};

/** What the page says when the link check fails; `deletedTitle` names a board of the home page's list that has gone. */
function describeFailure(error: unknown, deletedTitle: string | null): { error: BannerError; canRetry: boolean } {
  if (error instanceof ApiRequestError && error.status === 401) {
    return {
      error: { title: 'This link is not valid', detail: 'It may have been mistyped or withdrawn. Ask the facilitator for a new link.' },
      canRetry: false,
    };
  }
  if (error instanceof ApiRequestError && error.status === 404) {
    if (deletedTitle) {
      return {
        error: {
          title: `“${deletedTitle}” has been deleted`,
          detail: 'The facilitator deleted it, or it was removed after a long time unused. It is no longer in your list of boards.',
        },
        canRetry: false,
      };
    }
    return { error: { title: 'This board does not exist', detail: 'It may have been deleted. Check the link with the facilitator.' }, canRetry: false };
  }
  return {
    error: { title: 'Could not open the board', detail: error instanceof ApiRequestError ? error.message : 'Please try again.' },
    canRetry: true,
  };
}

/**
 * The token for this board: from the link's fragment (kept for the tab,
 * then taken out of the address bar so it is not shown on a projector or
 * copied by accident), or from earlier in this tab.
 */
function takeToken(boardId: string): string | null {
  const fromLink = readTokenFromFragment(window.location.hash);
  if (fromLink) {
    rememberToken(boardId, fromLink);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    return fromLink;
  }
  return recallToken(boardId);
}

/**
 * Who this person is on the board: nobody for a viewer; for others the
 * registration kept on this device if the server still knows it, else a
 * fresh one under the same name, else (first visit) null.
 */
async function resolveParticipant(boardId: string, token: string, info: BoardInfo): Promise<StoredParticipant | null> {
  const stored = recallParticipant(boardId, info.role);
  if (!stored) return null;
  const checked = await getBoardInfo(boardId, token, stored.participantKey);
  if (checked.participant?.participantId === stored.participantId) {
    return { ...stored, displayName: checked.participant.displayName, colour: checked.participant.colour };
  }
  const again = await registerParticipant(boardId, token, stored.displayName);
  const participant: StoredParticipant = { ...again };
  rememberParticipant(boardId, participant);
  return participant;
}

/** `/b/<boardId>`: checks the link, asks for a name if needed, then opens the live board. */
export default function BoardPage({ boardId }: { boardId: string }) {
  const [token] = useState(() => takeToken(boardId));
  const [stage, setStage] = useState<Stage>(() =>
    token ? { kind: 'loading' } : { kind: 'failed', error: MISSING_TOKEN, canRetry: false },
  );

  const load = useCallback(async () => {
    if (!token) return;
    setStage({ kind: 'loading' });
    try {
      const info = await getBoardInfo(boardId, token);
      if (info.role === 'viewer') {
        setStage({ kind: 'ready', info, token, participant: null });
        return;
      }
      const participant = await resolveParticipant(boardId, token, info);
      if (participant) setStage({ kind: 'ready', info, token, participant });
      else setStage({ kind: 'needs-name', info, token });
    } catch (error) {
      // A board that has gone leaves the home page's list (client/state/openedBoards.ts), and the message names it.
      const deletedTitle = error instanceof ApiRequestError && error.status === 404 ? forgetDeletedBoard(boardId) : null;
      setStage({ kind: 'failed', ...describeFailure(error, deletedTitle) });
    }
  }, [boardId, token]);

  useEffect(() => {
    void load();
  }, [load]);

  // Listed on the home page once it has opened, so it can be found again without the link (client/state/openedBoards.ts).
  const opened = stage.kind === 'ready' ? stage.info : null;
  useEffect(() => {
    if (opened && token) recordOpenedBoard({ boardId, title: opened.title, role: opened.role, token });
  }, [boardId, token, opened]);

  switch (stage.kind) {
    case 'ready':
      return <BoardSessionView boardId={boardId} token={stage.token} info={stage.info} participant={stage.participant} />;
    case 'needs-name':
      return (
        <NameForm
          boardId={boardId}
          token={stage.token}
          info={stage.info}
          onRegistered={(participant) => setStage({ kind: 'ready', info: stage.info, token: stage.token, participant })}
        />
      );
    case 'failed':
      return (
        <MessagePage>
          <StatusBanner error={stage.error} />
          {stage.canRetry && (
            <button type="button" className="button" onClick={() => void load()}>
              Try again
            </button>
          )}
          <p>
            <a href="/">Go to the Retain home page</a>
          </p>
        </MessagePage>
      );
    case 'loading':
      return (
        <MessagePage>
          <p role="status">Opening the board…</p>
        </MessagePage>
      );
  }
}

interface NameFormProps {
  boardId: string;
  token: string;
  info: BoardInfo;
  onRegistered(participant: StoredParticipant): void;
}

/** One field, one button: the name others will see next to this person's notes. */
function NameForm({ boardId, token, info, onRegistered }: NameFormProps) {
  const headingId = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = registerParticipantRequestSchema.safeParse({ displayName: name });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Enter a display name');
      field.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const registered = await registerParticipant(boardId, token, parsed.data.displayName);
      const participant: StoredParticipant = { ...registered };
      rememberParticipant(boardId, participant);
      onRegistered(participant);
    } catch (failure) {
      setError(failure instanceof ApiRequestError ? failure.message : 'Something went wrong. Please try again.');
      setBusy(false);
      field.current?.focus();
    }
  };

  return (
    <MessagePage>
      <section className="name-form" aria-labelledby={headingId}>
        <h1 id={headingId}>Join “{info.title}”</h1>
        <form onSubmit={submit} noValidate>
          <TextField
            label={info.role === 'facilitator' ? 'Your name (you are the facilitator)' : 'Your name'}
            hint="Everyone on this board sees it next to your notes and your pointer. A first name is enough."
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={error}
            inputRef={field}
            size="large"
            maxLength={DISPLAY_NAME_MAX_CHARS}
            autoComplete="given-name"
            autoFocus
          />
          <button type="submit" className="button button--large button--full" disabled={busy}>
            {busy ? 'Joining…' : 'Join the board'}
          </button>
        </form>
      </section>
    </MessagePage>
  );
}
