import type { Insertable } from 'kysely';
import { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { AttributeKind, OrgUnit, Person, PersonAttributeTable, PersonTable } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requirePermission, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import type { PersonInput } from '../people/schemas.ts';
import { DEFAULT_CHOICES, DEFAULTABLE, guessMapping, IMPORT_FIELDS, INITIAL_DEFAULTS, type DefaultableField, type ImportField, type Mapping } from './mapping.ts';
import * as q from './queries.ts';
import { readRegister, RegisterReadError, MAX_FILE_BYTES } from './read.ts';
import { destinationOf, DuplicateFinder, RowChecker, sheetToData, storedRows, type Decision, type Destination, type Duplicate, type Problem, type Sheet, type SheetHead } from './rows.ts';
import { unitById } from '../org/service.ts';

/**
 * Importing an existing register: upload (the lead picks the unit whose register receives the
 * people), map columns to fields, a dry-run preview (every bad row explained; likely duplicates to
 * skip or merge), then the import — all or nothing, or only the good rows — in one transaction.
 * An upload belongs to the user who made it and is kept for a day between the steps.
 */

export const KEEP_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** How many problems and duplicates the pages list one by one; the counts always cover all of them. */
export const SHOWN_PROBLEMS = 500;
export const SHOWN_DUPLICATES = 200;

export interface ImportRecord {
  id: number;
  userId: number;
  unit: { id: number; name: string; path: string };
  fileName: string;
  rowCount: number;
  mapping: Mapping | null;
  importedAt: string | null;
}

export interface ShownProblem {
  row: number;
  column: string;
  reason: string;
}

export interface ShownDuplicate {
  row: number;
  name: string;
  reason: string;
  /** Who it matches: a registered person's name, or "row N". */
  matches: string;
  decision: Decision;
}

export interface Preview {
  total: number;
  good: number;
  badRows: number;
  problems: ShownProblem[];
  problemCount: number;
  duplicates: ShownDuplicate[];
  duplicateCount: number;
}

export interface ImportResult {
  imported: number;
  merged: number;
  skipped: number;
  badRows: number;
  /** Bad rows left out ("good" mode). */
  problems: ShownProblem[];
  problemCount: number;
}

// ---- step 1: upload

/** Units whose register the user keeps (people:manage), for the upload form's choice. */
export async function managedUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return q.unitsByPaths(ctx.db, scopePaths(principal, 'people:manage'));
}

function readFailure(err: unknown): never {
  if (err instanceof RegisterReadError) throw ValidationError.one('file', t(`errors.peopleImport.${err.key}`, err.params));
  throw err;
}

/** Reads the file and keeps its rows for the next steps. A unit the user does not manage is refused (400). */
export async function startImport(
  ctx: ServiceContext,
  input: { unitId: unknown; fileName: string; buffer: Buffer },
  options: { maxBytes?: number } = {},
): Promise<number> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const unitId = Number(input.unitId);
  const unit = isRecordId(unitId) ? await unitById(ctx.db, unitId) : undefined;
  if (!unit || unit.archived_at !== null || !can(principal, 'people:manage', unit)) throw ValidationError.one('unitId', 'errors.peopleImport.unitRequired');
  let sheet: Sheet;
  try {
    sheet = await readRegister(input.buffer, options.maxBytes ?? MAX_FILE_BYTES);
  } catch (err) {
    readFailure(err);
  }
  const now = new Date();
  await q.deleteExpired(ctx.db, principal.userId, now.toISOString());
  return q.insertImport(ctx.db, {
    user_id: principal.userId,
    unit_id: unit.id,
    file_name: input.fileName.slice(0, 200) || 'upload',
    row_count: sheet.rowCount,
    data: sheetToData(sheet),
    mapping: null,
    result: null,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + KEEP_UPLOAD_MS).toISOString(),
    imported_at: null,
  });
}

/** The user's own upload, still there and in a unit they manage; anything else is a 404. Its rows are read later, a piece at a time. */
async function loadImport(ctx: ServiceContext, id: number): Promise<{ record: ImportRecord; result: string | null; principal: Principal }> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const row = isRecordId(id) ? await q.importById(ctx.db, id) : undefined;
  if (!row || row.user_id !== principal.userId || !can(principal, 'people:manage', { path: row.unit_path })) throw new NotFoundError();
  if (row.imported_at === null && row.expires_at < nowIso()) throw new NotFoundError();
  return {
    principal,
    result: row.result,
    record: {
      id: row.id,
      userId: row.user_id,
      unit: { id: row.unit_id, name: row.unit_name, path: row.unit_path },
      fileName: row.file_name,
      rowCount: row.row_count,
      mapping: row.mapping ? (JSON.parse(row.mapping) as Mapping) : null,
      importedAt: row.imported_at,
    },
  };
}

