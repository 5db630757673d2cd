import { type FormEvent, useId, useMemo, useState } from 'react';
import { driverDiagramToSvg, layoutDriverDiagram } from '../../../shared/export/diagram';
import { DIAGRAM_TEXT_MAX_CHARS, DIAGRAM_TITLE_MAX_CHARS, type Diagram } from '../../../shared/schema/driverRecords';
import { MeasureKindSelect } from './MeasureKindSelect';
import { SharedTextInput } from '../../components/SharedTextInput';
import { diagramTextField } from '../../sync/useSharedText';
import { announce, showDiagram, useBoardUi } from '../../state/boardUi';
import { useBoardActions, useBoardState, useCanChangeBoard } from '../../sync/BoardProvider';
import { OutlineView } from './OutlineView';
import { PictureView } from './PictureView';
import { useDiagramActions, useShownDiagram } from './useDiagram';
import './diagram.css';

/** A file name from a diagram's title: letters, digits and dashes. */
function fileName(diagram: Diagram, extension: string): string {
  return `${diagram.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'driver-diagram'}.${extension}`;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Draws the SVG picture onto a canvas, twice the size for sharp slides, and saves it as PNG. */
async function downloadPng(svg: string, width: number, height: number, name: string): Promise<void> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw pictures.');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('This browser could not make the picture.');
  download(blob, name);
}

/** The aim: what we want to achieve, how it is measured, by when. */
/** One of the diagram's own texts, typed into live by everyone at once. */
function DiagramTextInput({ diagram, field, label, keepWhenBlank = false }: { diagram: Diagram; field: 'title' | 'aim' | 'aimMeasure'; label: string; keepWhenBlank?: boolean }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  const write = (text: string) => actions.updateDiagram(diagram.id, { [field]: text });
  return (
    <label className="field__label">
      {label}
      <SharedTextInput
        className="field__input"
        address={diagramTextField(diagram.id, field)}
        value={diagram[field]}
        maxLength={field === 'title' ? DIAGRAM_TITLE_MAX_CHARS : DIAGRAM_TEXT_MAX_CHARS}
        disabled={!canEdit}
        onFallbackChange={write}
        onLeftBlank={keepWhenBlank ? write : undefined}
      />
    </label>
  );
}

function AimFields({ diagram }: { diagram: Diagram }) {
  const actions = useDiagramActions();
  const canEdit = useCanChangeBoard();
  const dateId = useId();
  const kindId = useId();
  return (
    <fieldset className="aim">
      <legend>Aim</legend>
      {/* A title left blank gets back the one it had; the aim and its measure may stay blank. */}
      <DiagramTextInput diagram={diagram} field="title" label="Title of the diagram" keepWhenBlank />
      <DiagramTextInput diagram={diagram} field="aim" label="What we want to achieve" />
      <div className="aim__row">
        <DiagramTextInput diagram={diagram} field="aimMeasure" label="How we will measure it" />
        <div>
          <label className="field__label" htmlFor={kindId}>
            Kind of measure
          </label>
          <MeasureKindSelect
            id={kindId}
            value={diagram.aimMeasureKind}
            disabled={!canEdit}
            onChange={(aimMeasureKind) => actions.updateDiagram(diagram.id, { aimMeasureKind })}
          />
        </div>
        <div>
          <label className="field__label" htmlFor={dateId}>
            By when
          </label>
          <input
            id={dateId}
            type="date"
            className="field__input"
            value={diagram.aimTargetDate}
            disabled={!canEdit}
            onChange={(event) => actions.updateDiagram(diagram.id, { aimTargetDate: event.target.value })}
          />
        </div>
      </div>
    </fieldset>
  );
}

/** Undo and redo of this person's own changes, here too, since deleting a branch says it can be undone. */
function UndoButtons() {
  const board = useBoardActions();
  const canUndo = useBoardState((state) => state.canUndo);
  const canRedo = useBoardState((state) => state.canRedo);
  return (
    <div className="diagrams__undo">
      <button
        type="button"
        className="button button--small button--secondary"
        aria-disabled={!canUndo}
        onClick={() => {
          if (!canUndo) return;
          board.undo();
          announce('Undone.');
        }}
      >
        Undo
      </button>
      <button
        type="button"
        className="button button--small button--secondary"
        aria-disabled={!canRedo}
        onClick={() => {
          if (!canRedo) return;
          board.redo();
          announce('Redone.');
        }}
      >
        Redo
      </button>
    </div>
  );
}

