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

const ROLE_NAMES: Record<Role, string> = { facilitator: 'Facilitator', participant: 'Participant', viewer: 'Viewer' };

/**
 * The top of every board screen, the blank board's and the exercise's: the
 * title with who you are, then the save status and, for the facilitator, the
 * join code with its large view and the invite link, "Present" (the
 * presenter view for the projector), and the "More" menu
 * with what is rarely needed (deleting the board, issue 15).
 */
export function BoardHeader({ title, joinCode, children }: { title: string; joinCode: string | null; children?: ReactNode }) {
  const identity = useBoardIdentity();
  const save = useBoardState((state) => state.save);
  const canDelete = useCanDeleteBoard();
  const [deleting, setDeleting] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const menuItems: BoardMenuItem[] = canDelete ? [{ key: 'delete', label: 'Delete board…', danger: true, onSelect: () => setDeleting(true) }] : [];

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
            // Back to what opened it: the menu's button, since the menu item closed with the menu.
            menuButton.current?.focus();
          }}
        />
      )}
      <LockNotice />
    </>
  );
}
