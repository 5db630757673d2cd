import type { BoardSnapshot } from '../../shared/export/snapshot';
import type { ChartPictures, DiagramPicture, DocumentPicture } from '../../shared/export/docx';
import { planCharts } from '../../shared/charts/planCharts';
import type * as ResvgLibrary from '@resvg/resvg-js';

/** Drawn at twice the size, so the picture stays sharp when a document is printed or zoomed. */
const PIXEL_RATIO = 2;

/** The renderer, loaded on first use (a type-only import here costs nothing at start-up). */
type ResvgModule = typeof ResvgLibrary;

/**
 * The font resvg falls back on. resvg-js draws text in the first family an
 * SVG names when the machine has it (our SVGs name Arial first) and
 * otherwise in this one, never in the later names of the list. Liberation
 * Sans is Arial's metric twin, on most Linux servers: text takes the room
 * the charts planned for Arial. Where it is missing, DejaVu Sans, the font
 * the diagrams were always drawn in (docs/plan-export.md).
 */
const ARIAL_TWIN = 'Liberation Sans';
const COMMON_SANS = 'DejaVu Sans';
let fallbackFamily: Promise<string> | undefined;

/**
 * Whether the machine has Liberation Sans, found once: text in a family the
 * machine lacks is drawn in the default font, so with DejaVu Sans as the
 * default a probe written in Liberation Sans comes out the same as one in a
 * family nobody has exactly when Liberation Sans is missing. (Were DejaVu
 * Sans missing too, resvg draws both in its first font, and so will every
 * picture: the best the machine has.)
 */
function textFallbackFamily(resvg: ResvgModule): Promise<string> {
  const probe = async (family: string) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="0" y="30" font-family="${family}" font-size="20">Retain WMiw 0123</text></svg>`;
    const rendered = await resvg.renderAsync(svg, { font: { loadSystemFonts: true, defaultFontFamily: COMMON_SANS }, logLevel: 'off' });
    return Buffer.from(rendered.asPng());
  };
  fallbackFamily ??= Promise.all([probe(ARIAL_TWIN), probe('No Such Font')]).then(([twin, missing]) => (twin.equals(missing) ? COMMON_SANS : ARIAL_TWIN));
  return fallbackFamily;
}

/**
 * One SVG as a PNG, with the machine's fonts. Where the machine has none,
 * shapes still show and the document says it all in words too. Drawn off
 * the event loop (resvg's own thread pool): loading the fonts and drawing
 * take tens of milliseconds a picture, which no other board should wait for.
 */
async function drawPicture(resvg: ResvgModule, svg: string): Promise<DocumentPicture> {
  const rendered = await resvg.renderAsync(svg, {
    fitTo: { mode: 'zoom', value: PIXEL_RATIO },
    font: { loadSystemFonts: true, defaultFontFamily: await textFallbackFamily(resvg) },
  });
  return { png: new Uint8Array(rendered.asPng()), width: rendered.width / PIXEL_RATIO, height: rendered.height / PIXEL_RATIO };
}

/**
 * Draws each driver diagram's SVG (from the snapshot) as a PNG for the Word
 * document. The renderer is loaded on first use, like the Word writer it
 * serves.
 */
export async function drawDiagramPictures(snapshot: BoardSnapshot): Promise<Map<string, DiagramPicture>> {
  const resvg = await import('@resvg/resvg-js');
  const pictures = new Map<string, DiagramPicture>();
  for (const diagram of snapshot.diagrams) pictures.set(diagram.id, await drawPicture(resvg, diagram.svg));
  return pictures;
}

/**
 * Draws the charts that apply to the board (the theme comparison, the vote
 * results, the plan's progress, the self-assessment at each stage of the
 * cycle: `planCharts`, shared/charts/planCharts.ts)
 * as PNGs for the Word document, which places each with its caption and
 * its description.
 */
export async function drawChartPictures(snapshot: BoardSnapshot): Promise<ChartPictures> {
  const charts = planCharts(snapshot);
  if (charts.length === 0) return {};
  const resvg = await import('@resvg/resvg-js');
  const pictures: ChartPictures = {};
  for (const chart of charts) pictures[chart.name] = await drawPicture(resvg, chart.svg);
  return pictures;
}