/**
 * Characters of stored data read at once: a few megabytes held, whatever the upload's size. Each
 * read costs the database about the same as reading the data up to its end (SQLite loads the whole
 * value; PostgreSQL decompresses up to it), so the pieces are not small.
 */
const PIECE_CHARS = 4_000_000;
const HEAD_CHARS = 65_536;

/** The stored upload's head line: its headers. */
async function headOf(db: ServiceContext['db'], id: number): Promise<SheetHead> {
  let head = '';
  for (let from = 0; ; from += HEAD_CHARS) {
    const piece = await q.dataPiece(db, id, from, HEAD_CHARS);
    const nl = piece.indexOf('\n');
    head += nl < 0 ? piece : piece.slice(0, nl);
    if (nl >= 0 || piece.length < HEAD_CHARS) return JSON.parse(head) as SheetHead;
  }
}

/** The stored upload's rows, one at a time, read with `db` (the transaction, when in one). */
const rowsOf = (db: ServiceContext['db'], id: number, pieceChars = PIECE_CHARS) => storedRows((from, length) => q.dataPiece(db, id, from, length), pieceChars);

async function pendingImport(ctx: ServiceContext, id: number) {
  const loaded = await loadImport(ctx, id);
  if (loaded.record.importedAt !== null) throw new NotFoundError();
  return { ...loaded, head: await headOf(ctx.db, id) };
}

export async function getImport(ctx: ServiceContext, id: number): Promise<ImportRecord> {
  return (await loadImport(ctx, id)).record;
}

// ---- step 2: map columns

export interface MappingPage {
  record: ImportRecord;
  headers: string[];
  /** A first value from each column, so the lead can see what it holds. */
  samples: string[];
  mapping: Mapping;
}

export async function mappingPage(ctx: ServiceContext, id: number): Promise<MappingPage> {
  const { record, head: sheet } = await pendingImport(ctx, id);
  const first: string[][] = [];
  for await (const { cells } of rowsOf(ctx.db, id, HEAD_CHARS)) {
    first.push(cells);
    if (first.length === 20) break;
  }
  const samples = sheet.headers.map((_, i) => {
    const found = first.find((r) => (r[i] ?? '') !== '');
    const value = found?.[i] ?? '';
    return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  });
  return { record, headers: sheet.headers, samples, mapping: record.mapping ?? { columns: guessMapping(sheet.headers), defaults: { ...INITIAL_DEFAULTS } } };
}

/** The mapping form's fields: column-<i> = a field or "" (leave out); default-<field> = a code. */
export function mappingFromForm(form: Record<string, unknown>, columnCount: number): Mapping {
  const columns = Array.from({ length: columnCount }, (_, i) => {
    const v = form[`column-${i}`];
    return typeof v === 'string' && (IMPORT_FIELDS as readonly string[]).includes(v) ? (v as ImportField) : null;
  });
  const defaults = {} as Mapping['defaults'];
  for (const field of DEFAULTABLE) defaults[field] = typeof form[`default-${field}`] === 'string' ? (form[`default-${field}`] as string) : '';
  return { columns, defaults };
}

/** Problems with a mapping: no name column, a field chosen for two columns, a default missing. */
export function mappingErrors(mapping: Mapping): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<ImportField>();
  mapping.columns.forEach((field, i) => {
    if (!field) return;
    if (seen.has(field)) errors.push({ field: `column-${i}`, message: t('errors.peopleImport.chosenTwice', { field: t(`peopleImport.fields.${field}`) }) });
    seen.add(field);
  });
  if (!seen.has('fullName')) errors.unshift({ field: 'column-0', message: t('errors.peopleImport.nameColumnRequired') });
  for (const field of DEFAULTABLE) {
    if (!DEFAULT_CHOICES[field].includes(mapping.defaults[field])) errors.push({ field: `default-${field}`, message: t('errors.peopleImport.defaultRequired', { field: t(`peopleImport.fields.${field}`) }) });
  }
  return errors;
}

