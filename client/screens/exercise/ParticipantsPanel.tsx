import { useEffect, useId, useMemo } from 'react';
import { smallestGroup } from '../../../shared/rules/laneBalance';
import type { PerspectiveId } from '../../../shared/schema/ids';
import { useBoardIdentity, useBoardState } from '../../sync/BoardProvider';
import { announce } from '../../state/boardUi';
import { PeopleDisclosure, PersonSwatch } from '../../components/PresenceList';
import { useExerciseActions, useIsFacilitator, useMembers, usePerspectives, useSession } from '../../sync/useExerciseState';

/** The ids of the participants on the board now (not the facilitator, not viewers). */
function useParticipantsHere(): string[] {
  const people = useBoardState((state) => state.people);
  return useMemo(() => people.filter((person) => person.role === 'participant').map((person) => person.participantId), [people]);
}

/**
 * In auto-balance mode a participant who arrives without a group puts
 * themselves in the smallest one. Their own client does it (people may
 * write only their own group), so it happens even while the facilitator is
 * busy; the facilitator's "Balance groups" evens out any near-simultaneous arrivals.
 */
export function useAutoGroup(): void {
  const session = useSession();
  const perspectives = usePerspectives();
  const members = useMembers();
  const { participantId, role, canEdit } = useBoardIdentity();
  const actions = useExerciseActions();
  const here = useParticipantsHere();
  const hasGroup = participantId ? Boolean(members[participantId]?.perspectiveId) : true;
  useEffect(() => {
    if (session.groupMode !== 'auto' || role !== 'participant' || !canEdit || !participantId || hasGroup || session.locked) return;
    const group = smallestGroup(perspectives, new Map(Object.entries(members)), here);
    if (group) actions.setGroup(participantId, group);
  }, [session.groupMode, session.locked, role, canEdit, participantId, hasGroup, perspectives, members, here, actions]);
}

/**
 * Everyone here, with their group and, while writing, whether they are
 * done, in a panel that folds away (closed by default on the action plan and
 * the driver diagrams, `PeopleDisclosure`). The ready check's count shows
 * even when it is folded: it is what the facilitator waits for.
 */
export function ParticipantsPanel() {
  const people = useBoardState((state) => state.people);
  const session = useSession();
  const perspectives = usePerspectives();
  const members = useMembers();
  const isFacilitator = useIsFacilitator();
  const actions = useExerciseActions();
  const here = useParticipantsHere();
  const showReady = session.phase === 'write';
  const canAssign = isFacilitator && session.phase !== 'done';
  const readyCount = here.filter((id) => members[id]?.ready).length;

  return (
    <PeopleDisclosure
      count={people.length}
      className="participants"
      summary={
        showReady && (
          <p className="participants__ready-count" role="status">
            {readyCount} of {here.length} done writing
          </p>
        )
      }
    >
      <ul className="participants__list">
        {people.map((person) => {
          const member = members[person.participantId];
          const group = perspectives.find((p) => p.id === member?.perspectiveId);
          return (
            <li key={person.participantId} className="participants__person">
              <PersonSwatch colour={person.colour} />
              <span className="participants__name">
                {person.name}
                {person.isSelf && ' (you)'}
                {person.role !== 'participant' && <span className="participants__role"> {person.role}</span>}
              </span>
              {person.role === 'participant' &&
                (canAssign && perspectives.length > 0 ? (
                  <label className="participants__group">
                    <span className="visually-hidden">Group of {person.name}</span>
                    <select
                      className="participants__select"
                      value={member?.perspectiveId ?? ''}
                      onChange={(event) => actions.setGroup(person.participantId, (event.target.value || null) as PerspectiveId | null)}
                    >
                      <option value="">No group</option>
                      {perspectives.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <span className="participants__group">{group?.name ?? 'No group yet'}</span>
                ))}
              {showReady && person.role === 'participant' && (
                <span className={`participants__ready${member?.ready ? ' participants__ready--done' : ''}`}>
                  {member?.ready ? '✓ Done writing' : 'Writing'}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {isFacilitator && perspectives.length > 0 && here.length > 0 && session.phase !== 'done' && (
        <button type="button" className="button button--small button--secondary" onClick={() => actions.balanceGroups(here)}>
          Balance groups
        </button>
      )}
    </PeopleDisclosure>
  );
}

/** A participant chooses their perspective group (when the facilitator lets people pick). */
export function GroupPicker() {
  const headingId = useId();
  const session = useSession();
  const perspectives = usePerspectives();
  const members = useMembers();
  const { participantId, role, canEdit } = useBoardIdentity();
  const actions = useExerciseActions();
  if (role !== 'participant' || !canEdit || !participantId) return null;
  const mine = members[participantId]?.perspectiveId ?? null;
  if (session.groupMode !== 'pick') {
    const group = perspectives.find((p) => p.id === mine);
    return (
      <p className="group-picker__note">
        {group ? `Your group: ${group.name}.` : session.groupMode === 'assign' ? 'The facilitator will put you in a group.' : 'You will be put in a group.'}
      </p>
    );
  }
  return (
    <fieldset className="group-picker">
      <legend id={headingId} className="group-picker__legend">
        Choose your group
      </legend>
      {perspectives.map((p) => (
        <label key={p.id} className="group-picker__option">
          <input
            type="radio"
            name="my-group"
            value={p.id}
            checked={mine === p.id}
            disabled={session.locked}
            onChange={() => {
              actions.setGroup(participantId, p.id);
              announce(`You are in the group “${p.name}”.`);
            }}
          />{' '}
          {p.name}
        </label>
      ))}
    </fieldset>
  );
}
