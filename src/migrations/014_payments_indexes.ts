import type { Kysely } from 'kysely';

/**
 * Indexes for the payments pages at trust scale (bench/payments.ts: 100,000 claims over three
 * years). The dashboard's promptness figures count the claims paid in a span of months by activity
 * date and hour paid, in the user's units (payment-reports queries.paidCounts): with the index from
 * 013 on (paid_at, activity_date) each of some 65,000 claims in two years was read from the table
 * for its unit, and PostgreSQL scanned the whole table instead. With unit_id in the index the count
 * reads the index alone: about 3 to 4 times less work on SQLite (CPU 180–280 ms → 50–70 ms) and on
 * PostgreSQL (an index-only scan, about 250 → 50 ms). 013's claims_paid is a prefix of this one;
 * the overdue list (paid_at null, activity date before a day) is served by either.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('claims_paid_units').on('claims').columns(['paid_at', 'activity_date', 'unit_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('claims_paid_units').execute();
}
