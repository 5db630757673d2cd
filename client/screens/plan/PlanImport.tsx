import { type ChangeEvent, useId, useState } from 'react';
import { usePlanImport } from '../../sync/BoardProvider';
import { announce } from '../../state/boardUi';
import { plural, useIsFacilitator } from '../../sync/useExerciseState';

/**
 * The facilitator brings in the plan of an earlier workshop (a file Retain
 * exported: JSON, CSV or Excel) so that a check-in can review progress
 * against it. The server reads the file and adds its actions to the plan.
 */
export function PlanImport() {
  const importPlan = usePlanImport();
  const isFacilitator = useIsFacilitator();
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (!importPlan || !isFacilitator) return null;

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      const { added, skipped } = await importPlan(file, file.name);
      const text =
        added > 0
          ? `Added ${plural(added, 'action')} from ${file.name}${skipped > 0 ? `; ${plural(skipped, 'was', 'were')} already on the board` : ''}.`
          : `Nothing added: the ${plural(skipped, 'action')} in ${file.name} ${skipped === 1 ? 'is' : 'are'} already on the board.`;
      setResult({ ok: true, text });
      announce(text);
    } catch (error) {
      setResult({ ok: false, text: `Could not import ${file.name}: ${(error as Error).message}` });
    } finally {
      setBusy(false);
      // The same file can be chosen again (after fixing it, say).
      input.value = '';
    }
  };

  return (
    <section className="plan-import" aria-labelledby={`${inputId}-heading`}>
      <h3 id={`${inputId}-heading`}>Review an earlier plan</h3>
      <p className="field__hint" id={`${inputId}-hint`}>
        For a check-in: add the actions of a plan Retain exported (JSON, CSV or Excel) to this board, then tick off steps and set progress.
      </p>
      <label className="field__label" htmlFor={inputId}>
        Import a plan
      </label>
      <input
        id={inputId}
        type="file"
        className="plan-import__file"
        accept=".json,.csv,.xlsx,application/json,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        aria-describedby={`${inputId}-hint`}
        disabled={busy}
        onChange={(event) => void choose(event)}
      />
      <p className={result && !result.ok ? 'plan-import__error' : 'plan-import__status'} role={result && !result.ok ? 'alert' : 'status'}>
        {busy ? 'Importing…' : (result?.text ?? '')}
      </p>
    </section>
  );
}
