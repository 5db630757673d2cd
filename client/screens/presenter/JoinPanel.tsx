import { useMemo } from 'react';
import { BigJoinCode } from '../../components/JoinCode';
import { inviteLink } from '../../router';
import { useBoardState } from '../../sync/BoardProvider';
import { plural, useMembers } from '../../sync/useExerciseState';
import { QrCode } from './QrCode';

/**
 * How many people have joined (the participants on the board now, as the
 * participants panel counts them: client/screens/exercise/ParticipantsPanel.tsx)
 * and, while writing, how many of them are done (the ready check).
 */
function useJoinedAndDone(): { joined: number; done: number } {
  const people = useBoardState((state) => state.people);
  const members = useMembers();
  return useMemo(() => {
    const here = people.filter((person) => person.role === 'participant').map((person) => person.participantId);
    return { joined: here.length, done: here.filter((id) => members[id]?.ready).length };
  }, [people, members]);
}

interface JoinPanelProps {
  /** The live join code, or null once it was stopped or expired: then only the counts show. */
  code: string | null;
  /** Show the ready check (during writing). */
  showDone?: boolean;
  /** A smaller panel beside other content, rather than the whole screen. */
  compact?: boolean;
}

/**
 * How to join, for the room: the join code very large with where to type it
 * (the same words as the facilitator's "Show large", BigJoinCode), a QR code
 * of the participant invite link, and how many people are in.
 */
export function JoinPanel({ code, showDone = false, compact = false }: JoinPanelProps) {
  const { joined, done } = useJoinedAndDone();
  const origin = window.location.origin;
  return (
    <section className={`presenter-join${compact ? ' presenter-join--compact' : ''}`} aria-labelledby="presenter-join-heading">
      <h2 id="presenter-join-heading" className="presenter-join__heading">
        {code ? 'Join this workshop' : 'Who is here'}
      </h2>
      {code && (
        <div className="presenter-join__ways">
          <BigJoinCode code={code} origin={origin} />
          <figure className="presenter-join__qr">
            <QrCode link={inviteLink(origin, code)} className="presenter-join__qr-image" />
            <figcaption className="presenter-join__qr-caption">Or scan to join</figcaption>
          </figure>
        </div>
      )}
      <p className="presenter-join__counts">
        <span className="presenter-join__count">{plural(joined, 'person', 'people')} joined</span>
        {showDone && <span className="presenter-join__count">{done} of {joined} done writing</span>}
      </p>
    </section>
  );
}
