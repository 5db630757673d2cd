import type { ReactNode } from 'react';
import type { Role } from '../../../shared/schema/api';
import { SiteHeader } from '../../components/PageChrome';
import { StatusBanner } from '../../components/StatusBanner';
import { JoinCodePanel } from '../../components/JoinCode';
import { useBoardIdentity, useBoardState } from '../../sync/BoardProvider';
import { DeleteBoard } from './DeleteBoard';
import { LockNotice } from './LockNotice';

const ROLE_NAMES: Record<Role, string> = { facilitator: 'Facilitator', participant: 'Participant', viewer: 'Viewer' };

/**
 * The top of every board screen, the blank board's and the exercise's: the
 * title with who you are, then the save status and, for the facilitator, the
 * join code with its large view and the invite link.
 */
export function BoardHeader({ title, joinCode, children }: { title: string; joinCode: string | null; children?: ReactNode }) {
  const identity = useBoardIdentity();
  const save = useBoardState((state) => state.save);
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
        {children}
        <DeleteBoard title={title} />
      </div>
      <LockNotice />
    </>
  );
}
