import { MEASURE_KINDS, type MeasureKind } from '../../../shared/schema/driverRecords';

/** Chooses the kind of a measure (outcome, process or balancing), or none. */
export function MeasureKindSelect({ id, value, disabled, onChange }: { id?: string; value: MeasureKind | null; disabled: boolean; onChange(kind: MeasureKind | null): void }) {
  return (
    <select id={id} className="participants__select" value={value ?? ''} disabled={disabled} onChange={(event) => onChange((event.target.value || null) as MeasureKind | null)}>
      <option value="">None</option>
      {MEASURE_KINDS.map((kind) => (
        <option key={kind} value={kind}>
          {kind[0]!.toUpperCase() + kind.slice(1)}
        </option>
      ))}
    </select>
  );
}
