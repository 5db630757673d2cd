import zlib from 'node:zlib';
import JSZip from 'jszip';

/**
 * Workbooks (.xlsx) built by hand for the plan import's limits: the parts a
 * workbook needs, a sheet of any number of rows, and zip bombs, whose parts
 * inflate to hundreds of megabytes from a file well under the 2 MB upload
 * limit.
 */

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const PACKAGE_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';
const SHARED_HEAD = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

/** The parts every workbook here shares, with the sheet and shared strings given. */
function workbookParts(sheet: string, sharedStrings: string): Record<string, string> {
  return {
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': PACKAGE_RELS,
    'xl/workbook.xml': WORKBOOK,
    'xl/_rels/workbook.xml.rels': WORKBOOK_RELS,
    'xl/worksheets/sheet1.xml': sheet,
    'xl/sharedStrings.xml': sharedStrings,
  };
}

/** Zips parts with JSZip, as other tools do, deflated. */
function zipWithJsZip(parts: Record<string, string>): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [path, text] of Object.entries(parts)) zip.file(path, text);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Zips parts deflated by Node's zlib (far quicker than JSZip for a large sheet). */
function zipDeflated(parts: Record<string, string>): Uint8Array {
  return zipOf(
    Object.entries(parts).map(([path, text]) => ({ path, data: zlib.deflateRawSync(Buffer.from(text)), method: 8, declaredBytes: Buffer.byteLength(text) })),
  );
}

/**
 * A workbook as some tools write it: no `r=` references on rows or cells
 * (they are optional), text inline, a shared string, a number and a
 * boolean.
 */
export function workbookWithoutReferences(): Promise<Uint8Array> {
  const inline = (text: string) => `<c t="inlineStr"><is><t>${text}</t></is></c>`;
  const sheet = `${SHEET_HEAD}<row>${inline('Action')}${inline('Owner')}${inline('Timescales')}</row><row>${inline('Publish rotas six weeks ahead')}<c t="s"><v>0</v></c>${inline('3 months')}</row><row/><row>${inline('Stay interviews')}${inline('Ward managers')}<c><v>2027</v></c></row>${SHEET_TAIL}`;
  return zipWithJsZip(workbookParts(sheet, `${SHARED_HEAD}<si><t>Chief Nurse</t></si></sst>`));
}

/** A header row ("Action") and `rows` numbered rows below it. */
export function numberedRowsWorkbook(rows: number): Uint8Array {
  const body = Array.from({ length: rows }, (_, index) => `<row r="${index + 2}"><c r="A${index + 2}"><v>${index + 1}</v></c></row>`).join('');
  return zipDeflated(workbookParts(`${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${body}${SHEET_TAIL}`, `${SHARED_HEAD}<si><t>Action</t></si></sst>`));
}

/** One megabyte (or a little more) of a repeated piece of XML. */
const megabyteOf = (piece: string) => Buffer.from(piece.repeat(Math.ceil((1024 * 1024) / piece.length)));

/**
 * Raw deflate of `head`, then `unit` repeated `times`, then `tail`, made in
 * milliseconds: after its first two copies, every copy of a unit larger than
 * deflate's window compresses to the same bytes, so the stream repeats them.
 */
async function repeatedDeflate(head: string, unit: Buffer, times: number, tail: string): Promise<{ compressed: Buffer; inflatedBytes: number }> {
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const pending: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => pending.push(chunk));
  const take = () => Buffer.concat(pending.splice(0));
  const flushed = async (chunk: Buffer) => {
    deflate.write(chunk);
    await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
    return take();
  };
  const start = await flushed(Buffer.from(head));
  const first = await flushed(unit);
  const repeated = await flushed(unit);
  deflate.end(Buffer.from(tail));
  await new Promise((resolve) => deflate.once('end', resolve));
  const compressed = Buffer.concat([start, first, ...Array<Buffer>(times - 1).fill(repeated), take()]);
  return { compressed, inflatedBytes: head.length + unit.length * times + tail.length };
}

/** A zip written by hand, so a part can be given precompressed and can declare any size. */
function zipOf(entries: { path: string; data: Buffer; method: 0 | 8; declaredBytes: number }[]): Uint8Array {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.declaredBytes, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.declaredBytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    directory.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directoryBytes, end]));
}

/**
 * A workbook with one part that inflates to `megabytes` of repeated XML (a
 * sheet of rows, or shared strings), declaring its true size or, with
 * `lie`, a size of one kilobyte.
 */
async function bomb(part: 'sheet' | 'sharedStrings', megabytes: number, lie: boolean): Promise<Uint8Array> {
  const normal = workbookParts(`${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${SHEET_TAIL}`, `${SHARED_HEAD}<si><t>Action</t></si></sst>`);
  const { compressed, inflatedBytes } =
    part === 'sheet'
      ? await repeatedDeflate(`${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, megabyteOf('<row><c><v>1</v></c></row>'), megabytes, SHEET_TAIL)
      : await repeatedDeflate(`${SHARED_HEAD}<si><t>Action</t></si>`, megabyteOf('<si><t>a</t></si>'), megabytes, '</sst>');
  const bombPath = part === 'sheet' ? 'xl/worksheets/sheet1.xml' : 'xl/sharedStrings.xml';
  return zipOf(
    Object.entries(normal).map(([path, text]) =>
      path === bombPath
        ? { path, data: compressed, method: 8, declaredBytes: lie ? 1024 : inflatedBytes }
        : { path, data: Buffer.from(text), method: 0, declaredBytes: Buffer.byteLength(text) },
    ),
  );
}

/** A sheet of about 28 million rows: 700 MB of XML once inflated, from under 2 MB. */
export const sheetBomb = (lie = false) => bomb('sheet', 700, lie);
/** About 20 million shared strings: 340 MB of XML once inflated. */
export const sharedStringsBomb = (lie = false) => bomb('sharedStrings', 324, lie);
