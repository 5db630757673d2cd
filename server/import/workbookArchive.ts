import zlib from 'node:zlib';
import { PlanImportError, type WorkbookParts } from '../../shared/import/planFile';

/**
 * Opens an uploaded workbook's zip for the plan import (docs/plan-export.md),
 * so that no part can cost more than a plan could ever need: the zip's
 * directory is read first, a part whose declared size is past the limits is
 * refused before any of it is inflated, and inflating stops (zlib's
 * `maxOutputLength`) the moment a part passes the size it declared, however
 * it was compressed. Only the parts the reader asks for are inflated.
 */

/** The most one part may hold once inflated. A plan of 100 actions with every field full is under half of this. */
export const MAX_WORKBOOK_PART_BYTES = 8 * 1024 * 1024;
/** The most all the parts read from one workbook may hold together once inflated. */
export const MAX_WORKBOOK_INFLATED_BYTES = 16 * 1024 * 1024;
/** The most entries a workbook's zip may list (a plan's workbook has about a dozen). */
export const MAX_WORKBOOK_ENTRIES = 1000;

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_OF_DIRECTORY_BYTES = 22;
const DIRECTORY_ENTRY_BYTES = 46;
const LOCAL_HEADER_BYTES = 30;
/** The end-of-directory record sits in the last 22 bytes plus a comment of at most 65,535. */
const MAX_COMMENT_BYTES = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

interface ZipEntry {
  method: number;
  flags: number;
  compressedBytes: number;
  declaredBytes: number;
  localHeaderOffset: number;
}

const unreadable = () => new PlanImportError('The file is not a readable Excel workbook (.xlsx).');
const tooLarge = () =>
  new PlanImportError(`The workbook unpacks to more than a plan can hold (a part over ${MAX_WORKBOOK_PART_BYTES / 1024 / 1024} MB, or ${MAX_WORKBOOK_INFLATED_BYTES / 1024 / 1024} MB in all): it is not an action plan.`);

/** Reads the zip's directory and returns its parts, each inflated on demand within the limits. */
export function openWorkbookArchive(bytes: Uint8Array): WorkbookParts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const inside = (offset: number, length: number) => offset >= 0 && length >= 0 && offset + length <= bytes.byteLength;
  let end = bytes.byteLength - END_OF_DIRECTORY_BYTES;
  const earliest = Math.max(0, end - MAX_COMMENT_BYTES);
  while (end >= earliest && view.getUint32(end, true) !== END_OF_DIRECTORY) end--;
  if (end < earliest) throw unreadable();
  const entryCount = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  // A workbook that needs zip64 (over 65,535 entries or 4 GB) is no plan.
  if (entryCount > MAX_WORKBOOK_ENTRIES) throw tooLarge();
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  for (let index = 0; index < entryCount; index++) {
    if (!inside(offset, DIRECTORY_ENTRY_BYTES) || view.getUint32(offset, true) !== DIRECTORY_ENTRY) throw unreadable();
    const nameBytes = view.getUint16(offset + 28, true);
    const extraBytes = view.getUint16(offset + 30, true);
    const commentBytes = view.getUint16(offset + 32, true);
    if (!inside(offset + DIRECTORY_ENTRY_BYTES, nameBytes)) throw unreadable();
    const name = names.decode(bytes.subarray(offset + DIRECTORY_ENTRY_BYTES, offset + DIRECTORY_ENTRY_BYTES + nameBytes));
    if (!entries.has(name)) {
      entries.set(name, {
        flags: view.getUint16(offset + 8, true),
        method: view.getUint16(offset + 10, true),
        compressedBytes: view.getUint32(offset + 20, true),
        declaredBytes: view.getUint32(offset + 24, true),
        localHeaderOffset: view.getUint32(offset + 42, true),
      });
    }
    offset += DIRECTORY_ENTRY_BYTES + nameBytes + extraBytes + commentBytes;
  }

  let inflatedBytes = 0;
  return {
    read(path) {
      const entry = entries.get(path);
      if (!entry) return null;
      if (entry.declaredBytes > MAX_WORKBOOK_PART_BYTES || inflatedBytes + entry.declaredBytes > MAX_WORKBOOK_INFLATED_BYTES) throw tooLarge();
      if (entry.flags & ENCRYPTED_FLAG) throw new PlanImportError('The workbook is encrypted: save it without a password and import it again.');
      const local = entry.localHeaderOffset;
      if (!inside(local, LOCAL_HEADER_BYTES) || view.getUint32(local, true) !== LOCAL_HEADER) throw unreadable();
      const start = local + LOCAL_HEADER_BYTES + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (!inside(start, entry.compressedBytes)) throw unreadable();
      const compressed = bytes.subarray(start, start + entry.compressedBytes);
      let part: Uint8Array;
      if (entry.method === STORED) part = compressed;
      else if (entry.method === DEFLATED) {
        try {
          // One byte more than declared is enough to catch a part that lies about its size.
          part = zlib.inflateRawSync(compressed, { maxOutputLength: entry.declaredBytes + 1 });
        } catch (error) {
          throw (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge() : unreadable();
        }
      } else throw unreadable();
      if (part.byteLength !== entry.declaredBytes) throw unreadable();
      inflatedBytes += part.byteLength;
      return part;
    },
  };
}
