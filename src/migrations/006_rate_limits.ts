import type { Kysely } from 'kysely';
import { isPostgres } from '../platform/db/schema-helpers.ts';

/** Rate-limit counters live in the database so every instance counts the same attempts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start_ms', isPostgres(db) ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
