import { confirm } from '../../components/Confirmation';
import { type DiagramSource, usePromoteToDiagram } from './useDiagram';

/**
 * "Add to the driver diagram" for a note or theme shown outside the compare
 * board (the revealed lanes, the vote's results): one small button that puts
 * it into the diagram (a note as a change idea, a theme as a driver,
 * docs/driver-diagram.md) and says on screen what happened, in the
 * confirmation of `place`.
 */
export function AddToDiagram({ source, place }: { source: DiagramSource; place: string }) {
  const promote = usePromoteToDiagram();
  const short = source.label.trim().length > 50 ? `${source.label.trim().slice(0, 50)}…` : source.label.trim() || `an empty ${source.kind}`;
  return (
    <button type="button" className="button button--small button--secondary add-to-diagram" onClick={() => confirm(promote(source), place)}>
      Add to the driver diagram<span className="visually-hidden">: {short}</span>
    </button>
  );
}
