import { isUtf8 } from 'node:buffer';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { t } from '../../platform/i18n/index.ts';
import { cellValue, isXlsx, MAX_UNZIPPED_BYTES, unzippedSize } from '../../platform/http/spreadsheet.ts';
import type { Sheet } from './rows.ts';

/**
 * Reads an uploaded register (CSV, or the first sheet of an .xlsx workbook) into a header row and
 * rows of text cells. Nothing here judges the values: rows.ts does that once columns are mapped.
 */

/** The file could not be read. `key` is under errors.peopleImport. */
export class RegisterReadError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

/** The same as the app's multipart limit (src/app.ts): the web upload cannot be larger. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_ROWS = 100_000;
export const MAX_COLUMNS = 60;

const text = (cell: unknown): string => {
  if (cell === undefined || cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
};

/** Rows joined into one string at a time: few large strings rather than a hundred thousand small ones. */
const CHUNK_ROWS = 1000;

/**
 * Collects rows one at a time: drops empty rows (keeping the others' sheet row numbers), takes the
 * first non-empty row as the header, and keeps each data row as one JSON line (see Sheet).
 */
class SheetBuilder {
  private headers: string[] | null = null;
  private readonly chunks: string[] = [];
  private lines: string[] = [];
  private rowCount = 0;

  add(cells: string[], row: number): void {
    if (!cells.some((c) => c !== '')) return;
    if (this.headers === null) {
      const headers = cells.map((h, i) => h || t('peopleImport.map.unnamedColumn', { number: i + 1 }));
      while (headers.length > 0 && cells[headers.length - 1] === '') headers.pop();
      if (headers.length > MAX_COLUMNS) throw new RegisterReadError('tooManyColumns', { max: MAX_COLUMNS });
      this.headers = headers;
      return;
    }
    if (this.rowCount >= MAX_ROWS) throw new RegisterReadError('tooManyRows', { max: MAX_ROWS.toLocaleString('en-GB') });
    this.rowCount++;
    if (cells.length > this.headers.length) cells.length = this.headers.length;
    (cells as unknown[]).unshift(row);
    this.lines.push(JSON.stringify(cells));
    if (this.lines.length === CHUNK_ROWS) this.flush();
  }

  private flush(): void {
    if (this.lines.length) this.chunks.push(this.lines.join('\n'));
    this.lines = [];
  }

  sheet(): Sheet {
    if (this.headers === null) throw new RegisterReadError('empty');
    if (this.rowCount === 0) throw new RegisterReadError('noRows');
    this.flush();
    return { headers: this.headers, rowCount: this.rowCount, chunks: this.chunks };
  }
}

/** The delimiter of the first non-empty line: tab, semicolon (when there is no comma) or comma. */
function delimiterOf(text: string): string {
  let at = 0;
  let firstLine = '';
  while (at < text.length && firstLine.trim() === '') {
    const end = text.slice(at, at + 65536).search(/\r\n|\r|\n/);
    firstLine = end < 0 ? text.slice(at, at + 65536) : text.slice(at, at + end);
    at += end < 0 ? 65536 : end + 1;
  }
  if (firstLine.includes('\t')) return '\t';
  if (firstLine.includes(';') && !firstLine.includes(',')) return ';';
  return ',';
}

/** CSV (comma, semicolon or tab separated) with a header row. Row numbers count every record, as a spreadsheet shows them. */
export function readCsv(content: string | Buffer): Sheet {
  const head = typeof content === 'string' ? content.slice(0, 65536) : content.subarray(0, 65536).toString('utf8');
  // Only a file that starts with 64 KiB of blanks needs reading whole to see whether it is all blank.
  if (head.trim() === '' && (typeof content === 'string' ? content : content.toString('utf8')).trim() === '') throw new RegisterReadError('empty');
  const builder = new SheetBuilder();
  let row = 0;
  try {
    // Each record is handed over as it is parsed and dropped (on_record returns nothing), so a
    // large file never exists as one array of arrays. A UTF-8 buffer is parsed as it is (csv-parse
    // would turn a string back into bytes).
    parseCsv(content, {
      delimiter: delimiterOf(head),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
      on_record: (record: string[]) => {
        builder.add(record, ++row);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof RegisterReadError) throw err;
    throw new RegisterReadError('unreadable', { line: (err as { lines?: number }).lines ?? 1 });
  }
  return builder.sheet();
}

/** The first worksheet with data in an .xlsx workbook; row numbers are the sheet's own. */
export async function readXlsx(buffer: Buffer): Promise<Sheet> {
  const unzipped = unzippedSize(buffer);
  if (unzipped === null) throw new RegisterReadError('badSpreadsheet');
  if (unzipped > MAX_UNZIPPED_BYTES) throw new RegisterReadError('spreadsheetTooBig');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new RegisterReadError('badSpreadsheet');
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new RegisterReadError('empty');
  const builder = new SheetBuilder();
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = text(cellValue(cell.value));
    });
    builder.add(Array.from(cells, (c) => c ?? ''), rowNumber);
  });
  return builder.sheet();
}

/** An uploaded file: .xlsx when it is a ZIP archive, otherwise CSV text. */
export async function readRegister(buffer: Buffer, maxBytes = MAX_FILE_BYTES): Promise<Sheet> {
  if (buffer.length === 0) throw new RegisterReadError('noFile');
  if (buffer.length > maxBytes) throw new RegisterReadError('fileTooLarge', { max: maxBytes / 1024 / 1024 });
  if (isXlsx(buffer)) return readXlsx(buffer);
  if (buffer.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) throw new RegisterReadError('oldExcel');
  if (buffer.includes(0)) throw new RegisterReadError('notText');
  // UTF-8 (or plain ASCII) is read from the bytes; anything else is taken as Windows-1252.
  return readCsv(isUtf8(buffer) ? buffer : new TextDecoder('windows-1252').decode(buffer));
}
