import { CompiledQuery, sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/index.ts';
import type { AttributeKind, Database, OrgUnit, Person, PersonAttributeTable, PersonTable } from '../../platform/db/types.ts';
import type { ExistingPerson } from './rows.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** New people the import holds before inserting them (and, on PostgreSQL, people per INSERT statement). */
export const PEOPLE_BATCH = 1000;
/** Ids per `in (…)` list and attribute rows per PostgreSQL statement. */
export const SMALL_ROW_BATCH = 5000;

export async function unitsByPaths(db: Q, paths: string[]): Promise<OrgUnit[]> {
  if (paths.length === 0) return [];
  return db
    .selectFrom('org_units')
    .selectAll()
    .where('archived_at', 'is', null)
    .where((eb) => eb.or(paths.map((p) => eb('path', 'like', `${p}%`))))
    .orderBy('path')
    .execute();
}

export async function insertImport(db: Q, values: Insertable<Database['people_imports']>): Promise<number> {
  const { id } = await db.insertInto('people_imports').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** An upload without its data (which is read a piece at a time: dataPiece). */
export async function importById(db: Q, id: number) {
  return db
    .selectFrom('people_imports')
    .innerJoin('org_units', 'org_units.id', 'people_imports.unit_id')
    .select([
      'people_imports.id', 'people_imports.user_id', 'people_imports.unit_id', 'people_imports.file_name', 'people_imports.row_count',
      'people_imports.mapping', 'people_imports.result', 'people_imports.created_at', 'people_imports.expires_at', 'people_imports.imported_at',
    ])
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('people_imports.id', '=', id)
    .executeTakeFirst();
}

/** `length` characters of an upload's data from character `from` (0-based); "" past its end. */
export async function dataPiece(db: Q, id: number, from: number, length: number): Promise<string> {
  const row = await db
    .selectFrom('people_imports')
    .select(sql<string>`substr(data, ${from + 1}, ${length})`.as('piece'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.piece ?? '';
}

export async function saveMapping(db: Q, id: number, mapping: string): Promise<void> {
  await db.updateTable('people_imports').set({ mapping }).where('id', '=', id).execute();
}

/** Marks an import done: keeps the counts and problems, drops the uploaded personal data. */
export async function finishImport(db: Q, id: number, result: string, at: string): Promise<number> {
  const r = await db.updateTable('people_imports').set({ result, data: '', imported_at: at }).where('id', '=', id).where('imported_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteExpired(db: Q, userId: number, now: string): Promise<void> {
  await db.deleteFrom('people_imports').where('user_id', '=', userId).where('expires_at', '<', now).execute();
}

/** Everyone in the register of the unit and the units below it: what duplicates are looked for in. */
export async function registerKeys(db: Q, unitPath: string): Promise<ExistingPerson[]> {
  return db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.id', 'people.email', 'people.phone', 'people.full_name', 'people.postcode'])
    .where('org_units.path', 'like', `${unitPath}%`)
    .where('people.erased_at', 'is', null)
    .orderBy('people.id')
    .execute();
}

export async function peopleByIds(db: Q, ids: number[]): Promise<Person[]> {
  const out: Person[] = [];
  for (let i = 0; i < ids.length; i += SMALL_ROW_BATCH) {
    out.push(...(await db.selectFrom('people').selectAll().where('id', 'in', ids.slice(i, i + SMALL_ROW_BATCH)).execute()));
  }
  return out;
}

/** The person columns an imported row fills, in the order of an ImportedPerson's `values`. */
export const PERSON_VALUE_COLUMNS = [
  'full_name', 'preferred_name', 'email', 'phone', 'address', 'postcode', 'preferred_channel', 'format', 'format_language',
  'access_needs_other', 'relationship', 'services_known', 'availability_notes', 'anonymity', 'payment_preference', 'heard_via',
  'status', 'notes',
] as const satisfies readonly (keyof PersonTable)[];
const STATUS_AT = PERSON_VALUE_COLUMNS.indexOf('status');

/** One new person: their column values (PERSON_VALUE_COLUMNS) and attributes ([kind, value], no repeats). */
export interface ImportedPerson {
  values: (string | null)[];
  attributes: [AttributeKind, string][];
}

/** What every person of one import shares. */
export interface ImportedBy {
  unitId: number;
  userId: number;
  now: string;
}

/**
 * SQLite: rows per multi-row INSERT. Preparing a statement costs about the same per bound value
 * whatever its size, and executing one of about 2,000 values was the quickest (measured: 100 rows
 * of 25 values took 0.95 s per 100,000 rows; 1,000 rows 1.4 s). Each statement's SQL is built
 * once per size and kept.
 */
const SQLITE_VALUES_PER_STATEMENT = 2200;
const sqliteStatements = new Map<string, string>();

function sqliteInsertSql(head: string, row: string, rows: number, tail: string): string {
  const key = `${head}|${rows}|${tail}`;
  let text = sqliteStatements.get(key);
  if (text === undefined) {
    text = `${head} values ${Array.from({ length: rows }, () => row).join(', ')}${tail}`;
    sqliteStatements.set(key, text);
  }
  return text;
}

/** Runs `head values (row), (row), …tail` over flat parameters, `perRow` at a time; returns every statement's rows. */
async function sqliteInsertAll<R>(trx: Q, head: string, row: string, perRow: number, params: unknown[], tail = ''): Promise<R[]> {
  const rowsPerStatement = Math.max(1, Math.floor(SQLITE_VALUES_PER_STATEMENT / perRow));
  const out: R[] = [];
  for (let i = 0; i < params.length; i += rowsPerStatement * perRow) {
    const slice = params.slice(i, i + rowsPerStatement * perRow);
    const { rows } = await trx.executeQuery<R>(CompiledQuery.raw(sqliteInsertSql(head, row, slice.length / perRow, tail), slice));
    for (const r of rows) out.push(r);
  }
  return out;
}

const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;
const ATTRIBUTE_INSERT = 'insert into person_attributes (person_id, kind, value)';
const HISTORY_INSERT = 'insert into person_status_history (person_id, status, changed_at, changed_by)';
const PEOPLE_INSERT_HEAD = `insert into people (unit_id, user_id, outreach_event_id, created_by, created_at, updated_at, erased_at, ${PERSON_VALUE_COLUMNS.join(', ')})`;

/**
 * PostgreSQL: one statement per batch inserts the people (one array per column, unnest), their
 * first status and their attributes (joined to the new ids by the row's place in the batch): one
 * round trip and a handful of parameters however many rows. Ids are numbered in the order given.
 */
const POSTGRES_PEOPLE_INSERT = `with ins as (
  ${PEOPLE_INSERT_HEAD}
  select $1::int4, null, null, $2::int4, $3::text, $3::text, null, u.*
  from unnest(${PERSON_VALUE_COLUMNS.map((_, i) => `$${i + 4}::text[]`).join(', ')}) as u
  returning id, status
), history as (
  ${HISTORY_INSERT} select id, status, $3::text, $2::int4 from ins
), numbered as (
  select id, row_number() over (order by id) as n from ins
), attributes as (
  ${ATTRIBUTE_INSERT}
  select numbered.id, a.kind, a.value
  from unnest($${PERSON_VALUE_COLUMNS.length + 4}::int4[], $${PERSON_VALUE_COLUMNS.length + 5}::text[], $${PERSON_VALUE_COLUMNS.length + 6}::text[]) as a(n, kind, value)
  join numbered on numbered.n = a.n
)
select id from ins order by id`;

/** Inserts new people with their first status (changed by the importer, now) and attributes; returns their ids in the order given. */
export async function insertPeople(trx: Q, dialect: Dialect, by: ImportedBy, people: readonly ImportedPerson[]): Promise<number[]> {
  if (people.length === 0) return [];
  if (dialect === 'postgres') {
    const ids: number[] = [];
    for (let i = 0; i < people.length; i += PEOPLE_BATCH) {
      const slice = people.slice(i, i + PEOPLE_BATCH);
      const columns = PERSON_VALUE_COLUMNS.map((_, c) => slice.map((p) => p.values[c] ?? null));
      const n: number[] = [];
      const kinds: string[] = [];
      const values: string[] = [];
      slice.forEach((p, at) => {
        for (const [kind, value] of p.attributes) {
          n.push(at + 1);
          kinds.push(kind);
          values.push(value);
        }
      });
      const { rows } = await trx.executeQuery<{ id: number }>(CompiledQuery.raw(POSTGRES_PEOPLE_INSERT, [by.unitId, by.userId, by.now, ...columns, n, kinds, values]));
      for (const r of rows) ids.push(r.id);
    }
    return ids;
  }
  const params: unknown[] = [];
  for (const p of people) {
    params.push(by.unitId, by.userId, by.now, by.now);
    for (const v of p.values) params.push(v ?? null);
  }
  const inserted = await sqliteInsertAll<{ id: number }>(trx, PEOPLE_INSERT_HEAD, `(?, null, null, ?, ?, ?, null, ${placeholders(PERSON_VALUE_COLUMNS.length).slice(1)}`, 4 + PERSON_VALUE_COLUMNS.length, params, ' returning id');
  // One statement numbers its rows in order; sorting guards against RETURNING's order.
  const ids = inserted.map((r) => r.id).sort((a, b) => a - b);
  const history: unknown[] = [];
  const attributes: unknown[] = [];
  people.forEach((p, i) => {
    history.push(ids[i], p.values[STATUS_AT], by.now, by.userId);
    for (const [kind, value] of p.attributes) attributes.push(ids[i], kind, value);
  });
  await sqliteInsertAll(trx, HISTORY_INSERT, '(?, ?, ?, ?)', 4, history);
  await sqliteInsertAll(trx, ATTRIBUTE_INSERT, '(?, ?, ?)', 3, attributes);
  return ids;
}

/** Adds attributes to people already registered; one they already have is left as it is. */
export async function insertAttributes(trx: Q, dialect: Dialect, rows: Insertable<PersonAttributeTable>[]): Promise<void> {
  if (rows.length === 0) return;
  const conflict = ' on conflict (person_id, kind, value) do nothing';
  if (dialect === 'postgres') {
    for (let i = 0; i < rows.length; i += SMALL_ROW_BATCH) {
      const slice = rows.slice(i, i + SMALL_ROW_BATCH);
      await trx.executeQuery(
        CompiledQuery.raw(`${ATTRIBUTE_INSERT} select * from unnest($1::int4[], $2::text[], $3::text[])${conflict}`, [slice.map((r) => r.person_id), slice.map((r) => r.kind), slice.map((r) => r.value)]),
      );
    }
    return;
  }
  await sqliteInsertAll(trx, ATTRIBUTE_INSERT, '(?, ?, ?)', 3, rows.flatMap((r) => [r.person_id, r.kind, r.value]), conflict);
}

export async function updatePerson(trx: Q, id: number, values: Partial<Insertable<PersonTable>>): Promise<void> {
  await trx.updateTable('people').set(values).where('id', '=', id).execute();
}
