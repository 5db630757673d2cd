import { PLAN_TABLE_COLUMNS, PLAN_TABLE_HEADINGS } from '../../../shared/export/planTable';

/** The plan table's header row: the guide's columns in its order (docs/plan-export.md), the same wherever the plan is shown as a table. */
export function PlanTableHead() {
  return (
    <thead>
      <tr>
        {PLAN_TABLE_COLUMNS.map((column) => (
          <th key={column} scope="col">
            {PLAN_TABLE_HEADINGS[column]}
          </th>
        ))}
      </tr>
    </thead>
  );
}
