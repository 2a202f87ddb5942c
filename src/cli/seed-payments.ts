import { postOwed, postPaid, postReversal } from '../features/payments/service.ts';
import { londonDate } from '../features/projects/service.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import { CLAIM_ACTIVITIES, type ExpenseCategory, type OrgUnit, type PaymentMethod } from '../platform/db/types.ts';
import { DEMO_FORUM } from './seed-meetings.ts';

/**
 * Demo expenses and involvement payments (issue 8): the trust's rates and settings, a cost centre
 * on the trust, payee references, and a claim for each time a service user or carer came to the
 * demo forum: two hours at the meeting rate and their travel, as each person prefers to be paid.
 * Early in the year payment was slow (many late); after the forum asked for quicker payment most
 * are paid within the 14-day target. One payment went to the wrong account and was reversed and
 * paid again; the latest claims wait for approval, and two from last month are overdue.
 */

export const DEMO_TIME_RATES = { hour: 2_000, half_day: 5_000, full_day: 10_000 } as const;

export const DEMO_EXPENSE_RATES: readonly { category: ExpenseCategory; limit: number | null; perMile?: number; needsApproval?: boolean }[] = [
  { category: 'public_transport', limit: null },
  { category: 'mileage', limit: null, perMile: 45 },
  { category: 'parking', limit: 1_000 },
  { category: 'taxi', limit: 4_000, needsApproval: true },
  { category: 'carer_costs', limit: 6_000 },
  { category: 'childcare', limit: 6_000 },
  { category: 'support_worker', limit: 10_000 },
  { category: 'subsistence', limit: 1_000 },
  { category: 'other', limit: 2_500 },
];

export const DEMO_COST_CENTRE = 'INV-1000';
export const DEMO_TARGET_DAYS = 14;

/** Days from the meeting to payment, for the first attendees' claims and after the forum asked for quicker payment. */
const SLOW_DAYS = [16, 21, 12, 25, 18, 13];
const QUICK_DAYS = [7, 9, 5, 11, 8, 13, 6, 10, 19];
/** Meetings before this many months ago were paid slowly. */
const QUICKER_FROM = 7;

const DAY = 86_400_000;
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** Mid-morning on a London day, as the instant a payment run was recorded. */
const paidInstant = (day: string): string => `${day}T10:30:00.000Z`;

