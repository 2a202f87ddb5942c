import type { ChartType } from '../../platform/db/types.ts';

/**
 * Pure rules for one data point, shared by hand entry, CSV/TSV paste, spreadsheet upload and the
 * JSON API, so a value is accepted or refused the same way wherever it comes from.
 */

/** The columns a data point has, as named in forms, imports and the API. */
export const POINT_COLUMNS = ['date', 'value', 'denominator', 'note'] as const;
export type PointColumn = (typeof POINT_COLUMNS)[number];

/** One row as it arrived: text from a paste or a file, or JSON values from the API. */
export interface RawRow {
  /** Where the row came from: a line of the paste, a row of the sheet, or (API) its position from 1. */
  row: number;
  date?: unknown;
  value?: unknown;
  denominator?: unknown;
  note?: unknown;
}

/** A row that passed every check, ready to store. */
export interface GoodRow {
  row: number;
  date: string;
  value: number;
  denominator: number | null;
  note: string | null;
}

/** One reason a row was refused: the catalogue key for the reason names what was wrong. */
export interface RowProblem {
  row: number;
  column: PointColumn;
  /** Catalogue key under errors.measures.point. */
  reason: string;
  /** Values for the message, e.g. the row a duplicate date first appeared on. */
  params?: Record<string, string | number>;
}

export const NOTE_MAX = 500;
export const MAX_IMPORT_ROWS = 5000;

/** p and u charts plot a count out of a denominator. */
export function needsDenominator(chart: ChartType): boolean {
  return chart === 'p' || chart === 'u';
}

/** Charts of counts (c, p, u) cannot take a negative value. */
export function needsCount(chart: ChartType): boolean {
  return chart === 'c' || chart === 'p' || chart === 'u';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const fullYear = (y: string): number => (y.length === 2 ? 2000 + Number(y) : Number(y));

/**
 * Reads a date the ways people type them in the UK: 2024-03-31, 2024-03 (the month), 31/03/2024,
 * 31-03-2024, 31.03.2024, 31/3/24, 31 Mar 2024, March 2024. Day before month, never the US order.
 * Also takes a JavaScript Date (from a spreadsheet cell). Returns YYYY-MM-DD or null.
 */
export function parseDate(input: unknown): string | null {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) return null;
    return isoDate(input.getUTCFullYear(), input.getUTCMonth() + 1, input.getUTCDate());
  }
  if (typeof input !== 'string') return null;
  const s = input.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})-(\d{1,2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), 1);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/.exec(s);
  if (m) return isoDate(fullYear(m[3] as string), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$/i.exec(s);
  if (m) {
    const month = MONTHS.indexOf((m[2] as string).slice(0, 3).toLowerCase()) + 1;
    return month > 0 && (m[2] as string).length >= 3 ? isoDate(Number(m[3]), month, Number(m[1])) : null;
  }
  m = /^([a-z]+)\.?,?\s+(\d{4})$/i.exec(s);
  if (m) {
    const month = MONTHS.indexOf((m[1] as string).slice(0, 3).toLowerCase()) + 1;
    return month > 0 && (m[1] as string).length >= 3 ? isoDate(Number(m[2]), month, 1) : null;
  }
  return null;
}

/**
 * Reads a number: 12, -3.5, +4, 1,234.5 (thousands commas), " 7 ". Not "12 people", "1e400" or "".
 * Returns undefined when nothing was given, null when it is not a number.
 */
export function parseNumber(input: unknown): number | null | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  if (typeof input !== 'string') return null;
  const s = input.trim();
  if (s === '') return undefined;
  if (!/^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/.test(s) || !/\d/.test(s)) {
    // Also allow plain scientific notation, as spreadsheets sometimes export it.
    if (!/^[+-]?\d+(?:\.\d+)?e[+-]?\d+$/i.test(s)) return null;
  }
  const n = Number(s.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** Checks one row for a chart type. Every problem in the row is reported, not only the first. */
export function checkRow(raw: RawRow, chart: ChartType): { ok: true; row: GoodRow } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const problem = (column: PointColumn, reason: string, params?: RowProblem['params']) => problems.push({ row: raw.row, column, reason, ...(params ? { params } : {}) });

  let date: string | null = null;
  if (isBlank(raw.date)) problem('date', 'dateRequired');
  else {
    date = parseDate(raw.date);
    if (!date) problem('date', 'dateInvalid', { given: String(raw.date).slice(0, 40) });
  }

  const value = parseNumber(raw.value);
  if (value === undefined) problem('value', 'valueRequired');
  else if (value === null) problem('value', 'valueInvalid', { given: String(raw.value).slice(0, 40) });
  else if (needsCount(chart) && value < 0) problem('value', 'valueNegative');

  let denominator: number | null = null;
  if (needsDenominator(chart)) {
    const d = parseNumber(raw.denominator);
    if (d === undefined) problem('denominator', 'denominatorRequired');
    else if (d === null) problem('denominator', 'denominatorInvalid', { given: String(raw.denominator).slice(0, 40) });
    else if (d <= 0) problem('denominator', 'denominatorZero');
    else {
      denominator = d;
      if (chart === 'p' && typeof value === 'number' && value > d) problem('value', 'numeratorAboveDenominator');
    }
  }

  let note: string | null = null;
  if (!isBlank(raw.note)) {
    if (typeof raw.note !== 'string' && typeof raw.note !== 'number') problem('note', 'noteInvalid');
    else {
      note = String(raw.note).trim();
      if (note.length > NOTE_MAX) problem('note', 'noteTooLong', { max: NOTE_MAX });
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, row: { row: raw.row, date: date as string, value: value as number, denominator, note } };
}

export interface CheckedRows {
  good: GoodRow[];
  problems: RowProblem[];
  /** Rows (by number) with at least one problem. */
  badRows: number[];
}

/** Checks every row, and refuses a date that an earlier row already gave. */
export function checkRows(rows: RawRow[], chart: ChartType): CheckedRows {
  const good: GoodRow[] = [];
  const problems: RowProblem[] = [];
  const firstRowFor = new Map<string, number>();
  const bad = new Set<number>();
  for (const raw of rows) {
    const checked = checkRow(raw, chart);
    const date = checked.ok ? checked.row.date : parseDate(raw.date);
    const rowProblems = checked.ok ? [] : [...checked.problems];
    if (date) {
      const first = firstRowFor.get(date);
      if (first !== undefined) rowProblems.unshift({ row: raw.row, column: 'date', reason: 'duplicateDate', params: { first } });
      else firstRowFor.set(date, raw.row);
    }
    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      bad.add(raw.row);
    } else if (checked.ok) good.push(checked.row);
  }
  return { good, problems, badRows: [...bad] };
}
