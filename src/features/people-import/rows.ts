import { ValidationError } from '../../platform/errors/index.ts';
import { personSchema, type PersonInput } from '../people/schemas.ts';
import { rowInput, type ImportField, type Mapping } from './mapping.ts';

/**
 * Judging an uploaded register: which rows the person schema refuses (and why, by column), and
 * which good rows are likely the same person as someone already in the register or an earlier row.
 */

/**
 * An uploaded sheet as kept between the steps: the header row, and the rows as NDJSON (one
 * `[rowNumber, ...cells]` array per line), so a large sheet is one compact string that is read one
 * row at a time rather than a hundred thousand arrays held at once.
 */
export interface Sheet {
  headers: string[];
  rowCount: number;
  body: string;
}

/** Builds a sheet from rows (the header is row 1 unless row numbers are given). */
export function sheetOf(headers: string[], rows: string[][], rowNumbers?: number[]): Sheet {
  return { headers, rowCount: rows.length, body: rows.map((cells, i) => JSON.stringify([rowNumbers?.[i] ?? i + 2, ...cells])).join('\n') };
}

/** Each row's number as the sheet shows it (the header is row 1) and its cells, one at a time. */
export function* sheetRows(sheet: Sheet): Generator<{ row: number; cells: string[] }> {
  const { body } = sheet;
  let at = 0;
  while (at < body.length) {
    const nl = body.indexOf('\n', at);
    const end = nl < 0 ? body.length : nl;
    const [row, ...cells] = JSON.parse(body.slice(at, end)) as [number, ...string[]];
    yield { row, cells };
    at = end + 1;
  }
}

/** The sheet as stored in people_imports.data, and back. */
export const sheetToData = (sheet: Sheet): string => `${JSON.stringify({ headers: sheet.headers, rowCount: sheet.rowCount })}\n${sheet.body}`;
export function sheetFromData(data: string): Sheet {
  const nl = data.indexOf('\n');
  const head = JSON.parse(nl < 0 ? data : data.slice(0, nl)) as { headers: string[]; rowCount: number };
  return { headers: head.headers, rowCount: head.rowCount, body: nl < 0 ? '' : data.slice(nl + 1) };
}

export interface GoodRow {
  row: number;
  person: PersonInput;
}

/** One problem in one row: `column` is the sheet's header, or null when the field came from a default or no column. */
export interface Problem {
  row: number;
  column: string | null;
  field: string;
  /** A catalogue key (errors.people.*), translated when shown. */
  message: string;
}

/** Validates rows one at a time with personSchema, naming each problem's column. */
export class RowChecker {
  private readonly columnOf = new Map<string, number>();

  constructor(
    private readonly headers: readonly string[],
    private readonly mapping: Mapping,
    private readonly unitId: number,
  ) {
    mapping.columns.forEach((field, i) => {
      if (field) this.columnOf.set(field, i);
    });
  }

  check(row: number, cells: readonly string[]): { person: PersonInput; problems?: undefined } | { person?: undefined; problems: Problem[] } {
    const result = personSchema.safeParse(rowInput(cells, this.mapping, this.unitId));
    if (result.success) return { person: result.data };
    return {
      problems: ValidationError.fromZod(result.error).fields.map(({ field, message }) => {
        const top = field.split('.')[0] as string;
        const index = this.columnOf.get(top);
        return { row, column: index === undefined ? null : (this.headers[index] ?? null), field: top, message };
      }),
    };
  }
}

export interface Checked {
  good: GoodRow[];
  problems: Problem[];
  /** How many rows have at least one problem. */
  badRows: number;
}

/** Validates every row; a row with any problem is bad, and every problem is listed. Holds every good row: for small sheets and tests. */
export function checkRows(sheet: Sheet, mapping: Mapping, unitId: number): Checked {
  const checker = new RowChecker(sheet.headers, mapping, unitId);
  const good: GoodRow[] = [];
  const problems: Problem[] = [];
  let badRows = 0;
  for (const { row, cells } of sheetRows(sheet)) {
    const checked = checker.check(row, cells);
    if (checked.person) good.push({ row, person: checked.person });
    else {
      badRows++;
      problems.push(...checked.problems);
    }
  }
  return { good, problems, badRows };
}

// ---- likely duplicates

export type DuplicateReason = 'email' | 'phone' | 'namePostcode';

/** A good row that is likely someone already registered (`personId`) or an earlier good row (`row`). */
export type Duplicate =
  | { row: number; reason: DuplicateReason; personId: number; ofRow?: undefined }
  | { row: number; reason: DuplicateReason; ofRow: number; personId?: undefined };

export interface ExistingPerson {
  id: number;
  email: string | null;
  phone: string | null;
  full_name: string;
  postcode: string | null;
}

