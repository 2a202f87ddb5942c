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

/** Something is owed on the line's claim again, so the claim is no longer paid in full. */
export async function markClaimOfLineUnpaid(db: Db, lineId: number): Promise<void> {
  await db.updateTable('claims').set({ paid_at: null })
    .where('id', '=', (eb) => eb.selectFrom('claim_lines').select('claim_id').where('claim_lines.id', '=', lineId))
    .execute();
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

/** Paths of the given units, archived or not (a claim's unit may since have been archived). */
export async function unitPaths(db: Db, unitIds: readonly number[]): Promise<{ id: number; path: string }[]> {
  if (unitIds.length === 0) return [];
  return db.selectFrom('org_units').select(['id', 'path']).where('id', 'in', [...unitIds]).execute();
}

/** The cost centre codes set on exactly these units. */
export async function costCentreCodes(db: Db, unitIds: readonly number[]): Promise<{ unit_id: number; code: string }[]> {
  if (unitIds.length === 0) return [];
  return db.selectFrom('cost_centres').select(['unit_id', 'code']).where('unit_id', 'in', [...unitIds]).execute();
}

/**
 * Rates with whether any claim line was priced at them. Rates are the trust's own short list
 * (a row per change of rate), so the whole history is shown, newest first within each kind.
 */
export type TimeRateRow = TimeRate & { used: boolean | number };
export type ExpenseRateRow = ExpenseRate & { used: boolean | number };

export async function timeRatesWithUse(db: Db): Promise<TimeRateRow[]> {
  return db.selectFrom('time_rates as r').selectAll('r')
    .select((eb) => eb.exists(eb.selectFrom('claim_lines as l').select('l.id').whereRef('l.time_rate_id', '=', 'r.id')).$castTo<boolean | number>().as('used'))
    .orderBy('r.activity_kind').orderBy('r.basis').orderBy('r.effective_from', 'desc').execute();
}

export async function expenseRatesWithUse(db: Db): Promise<ExpenseRateRow[]> {
  return db.selectFrom('expense_rates as r').selectAll('r')
    .select((eb) => eb.exists(eb.selectFrom('claim_lines as l').select('l.id').whereRef('l.expense_rate_id', '=', 'r.id')).$castTo<boolean | number>().as('used'))
    .orderBy('r.category').orderBy('r.effective_from', 'desc').execute();
}

export async function timeRateById(db: Db, id: number): Promise<TimeRate | undefined> {
  return db.selectFrom('time_rates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function expenseRateById(db: Db, id: number): Promise<ExpenseRate | undefined> {
  return db.selectFrom('expense_rates').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function timeRateOnDay(db: Db, activity: ClaimActivity, basis: RateBasis, day: string): Promise<TimeRate | undefined> {
  return db.selectFrom('time_rates').selectAll()
    .where('activity_kind', '=', activity).where('basis', '=', basis).where('effective_from', '=', day).executeTakeFirst();
}

export async function expenseRateOnDay(db: Db, category: ExpenseCategory, day: string): Promise<ExpenseRate | undefined> {
  return db.selectFrom('expense_rates').selectAll().where('category', '=', category).where('effective_from', '=', day).executeTakeFirst();
}

/** The latest activity date of a claim with a line priced at one of this kind's time rates. */
export async function lastTimePricedDay(db: Db, activity: ClaimActivity, basis: RateBasis): Promise<string | null> {
  const row = await db.selectFrom('claim_lines as l')
    .innerJoin('time_rates as r', 'r.id', 'l.time_rate_id')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .select((eb) => eb.fn.max('c.activity_date').as('day'))
    .where('r.activity_kind', '=', activity).where('r.basis', '=', basis)
    .executeTakeFirst();
  return row?.day ?? null;
}

export async function lastExpensePricedDay(db: Db, category: ExpenseCategory): Promise<string | null> {
  const row = await db.selectFrom('claim_lines as l')
    .innerJoin('expense_rates as r', 'r.id', 'l.expense_rate_id')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .select((eb) => eb.fn.max('c.activity_date').as('day'))
    .where('r.category', '=', category)
    .executeTakeFirst();
  return row?.day ?? null;
}

export async function insertTimeRate(db: Db, r: { activityKind: ClaimActivity; basis: RateBasis; amountPence: number; effectiveFrom: string; createdBy: number | null }): Promise<TimeRate> {
  return db.insertInto('time_rates').values({
    activity_kind: r.activityKind, basis: r.basis, amount_pence: r.amountPence, effective_from: r.effectiveFrom, created_by: r.createdBy, created_at: nowIso(),
  }).returningAll().executeTakeFirstOrThrow();
}

export async function insertExpenseRate(db: Db, r: { category: ExpenseCategory; limitPence: number | null; pencePerMile: number | null; needsApproval: boolean; effectiveFrom: string; createdBy: number | null }): Promise<ExpenseRate> {
  return db.insertInto('expense_rates').values({
    category: r.category, limit_pence: r.limitPence, pence_per_mile: r.pencePerMile, needs_approval: r.needsApproval ? 1 : 0,
    effective_from: r.effectiveFrom, created_by: r.createdBy, created_at: nowIso(),
  }).returningAll().executeTakeFirstOrThrow();
}

/** Deletes a rate only while it has not taken effect and no line uses it; answers whether it did. */
export async function deleteFutureTimeRate(db: Db, id: number, today: string): Promise<boolean> {
  const res = await db.deleteFrom('time_rates').where('id', '=', id).where('effective_from', '>', today)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('claim_lines').select('id').where('time_rate_id', '=', id))))
    .executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function deleteFutureExpenseRate(db: Db, id: number, today: string): Promise<boolean> {
  const res = await db.deleteFrom('expense_rates').where('id', '=', id).where('effective_from', '>', today)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('claim_lines').select('id').where('expense_rate_id', '=', id))))
    .executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function updateSettings(db: Db, s: Omit<PaymentSettings, 'id' | 'updated_at'>): Promise<void> {
  await db.updateTable('payment_settings').set({ ...s, updated_at: nowIso() }).where('id', '=', 1).execute();
}

/** Cost centre codes set on units under these path prefixes. */
export async function costCentresUnder(db: Db, prefixes: readonly string[]): Promise<{ unit_id: number; code: string }[]> {
  if (prefixes.length === 0) return [];
  return db.selectFrom('cost_centres as c').innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .select(['c.unit_id', 'c.code'])
    .where((eb) => eb.or(prefixes.map((p) => eb('u.path', 'like', `${p}%`))))
    .execute();
}

export async function setCostCentre(db: Db, unitId: number, code: string): Promise<void> {
  const now = nowIso();
  await db.insertInto('cost_centres').values({ unit_id: unitId, code, updated_at: now })
    .onConflict((oc) => oc.column('unit_id').doUpdateSet({ code, updated_at: now })).execute();
}

export async function clearCostCentre(db: Db, unitId: number): Promise<boolean> {
  const res = await db.deleteFrom('cost_centres').where('unit_id', '=', unitId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
