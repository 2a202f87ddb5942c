import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ChartType } from '../../platform/db/types.ts';
import { cellValue, decodeText, detectDelimiter, isXlsx, MAX_UNZIPPED_BYTES, unzippedSize, type SpreadsheetCell } from '../../platform/http/spreadsheet.ts';
import { MAX_IMPORT_ROWS, needsDenominator, parseDate, parseNumber, type PointColumn, type RawRow } from './points.ts';

/**
 * Reads pasted CSV/TSV text or an uploaded CSV/XLSX file into rows of raw cells. Nothing here
 * judges the values (points.ts does that); it finds the rows and which column is which.
 */

/** The text or file could not be read at all. `key` is under errors.measures.import. */
export class ImportReadError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

type Cell = SpreadsheetCell;

/** Header words people use for each column (lower case, without spaces or punctuation). */
const HEADER_WORDS: Record<PointColumn, string[]> = {
  date: ['date', 'period', 'x', 'week', 'weekbeginning', 'weekending', 'weekcommencing', 'month', 'day', 'when', 'periodstart', 'dateofdata'],
  value: ['value', 'y', 'count', 'numerator', 'number', 'result', 'measure', 'events', 'total'],
  denominator: ['denominator', 'outof', 'n', 'of', 'sample', 'samplesize', 'eligible', 'opportunities', 'population', 'base'],
  note: ['note', 'notes', 'comment', 'comments', 'remark', 'remarks'],
};

const headerWord = (cell: Cell): string => (typeof cell === 'string' ? cell.toLowerCase().replace(/[^a-z]/g, '') : '');

/** A first row is a header when it holds no date in its first cell and no number in its second. */
function looksLikeHeader(cells: Cell[]): boolean {
  const [first, second] = cells;
  if (first instanceof Date || parseDate(first) !== null) return false;
  if (typeof second === 'number' || (typeof second === 'string' && typeof parseNumber(second) === 'number')) return false;
  return cells.some((c) => typeof c === 'string' && c.trim() !== '');
}

/**
 * Which column holds what. With a header row, by the names people use (see HEADER_WORDS);
 * otherwise by position: date, value, then the denominator when the chart needs one, then a note.
 */
export function columnsFor(header: Cell[] | null, chart: ChartType): Partial<Record<PointColumn, number>> {
  const columns: Partial<Record<PointColumn, number>> = {};
  if (header) {
    const words = header.map(headerWord);
    for (const column of ['date', 'denominator', 'note', 'value'] as PointColumn[]) {
      for (const candidate of HEADER_WORDS[column]) {
        const index = words.findIndex((w, i) => w === candidate && !Object.values(columns).includes(i));
        if (index >= 0) {
          columns[column] = index;
          break;
        }
      }
    }
  }
  // Columns without a recognised name take their usual place when it is free (a note only by name).
  const taken = new Set(Object.values(columns));
  const order: PointColumn[] = needsDenominator(chart) ? ['date', 'value', 'denominator', 'note'] : ['date', 'value', 'note'];
  order.forEach((column, position) => {
    if (columns[column] !== undefined || taken.has(position) || (header && column === 'note')) return;
    columns[column] = position;
    taken.add(position);
  });
  return columns;
}

function toRows(records: { cells: Cell[]; row: number }[], chart: ChartType): { rows: RawRow[]; hasHeader: boolean } {
  const nonEmpty = records.filter((r) => r.cells.some((c) => c !== undefined && !(typeof c === 'string' && c.trim() === '')));
  if (nonEmpty.length === 0) throw new ImportReadError('empty');
  const hasHeader = looksLikeHeader((nonEmpty[0] as { cells: Cell[] }).cells);
  const columns = columnsFor(hasHeader ? (nonEmpty[0] as { cells: Cell[] }).cells : null, chart);
  const data = hasHeader ? nonEmpty.slice(1) : nonEmpty;
  if (data.length === 0) throw new ImportReadError('noRows');
  if (data.length > MAX_IMPORT_ROWS) throw new ImportReadError('tooManyRows', { max: MAX_IMPORT_ROWS, count: data.length });
  const pick = (cells: Cell[], column: PointColumn): Cell => {
    const i = columns[column];
    return i === undefined ? undefined : cells[i];
  };
  const rows = data.map(({ cells, row }) => ({
    row,
    date: pick(cells, 'date'),
    value: pick(cells, 'value'),
    denominator: pick(cells, 'denominator'),
    note: pick(cells, 'note'),
  }));
  return { rows, hasHeader };
}

/** Pasted or uploaded text: CSV, TSV or semicolon-separated, with or without a header row. */
export function readDelimitedText(text: string, chart: ChartType): { rows: RawRow[]; hasHeader: boolean } {
  if (text.length > MAX_TEXT_CHARS) throw new ImportReadError('tooLong');
  if (text.trim() === '') throw new ImportReadError('empty');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new ImportReadError('unreadable', { line: line ?? 1 });
  }
  return toRows(
    records.map((r) => ({ cells: r.record.map((c) => (c === '' ? undefined : c)), row: r.info.lines })),
    chart,
  );
}

/** The first worksheet with data in an .xlsx workbook. Row numbers are the sheet's own. */
export async function readWorkbook(buffer: Buffer, chart: ChartType): Promise<{ rows: RawRow[]; hasHeader: boolean; sheet: string }> {
  const unzipped = unzippedSize(buffer);
  if (unzipped === null) throw new ImportReadError('badSpreadsheet');
  if (unzipped > MAX_UNZIPPED_BYTES) throw new ImportReadError('spreadsheetTooBig');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new ImportReadError('badSpreadsheet');
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new ImportReadError('empty');
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) throw new ImportReadError('tooManyRows', { max: MAX_IMPORT_ROWS, count: sheet.actualRowCount });
  const records: { cells: Cell[]; row: number }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value);
    });
    records.push({ cells, row: rowNumber });
  });
  return { ...toRows(records, chart), sheet: sheet.name };
}

/** An uploaded file: a spreadsheet when it is one, otherwise CSV or TSV text. */
export async function readUpload(buffer: Buffer, chart: ChartType): Promise<{ rows: RawRow[]; hasHeader: boolean }> {
  if (buffer.length === 0) throw new ImportReadError('noFile');
  if (buffer.length > MAX_FILE_BYTES) throw new ImportReadError('fileTooLarge', { max: MAX_FILE_BYTES / 1024 / 1024 });
  if (isXlsx(buffer)) return readWorkbook(buffer, chart);
  if (buffer.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) throw new ImportReadError('oldExcel');
  const text = decodeText(buffer);
  if (text.includes('\u0000')) throw new ImportReadError('notText');
  return readDelimitedText(text, chart);
}
