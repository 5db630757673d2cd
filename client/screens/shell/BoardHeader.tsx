import { type ReactNode, useRef, useState } from 'react';
import type { Role } from '../../../shared/schema/api';
import { SiteHeader } from '../../components/PageChrome';
import { StatusBanner } from '../../components/StatusBanner';
import { JoinCodePanel } from '../../components/JoinCode';
import { useBoardIdentity, useBoardState } from '../../sync/BoardProvider';
import { PresentButton } from '../presenter/PresentButton';
import { BoardMenu, type BoardMenuItem } from './BoardMenu';
import { DeleteBoardDialog, useCanDeleteBoard } from './DeleteBoard';
import { LockNotice } from './LockNotice';
import { StartCheckInDialog, useNextCheckIn } from './StartCheckIn';
import { stageName } from '../../../shared/schema/cycle';

const ROLE_NAMES: Record<Role, string> = { facilitator: 'Facilitator', participant: 'Participant', viewer: 'Viewer' };

/**
 * The top of every board screen, the blank board's and the exercise's: the
 * title with who you are, then the save status and, for the facilitator, the
 * join code with its large view and the invite link, "Present" (the
 * presenter view for the projector), and the "More" menu
 * with what is rarely needed (starting the next check-in of the cycle,
 * deleting the board).
 */
export function BoardHeader({ title, joinCode, children }: { title: string; joinCode: string | null; children?: ReactNode }) {
  const identity = useBoardIdentity();
  const save = useBoardState((state) => state.save);
  const canDelete = useCanDeleteBoard();
  const nextCheckIn = useNextCheckIn();
  const [deleting, setDeleting] = useState(false);
  const [startingCheckIn, setStartingCheckIn] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const menuItems: BoardMenuItem[] = [];
  if (nextCheckIn !== null) menuItems.push({ key: 'check-in', label: `Start the ${stageName(nextCheckIn)}…`, onSelect: () => setStartingCheckIn(true) });
  if (canDelete) menuItems.push({ key: 'delete', label: 'Delete board…', danger: true, onSelect: () => setDeleting(true) });
  // Back to what opened a dialog: the menu's button, since the menu item closed with the menu.
  const backToMenu = () => menuButton.current?.focus();

  return (
    <>
      <SiteHeader>
        <div className="board-heading">
          <h1 className="board-heading__title">{title}</h1>
          <p className="board-heading__role">
            {ROLE_NAMES[identity.role]}
            {identity.displayName ? ` – ${identity.displayName}` : ''}
          </p>
        </div>
      </SiteHeader>
      <div className="board-bar">
        <StatusBanner status={save} readOnly={!identity.canEdit} />
        {identity.role === 'facilitator' && <JoinCodePanel code={joinCode} />}
        {/* Beside the join code: both are for the room's screen. It shows only for the facilitator, who alone has the viewer link. */}
        <PresentButton />
        {children}
        {menuItems.length > 0 && <BoardMenu label="More" hiddenLabel="for this board" items={menuItems} buttonRef={menuButton} />}
      </div>
      {deleting && (
        <DeleteBoardDialog
          title={title}
          onClose={() => {
            setDeleting(false);
            backToMenu();
          }}
        />
      )}
      {startingCheckIn && nextCheckIn !== null && (
        <StartCheckInDialog
          stage={nextCheckIn}
          onClose={() => {
            setStartingCheckIn(false);
            backToMenu();
          }}
        />
      )}
      <LockNotice />
    </>
  );
}