function NewDiagram() {
  const actions = useDiagramActions();
  const [title, setTitle] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const created = actions.addDiagram(title.trim() || 'Driver diagram');
    if (created) {
      showDiagram(created);
      announce('New driver diagram started. Write its aim first.');
    }
    setTitle('');
  };
  return (
    <form className="new-diagram" onSubmit={submit}>
      <label className="field__label" htmlFor={id}>
        New driver diagram
      </label>
      <div className="setup__lane-row">
        <input id={id} className="field__input" value={title} maxLength={DIAGRAM_TITLE_MAX_CHARS} placeholder="Title, for example: Keeping newly qualified nurses" onChange={(e) => setTitle(e.target.value)} />
        <button type="submit" className="button button--small">
          Start a diagram
        </button>
      </div>
    </form>
  );
}

/**
 * The board's driver diagrams (NHS England's QSIR tool): choose or start one,
 * set its aim, and build drivers and change ideas together, as a picture or
 * as an outline; download it as SVG or PNG.
 */
export function DiagramsPanel() {
  const { diagrams } = useBoardState((state) => state.diagrams);
  const shown = useShownDiagram();
  const canEdit = useCanChangeBoard();
  const actions = useDiagramActions();
  const view = useBoardUi((state) => state.diagramView);
  const collapsed = useBoardUi((state) => state.collapsed);
  const chooserId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const layout = useMemo(() => (shown ? layoutDriverDiagram(shown.diagram, shown.tree, new Set(collapsed)) : null), [shown, collapsed]);

  return (
    <section className="diagrams" aria-label="Driver diagrams">
      <p className="diagrams__intro">
        A driver diagram sets out an aim, the primary drivers that must change to reach it, the secondary drivers behind each, and the change ideas to test.
      </p>
      <div className="diagrams__bar">
        {diagrams.length > 1 && (
          <div>
            <label className="field__label" htmlFor={chooserId}>
              Diagram
            </label>
            <select id={chooserId} className="participants__select" value={shown?.diagram.id ?? ''} onChange={(event) => showDiagram(event.target.value)}>
              {diagrams.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </select>
          </div>
        )}
        {canEdit && <NewDiagram />}
        {canEdit && <UndoButtons />}
      </div>
      {!shown || !layout ? (
        <p>There is no driver diagram on this board yet.</p>
      ) : (
        <>
          <AimFields diagram={shown.diagram} />
          <div className="view-switch" role="group" aria-label="Show the diagram as">
            <button type="button" className="button button--small button--secondary" aria-pressed={view === 'picture'} onClick={() => showDiagram(shown.diagram.id, 'picture')}>
              Picture
            </button>
            <button type="button" className="button button--small button--secondary" aria-pressed={view === 'outline'} onClick={() => showDiagram(shown.diagram.id, 'outline')}>
              Outline
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => download(new Blob([driverDiagramToSvg(shown.diagram, layout)], { type: 'image/svg+xml' }), fileName(shown.diagram, 'svg'))}
            >
              Download SVG
            </button>
            <button
              type="button"
              className="button button--small button--secondary"
              onClick={() => {
                const svg = driverDiagramToSvg(shown.diagram, layout);
                const size = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)!;
                downloadPng(svg, Number(size[1]), Number(size[2]), fileName(shown.diagram, 'png')).catch((error: unknown) =>
                  setProblem(error instanceof Error ? error.message : 'Could not make the picture.'),
                );
              }}
            >
              Download PNG
            </button>
            {canEdit && view === 'picture' && (
              <button type="button" className="button button--small" onClick={() => actions.addNode(shown.diagram.id, null, '') && announce('Added a primary driver.')}>
                Add a primary driver
              </button>
            )}
          </div>
          <p role="alert" className="vote__problem">
            {problem}
          </p>
          {view === 'outline' ? <OutlineView diagram={shown.diagram} tree={shown.tree} /> : <PictureView diagram={shown.diagram} tree={shown.tree} layout={layout} />}
        </>
      )}
    </section>
  );
}
