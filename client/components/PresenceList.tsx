import { type ReactNode, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import type { Role } from '../../shared/schema/api';
import type { Activity } from '../../shared/schema/exercise';
import { useBoardUi } from '../state/boardUi';
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

/** A laptop or wider: the width at which the screens put the people beside the work, not under it (exercise.css). */
const WIDE_SCREEN = '(min-width: 40.01rem)';

function subscribeToWidth(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(WIDE_SCREEN);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** Whether the screen is a laptop's or wider; true where the browser cannot say (tests). */
function isWideScreen(): boolean {
  return typeof window.matchMedia === 'function' ? window.matchMedia(WIDE_SCREEN).matches : true;
}

/**
 * Whether the people panel is open, and a way to open or close it. It is
 * open by default only on the workshop on a laptop: the action plan and the
 * driver diagrams need the width, and on a phone the list would come before
 * the work. A person's own choice holds for that activity until
 * they change it.
 */
export function usePeoplePanel(): { open: boolean; toggle(): void } {
  const activity = useBoardUi((state) => state.activity);
  const wide = useSyncExternalStore(subscribeToWidth, isWideScreen, () => true);
  const [chosen, setChosen] = useState<Partial<Record<Activity, boolean>>>({});
  const open = chosen[activity] ?? (activity === 'workshop' && wide);
  return { open, toggle: () => setChosen((before) => ({ ...before, [activity]: !open })) };
}

interface PeopleDisclosureProps {
  count: number;
  /** Shown whether the panel is open or not (the ready check's count, say). */
  summary?: ReactNode;
  className?: string;
  children: ReactNode;
}

/**
 * The people panel, which can be folded away: its heading is a button that
 * says how many are here and whether the list is showing (aria-expanded),
 * the WAI-ARIA disclosure pattern. Used by the blank board's presence list
 * and the exercise's participants panel alike.
 */
export function PeopleDisclosure({ count, summary, className, children }: PeopleDisclosureProps) {
  const headingId = useId();
  const bodyId = useId();
  const { open, toggle } = usePeoplePanel();
  return (
    <section className={`people${open ? '' : ' people--collapsed'}${className ? ` ${className}` : ''}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="people__heading">
        <button type="button" className="people__toggle" aria-expanded={open} aria-controls={bodyId} onClick={toggle}>
          People ({count})
          <span className="people__arrow" aria-hidden="true">
            {open ? '▴' : '▾'}
          </span>
        </button>
      </h2>
      {summary}
      <div id={bodyId} className="people__body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}

/** A person's colour, as a small square: a circle with a ring looked like a radio button to be pressed. */
export function PersonSwatch({ colour }: { colour: string }) {
  return <span className="presence__swatch" style={{ backgroundColor: colour }} aria-hidden="true" />;
}

interface PresenceListProps {
  people: readonly Person[];
  /** Announce joins and leaves; off while (re)connecting, when everyone "arrives" at once. */
  announceChanges: boolean;
  announceDelayMs?: number;
}

/**
 * Everyone on the board now: a colour swatch, the name, the role, and
 * "(you)", in a panel that folds away. Joins and leaves are announced
 * politely, gathered over a short while, whether the list shows or not.
 */
export function PresenceList({ people, announceChanges, announceDelayMs = PRESENCE_ANNOUNCE_DELAY_MS }: PresenceListProps) {
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
    <PeopleDisclosure
      count={people.length}
      className="presence"
      summary={
        <p className="visually-hidden" aria-live="polite">
          {announcement}
        </p>
      }
    >
      <ul className="presence__list">
        {people.map((person) => (
          <li key={person.participantId} className="presence__person">
            <PersonSwatch colour={person.colour} />
            <span className="presence__name">{person.name}</span>
            {/* A viewer is already called "Viewer": saying "viewer" twice helps no one. */}
            {person.name.toLowerCase() !== ROLE_LABELS[person.role] && <span className="presence__role">{ROLE_LABELS[person.role]}</span>}
            {person.isSelf && <span className="presence__you">(you)</span>}
          </li>
        ))}
      </ul>
    </PeopleDisclosure>
  );
}
