import { type ReactNode, useEffect, useState } from 'react';
import type { BoardInfo } from '../../../shared/schema/api';
import type { StoredParticipant } from '../../state/credentials';
import { resetBoardUi } from '../../state/boardUi';
import { BoardConnection } from '../../sync/BoardConnection';
import { BoardProvider, useBoardState } from '../../sync/BoardProvider';
import { measureServerClock } from '../../state/serverClock';
import { MessagePage } from '../../components/PageChrome';
import { JoinCodeProvider, useJoinCodeControl } from '../../components/JoinCode';
import { usePublishFacilitatorView } from '../../sync/useExerciseState';
import { ExerciseScreen } from '../exercise/ExerciseScreen';
import { PresenterLinkProvider } from '../presenter/presenterLink';
import { PresenterScreen } from '../presenter/PresenterScreen';
import { BoardScreen } from './BoardScreen';

interface BoardSessionViewProps {
  boardId: string;
  token: string;
  info: BoardInfo;
  participant: StoredParticipant | null;
}

/** Opens the board's connection for as long as the board is on screen. */
export function BoardSessionView({ boardId, token, info, participant }: BoardSessionViewProps) {
  const [connection, setConnection] = useState<BoardConnection | null>(null);
  const participantId = participant?.participantId ?? null;
  const participantKey = participant?.participantKey ?? null;
  const displayName = participant?.displayName ?? null;
  const colour = participant?.colour ?? null;

  useEffect(() => {
    void measureServerClock();
  }, []);

  useEffect(() => {
    resetBoardUi();
    const opened = new BoardConnection({
      boardId,
      token,
      role: info.role,
      participant:
        participantId && participantKey && displayName !== null && colour
          ? { participantId, key: participantKey, displayName, colour }
          : null,
    });
    setConnection(opened);
    return () => {
      opened.destroy();
      setConnection(null);
    };
  }, [boardId, token, info.role, participantId, participantKey, displayName, colour]);

  if (!connection) return null;
  return (
    <BoardProvider session={connection}>
      {info.role === 'facilitator' ? (
        <JoinCodeProvider boardId={boardId} token={token} code={info.joinCode} expiresAt={info.joinCodeExpiresAt}>
          <PresenterLinkProvider link={info.viewerLink}>
            <ScreenForTemplate title={info.title} joinCode={info.joinCode} />
          </PresenterLinkProvider>
        </JoinCodeProvider>
      ) : info.role === 'viewer' ? (
        <WhenBoardKnown>
          <PresenterScreen boardId={boardId} token={token} title={info.title} joinCode={info.joinCode} joinCodeExpiresAt={info.joinCodeExpiresAt} />
        </WhenBoardKnown>
      ) : (
        <ScreenForTemplate title={info.title} joinCode={info.joinCode} />
      )}
    </BoardProvider>
  );
}

/**
 * The template is only known once the document has arrived (from the
 * server, or from this device's copy), so until then the page says it is
 * opening.
 */
function WhenBoardKnown({ children }: { children: ReactNode }) {
  const known = useBoardState((state) => state.boardTitle !== null);
  if (!known) {
    return (
      <MessagePage>
        <p role="status">Opening the board…</p>
      </MessagePage>
    );
  }
  return children;
}

/**
 * The exercise or the blank board, as the board's template says, for the
 * facilitator and participants (a viewer gets the presenter view). The
 * facilitator's screen also says what they are looking at, for the
 * presenter view to follow (`usePublishFacilitatorView`).
 */
function ScreenForTemplate({ title, joinCode: codeWhenOpened }: { title: string; joinCode: string | null }) {
  // The facilitator may issue a new code or stop it: the screens show the current one.
  const control = useJoinCodeControl();
  const joinCode = control ? control.code : codeWhenOpened;
  const template = useBoardState((state) => state.exercise.session.template);
  usePublishFacilitatorView();
  return (
    <WhenBoardKnown>
      {template === 'four-perspectives' ? <ExerciseScreen title={title} joinCode={joinCode} /> : <BoardScreen title={title} joinCode={joinCode} />}
    </WhenBoardKnown>
  );
}
