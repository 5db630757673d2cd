import { useEffect, useId, useRef, useState } from 'react';
import type { Role } from '../../shared/schema/api';
import type { Person } from '../sync/types';
import './PresenceList.css';

/** How long to gather joins and leaves into one announcement, so a busy room is not read out person by person. */
const PRESENCE_ANNOUNCE_DELAY_MS = 1500;

const ROLE_LABELS: Record<Role, string> = { facilitator: 'facilitator', participant: 'participant', viewer: 'viewer' };

function listNames(names: string[]): string {
  if (names.length > 3) return `${names.length} people`;
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** One sentence for who joined and who left between two lists; empty when nobody did. */
export function describePresenceChanges(before: readonly Person[], after: readonly Person[]): string {
  const beforeIds = new Set(before.map((p) => p.participantId));
  const afterIds = new Set(after.map((p) => p.participantId));
  const joined = after.filter((p) => !p.isSelf && !beforeIds.has(p.participantId)).map((p) => p.name);
  const left = before.filter((p) => !p.isSelf && !afterIds.has(p.participantId)).map((p) => p.name);
  const parts: string[] = [];
  if (joined.length > 0) parts.push(`${listNames(joined)} joined.`);
  if (left.length > 0) parts.push(`${listNames(left)} left.`);
  return parts.join(' ');
}

interface PresenceListProps {
  people: readonly Person[];
  /** Announce joins and leaves; off while (re)connecting, when everyone "arrives" at once. */
  announceChanges: boolean;
  announceDelayMs?: number;
}

/**
 * Everyone on the board now: a colour dot, the name, the role, and "(you)".
 * Joins and leaves are announced politely, gathered over a short while.
 */
export function PresenceList({ people, announceChanges, announceDelayMs = PRESENCE_ANNOUNCE_DELAY_MS }: PresenceListProps) {
  const headingId = useId();
  const [announcement, setAnnouncement] = useState('');
  const lastAnnounced = useRef<readonly Person[]>(people);

  useEffect(() => {
    if (!announceChanges) {
      lastAnnounced.current = people;
      return;
    }
    const timer = setTimeout(() => {
      const message = describePresenceChanges(lastAnnounced.current, people);
      lastAnnounced.current = people;
      if (message) setAnnouncement(message);
    }, announceDelayMs);
    return () => clearTimeout(timer);
  }, [people, announceChanges, announceDelayMs]);

  return (
    <section className="presence" aria-labelledby={headingId}>
      <h2 id={headingId} className="presence__heading">
        People here ({people.length})
      </h2>
      <ul className="presence__list">
        {people.map((person) => (
          <li key={person.participantId} className="presence__person">
            <span className="presence__dot" style={{ backgroundColor: person.colour }} aria-hidden="true" />
            <span className="presence__name">{person.name}</span>
            {/* A viewer is already called "Viewer": saying "viewer" twice helps no one. */}
            {person.name.toLowerCase() !== ROLE_LABELS[person.role] && (
              <span className="presence__role">{ROLE_LABELS[person.role]}</span>
            )}
            {person.isSelf && <span className="presence__you">(you)</span>}
          </li>
        ))}
      </ul>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}