export async function saveMapping(ctx: ServiceContext, id: number, form: Record<string, unknown>): Promise<void> {
  const { record, head } = await pendingImport(ctx, id);
  const mapping = mappingFromForm(form, head.headers.length);
  const errors = mappingErrors(mapping);
  if (errors.length) throw new ValidationError(errors);
  await q.saveMapping(ctx.db, record.id, JSON.stringify(mapping));
}

// ---- step 3: the dry run

/** The lead's choice for a duplicate row: dup-<row> = skip|merge; dup-all for those not listed; skip otherwise. */
export function decisionsFromForm(form: Record<string, unknown>): (row: number) => Decision {
  const fallback: Decision = form['dup-all'] === 'merge' ? 'merge' : 'skip';
  return (row) => {
    const v = form[`dup-${row}`];
    return v === 'merge' || v === 'skip' ? v : fallback;
  };
}

interface Judged {
  good: number;
  badRows: number;
  problems: Problem[];
  problemCount: number;
  duplicates: { duplicate: Duplicate; name: string }[];
  duplicateCount: number;
}

/**
 * The dry run, one row at a time: validates every row and looks for duplicates, keeping counts,
 * the first problems and duplicates to show, and nothing else (a large sheet is never held as
 * objects).
 */
async function judge(ctx: ServiceContext, record: ImportRecord, head: SheetHead): Promise<Judged> {
  if (!record.mapping) throw ValidationError.one('column-0', t('errors.peopleImport.mapFirst'));
  const checker = new RowChecker(head.headers, record.mapping, record.unit.id);
  const finder = new DuplicateFinder(await q.registerKeys(ctx.db, record.unit.path));
  const judged: Judged = { good: 0, badRows: 0, problems: [], problemCount: 0, duplicates: [], duplicateCount: 0 };
  for await (const { row, cells } of rowsOf(ctx.db, record.id)) {
    const checked = checker.check(row, cells);
    if (checked.problems) {
      judged.badRows++;
      judged.problemCount += checked.problems.length;
      for (const p of checked.problems) if (judged.problems.length < SHOWN_PROBLEMS) judged.problems.push(p);
      continue;
    }
    judged.good++;
    const duplicate = finder.check(row, checked.person);
    if (!duplicate) continue;
    judged.duplicateCount++;
    if (judged.duplicates.length < SHOWN_DUPLICATES) judged.duplicates.push({ duplicate, name: checked.person.fullName });
  }
  return judged;
}

function shownProblems(problems: Problem[]): ShownProblem[] {
  return problems.map((p) => ({
    row: p.row,
    column: p.column ?? t('peopleImport.preview.noColumn', { field: t(`peopleImport.fields.${p.field}`) }),
    reason: t(p.message),
  }));
}

async function previewOf(ctx: ServiceContext, judged: Judged, decision: (row: number) => Decision = () => 'skip'): Promise<Preview> {
  const ids = [...new Set(judged.duplicates.flatMap(({ duplicate: d }) => (d.personId === undefined ? [] : [d.personId])))];
  const people = new Map((await q.peopleByIds(ctx.db, ids)).map((p) => [p.id, p]));
  return {
    total: judged.good + judged.badRows,
    good: judged.good,
    badRows: judged.badRows,
    problems: shownProblems(judged.problems),
    problemCount: judged.problemCount,
    duplicates: judged.duplicates.map(({ duplicate: d, name }) => ({
      row: d.row,
      name,
      reason: t(`peopleImport.duplicates.reasons.${d.reason}`),
      matches: d.personId !== undefined ? t('peopleImport.duplicates.registered', { name: people.get(d.personId)?.full_name ?? '' }) : t('peopleImport.duplicates.earlierRow', { row: d.ofRow }),
      decision: decision(d.row),
    })),
    duplicateCount: judged.duplicateCount,
  };
}

export async function previewImport(ctx: ServiceContext, id: number): Promise<{ record: ImportRecord; preview: Preview }> {
  const { record, head } = await pendingImport(ctx, id);
  return { record, preview: await previewOf(ctx, await judge(ctx, record, head)) };
}

// ---- step 4: the import

const modeSchema = z.enum(['all', 'good']);

