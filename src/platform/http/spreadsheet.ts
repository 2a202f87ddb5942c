import type ExcelJS from 'exceljs';

/**
 * Reading spreadsheets and delimited text that people upload or paste: shared by the measures
 * importer (data points) and the people importer (a register). Nothing here judges the values.
 */

/** A cell as read: text, a number, a date, or nothing. */
export type SpreadsheetCell = string | number | Date | undefined;

/** The delimiter a paste uses: a tab (copied from a spreadsheet), a semicolon, or a comma. */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '';
  if (firstLine.includes('\t')) return '\t';
  if (firstLine.includes(';') && !firstLine.includes(',')) return ';';
  return ',';
}

/** A spreadsheet cell's value as text, number or date. Formulas give their last calculated result. */
export function cellValue(value: ExcelJS.CellValue): SpreadsheetCell {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('result' in value) return cellValue((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return String(value.error);
  }
  return undefined;
}

/** Decodes an uploaded text file: UTF-8, or Windows-1252 as older Excel versions save CSV. */
export function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return new TextDecoder('windows-1252').decode(buffer);
  }
}

/** True for the start of a ZIP archive, which an .xlsx file is. */
export function isXlsx(buffer: Buffer): boolean {
  return buffer.length > 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04;
}

/** Most a spreadsheet may unpack to: far more than 5,000 rows need, far less than a "zip bomb". */
export const MAX_UNZIPPED_BYTES = 50 * 1024 * 1024;

/**
 * What the files in a ZIP archive add up to once unpacked, read from its central directory; null
 * when the archive cannot be read or uses ZIP64 (which no spreadsheet of this size needs).
 */
export function unzippedSize(buffer: Buffer): number | null {
  // The end-of-central-directory record is in the last 22 bytes, or before a comment of up to 64 KiB.
  for (let eocd = buffer.length - 22; eocd >= Math.max(0, buffer.length - 22 - 0xffff); eocd--) {
    if (buffer.readUInt32LE(eocd) !== 0x06054b50) continue;
    const entries = buffer.readUInt16LE(eocd + 10);
    let at = buffer.readUInt32LE(eocd + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== 0x02014b50) return null;
      const size = buffer.readUInt32LE(at + 24);
      if (size === 0xffffffff) return null;
      total += size;
      at += 46 + buffer.readUInt16LE(at + 28) + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    }
    return total;
  }
  return null;
}
