import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { PlanImportError } from './errors';

/**
 * Reads the first table of an Excel workbook (.xlsx) for a plan import
 * (docs/plan-export.md): the sheet named "Actions", else the first, as rows
 * of cell text. Written for files anyone may send: every part is read as a
 * stream of XML events (saxes, which expands no entities of a document's
 * own), the sheet only until the rows asked for are in, and cell or row
 * references (`r=`, optional in the format and left out by some tools)
 * are used when present and counted when not. The zip itself is opened by
 * the caller, who bounds what each part may inflate to.
 */

/** The parts of a workbook by their path in its zip: their bytes, or null when there is no such part. */
export interface WorkbookParts {
  read(path: string): Uint8Array | null;
}

/** The table a workbook holds: its title (from the document's properties) and its rows, blank ones left out. */
export interface WorkbookTable {
  title: string;
  rows: string[][];
}

/** The most columns a sheet has (Excel's own limit, XFD); cells further right are not read. */
const MAX_COLUMNS = 16_384;
/** How much of a part the parser is given at a time, so reading can stop between pieces. */
const XML_PIECE_BYTES = 64 * 1024;

const unreadable = () => new PlanImportError('The file is not a readable Excel workbook (.xlsx).');

/** An element's or attribute's name without its namespace prefix (`x:row` is `row`). */
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  for (const [key, value] of Object.entries(tag.attributes)) if (localName(key) === name) return value;
  return undefined;
}

interface XmlHandlers {
  open?(name: string, tag: SaxesTagPlain): void;
  close?(name: string): void;
  text?(text: string): void;
}

/**
 * Streams a part's XML to the handlers, a piece at a time, until it ends or
 * `stop` says enough has been read.
 */
function readXml(bytes: Uint8Array, handlers: XmlHandlers, stop: () => boolean = () => false): void {
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => handlers.open?.(localName(tag.name), tag));
  parser.on('closetag', (tag) => handlers.close?.(localName(tag.name)));
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (let at = 0; at < bytes.byteLength && !stop(); at += XML_PIECE_BYTES) {
      parser.write(decoder.decode(bytes.subarray(at, at + XML_PIECE_BYTES), { stream: true }));
    }
    if (!stop()) parser.close();
  } catch {
    throw unreadable();
  }
}

/** The relationships of a part (`_rels/*.rels`): id to target, and the target of each type. */
function readRelationships(parts: WorkbookParts, relsPath: string, baseDir: string): { byId: Map<string, string>; byType: Map<string, string> } {
  const byId = new Map<string, string>();
  const byType = new Map<string, string>();
  const bytes = parts.read(relsPath);
  if (bytes) {
    readXml(bytes, {
      open(name, tag) {
        const target = attribute(tag, 'Target');
        if (name !== 'Relationship' || !target || attribute(tag, 'TargetMode') === 'External') return;
        const path = resolvePartPath(baseDir, target);
        const id = attribute(tag, 'Id');
        const type = (attribute(tag, 'Type') ?? '').split('/').pop()!;
        if (id && !byId.has(id)) byId.set(id, path);
        if (!byType.has(type)) byType.set(type, path);
      },
    });
  }
  return { byId, byType };
}

/** A relationship's target as a path in the zip: absolute ("/xl/…") or relative to the part's folder. */
function resolvePartPath(baseDir: string, target: string): string {
  const segments = target.startsWith('/') ? [] : baseDir.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment && segment !== '.') segments.push(segment);
  }
  return segments.join('/');
}

/** The text of each shared string, in order; phonetic guides (`rPh`) left out. */
function readSharedStrings(bytes: Uint8Array | null): string[] {
  const strings: string[] = [];
  if (!bytes) return strings;
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  readXml(bytes, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    close(name) {
      if (name === 'si' && current !== null) {
        strings.push(current);
        current = null;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') inText = false;
    },
    text(text) {
      if (inText && current !== null) current += text;
    },
  });
  return strings;
}

/** Excel's built-in number formats that show a date or a time. */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A custom format shows a date when, outside quoted text, escapes and [colour] codes, it has day, month, year or time codes. */
const isDateFormatCode = (code: string) => /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, ''));

/** For each cell style (`s=`), whether it shows numbers as dates. */
function readDateStyles(bytes: Uint8Array | null): boolean[] {
  const dateStyles: boolean[] = [];
  if (!bytes) return dateStyles;
  const customDateFormats = new Set<number>();
  let inCellFormats = false;
  readXml(bytes, {
    open(name, tag) {
      if (name === 'numFmt' && isDateFormatCode(attribute(tag, 'formatCode') ?? '')) customDateFormats.add(Number(attribute(tag, 'numFmtId')));
      else if (name === 'cellXfs') inCellFormats = true;
      else if (name === 'xf' && inCellFormats) {
        const format = Number(attribute(tag, 'numFmtId') ?? 0);
        dateStyles.push(BUILT_IN_DATE_FORMATS.has(format) || customDateFormats.has(format));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellFormats = false;
    },
  });
  return dateStyles;
}

/** Days from Excel's day zero to 1970-01-01, in its 1900 and 1904 date systems. */
const EXCEL_EPOCH_DAYS = { 1900: 25_569, 1904: 24_107 };
const DAY_MS = 24 * 60 * 60 * 1000;

/** "B12" is column 1 (counting from 0); null when the reference has no letters. */
function columnOf(reference: string): number | null {
  const letters = /^[A-Za-z]{1,3}/.exec(reference)?.[0];
  if (!letters) return null;
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  return column - 1;
}

interface SheetContext {
  sharedStrings: readonly string[];
  dateStyles: readonly boolean[];
  epochDays: number;
}

/** A cell's value as the text a spreadsheet shows: a formula by its last result, never evaluated; a date cell as YYYY-MM-DD. */
function cellText(type: string, style: number, value: string, inline: string, context: SheetContext): string {
  switch (type) {
    case 's':
      return context.sharedStrings[Number(value)] ?? '';
    case 'inlineStr':
      return inline;
    case 'str':
      return value;
    case 'b':
      return value.trim() === '1' ? 'TRUE' : value.trim() === '0' ? 'FALSE' : '';
    case 'e':
      return '';
    case 'd':
      return value.slice(0, 10);
    default: {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) return value;
      if (context.dateStyles[style]) {
        const date = new Date(Math.round((number - context.epochDays) * DAY_MS));
        if (!Number.isNaN(date.getTime())) return date.toISOString().slice(0, 10);
      }
      return String(number);
    }
  }
}

