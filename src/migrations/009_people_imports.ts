import type { Kysely } from 'kysely';
import { withId } from '../platform/db/schema-helpers.ts';

/**
 * An uploaded register between the steps of the people import (upload → map columns → preview →
 * import): the parsed rows as JSON, owned by the user who uploaded them, deleted when they expire
 * (the worker's housekeeping) and emptied once imported.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('people_imports'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    // {"headers": [...], "rows": [[...], ...], "rowNumbers": [...]}; '' once imported.
    .addColumn('data', 'text', (c) => c.notNull())
    // {"columns": [field|null, ...], "defaults": {...}}, once the lead has mapped the columns.
    .addColumn('mapping', 'text')
    // Counts and the bad rows (row, column, reason: no cell values), once imported.
    .addColumn('result', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text')
    .execute();
  await db.schema.createIndex('people_imports_user').on('people_imports').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('people_imports_expires').on('people_imports').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('people_imports').execute();
}
