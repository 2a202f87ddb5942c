import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/index.ts';
import type { Database, OrgUnit, Person, PersonAttributeTable, PersonStatusHistoryTable, PersonTable } from '../../platform/db/types.ts';
import type { ExistingPerson } from './rows.ts';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Rows per multi-row INSERT. SQLite allows 32,766 bound values per statement and PostgreSQL
 * 65,535; a person row binds 25, so 1,000 people bind 25,000: under both.
 */
export const PEOPLE_BATCH = 1000;
/** person_attributes binds 3 values a row and person_status_history 4: 5,000 rows bind at most 20,000 (SQLite). */
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

export async function unitById(db: Q, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertImport(db: Q, values: Insertable<Database['people_imports']>): Promise<number> {
  const { id } = await db.insertInto('people_imports').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function importById(db: Q, id: number) {
  return db
    .selectFrom('people_imports')
    .innerJoin('org_units', 'org_units.id', 'people_imports.unit_id')
    .selectAll('people_imports')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('people_imports.id', '=', id)
    .executeTakeFirst();
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

/**
 * On PostgreSQL, one INSERT … SELECT FROM unnest(array per column): a handful of parameters
 * however many rows, so the statement is small to send, parse and plan. Column types are the
 * migration's (integer ids, text otherwise).
 */
function unnestInsert<T extends Record<string, unknown>>(table: string, rows: T[], columns: [keyof T & string, 'int4' | 'text'][], tail = sql``) {
  const arrays = columns.map(([column, type]) => sql`${rows.map((r) => r[column] ?? null)}::${sql.raw(type)}[]`);
  return sql<{ id: number }>`insert into ${sql.table(table)} (${sql.join(columns.map(([c]) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)}) ${tail}`;
}

const PERSON_COLUMNS: [keyof Insertable<PersonTable> & string, 'int4' | 'text'][] = [
  ['unit_id', 'int4'], ['user_id', 'int4'], ['full_name', 'text'], ['preferred_name', 'text'], ['email', 'text'], ['phone', 'text'],
  ['address', 'text'], ['postcode', 'text'], ['preferred_channel', 'text'], ['format', 'text'], ['format_language', 'text'],
  ['access_needs_other', 'text'], ['relationship', 'text'], ['services_known', 'text'], ['availability_notes', 'text'], ['anonymity', 'text'],
  ['payment_preference', 'text'], ['heard_via', 'text'], ['outreach_event_id', 'int4'], ['status', 'text'], ['notes', 'text'],
  ['created_by', 'int4'], ['created_at', 'text'], ['updated_at', 'text'], ['erased_at', 'text'],
];

/** Inserts people in batches; returns their ids in the order given. */
export async function insertPeople(trx: Q, dialect: Dialect, rows: Insertable<PersonTable>[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += PEOPLE_BATCH) {
    const slice = rows.slice(i, i + PEOPLE_BATCH);
    const inserted =
      dialect === 'postgres'
        ? (await unnestInsert('people', slice, PERSON_COLUMNS, sql`returning id`).execute(trx)).rows
        : await trx.insertInto('people').values(slice).returning('id').execute();
    // One statement numbers its rows in order on both databases; sorting guards against RETURNING's order.
    ids.push(...inserted.map((r) => r.id).sort((a, b) => a - b));
  }
  return ids;
}

export async function insertAttributes(trx: Q, dialect: Dialect, rows: Insertable<PersonAttributeTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SMALL_ROW_BATCH) {
    const slice = rows.slice(i, i + SMALL_ROW_BATCH);
    if (dialect === 'postgres') {
      await unnestInsert('person_attributes', slice, [['person_id', 'int4'], ['kind', 'text'], ['value', 'text']], sql`on conflict (person_id, kind, value) do nothing`).execute(trx);
    } else {
      await trx.insertInto('person_attributes').values(slice).onConflict((oc) => oc.columns(['person_id', 'kind', 'value']).doNothing()).execute();
    }
  }
}

export async function insertStatusHistory(trx: Q, dialect: Dialect, rows: Insertable<PersonStatusHistoryTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SMALL_ROW_BATCH) {
    const slice = rows.slice(i, i + SMALL_ROW_BATCH);
    if (dialect === 'postgres') {
      await unnestInsert('person_status_history', slice, [['person_id', 'int4'], ['status', 'text'], ['changed_at', 'text'], ['changed_by', 'int4']]).execute(trx);
    } else {
      await trx.insertInto('person_status_history').values(slice).execute();
    }
  }
}

export async function updatePerson(trx: Q, id: number, values: Partial<Insertable<PersonTable>>): Promise<void> {
  await trx.updateTable('people').set(values).where('id', '=', id).execute();
}
