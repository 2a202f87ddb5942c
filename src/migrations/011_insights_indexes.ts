import type { Kysely } from 'kysely';

/**
 * Indexes for the involvement dashboard (src/features/insights): involvement hours are read by
 * date across everyone in a unit's register (a month's total, and that month's activities newest
 * first, a page at a time), which the per-person index from 007 cannot serve. The other figures
 * use indexes already there: meetings by start (010), attendance by meeting, status and role
 * (010), actions by series and status (010), people by status (007), and project history by
 * project, field and time (003).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('involvement_activities_on_date').on('involvement_activities').columns(['on_date', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('involvement_activities_on_date').execute();
}
