import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { Claim, ClaimLine, ClaimLineTable, ClaimTable, ExpenseRateTable, TimeRateTable } from '../../platform/db/types.ts';
import { postOwed } from './ledger.ts';

/** Test data for the payments features: rates, claims with lines, approval posted to the ledger. */

export async function insertTimeRate(db: DbHandle, over: Partial<Insertable<TimeRateTable>> = {}): Promise<number> {
  const row = await db.db.insertInto('time_rates')
    .values({ activity_kind: 'meeting', basis: 'hour', amount_pence: 2000, effective_from: '2020-01-01', created_by: null, created_at: nowIso(), ...over })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function insertExpenseRate(db: DbHandle, over: Partial<Insertable<ExpenseRateTable>> = {}): Promise<number> {
  const row = await db.db.insertInto('expense_rates')
    .values({ category: 'public_transport', limit_pence: null, pence_per_mile: null, effective_from: '2020-01-01', created_by: null, created_at: nowIso(), ...over })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export type LineSpec = Partial<Insertable<ClaimLineTable>> & Pick<Insertable<ClaimLineTable>, 'amount_pence'>;

/** A claim with its lines (default: one pending expense line); total_pence is the sum of lines not rejected. */
export async function insertClaim(db: DbHandle, personId: number, unitId: number, over: Partial<Insertable<ClaimTable>> = {}, lines: LineSpec[] = [{ amount_pence: 450 }]): Promise<{ claim: Claim; lines: ClaimLine[] }> {
  const now = nowIso();
  const total = lines.filter((l) => l.status !== 'rejected').reduce((s, l) => s + l.amount_pence, 0);
  const claim = await db.db.insertInto('claims').values({
    person_id: personId, unit_id: unitId, activity_kind: 'meeting', activity_date: now.slice(0, 10), description: 'QI forum',
    meeting_id: null, attendance_id: null, project_id: null, preference: 'involvement_rate', status: 'submitted', total_pence: total,
    created_by: null, created_at: now, updated_at: now, submitted_at: now, decided_by: null, decided_at: null,
    second_decided_by: null, second_decided_at: null, paid_at: null, ...over,
  }).returningAll().executeTakeFirstOrThrow();
  const inserted: ClaimLine[] = [];
  for (const l of lines) {
    inserted.push(await db.db.insertInto('claim_lines').values({
      claim_id: claim.id, kind: 'expense', category: 'public_transport', description: 'Bus fare', quantity: 1,
      time_rate_id: null, expense_rate_id: null, status: 'pending', reason: null, decided_by: null, decided_at: null, created_at: now, ...l,
    }).returningAll().executeTakeFirstOrThrow());
  }
  return { claim, lines: inserted };
}

/** Approves every pending line of a claim and posts what each is owed, as the approval service would. */
export async function approveClaim(db: DbHandle, claimId: number, by: number | null = null): Promise<void> {
  await db.db.transaction().execute(async (trx) => {
    const claim = await trx.selectFrom('claims').selectAll().where('id', '=', claimId).executeTakeFirstOrThrow();
    const lines = await trx.selectFrom('claim_lines').selectAll().where('claim_id', '=', claimId).where('status', '=', 'pending').execute();
    const at = nowIso();
    for (const l of lines) {
      await trx.updateTable('claim_lines').set({ status: 'approved', decided_by: by, decided_at: at }).where('id', '=', l.id).execute();
      await postOwed(trx, { id: l.id, amountPence: l.amount_pence, personId: claim.person_id }, by);
    }
    await trx.updateTable('claims').set({ status: 'approved', decided_by: by, decided_at: at, updated_at: at }).where('id', '=', claimId).execute();
  });
}
