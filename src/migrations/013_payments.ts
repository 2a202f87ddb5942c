import { sql, type Kysely } from 'kysely';
import { appendOnly, withId } from '../platform/db/schema-helpers.ts';

/**
 * Expenses and involvement payments (issue 8): rates that take effect from a date (so a claim keeps
 * the rate it was made under), the trust's payment settings, cost centres per unit, claims with
 * lines and receipts, and an append-only ledger of what is owed, paid and reversed, with the
 * finance exports that say which owed entries have gone to finance (each at most once).
 * Money is integer pence everywhere.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row (id 1): the trust's rules for promptness, second approval and the tax-year warning.
  await db.schema
    .createTable('payment_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('target_days', 'integer', (c) => c.notNull())
    .addColumn('second_approval_over_pence', 'integer', (c) => c.notNull())
    .addColumn('tax_year_threshold_pence', 'integer', (c) => c.notNull())
    .addColumn('warn_at_percent', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into payment_settings (id, target_days, second_approval_over_pence, tax_year_threshold_pence, warn_at_percent, updated_at)
    values (1, 14, 10000, 100000, 80, ${new Date().toISOString()})`.execute(db);

  await withId(db, db.schema.createTable('time_rates'))
    .addColumn('activity_kind', 'text', (c) => c.notNull()) // CLAIM_ACTIVITIES
    .addColumn('basis', 'text', (c) => c.notNull()) // RATE_BASES
    .addColumn('amount_pence', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('time_rates_once', ['activity_kind', 'basis', 'effective_from'])
    .execute();

  await withId(db, db.schema.createTable('expense_rates'))
    .addColumn('category', 'text', (c) => c.notNull()) // EXPENSE_CATEGORIES
    .addColumn('limit_pence', 'integer') // per line; null = no limit
    .addColumn('pence_per_mile', 'integer') // mileage only
    .addColumn('needs_approval', 'integer', (c) => c.notNull().defaultTo(0)) // e.g. taxis: agreed beforehand
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('expense_rates_once', ['category', 'effective_from'])
    .execute();

  // A unit's cost centre applies to its descendants unless they have their own.
  await db.schema
    .createTable('cost_centres')
    .addColumn('unit_id', 'integer', (c) => c.primaryKey().references('org_units.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // The finance system's supplier or payee number for a person; never bank details.
  await db.schema.alterTable('people').addColumn('payee_reference', 'text').execute();

  await withId(db, db.schema.createTable('claims'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('activity_kind', 'text', (c) => c.notNull()) // CLAIM_ACTIVITIES
    .addColumn('activity_date', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
    // A draft made from attendance points at it, so recording attendance twice makes one draft.
    .addColumn('attendance_id', 'integer', (c) => c.references('attendance.id').onDelete('set null'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    // The person's payment preference when the claim was made (PAYMENT_PREFERENCES).
    .addColumn('preference', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // CLAIM_STATUSES
    .addColumn('total_pence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('second_decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('second_decided_at', 'text')
    // When every approved line was first fully paid (cleared if a payment is reversed).
    .addColumn('paid_at', 'text')
    .execute();
  await db.schema.createIndex('claims_person').on('claims').columns(['person_id', 'activity_date']).execute();
  await db.schema.createIndex('claims_unit_status').on('claims').columns(['unit_id', 'status', 'activity_date']).execute();
  await db.schema.createIndex('claims_meeting').on('claims').column('meeting_id').execute();
  await db.schema.createIndex('claims_project').on('claims').column('project_id').execute();
  await db.schema.createIndex('claims_paid').on('claims').columns(['paid_at', 'activity_date']).execute();
  await db.schema.createIndex('claims_attendance_once').on('claims').column('attendance_id').unique().where(sql.ref('attendance_id'), 'is not', null).execute();

  await withId(db, db.schema.createTable('claim_lines'))
    .addColumn('claim_id', 'integer', (c) => c.notNull().references('claims.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // LINE_KINDS
    // RATE_BASES for time, EXPENSE_CATEGORIES for expenses.
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Minutes for hourly time, days for half/full days, tenths of a mile for mileage, else 1.
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount_pence', 'integer', (c) => c.notNull())
    .addColumn('time_rate_id', 'integer', (c) => c.references('time_rates.id'))
    .addColumn('expense_rate_id', 'integer', (c) => c.references('expense_rates.id'))
    .addColumn('status', 'text', (c) => c.notNull()) // LINE_STATUSES
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('claim_lines_claim').on('claim_lines').column('claim_id').execute();

  await withId(db, db.schema.createTable('claim_receipts'))
    .addColumn('claim_line_id', 'integer', (c) => c.notNull().references('claim_lines.id').onDelete('cascade'))
    .addColumn('file_sha256', 'text', (c) => c.notNull().references('files.sha256'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('claim_receipts_line').on('claim_receipts').column('claim_line_id').execute();
  await db.schema.createIndex('claim_receipts_file').on('claim_receipts').column('file_sha256').execute();

  await withId(db, db.schema.createTable('finance_exports'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_pence', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Append-only: a mistake is put right by a reversal entry, never by editing or deleting.
  await withId(db, db.schema.createTable('ledger_entries'))
    .addColumn('claim_line_id', 'integer', (c) => c.notNull().references('claim_lines.id'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // LEDGER_KINDS
    // Signed: owed +, paid −, a reversal the opposite of the entry it reverses.
    .addColumn('amount_pence', 'integer', (c) => c.notNull())
    .addColumn('reverses_id', 'integer', (c) => c.references('ledger_entries.id').unique())
    .addColumn('paid_on', 'text')
    .addColumn('method', 'text') // PAYMENT_METHODS
    .addColumn('reference', 'text')
    .addColumn('batch', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_entries_line').on('ledger_entries').columns(['claim_line_id', 'kind']).execute();
  await db.schema.createIndex('ledger_entries_person_paid').on('ledger_entries').columns(['person_id', 'paid_on']).execute();
  await db.schema.createIndex('ledger_entries_kind_created').on('ledger_entries').columns(['kind', 'created_at']).execute();
  await appendOnly(db, 'ledger_entries');

  // Which owed entries went to finance in which export: the unique entry id means never twice,
  // even when two exports run at the same moment.
  await db.schema
    .createTable('finance_export_items')
    .addColumn('entry_id', 'integer', (c) => c.primaryKey().references('ledger_entries.id'))
    .addColumn('export_id', 'integer', (c) => c.notNull().references('finance_exports.id'))
    .execute();
  await db.schema.createIndex('finance_export_items_export').on('finance_export_items').column('export_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['finance_export_items', 'ledger_entries', 'finance_exports', 'claim_receipts', 'claim_lines', 'claims', 'cost_centres', 'expense_rates', 'time_rates', 'payment_settings']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('people').dropColumn('payee_reference').execute();
}