const ATTRIBUTES: [keyof PersonInput, AttributeKind][] = [['accessNeeds', 'access_need'], ['interests', 'interest'], ['skills', 'skill'], ['availability', 'availability']];
const TEXT_COLUMNS: [keyof PersonInput, keyof PersonTable][] = [
  ['preferredName', 'preferred_name'], ['email', 'email'], ['phone', 'phone'], ['address', 'address'], ['postcode', 'postcode'],
  ['formatLanguage', 'format_language'], ['accessNeedsOther', 'access_needs_other'], ['servicesKnown', 'services_known'],
  ['availabilityNotes', 'availability_notes'], ['heardVia', 'heard_via'], ['notes', 'notes'],
];
/** The field behind each column an imported person fills. */
const FIELD_OF_COLUMN: Record<(typeof q.PERSON_VALUE_COLUMNS)[number], keyof PersonInput> = {
  full_name: 'fullName', preferred_name: 'preferredName', email: 'email', phone: 'phone', address: 'address', postcode: 'postcode',
  preferred_channel: 'preferredChannel', format: 'format', format_language: 'formatLanguage', access_needs_other: 'accessNeedsOther',
  relationship: 'relationship', services_known: 'servicesKnown', availability_notes: 'availabilityNotes', anonymity: 'anonymity',
  payment_preference: 'paymentPreference', heard_via: 'heardVia', status: 'status', notes: 'notes',
};
const VALUE_FIELDS = q.PERSON_VALUE_COLUMNS.map((column) => FIELD_OF_COLUMN[column]);

/** A new person's column values and attributes, for q.insertPeople. */
function importedPerson(p: PersonInput): q.ImportedPerson {
  const values = VALUE_FIELDS.map((field) => (p[field] as string | null | undefined) ?? null);
  const attributes: [AttributeKind, string][] = [];
  for (const [field, kind] of ATTRIBUTES) for (const value of (p[field] as string[] | undefined) ?? []) attributes.push([kind, value]);
  return { values, attributes };
}

function attributeRows(personId: number, p: PersonInput): Insertable<PersonAttributeTable>[] {
  const rows: Insertable<PersonAttributeTable>[] = [];
  for (const [field, kind] of ATTRIBUTES) for (const value of (p[field] as string[] | undefined) ?? []) rows.push({ person_id: personId, kind, value });
  return rows;
}

/** What a row adds to a registered person: their empty fields filled, never a value replaced. */
function fillEmpty(person: Person, p: PersonInput): Partial<Insertable<PersonTable>> {
  const values: Record<string, unknown> = {};
  for (const [field, column] of TEXT_COLUMNS) {
    const given = p[field];
    if ((person[column] === null || person[column] === '') && given !== undefined && given !== null && given !== '') {
      values[column] = given;
      (person as unknown as Record<string, unknown>)[column] = given;
    }
  }
  return values as Partial<Insertable<PersonTable>>;
}

/** The person each imported row became, by row number, in a typed array (not a Map of a hundred thousand entries). */
class RowIds {
  private ids = new Int32Array(1024);

