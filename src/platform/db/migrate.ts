import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { isPostgres } from './schema-helpers.ts';
import type { Db } from './index.ts';
import type { Database } from './types.ts';

/**
 * PostgreSQL advisory lock taken around migrations. Kysely's migrator reads the catalogue of every
 * schema, so a schema created or dropped at that moment (tests do this) must wait; it also makes
 * simultaneous starts of several instances migrate one at a time.
 */
export const MIGRATION_LOCK = 7_300_411;

async function run(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  if (!isPostgres(db)) return run(db);
  return db.connection().execute(async (conn) => {
    // Name the current schema so one schema's bookkeeping tables never stand in for another's.
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(conn)).rows[0]?.s;
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      return await run(conn, schema);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
