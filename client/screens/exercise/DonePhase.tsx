import { PLAN_TABLE_COLUMNS, planTableRow } from '../../../shared/export/planTable';
import { PlanTableHead } from '../plan/PlanTableHead';
import { plural } from '../../sync/useExerciseState';
import { useSummary } from './useSummary';
import { PlanDownloads } from '../plan/PlanDownloads';

/** The summary: the agreed actions, the themes with their similarities and differences, and every lane. */
export function DonePhase() {
  const summary = useSummary();
  return (
    <section className="phase-panel summary" aria-label="Summary">
      <p>
        {plural(summary.participantCount, 'person', 'people')} took part. {summary.actionsAgreed ? 'The actions below are agreed.' : 'The actions are not agreed yet.'}
      </p>
      <PlanDownloads />
      <h3>Agreed actions</h3>
      <div className="summary__table-wrap" tabIndex={0} role="region" aria-label="Agreed actions table">
        <table className="summary__table">
          <PlanTableHead />
          <tbody>
            {summary.actions.map((action) => (
              <tr key={action.id}>
                {planTableRow(action, 'words').map((text, index) => (
                  <td key={PLAN_TABLE_COLUMNS[index]}>{text}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Themes</h3>
      <ul className="summary__themes">
        {summary.themes.map((theme) => (
          <li key={theme.id}>
            <strong>{theme.title}</strong>: {theme.kind === 'similarity' ? 'shared by ' : theme.kind === 'difference' ? 'seen only by ' : 'no notes'}
            {theme.perspectives.join(', ')}
            {theme.votes !== null && ` – ${plural(theme.votes, 'dot')}`}
            {theme.silentPerspectives.length > 0 && theme.kind !== 'empty' && <span className="summary__silent"> (nothing from {theme.silentPerspectives.join(', ')})</span>}
          </li>
        ))}
      </ul>
      <h3>The perspectives</h3>
      <div className="lanes">
        {summary.perspectives.map((lane) => (
          <section key={lane.id} className="lane" aria-label={lane.name}>
            <h4 className="lane__title">{lane.name}</h4>
            <ul className="lane__notes">
              {lane.notes.map((note) => (
                <li key={note.id} className="lane-note">
                  <p className="lane-note__text">{note.text}</p>
                  {note.authorName && <p className="lane-note__author">{note.authorName}</p>}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}
