import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { createBoardRequestSchema, type CreateBoardResponse, joinRequestSchema } from '../../../shared/schema/api';
import { normaliseJoinCode } from '../../../shared/schema/ids';
import { BOARD_TITLE_MAX_CHARS } from '../../../shared/schema/records';
import { ApiRequestError, createBoard, joinWithCode } from '../../api';
import { navigate, pathOfLink } from '../../router';
import { CopyField } from '../../components/CopyField';
import { BigJoinCode } from '../../components/JoinCode';
import { SiteFooter, SiteHeader, SkipLink } from '../../components/PageChrome';
import { TextField } from '../../components/TextField';
import { useDocumentTitle } from '../../useDocumentTitle';
import { OpenedBoards } from './OpenedBoards';
import './home.css';

function messageOf(error: unknown): string {
  return error instanceof ApiRequestError ? error.message : 'Something went wrong. Please try again.';
}

/**
 * The front page: what the product is for and how a session runs, start a
 * new workshop board or join one with a code, and the boards this browser
 * has opened before. Opened from an invite link, it joins with that link's
 * code straight away. The product's name is the header's alone: the page's
 * heading says what it does instead.
 */
export function HomePage({ inviteCode = null }: { inviteCode?: string | null }) {
  useDocumentTitle('Retain – workshop board for NHS staff retention');
  return (
    <div className="page">
      <SkipLink targetId="main">Skip to main content</SkipLink>
      <SiteHeader />
      <main className="page__main" id="main" tabIndex={-1}>
        <h1 className="home__title">Run a staff-retention workshop on one shared board</h1>
        <p className="home__lead">
          For the HR, organisational-development or improvement lead running a session on keeping staff. Everyone writes
          on the same sticky-note board at once, from a laptop or a phone, with no accounts to set up, and the team
          leaves with the retention action plan it agreed.
        </p>
        <OpenedBoards />
        <div className="home__sections">
          <NewWorkshop />
          <JoinWithCode inviteCode={inviteCode} />
        </div>
        <SessionSteps />
      </main>
      <SiteFooter />
    </div>
  );
}

/** What a session looks like, from creating the board to the check-ins, for someone deciding whether to run one. */
function SessionSteps() {
  const headingId = useId();
  return (
    <section className="home__steps" aria-labelledby={headingId}>
      <h2 id={headingId}>How a session works</h2>
      <ol className="home__steps-list">
        <li>
          <strong>Create a board</strong> for your workshop. You get a private facilitator link, a link for the people
          taking part and one for the projector.
        </li>
        <li>
          <strong>Invite everyone in.</strong> Put the join code and its QR code on the projector, or send the link to
          people joining remotely. They type a name and they are in.
        </li>
        <li>
          <strong>Write in private.</strong> Each group writes what good retention looks like from its perspective: the
          board, HR, line managers or staff. Nobody sees the others’ notes yet, so no one view sets the tone.
        </li>
        <li>
          <strong>Reveal and compare.</strong> All the notes appear at once. Group them into themes and see what the four
          perspectives share and where they differ.
        </li>
        <li>
          <strong>Vote, then agree three to five actions.</strong> Dots show what matters most; each action gets an owner,
          a timescale and the steps to take.
        </li>
        <li>
          <strong>Take the plan away and come back to it.</strong> Download it for your retention action plan (Word,
          Excel and more) with a calendar of check-ins, and return at 30, 60 and 90 days to tick off steps and update
          progress.
        </li>
      </ol>
    </section>
  );
}

function NewWorkshop() {
  const headingId = useId();
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreateBoardResponse | null>(null);
  // Asked for only once the server says it needs one (CREATION_SECRET); most servers do not.
  const [secretNeeded, setSecretNeeded] = useState(false);
  const [secret, setSecret] = useState('');
  const [secretError, setSecretError] = useState<string | null>(null);
  const titleField = useRef<HTMLInputElement>(null);
  const secretField = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = createBoardRequestSchema.safeParse({ title });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check the title');
      titleField.current?.focus();
      return;
    }
    setError(null);
    setSecretError(null);
    setBusy(true);
    try {
      setCreated(await createBoard(parsed.data.title, undefined, secretNeeded ? secret : undefined));
    } catch (failure) {
      if (failure instanceof ApiRequestError && failure.needs === 'creation-secret') {
        setSecretNeeded(true);
        setSecretError(failure.message);
        // The field appears with this render: focus it once it is there.
        requestAnimationFrame(() => secretField.current?.focus());
      } else {
        setError(messageOf(failure));
        titleField.current?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>New workshop</h2>
      {created ? (
        <CreatedBoard board={created} />
      ) : (
        <form onSubmit={submit} noValidate>
          <TextField
            label="Workshop title"
            hint="For example: Board development session – what good retention looks like"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            maxLength={BOARD_TITLE_MAX_CHARS}
            error={error}
            inputRef={titleField}
            autoComplete="off"
          />
          {secretNeeded && (
            <TextField
              label="Creation secret"
              hint="This server asks for a secret before it creates a workshop. Your IT team or the person who runs Retain has it."
              type="password"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              error={secretError}
              inputRef={secretField}
              autoComplete="off"
            />
          )}
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Creating…' : 'Create workshop board'}
          </button>
        </form>
      )}
    </section>
  );
}

/** The links and join code of a board just created: shown once, since the tokens are never shown again. */
function CreatedBoard({ board }: { board: CreateBoardResponse }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="created-board">
      <h3 ref={heading} tabIndex={-1}>
        “{board.title}” is ready
      </h3>
      <p>Copy these links now and keep them somewhere safe: they are shown only this once.</p>
      <CopyField
        label="Facilitator link"
        description="For you. It runs the workshop: keep it to yourself."
        value={board.links.facilitator}
      />
      <CopyField
        label="Participant link"
        description="Send it to the people taking part. They add notes after entering their name."
        value={board.links.participant}
      />
      <CopyField
        label="Viewer link"
        description="For a projector or an observer. It shows the board live but cannot change anything."
        value={board.links.viewer}
      />
      <h3>Participant join code</h3>
      <p>People in the room can type this code instead of using the link.</p>
      <BigJoinCode code={board.joinCode} origin={window.location.origin} />
      <button type="button" className="button button--large" onClick={() => navigate(pathOfLink(board.links.facilitator))}>
        Open the board as facilitator
      </button>
    </div>
  );
}

function JoinWithCode({ inviteCode }: { inviteCode: string | null }) {
  const headingId = useId();
  const [code, setCode] = useState(inviteCode ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeField = useRef<HTMLInputElement>(null);

  const join = useCallback(async (typed: string) => {
    const canonical = joinRequestSchema.safeParse({ code: typed }).success ? normaliseJoinCode(typed) : null;
    if (!canonical) {
      setError('Enter the 8-character code the facilitator shows, like K7PQ-4XRM');
      codeField.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const joined = await joinWithCode(canonical);
      navigate(`/b/${encodeURIComponent(joined.boardId)}#token=${encodeURIComponent(joined.token)}`);
    } catch (failure) {
      setError(messageOf(failure));
      codeField.current?.focus();
      setBusy(false);
    }
  }, []);

  // An invite link carries its code: join at once rather than make people press a button.
  useEffect(() => {
    if (inviteCode) void join(inviteCode);
  }, [inviteCode, join]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void join(code);
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Join with a code</h2>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Join code"
          hint="The code on the facilitator’s screen, like K7PQ-4XRM"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          error={error}
          inputRef={codeField}
          size="large"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={20}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Joining…' : 'Join workshop'}
        </button>
      </form>
    </section>
  );
}
