import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

/** Small helpers that keep migrations dialect-neutral. */
export function isPostgres(db: Kysely<any>): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A 64-bit floating point column type on either database. */
export function doubleType(db: Kysely<unknown>): 'double precision' | 'real' {
  return isPostgres(db) ? 'double precision' : 'real';
}

/** An auto-incrementing integer primary key on either database. */
export function withId<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Makes a table append-only: updates and deletes are refused by the database itself. */
export async function appendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await sql`CREATE OR REPLACE FUNCTION alongside_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'append-only table: % refused', TG_OP; END; $$ LANGUAGE plpgsql`.execute(db);
    await sql`CREATE TRIGGER ${sql.id(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION alongside_append_only()`.execute(db);
  } else {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql`CREATE TRIGGER ${sql.id(`${table}_no_${op.toLowerCase()}`)} BEFORE ${sql.raw(op)} ON ${sql.table(table)}
        BEGIN SELECT RAISE(ABORT, 'append-only table'); END`.execute(db);
    }
  }
}

/** A column of raw bytes on either database. */
export function blobType(db: Kysely<unknown>): 'bytea' | 'blob' {
  return isPostgres(db) ? 'bytea' : 'blob';
}
