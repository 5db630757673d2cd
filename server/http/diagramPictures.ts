import type { BoardSnapshot } from '../../shared/export/snapshot';
import type { DiagramPicture } from '../../shared/export/docx';

/** Drawn at twice the size, so the picture stays sharp when a document is printed or zoomed. */
const PIXEL_RATIO = 2;

/**
 * Draws each driver diagram's SVG (from the snapshot) as a PNG for the Word
 * document, with the machine's fonts. Where the machine has none, the boxes
 * still show and the document lists the diagram as text as well. The
 * renderer is loaded on first use, like the Word writer it serves.
 */
export async function drawDiagramPictures(snapshot: BoardSnapshot): Promise<Map<string, DiagramPicture>> {
  const { Resvg } = await import('@resvg/resvg-js');
  const pictures = new Map<string, DiagramPicture>();
  for (const diagram of snapshot.diagrams) {
    const rendered = new Resvg(diagram.svg, {
      fitTo: { mode: 'zoom', value: PIXEL_RATIO },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    }).render();
    pictures.set(diagram.id, { png: new Uint8Array(rendered.asPng()), width: rendered.width / PIXEL_RATIO, height: rendered.height / PIXEL_RATIO });
  }
  return pictures;
}