/** Adds the demo's payments when there are none yet; returns how many claims were added. */
export async function seedPaymentsDemo(db: Db, units: Map<string, OrgUnit>, users: Map<string, number>, trust: OrgUnit): Promise<number> {
  const forumUnit = units.get(DEMO_FORUM.unit);
  if (!forumUnit) throw new Error(`demo forum unit ${DEMO_FORUM.unit} is missing`);
  const series = await db.selectFrom('meeting_series').select('id').where('unit_id', '=', forumUnit.id).where('name', '=', DEMO_FORUM.name).executeTakeFirst();
  if (!series) return 0;
  const already = await db.selectFrom('claims').innerJoin('meetings', 'meetings.id', 'claims.meeting_id').select('claims.id').where('meetings.series_id', '=', series.id).limit(1).executeTakeFirst();
  if (already) return 0;

  const lead = users.get('lead@demo.example.org') ?? null;
  const admin = users.get('admin@demo.example.org') ?? null;
  const now = nowIso();
  const today = londonDate();
  const ratesFrom = `${Number(today.slice(0, 4)) - 2}-04-01`;
  let added = 0;

  await db.transaction().execute(async (trx) => {
    // Rates and settings, unless an admin has set some already.
    const hasRates = await trx.selectFrom('time_rates').select('id').limit(1).executeTakeFirst();
    if (!hasRates) {
      for (const kind of CLAIM_ACTIVITIES) {
        for (const [basis, amount] of Object.entries(DEMO_TIME_RATES)) {
          await trx.insertInto('time_rates').values({ activity_kind: kind, basis: basis as keyof typeof DEMO_TIME_RATES, amount_pence: amount, effective_from: ratesFrom, created_by: admin, created_at: now }).execute();
        }
      }
      for (const r of DEMO_EXPENSE_RATES) {
        await trx
          .insertInto('expense_rates')
          .values({ category: r.category, limit_pence: r.limit, pence_per_mile: r.perMile ?? null, needs_approval: r.needsApproval ? 1 : 0, effective_from: ratesFrom, created_by: admin, created_at: now })
          .execute();
      }
      await trx.updateTable('payment_settings').set({ target_days: DEMO_TARGET_DAYS, second_approval_over_pence: 10_000, tax_year_threshold_pence: 100_000, warn_at_percent: 80, updated_by: admin, updated_at: now }).where('id', '=', 1).execute();
    }
    const hasCentre = await trx.selectFrom('cost_centres').select('unit_id').where('unit_id', '=', trust.id).executeTakeFirst();
    if (!hasCentre) await trx.insertInto('cost_centres').values({ unit_id: trust.id, code: DEMO_COST_CENTRE, updated_at: now }).execute();

    const hourRate = await trx.selectFrom('time_rates').select(['id', 'amount_pence']).where('activity_kind', '=', 'meeting').where('basis', '=', 'hour').where('effective_from', '<=', today).orderBy('effective_from', 'desc').executeTakeFirst();
    const expenseRate = async (category: ExpenseCategory) =>
      trx.selectFrom('expense_rates').select(['id', 'pence_per_mile']).where('category', '=', category).where('effective_from', '<=', today).orderBy('effective_from', 'desc').executeTakeFirst();
    const bus = await expenseRate('public_transport');
    const mileage = await expenseRate('mileage');

    // Every service user or carer present at a held meeting of the forum, oldest first.
    const present = await trx
      .selectFrom('attendance')
      .innerJoin('meetings', 'meetings.id', 'attendance.meeting_id')
      .innerJoin('people', 'people.id', 'attendance.person_id')
      .select(['attendance.id as attendance_id', 'meetings.id as meeting_id', 'meetings.starts_at', 'people.id as person_id', 'people.full_name', 'people.payment_preference'])
      .where('meetings.series_id', '=', series.id)
      .where('attendance.status', '=', 'present')
      .where('people.erased_at', 'is', null)
      .orderBy('meetings.starts_at')
      .orderBy('attendance.id')
      .execute();

    const payees = [...new Set(present.map((p) => p.person_id))];
    for (const [i, id] of payees.entries()) {
      await trx.updateTable('people').set({ payee_reference: `SUP-${String(4101 + i)}` }).where('id', '=', id).where('payee_reference', 'is', null).execute();
    }

    let reversed = false;
    let overdueKept = 0;
    for (const [i, a] of present.entries()) {
      if (a.payment_preference === 'none') continue;
      const day = londonDate(new Date(a.starts_at));
      const age = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY);
      // Travel: most come by bus; every third drives 8.4 miles.
      const drives = i % 3 === 2;
      const lines = [
        ...(a.payment_preference === 'expenses_only' ? [] : [{ kind: 'time' as const, category: 'hour' as const, description: 'Two hours at the forum', quantity: 120, amount_pence: Math.round(((hourRate?.amount_pence ?? DEMO_TIME_RATES.hour) * 120) / 60), time_rate_id: hourRate?.id ?? null, expense_rate_id: null }]),
        drives
          ? { kind: 'expense' as const, category: 'mileage' as const, description: 'Drove to Mile End and back', quantity: 84, amount_pence: Math.round((84 * (mileage?.pence_per_mile ?? 45)) / 10), time_rate_id: null, expense_rate_id: mileage?.id ?? null }
          : { kind: 'expense' as const, category: 'public_transport' as const, description: 'Bus fares', quantity: 1, amount_pence: 360, time_rate_id: null, expense_rate_id: bus?.id ?? null },
      ];
      const total = lines.reduce((s, l) => s + l.amount_pence, 0);
      const waitsForApproval = age <= DEMO_TARGET_DAYS;
      // Two claims from a month or two ago are still not paid: one waits for approval, one for finance.
      const overdue = !waitsForApproval && age <= 60 && overdueKept < 2;
      const keptSubmitted = overdue && overdueKept === 0;
      if (overdue) overdueKept++;
      const days = age > QUICKER_FROM * 30 ? SLOW_DAYS[i % SLOW_DAYS.length]! : QUICK_DAYS[i % QUICK_DAYS.length]!;
      const paidOn = addDays(day, days);
      const paid = !waitsForApproval && !overdue && paidOn < today;
      const status = waitsForApproval || keptSubmitted ? 'submitted' : 'approved';
      const approvedAt = paidInstant(addDays(day, Math.max(1, Math.min(days - 2, 5))));

      const claim = await trx
        .insertInto('claims')
        .values({
          person_id: a.person_id,
          unit_id: forumUnit.id,
          activity_kind: 'meeting',
          activity_date: day,
          description: DEMO_FORUM.name,
          meeting_id: a.meeting_id,
          attendance_id: a.attendance_id,
          project_id: null,
          preference: a.payment_preference,
          status,
          total_pence: total,
          created_by: lead,
          created_at: a.starts_at,
          updated_at: now,
          submitted_at: a.starts_at,
          decided_by: status === 'approved' ? lead : null,
          decided_at: status === 'approved' ? approvedAt : null,
          second_decided_by: null,
          second_decided_at: null,
          paid_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      added++;
      const method: PaymentMethod = a.payment_preference === 'vouchers' ? 'vouchers' : 'bank_transfer';
      let lastPaid: string | null = null;
      for (const l of lines) {
        const line = await trx
          .insertInto('claim_lines')
          .values({ claim_id: claim.id, ...l, status: status === 'approved' ? 'approved' : 'pending', reason: null, decided_by: status === 'approved' ? lead : null, decided_at: status === 'approved' ? approvedAt : null, created_at: a.starts_at })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (status !== 'approved') continue;
        await postOwed(trx, { id: line.id, amountPence: l.amount_pence, personId: a.person_id }, lead);
        if (!paid) continue;
        // Each line's money goes as the person prefers: time in vouchers for those who chose them, expenses always by bank transfer.
        const payment = await postPaid(trx, { id: line.id, personId: a.person_id }, { paidOn, method: l.kind === 'time' ? method : 'bank_transfer', reference: `BACS-${paidOn.replaceAll('-', '')}`, batch: `demo-${paidOn}` }, admin);
        lastPaid = paidOn;
        // The first payment of the year went to the wrong account: reversed, then paid again a week later.
        if (!reversed && l.kind === 'time' && method === 'bank_transfer' && addDays(paidOn, 7) < today) {
          reversed = true;
          await postReversal(trx, payment.id, 'Paid to the wrong account; paid again to the right one', admin);
          const again = addDays(paidOn, 7);
          await postPaid(trx, { id: line.id, personId: a.person_id }, { paidOn: again, method, reference: `BACS-${again.replaceAll('-', '')}`, batch: `demo-${again}` }, admin);
          lastPaid = again;
        }
      }
      if (lastPaid) await trx.updateTable('claims').set({ paid_at: paidInstant(lastPaid) }).where('id', '=', claim.id).execute();
    }
  });
  return added;
}
