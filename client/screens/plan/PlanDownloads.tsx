import { useId, useState } from 'react';
import type { PlanFormat } from '../../../shared/export/plan';
import { usePlanLink } from '../../sync/BoardProvider';

/** The plan's downloads, in the order people reach for them; a 90-day check-in's agenda offers the first two again (client/screens/cycle/). */
export const PLAN_DOWNLOADS: { format: PlanFormat; label: string; hint: string }[] = [
  {
    format: 'docx',
    label: 'Word document',
    hint: 'the whole workshop: actions, themes, the four perspectives, driver diagrams with pictures, the self-assessment, and what changed across the cycle',
  },
  { format: 'xlsx', label: 'Excel workbook', hint: 'the actions in the action plan’s columns, the themes with their votes, the self-assessment, and what changed across the cycle' },
  { format: 'csv', label: 'Spreadsheet (CSV)', hint: 'the actions, for any spreadsheet' },
  { format: 'md', label: 'Document (Markdown)', hint: 'the actions, themes and driver diagrams as text' },
  { format: 'ics', label: 'Check-ins (calendar)', hint: 'at 30, 60 and 90 days from the date below, listing the actions' },
  { format: 'json', label: 'Data (JSON)', hint: 'for other tools' },
];

/** Links to download the board's action plan, made by the server from what the board holds now. */
export function PlanDownloads() {
  const planLink = usePlanLink();
  const headingId = useId();
  const startId = useId();
  // Blank means the workshop's own date, which the server knows.
  const [checkInStart, setCheckInStart] = useState('');
  if (!planLink) return null;
  const link = (format: PlanFormat) => (format === 'ics' && checkInStart ? `${planLink(format)}&start=${checkInStart}` : planLink(format));
  return (
    <section className="plan-downloads" aria-labelledby={headingId}>
      <h3 id={headingId}>Download the action plan</h3>
      <button type="button" className="button button--secondary plan-downloads__print" onClick={() => window.print()}>
        Print the plan
      </button>
      <ul className="plan-downloads__list">
        {PLAN_DOWNLOADS.map(({ format, label, hint }) => (
          <li key={format}>
            <a href={link(format)} download>
              {label}
            </a>{' '}
            <span className="plan-downloads__hint">– {hint}</span>
          </li>
        ))}
      </ul>
      <div className="plan-downloads__start">
        <label className="field__label" htmlFor={startId}>
          Count the check-ins from
        </label>
        <p className="field__hint" id={`${startId}-hint`}>
          Leave blank to count from the workshop’s date.
        </p>
        <input
          id={startId}
          type="date"
          className="field__input"
          aria-describedby={`${startId}-hint`}
          value={checkInStart}
          onChange={(event) => setCheckInStart(event.target.value)}
        />
      </div>
    </section>
  );
}
