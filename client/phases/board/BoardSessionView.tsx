import { useEffect, useState } from 'react';
import type { BoardInfo } from '../../../shared/schema/api';
import type { StoredParticipant } from '../../state/credentials';
import { resetBoardUi } from '../../state/boardUi';
import { BoardConnection } from '../../sync/BoardConnection';
import { BoardProvider } from '../../sync/BoardProvider';
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
      <BoardScreen title={info.title} joinCode={info.joinCode} />
    </BoardProvider>
  );
}
