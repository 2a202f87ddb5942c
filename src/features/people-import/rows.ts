import { personSchema, type PersonInput } from '../people/schemas.ts';
import { rowInput, type ImportField, type Mapping } from './mapping.ts';

/**
 * Judging an uploaded register: which rows the person schema refuses (and why, by column), and
 * which good rows are likely the same person as someone already in the register or an earlier row.
 */

/**
 * An uploaded sheet as kept between the steps: the header row, and the rows as NDJSON (one
 * `[rowNumber, ...cells]` array per line), so a large sheet is a few large strings (chunks of
 * lines) that are read one row at a time rather than a hundred thousand arrays held at once.
 */
export interface Sheet {
  headers: string[];
  rowCount: number;
  chunks: string[];
}

/** Builds a sheet from rows (the header is row 1 unless row numbers are given). */
export function sheetOf(headers: string[], rows: string[][], rowNumbers?: number[]): Sheet {
  return { headers, rowCount: rows.length, chunks: [rows.map((cells, i) => JSON.stringify([rowNumbers?.[i] ?? i + 2, ...cells])).join('\n')] };
}

/** One NDJSON line as a row. */
export function lineRow(line: string): { row: number; cells: string[] } {
  const cells = JSON.parse(line) as [number, ...string[]];
  const row = cells.shift() as number;
  return { row, cells: cells as string[] };
}

/** Each row's number as the sheet shows it (the header is row 1) and its cells, one at a time. */
export function* sheetRows(sheet: Sheet): Generator<{ row: number; cells: string[] }> {
  for (const body of sheet.chunks) {
    let at = 0;
    while (at < body.length) {
      const nl = body.indexOf('\n', at);
      const end = nl < 0 ? body.length : nl;
      if (end > at) yield lineRow(body.slice(at, end));
      at = end + 1;
    }
  }
}

/** The head line of people_imports.data: the headers (and the row count). */
export interface SheetHead {
  headers: string[];
  rowCount: number;
}

/** The sheet as stored in people_imports.data: a head line (SheetHead), then the rows (read back with storedRows). */
export const sheetToData = (sheet: Sheet): string => [JSON.stringify({ headers: sheet.headers, rowCount: sheet.rowCount }), ...sheet.chunks].join('\n');

/**
 * Reads stored data a piece at a time (`read(from, length)`, 0-based character offsets, returns
 * "" past the end): the head, then each row. Only one piece is held, never the whole upload.
 */
export async function* storedRows(read: (from: number, length: number) => Promise<string>, pieceLength: number): AsyncGenerator<{ row: number; cells: string[] }, void, undefined> {
  let from = 0;
  let carry = '';
  let headRead = false;
  for (;;) {
    const piece = await read(from, pieceLength);
    // The databases count characters; JavaScript counts UTF-16 units, two for a character beyond U+FFFF.
    const chars = piece.length - (piece.match(/[\uD800-\uDBFF]/g)?.length ?? 0);
    from += chars;
    const text = carry + piece;
    const last = chars < pieceLength ? text.length : text.lastIndexOf('\n');
    let at = 0;
    while (at < last) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 || nl > last ? last : nl;
      if (!headRead) headRead = true;
      else if (end > at) yield lineRow(text.slice(at, end));
      at = end + 1;
    }
    carry = last < 0 ? text : text.slice(Math.min(at, text.length));
    if (chars < pieceLength) return;
  }
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
    // The first issue of each field, as ValidationError.fromZod lists them (without building an Error per row).
    const problems: Problem[] = [];
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const field = issue.path.join('.') || 'body';
      if (seen.has(field)) continue;
      seen.add(field);
      const top = field.split('.')[0] as string;
      const index = this.columnOf.get(top);
      problems.push({ row, column: index === undefined ? null : (this.headers[index] ?? null), field: top, message: issue.message });
    }
    return { problems };
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
 * A map from short strings to non-negative integers held in typed arrays and one byte arena, outside
 * V8's heap: a hundred thousand keys cost a few megabytes and, unlike a Map of strings, do not make
 * V8 let its heap grow to several times that before it collects. Exact: a hash hit compares the bytes.
 */
export class KeyIndex {
  private slots = new Int32Array(1 << 12);
  private hashes = new Uint32Array(1 << 11);
  private starts = new Uint32Array(1 << 11);
  private ends = new Uint32Array(1 << 11);
  private values = new Int32Array(1 << 11);
  private arena = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The key's hash, over its UTF-16 units. */
  private static hash(key: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return hash >>> 0;
  }

  /** True when the kept key `entry` is `key` (an ASCII key is compared without encoding it). */
  private same(entry: number, key: string): boolean {
    const s = this.starts[entry] as number;
    const e = this.ends[entry] as number;
    const arena = this.arena;
    let i = 0;
    for (; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) break;
      if (s + i >= e || arena[s + i] !== c) return false;
    }
    if (i === key.length) return s + i === e;
    const bytes = Buffer.from(key, 'utf8');
    return bytes.length === e - s && bytes.compare(arena, s, e) === 0;
  }

  /** The slot holding the key (entry >= 0), or the empty slot where it would go (entry -1). */
  private find(key: string, hash: number): { slot: number; entry: number } {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = (this.slots[slot] as number) - 1;
      if (entry < 0 || (this.hashes[entry] === hash && this.same(entry, key))) return { slot, entry };
    }
  }

  get(key: string): number | undefined {
    const { entry } = this.find(key, KeyIndex.hash(key));
    return entry < 0 ? undefined : this.values[entry];
  }

  /** Keeps `value` for `key` unless the key is already there. */
  setIfAbsent(key: string, value: number): void {
    const hash = KeyIndex.hash(key);
    const { slot, entry } = this.find(key, hash);
    if (entry >= 0) return;
    const most = key.length * 3;
    if (this.used + most > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + most));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    if (this.count === this.hashes.length) this.growEntries();
    const at = this.count++;
    this.hashes[at] = hash;
    this.starts[at] = this.used;
    this.used += this.arena.write(key, this.used, 'utf8');
    this.ends[at] = this.used;
    this.values[at] = value;
    this.slots[slot] = at + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const grow = <T extends Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
    this.values = grow(this.values);
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = (this.hashes[entry] as number) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}

/**
 * Finds likely duplicates one good row at a time, in sheet order: the same email, the same phone
 * (digits only) or the same full name and postcode as someone in the register, or else as an
 * earlier good row in the file. Holds one key index per reason (see KeyIndex), not the rows.
 */
export class DuplicateFinder {
  private readonly registered: KeyIndex[] = [new KeyIndex(), new KeyIndex(), new KeyIndex()];
  private readonly earlier: KeyIndex[] = [new KeyIndex(), new KeyIndex(), new KeyIndex()];

  constructor(existing: Iterable<ExistingPerson>) {
    for (const person of existing) this.addRegistered(person);
  }

  /** Adds a registered person (the register can be read in pages). */
  addRegistered(person: ExistingPerson): void {
    keysOf(person).forEach((key, k) => {
      if (key !== null) this.registered[k]?.setIfAbsent(key, person.id);
    });
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
      if (key !== null) this.earlier[k]?.setIfAbsent(key, row);
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