  set(row: number, id: number): void {
    if (row >= this.ids.length) {
      const bigger = new Int32Array(Math.max(this.ids.length * 2, row + 1));
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[row] = id;
  }

  get(row: number): number {
    const id = this.ids[row];
    if (!id) throw new Error(`row ${row} was not imported`);
    return id;
  }
}

/** Nothing was imported: the transaction is rolled back and the preview shown again with why. */
class Refused extends Error {
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}

export async function commitImport(
  ctx: ServiceContext,
  id: number,
  form: Record<string, unknown>,
): Promise<{ result: ImportResult } | { refused: Preview; record: ImportRecord; message: string; field: string }> {
  const loaded = await loadImport(ctx, id);
  if (loaded.record.importedAt !== null && loaded.result) return { result: JSON.parse(loaded.result) as ImportResult };
  if (loaded.record.importedAt !== null) throw new NotFoundError();
  const { record, principal } = loaded;
  if (!record.mapping) throw ValidationError.one('column-0', t('errors.peopleImport.mapFirst'));
  const head = await headOf(ctx.db, record.id);
  const decision = decisionsFromForm(form);
  // Runs after any transaction has ended: on SQLite the one connection is free again.
  const refuse = async (messageKey: string) => {
    const judged = await judge(ctx, record, head);
    return { refused: await previewOf(ctx, judged, decision), record, field: 'mode', message: t(messageKey, { count: judged.badRows }) };
  };
  const mode = modeSchema.safeParse(form.mode);
  if (!mode.success) return refuse('errors.peopleImport.modeRequired');
  try {
    return { result: await saveRows(ctx, principal, record, head, mode.data, decision) };
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    return refuse(err.messageKey);
  }
}

/**
 * The import, in one transaction and one pass over the rows: each row is validated and checked for
 * duplicates as in the preview; new people are inserted in batches with their attributes and first
 * status; merges are applied at the end. "all": the first bad row rolls everything back.
 */
async function saveRows(ctx: ServiceContext, principal: Principal, record: ImportRecord, head: SheetHead, mode: 'all' | 'good', decision: (row: number) => Decision): Promise<ImportResult> {
  const mapping = record.mapping as Mapping;
  const now = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    const checker = new RowChecker(head.headers, mapping, record.unit.id);
    const finder = new DuplicateFinder(await q.registerKeys(trx, record.unit.path));
    const destinations = new Map<number, Destination>();
    const personIdOfRow = new RowIds();
    const intoExisting = new Map<number, PersonInput[]>();
    const intoRow: { row: number; person: PersonInput }[] = [];
    const problems: Problem[] = [];
    let batch: { row: number; person: q.ImportedPerson }[] = [];
    let imported = 0;
    let merged = 0;
    let skipped = 0;
    let badRows = 0;
    let problemCount = 0;

    const flush = async () => {
      if (batch.length === 0) return;
      const ids = await q.insertPeople(trx, ctx.dialect, { unitId: record.unit.id, userId: principal.userId, now }, batch.map(({ person }) => person));
      batch.forEach(({ row }, i) => personIdOfRow.set(row, ids[i] as number));
      imported += batch.length;
      batch = [];
    };

    for await (const { row, cells } of rowsOf(trx, record.id)) {
      const checked = checker.check(row, cells);
      if (checked.problems) {
        if (mode === 'all') throw new Refused('errors.peopleImport.hasBadRows');
        badRows++;
        problemCount += checked.problems.length;
        for (const p of checked.problems) if (problems.length < SHOWN_PROBLEMS) problems.push(p);
        continue;
      }
      const { person } = checked;
      const duplicate = finder.check(row, person);
      // Only the rows not imported as new people are remembered (destinationOf takes a missing row as new).
      const destination = destinationOf(duplicate, duplicate ? decision(row) : undefined, destinations);
      if (destination.kind !== 'new') destinations.set(row, destination);
      if (destination.kind === 'new') {
        batch.push({ row, person: importedPerson(person) });
        if (batch.length >= q.PEOPLE_BATCH) await flush();
      } else if (destination.kind === 'skip') skipped++;
      else if (destination.kind === 'mergeRow') {
        intoRow.push({ row: destination.intoRow, person });
        merged++;
      } else {
        intoExisting.set(destination.personId, [...(intoExisting.get(destination.personId) ?? []), person]);
        merged++;
      }
    }
    await flush();
    if (imported + merged + skipped === 0) throw new Refused('errors.peopleImport.noGoodRows');

    // Merges into rows imported above become merges into the people they created.
    for (const { row, person } of intoRow) {
      const personId = personIdOfRow.get(row);
      intoExisting.set(personId, [...(intoExisting.get(personId) ?? []), person]);
    }
    const mergedAttributes: Insertable<PersonAttributeTable>[] = [];
    for (const existing of await q.peopleByIds(trx, [...intoExisting.keys()])) {
      const values: Partial<Insertable<PersonTable>> = {};
      for (const p of intoExisting.get(existing.id) ?? []) {
        Object.assign(values, fillEmpty(existing, p));
        mergedAttributes.push(...attributeRows(existing.id, p));
      }
      if (Object.keys(values).length) await q.updatePerson(trx, existing.id, { ...values, updated_at: now });
    }
    await q.insertAttributes(trx, ctx.dialect, mergedAttributes);

    const result: ImportResult = { imported, merged, skipped, badRows, problems: shownProblems(problems), problemCount };
    if ((await q.finishImport(trx, record.id, JSON.stringify(result), now)) !== 1) throw new NotFoundError();
    await audit(trx, auditContext(ctx), {
      action: 'people.imported',
      entityType: 'org_unit',
      entityId: record.unit.id,
      details: { importId: record.id, rows: record.rowCount, imported, merged, skipped, badRows },
    });
    return result;
  });
}

/** The outcome page of a finished import. */
export async function importResult(ctx: ServiceContext, id: number): Promise<{ record: ImportRecord; result: ImportResult }> {
  const { record, result } = await loadImport(ctx, id);
  if (record.importedAt === null || !result) throw new NotFoundError();
  return { record, result: JSON.parse(result) as ImportResult };
}

export type { DefaultableField };
