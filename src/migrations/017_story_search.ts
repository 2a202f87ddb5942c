import type { Kysely } from 'kysely';

/** Full-text search over published stories: FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL. */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // Filled in by the public stories site.
}

export async function down(_db: Kysely<unknown>): Promise<void> {}