/** A phone number's digits; a UK number written with +44 compares equal to the same number starting 0. */
export function phoneKey(phone: string | null | undefined): string | null {
  if (!phone) return null;
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('44') && digits.length === 12) digits = `0${digits.slice(2)}`;
  return digits.length >= 7 ? digits : null;
}

export const emailKey = (email: string | null | undefined): string | null => (email ? email.trim().toLowerCase() : null);

/** Full name and postcode together, ignoring case, repeated spaces and the postcode's space. */
export function namePostcodeKey(name: string | null | undefined, postcode: string | null | undefined): string | null {
  if (!name || !postcode) return null;
  return `${name.trim().toLowerCase().replace(/\s+/g, ' ')}|${postcode.toUpperCase().replace(/\s+/g, '')}`;
}

function keysOf(p: { email?: string | null; phone?: string | null; fullName?: string; full_name?: string; postcode?: string | null }): [string | null, string | null, string | null] {
  return [emailKey(p.email), phoneKey(p.phone), namePostcodeKey(p.fullName ?? p.full_name, p.postcode)];
}
const REASONS: DuplicateReason[] = ['email', 'phone', 'namePostcode'];

/**
 * Finds likely duplicates one good row at a time, in sheet order: the same email, the same phone
 * (digits only) or the same full name and postcode as someone in the register, or else as an
 * earlier good row in the file. Holds one map of keys per reason, not the rows.
 */
export class DuplicateFinder {
  private readonly registered: Map<string, number>[] = [new Map(), new Map(), new Map()];
  private readonly earlier: Map<string, number>[] = [new Map(), new Map(), new Map()];

  constructor(existing: Iterable<ExistingPerson>) {
    for (const person of existing) {
      keysOf(person).forEach((key, k) => {
        const map = this.registered[k] as Map<string, number>;
        if (key !== null && !map.has(key)) map.set(key, person.id);
      });
    }
  }

  check(row: number, person: PersonInput): Duplicate | undefined {
    const keys = keysOf(person);
    let duplicate: Duplicate | undefined;
    for (let k = 0; k < 3 && !duplicate; k++) {
      const personId = keys[k] == null ? undefined : this.registered[k]?.get(keys[k] as string);
      if (personId !== undefined) duplicate = { row, reason: REASONS[k] as DuplicateReason, personId };
    }
    for (let k = 0; k < 3 && !duplicate; k++) {
      const ofRow = keys[k] == null ? undefined : this.earlier[k]?.get(keys[k] as string);
      if (ofRow !== undefined) duplicate = { row, reason: REASONS[k] as DuplicateReason, ofRow };
    }
    keys.forEach((key, k) => {
      const map = this.earlier[k] as Map<string, number>;
      if (key !== null && !map.has(key)) map.set(key, row);
    });
    return duplicate;
  }
}

/** Every likely duplicate among the good rows (see DuplicateFinder). */
export function findDuplicates(good: readonly GoodRow[], existing: Iterable<ExistingPerson>): Map<number, Duplicate> {
  const finder = new DuplicateFinder(existing);
  const found = new Map<number, Duplicate>();
  for (const { row, person } of good) {
    const duplicate = finder.check(row, person);
    if (duplicate) found.set(row, duplicate);
  }
  return found;
}

// ---- what happens to each good row

export type Decision = 'skip' | 'merge';

/** Where each good row goes: a new person, merged into a registered person or into an earlier row's new person, or skipped. */
export type Destination = { kind: 'new' } | { kind: 'skip' } | { kind: 'mergeExisting'; personId: number } | { kind: 'mergeRow'; intoRow: number };

const NEW: Destination = { kind: 'new' };
const SKIP: Destination = { kind: 'skip' };

/**
 * Where one good row goes, given the destinations of the rows before it. A duplicate is skipped
 * unless the lead chose to merge it. A row merged into an earlier row follows that row: into its
 * new person, or into the registered person it was merged into; if the earlier row was skipped,
 * this row is imported as a new person.
 */
export function destinationOf(dup: Duplicate | undefined, decision: Decision | undefined, earlier: Map<number, Destination>): Destination {
  if (!dup) return NEW;
  if ((decision ?? 'skip') === 'skip') return SKIP;
  if (dup.personId !== undefined) return { kind: 'mergeExisting', personId: dup.personId };
  const target = earlier.get(dup.ofRow) ?? NEW;
  if (target.kind === 'new') return { kind: 'mergeRow', intoRow: dup.ofRow };
  if (target.kind === 'skip') return NEW;
  return target;
}

/** Resolves the lead's choices for every good row (see destinationOf). */
export function plan(good: readonly { row: number }[], duplicates: Map<number, Duplicate>, decisions: Map<number, Decision>): Map<number, Destination> {
  const out = new Map<number, Destination>();
  for (const { row } of good) out.set(row, destinationOf(duplicates.get(row), decisions.get(row), out));
  return out;
}

export type { ImportField };