/**
 * Reads the rows of a sheet that have something in them, stopping once
 * `maxRows` are in, so a sheet of a million rows costs what its first rows
 * cost.
 */
function readSheetRows(bytes: Uint8Array, context: SheetContext, maxRows: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let rowHasText = false;
  let nextColumn = 0;
  let cell: { column: number; type: string; style: number } | null = null;
  let value = '';
  let inline = '';
  let reading: 'value' | 'inline' | null = null;
  let phonetic = 0;
  readXml(
    bytes,
    {
      open(name, tag) {
        if (name === 'row') {
          row = [];
          rowHasText = false;
          nextColumn = 0;
        } else if (name === 'c') {
          const column = columnOf(attribute(tag, 'r') ?? '') ?? nextColumn;
          nextColumn = column + 1;
          cell = { column, type: attribute(tag, 't') ?? 'n', style: Number(attribute(tag, 's') ?? 0) };
          value = '';
          inline = '';
        } else if (cell && name === 'v') reading = 'value';
        else if (cell && name === 'rPh') phonetic++;
        else if (cell && name === 't' && phonetic === 0) reading = 'inline';
      },
      close(name) {
        if (name === 'v' || name === 't') reading = null;
        else if (name === 'rPh') phonetic--;
        else if (name === 'c' && cell) {
          const text = cellText(cell.type, cell.style, value, inline, context);
          if (text && cell.column < MAX_COLUMNS) {
            row[cell.column] = text;
            if (text.trim()) rowHasText = true;
          }
          cell = null;
        } else if (name === 'row' && rowHasText) rows.push(row);
      },
      text(text) {
        if (reading === 'value') value += text;
        else if (reading === 'inline') inline += text;
      },
    },
    () => rows.length >= maxRows,
  );
  return rows;
}

/** The workbook's title, from its document properties. */
function readTitle(bytes: Uint8Array | null): string {
  let title = '';
  let inTitle = false;
  if (bytes) {
    readXml(bytes, {
      open: (name) => void (inTitle = name === 'title'),
      close: () => void (inTitle = false),
      text(text) {
        if (inTitle) title += text;
      },
    });
  }
  return title;
}

/**
 * The workbook's table: the sheet named "Actions", else the first, as at
 * most `maxRows` rows that have something in them (the first is the header).
 */
export function readWorkbookTable(parts: WorkbookParts, maxRows: number): WorkbookTable {
  const packageRels = readRelationships(parts, '_rels/.rels', '');
  const workbookPath = packageRels.byType.get('officeDocument') ?? 'xl/workbook.xml';
  const workbook = parts.read(workbookPath);
  if (!workbook) throw unreadable();
  const sheets: { name: string; relationship: string }[] = [];
  let date1904 = false;
  readXml(workbook, {
    open(name, tag) {
      if (name === 'sheet') sheets.push({ name: attribute(tag, 'name') ?? '', relationship: attribute(tag, 'id') ?? '' });
      else if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attribute(tag, 'date1904') ?? '');
    },
  });
  const workbookDir = workbookPath.split('/').slice(0, -1).join('/');
  const inWorkbookDir = (file: string) => (workbookDir ? `${workbookDir}/${file}` : file);
  const workbookRels = readRelationships(parts, inWorkbookDir(`_rels/${workbookPath.split('/').pop()}.rels`), workbookDir);
  const sheet = sheets.find((s) => s.name === 'Actions') ?? sheets[0];
  if (!sheet) throw new PlanImportError('The workbook has no sheets.');
  const sheetBytes = parts.read(workbookRels.byId.get(sheet.relationship) ?? '');
  if (!sheetBytes) throw unreadable();
  const context: SheetContext = {
    sharedStrings: readSharedStrings(parts.read(workbookRels.byType.get('sharedStrings') ?? inWorkbookDir('sharedStrings.xml'))),
    dateStyles: readDateStyles(parts.read(workbookRels.byType.get('styles') ?? inWorkbookDir('styles.xml'))),
    epochDays: date1904 ? EXCEL_EPOCH_DAYS[1904] : EXCEL_EPOCH_DAYS[1900],
  };
  return { title: readTitle(parts.read(packageRels.byType.get('core-properties') ?? 'docProps/core.xml')), rows: readSheetRows(sheetBytes, context, maxRows) };
}
