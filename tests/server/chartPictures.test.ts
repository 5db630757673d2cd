import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import * as Y from 'yjs';
import { Resvg } from '@resvg/resvg-js';
import { drawChartPictures } from '../../server/http/diagramPictures';
import { planCharts } from '../../shared/charts/planCharts';
import { initBoard } from '../../shared/document/board';
import { defaultTopicId, setAgreedRating } from '../../shared/document/assessment';
import { startCheckIn } from '../../shared/document/cycle';
import { planToDocx } from '../../shared/export/docx';
import JSZip from 'jszip';
import { readBoardSnapshot } from '../../shared/export/snapshot';
import { chartBoardDoc } from '../helpers/chartBoard';
import { TAKEN, WORKSHOP } from '../helpers/planSample';

/** Whether this machine has any font resvg can draw text in (a bare container may have none; the document then says it all in words). */
const machineHasFonts = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text x="0" y="30">Probe</text></svg>', { font: { loadSystemFonts: true } }).getBBox() !== undefined;

/** The colour of a pixel as "#rrggbb". */
function pixel(png: PNG, x: number, y: number): string {
  const at = (png.width * Math.round(y) + Math.round(x)) * 4;
  return `#${[0, 1, 2].map((channel) => png.data[at + channel]!.toString(16).padStart(2, '0')).join('')}`;
}

describe('the plan’s charts as pictures for the Word document', () => {
  const snapshot = readBoardSnapshot(chartBoardDoc(), TAKEN);

  it('draws each chart that applies as a PNG at twice its size, the size to show it at being the SVG’s', async () => {
    const pictures = await drawChartPictures(snapshot);
    expect(Object.keys(pictures).sort()).toEqual(['planProgress', 'themeComparison', 'voteResults']);
    for (const chart of planCharts(snapshot)) {
      const picture = pictures[chart.name]!;
      const declared = /width="(\d+)" height="(\d+)"/.exec(chart.svg)!;
      expect([picture.width, picture.height]).toEqual([Number(declared[1]), Number(declared[2])]);
      const png = PNG.sync.read(Buffer.from(picture.png));
      expect([png.width, png.height]).toEqual([picture.width * 2, picture.height * 2]);
    }
  });

  it('draws the vote results’ bars in NHS blue, as long as their dots', async () => {
    const { voteResults } = await drawChartPictures(snapshot);
    const png = PNG.sync.read(Buffer.from(voteResults!.png));
    const svg = planCharts(snapshot).find((chart) => chart.name === 'voteResults')!.svg;
    // The first two bars (7 and 2 dots): blue inside each, white just past the shorter one's end.
    const bars = [...svg.matchAll(/<rect class="bar" data-value="\d+" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="(\d+)"/g)].map((m) => m.slice(1).map(Number));
    const [[x, y, long, height], [, y2, short]] = bars as [number[], number[]];
    expect(short! / long!).toBeCloseTo(2 / 7, 2);
    expect(pixel(png, (x! + long! - 2) * 2, (y! + height! / 2) * 2)).toBe('#005eb8');
    expect(pixel(png, (x! + short! - 2) * 2, (y2! + height! / 2) * 2)).toBe('#005eb8');
    expect(pixel(png, (x! + short! + 60) * 2, (y2! + 2) * 2)).toBe('#ffffff');
  });

  it.skipIf(!machineHasFonts)('draws the labels’ text with the machine’s fonts', async () => {
    const { voteResults } = await drawChartPictures(snapshot);
    const png = PNG.sync.read(Buffer.from(voteResults!.png));
    // Dark text in the label column of the first row (16 to 288 pixels across, 16 to 56 down, at twice the size).
    let dark = 0;
    for (let y = 32; y < 112; y++) for (let x = 32; x < 576; x++) if (png.data[(png.width * y + x) * 4]! < 100) dark++;
    expect(dark).toBeGreaterThan(100);
  });

  it('draws nothing for a board with nothing to chart', async () => {
    const blank = new Y.Doc();
    initBoard(blank, { title: 'Blank', createdAt: WORKSHOP, template: 'blank' });
    expect(await drawChartPictures(readBoardSnapshot(blank, TAKEN))).toEqual({});
  });

  it('draws the self-assessment at each stage of a check-in, which the Word document places as a figure', async () => {
    const workshop = new Y.Doc();
    initBoard(workshop, { title: 'Ward 7', createdAt: WORKSHOP, template: 'blank' });
    setAgreedRating(workshop, defaultTopicId(1), { rating: 'red', note: '' });
    const checkIn = new Y.Doc();
    initBoard(checkIn, { title: 'Ward 7 – 30-day check-in', createdAt: TAKEN, template: 'blank' });
    startCheckIn(workshop, checkIn, { stage: 30, title: 'Ward 7', now: TAKEN });
    setAgreedRating(checkIn, defaultTopicId(1), { rating: 'green', note: '' });
    const checkInSnapshot = readBoardSnapshot(checkIn, TAKEN);
    const pictures = await drawChartPictures(checkInSnapshot);
    expect(Object.keys(pictures)).toEqual(['cycleHistory']);
    const svg = planCharts(checkInSnapshot)[0]!.svg;
    const declared = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    const png = PNG.sync.read(Buffer.from(pictures.cycleHistory!.png));
    expect([png.width, png.height]).toEqual([Number(declared[1]) * 2, Number(declared[2]) * 2]);
    // The first topic's marks: NHS red at the workshop, NHS green now.
    const marks = [...svg.matchAll(/<rect class="mark" data-topic="0" data-stage="(\d)" data-rating="(\w+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="(\d+)"/g)];
    expect(marks.map((m) => m[2])).toEqual(['red', 'green']);
    const colourAt = (m: RegExpMatchArray) => pixel(png, (Number(m[3]) + 3) * 2, (Number(m[4]) + 3) * 2);
    expect(colourAt(marks[0]!)).toBe('#d5281b');
    expect(colourAt(marks[1]!)).toBe('#007f3b');
    const zip = await JSZip.loadAsync(await planToDocx(checkInSnapshot, new Map(), pictures));
    expect(Object.keys(zip.files).filter((name) => name.startsWith('word/media/'))).toHaveLength(1);
    expect(await zip.file('word/document.xml')!.async('string')).toContain('Figure 1: The self-assessment at each stage of the cycle');
  });
});
