import { showActivity, useBoardUi } from '../../state/boardUi';

/** Switches this screen between the workshop (its board or exercise) and the driver diagrams. */
export function ActivitySwitch({ workshopLabel }: { workshopLabel: string }) {
  const activity = useBoardUi((state) => state.activity);
  return (
    <div className="view-switch activity-switch" role="group" aria-label="Show">
      <button type="button" className="button button--small button--secondary" aria-pressed={activity === 'workshop'} onClick={() => showActivity('workshop')}>
        {workshopLabel}
      </button>
      <button type="button" className="button button--small button--secondary" aria-pressed={activity === 'diagrams'} onClick={() => showActivity('diagrams')}>
        Driver diagrams
      </button>
    </div>
  );
}
