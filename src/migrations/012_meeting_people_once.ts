import { sql, type Kysely } from 'kysely';

/**
 * One row per person per meeting (attendance, invitations) and per series (membership), enforced
 * by the database: the services check first, but two saves at the same moment on PostgreSQL could
 * otherwise both insert. Partial indexes, because each row names a user or a person, not both.
 */
const ONCE = [
  ['attendance', 'meeting_id', 'user_id'],
  ['attendance', 'meeting_id', 'person_id'],
  ['invitations', 'meeting_id', 'user_id'],
  ['invitations', 'meeting_id', 'person_id'],
  ['series_members', 'series_id', 'user_id'],
  ['series_members', 'series_id', 'person_id'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, parent, who] of ONCE) {
    await db.schema
      .createIndex(`${table}_once_per_${who.replace('_id', '')}`)
      .on(table)
      .columns([parent, who])
      .unique()
      .where(sql.ref(who), 'is not', null)
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, , who] of ONCE) await db.schema.dropIndex(`${table}_once_per_${who.replace('_id', '')}`).execute();
}
