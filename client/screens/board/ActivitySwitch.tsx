import { type Activity, showActivity, useBoardUi } from '../../state/boardUi';

/** Switches this screen between the workshop (its board or exercise), the driver diagrams and the action plan. */
export function ActivitySwitch({ workshopLabel }: { workshopLabel: string }) {
  const activity = useBoardUi((state) => state.activity);
  const choices: { activity: Activity; label: string }[] = [
    { activity: 'workshop', label: workshopLabel },
    { activity: 'diagrams', label: 'Driver diagrams' },
    { activity: 'plan', label: 'Action plan' },
  ];
  return (
    <div className="view-switch activity-switch" role="group" aria-label="Show">
      {choices.map((choice) => (
        <button
          key={choice.activity}
          type="button"
          className="button button--small button--secondary"
          aria-pressed={activity === choice.activity}
          onClick={() => showActivity(choice.activity)}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
