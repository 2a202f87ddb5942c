import type { Kysely, Transaction } from 'kysely';
import { nowIso } from '../../platform/db/index.ts';
import type { ClaimActivity, Database, ExpenseCategory, ExpenseRate, LedgerEntry, PaymentMethod, PaymentSettings, RateBasis, TimeRate } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The rate in force on a day: the latest one that took effect on or before it. */
export async function timeRateOn(db: Db, activity: ClaimActivity, basis: RateBasis, day: string): Promise<TimeRate | undefined> {
  return db.selectFrom('time_rates').selectAll()
    .where('activity_kind', '=', activity).where('basis', '=', basis).where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc').limit(1).executeTakeFirst();
}

export async function expenseRateOn(db: Db, category: ExpenseCategory, day: string): Promise<ExpenseRate | undefined> {
  return db.selectFrom('expense_rates').selectAll()
    .where('category', '=', category).where('effective_from', '<=', day)
    .orderBy('effective_from', 'desc').limit(1).executeTakeFirst();
}

export async function paymentSettings(db: Db): Promise<PaymentSettings> {
  return db.selectFrom('payment_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export interface NewEntry {
  claimLineId: number;
  personId: number;
  kind: LedgerEntry['kind'];
  amountPence: number;
  reversesId?: number | null;
  paidOn?: string | null;
  method?: PaymentMethod | null;
  reference?: string | null;
  batch?: string | null;
  reason?: string | null;
  createdBy: number | null;
}

export async function insertEntry(db: Db, e: NewEntry): Promise<LedgerEntry> {
  return db.insertInto('ledger_entries').values({
    claim_line_id: e.claimLineId, person_id: e.personId, kind: e.kind, amount_pence: e.amountPence,
    reverses_id: e.reversesId ?? null, paid_on: e.paidOn ?? null, method: e.method ?? null, reference: e.reference ?? null,
    batch: e.batch ?? null, reason: e.reason ?? null, created_by: e.createdBy, created_at: nowIso(),
  }).returningAll().executeTakeFirstOrThrow();
}

export async function entryById(db: Db, id: number): Promise<LedgerEntry | undefined> {
  return db.selectFrom('ledger_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function entriesOfLine(db: Db, claimLineId: number): Promise<LedgerEntry[]> {
  return db.selectFrom('ledger_entries').selectAll().where('claim_line_id', '=', claimLineId).orderBy('id').execute();
}

export async function isReversed(db: Db, entryId: number): Promise<boolean> {
  return (await db.selectFrom('ledger_entries').select('id').where('reverses_id', '=', entryId).executeTakeFirst()) !== undefined;
}

/**
 * Involvement payments (time, in money or vouchers) paid to a person between two dates, net of
 * reversed payments. Expenses are refunds, not income, so they do not count.
 */
export async function timePaidBetween(db: Db, personId: number, from: string, to: string): Promise<number> {
  const row = await db.selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('e.amount_pence'), eb.val(0)).as('total'))
    .where('e.person_id', '=', personId).where('l.kind', '=', 'time')
    .where('e.paid_on', '>=', from).where('e.paid_on', '<=', to)
    .executeTakeFirstOrThrow();
  return -Number(row.total);
}
