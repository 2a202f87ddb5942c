/**
 * A synthetic trust for the payments bench (bench/payments.ts): ten units, 3,000 people in the
 * register (most with a payee reference), the trust's rates over three rate years, and 100,000
 * claims over the last three years with about 2.5 lines each (time, and expenses), each claim taken
 * through the life the app gives it: drafted, submitted, decided line by line (a few lines and
 * claims rejected), a second approval when the approved total is over the trust's threshold, owed
 * entries posted on approval, exported to finance every fortnight, and paid in batches. Where a
 * claim stands now follows from how long each step took, so most are approved and paid, about
 * 2,000 are approved and not yet paid (about 5,000 owed lines, half of them already exported),
 * some wait for a decision or a second approval (the overdue list), and a few are drafts. A few
 * payments were returned and paid again, and a few owed entries reversed. The ledger is only
 * inserted into, with the signs the rules give it (owed +, paid −, a reversal the opposite of what
 * it reverses); claims.total_pence and claims.paid_at agree with the lines and the ledger.
 *
 * Seeded, so every run fills the same data (relative to the day it runs). Rows get their ids here
 * and go in as multi-row INSERTs of about 8,000 bound values, in one transaction.
 */
import { CompiledQuery, sql, type Insertable, type Transaction } from 'kysely';
import { insertUnit } from '../src/features/org/service.ts';
import { londonDate } from '../src/features/projects/service.ts';
import { createAdmin } from '../src/features/users/service.ts';
import type { DbHandle, Dialect } from '../src/platform/db/index.ts';
import type {
  ClaimActivity,
  ClaimStatus,
  Database,
  ExpenseCategory,
  LineKind,
  LineStatus,
  OrgUnit,
  PAYMENT_PREFERENCES,
  RateBasis,
} from '../src/platform/db/types.ts';
import { random } from './random.ts';

export const BENCH_CLAIMS = 100_000;
export const BENCH_PAYEES = 3_000;
export const BENCH_YEARS = 3;
/** Finance exports run every fortnight. */
const EXPORT_EVERY_DAYS = 14;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Tx = Transaction<Database>;

/**
 * Inserts rows (all with the same columns, ids included) in multi-row statements of at most about
 * 8,000 bound values, skipping Kysely's query builder: a million rows through it would cost more
 * than the inserts themselves.
 */
async function insertRows<T extends keyof Database & string>(trx: Tx, dialect: Dialect, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  const size = Math.max(1, Math.floor(8000 / columns.length));
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of slice) {
      const r = row as Record<string, unknown>;
      const marks: string[] = [];
      for (const c of columns) {
        values.push(r[c] ?? null);
        marks.push(dialect === 'postgres' ? `$${values.length}` : '?');
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    await trx.executeQuery(CompiledQuery.raw(head + tuples.join(', '), values));
  }
}

/** The next id a table would give (rows here get their ids before they go in). */
async function nextId(trx: Tx, table: 'people' | 'time_rates' | 'expense_rates' | 'claims' | 'claim_lines' | 'ledger_entries' | 'finance_exports'): Promise<number> {
  const row = await trx.selectFrom(table).select((eb) => eb.fn.max<number | null>('id').as('id')).executeTakeFirstOrThrow();
  return Number(row.id ?? 0) + 1;
}

/** PostgreSQL's serial sequences do not see ids given explicitly: move them past the rows. */
async function resetSequences(trx: Tx, dialect: Dialect, tables: readonly string[]): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of tables) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(trx);
  }
}

// ---- The trust's rates (three rate years; time paid more from each April)

const RATE_DAYS = ['2023-04-06', '2025-04-06', '2026-04-06'] as const;
const TIME_PENCE: Record<RateBasis, readonly number[]> = { hour: [1800, 2000, 2100], half_day: [4500, 5000, 5250], full_day: [9000, 10000, 10500] };
const ACTIVITY_WEIGHTS: [ClaimActivity, number][] = [['meeting', 0.5], ['project_work', 0.25], ['workshop', 0.1], ['outreach', 0.1], ['other', 0.05]];
const BASIS_WEIGHTS: [RateBasis, number][] = [['hour', 0.7], ['half_day', 0.2], ['full_day', 0.1]];
const EXPENSE_WEIGHTS: [ExpenseCategory, number][] = [
  ['public_transport', 0.4], ['mileage', 0.2], ['parking', 0.12], ['subsistence', 0.12], ['taxi', 0.06], ['carer_costs', 0.05], ['childcare', 0.03], ['support_worker', 0.02],
];
/** Pence for an expense line: [least, spread]; mileage is priced per mile instead. */
const EXPENSE_PENCE: Record<ExpenseCategory, [number, number]> = {
  public_transport: [250, 1500], mileage: [0, 0], parking: [200, 800], subsistence: [300, 700], taxi: [800, 2700],
  carer_costs: [1500, 4500], childcare: [2000, 4000], support_worker: [3000, 6000], other: [200, 1000],
};
const EXPENSE_WORDS: Record<ExpenseCategory, string> = {
  public_transport: 'Bus and train fares', mileage: 'Mileage', parking: 'Parking', subsistence: 'Lunch', taxi: 'Taxi (agreed beforehand)',
  carer_costs: 'Carer cover', childcare: 'Childcare', support_worker: 'Support worker', other: 'Other costs',
};
const PENCE_PER_MILE = 45;
const CLAIM_WORDS: Record<ClaimActivity, string> = {
  meeting: 'Service user group meeting', project_work: 'Work on a QI project', workshop: 'Co-design workshop', outreach: 'Outreach stall', other: 'Interview panel',
};

interface LinePlan {
  kind: LineKind;
  category: RateBasis | ExpenseCategory;
  description: string | null;
  quantity: number;
  amount: number;
  timeRateId: number | null;
  expenseRateId: number | null;
  status: LineStatus;
}

interface ClaimPlan {
  person: number;
  unitId: number;
  activityKind: ClaimActivity;
  activityDate: string;
  preference: (typeof PAYMENT_PREFERENCES)[number];
  lines: LinePlan[];
  created: number;
  submitted: number | null;
  decided: number | null;
  secondDecided: number | null;
  status: ClaimStatus;
  /** When its lines were approved and owed (the first decision, or the second when there was one). */
  approved: number | null;
  /** When the lines were paid in a batch (null: not yet). */
  batch: number | null;
  /** claims.paid_at: the batch, or when a returned payment was paid again. */
  paid: number | null;
  /** A returned payment paid again, or an owed entry reversed before payment, on one line. */
  fix: { line: number; kind: 'payment'; reversed: number; repaid: number } | { line: number; kind: 'owed'; reversed: number } | null;
}

export interface FilledPayments {
  adminEmail: string;
  trust: OrgUnit;
  units: OrgUnit[];
  counts: {
    units: number;
    people: number;
    claims: number;
    lines: number;
    entries: number;
    exports: number;
    exportItems: number;
    statuses: Record<ClaimStatus, number>;
    paidClaims: number;
    /** Approved claims not yet paid, and their lines with money owed (those exported and not). */
    unpaidClaims: number;
    owedLines: number;
    owedExported: number;
    paymentsReturned: number;
    owedReversed: number;
  };
  /** What a new finance export should take: the owed lines not yet exported, and their total. */
  notExported: { lines: number; totalPence: number };
  /** The activity dates of the claims not yet paid (submitted, second approval, or approved), for the overdue list. */
  waitingDays: string[];
  /** The person with most claims, and their claims' activity dates. */
  busiest: { personId: number; activityDays: string[] };
}

/** Fills an empty, migrated database; the admin signs in with the given password. */
export async function fillPayments(handle: DbHandle, password: string, now = new Date()): Promise<FilledPayments> {
  const { db, dialect } = handle;
  const adminEmail = 'bench@example.org';
  const adminId = await createAdmin(db, { email: adminEmail, name: 'Bench Admin', password, trustName: 'Bench NHS Trust' });
  const trust = await db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const stamp = now.toISOString();
  const boroughs: OrgUnit[] = [];
  const teams: OrgUnit[] = [];
  for (const borough of ['North', 'South', 'East']) {
    const b = await insertUnit(db, { name: `${borough} Borough`, kind: 'borough', parentId: trust.id }, stamp);
    boroughs.push(b);
    for (const team of ['Community Team', 'Recovery College']) teams.push(await insertUnit(db, { name: `${borough} ${team}`, kind: 'team', parentId: b.id }, stamp));
  }
  const units = [trust, ...boroughs, ...teams];

  const next = random(8);
  const weighted = <T>(choices: readonly [T, number][]): T => {
    let r = next();
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  };
  const between = (least: number, most: number): number => least + next() * (most - least);
  const iso = (ms: number): string => new Date(ms).toISOString();
  const nowMs = now.getTime();
  const startMs = nowMs - BENCH_YEARS * 365.25 * DAY;

  return db.transaction().execute(async (trx) => {
    // ---- Rates: every activity and basis, and each expense category, from the first rate year.
    let timeRateId = await nextId(trx, 'time_rates');
    const timeRates: Insertable<Database['time_rates']>[] = [];
    const timeRateIds = new Map<string, number[]>();
    for (const [activity] of ACTIVITY_WEIGHTS) {
      for (const [basis] of BASIS_WEIGHTS) {
        const ids: number[] = [];
        RATE_DAYS.forEach((day, era) => {
          ids.push(timeRateId);
          timeRates.push({ id: timeRateId++, activity_kind: activity, basis, amount_pence: TIME_PENCE[basis][era]!, effective_from: day, created_by: adminId, created_at: stamp });
        });
        timeRateIds.set(`${activity}/${basis}`, ids);
      }
    }
    await insertRows(trx, dialect, 'time_rates', timeRates);
    let expenseRateId = await nextId(trx, 'expense_rates');
    const expenseRates: Insertable<Database['expense_rates']>[] = [];
    const expenseRateIds = new Map<ExpenseCategory, number>();
    for (const [category] of EXPENSE_WEIGHTS) {
      expenseRateIds.set(category, expenseRateId);
      expenseRates.push({
        id: expenseRateId++, category, limit_pence: category === 'subsistence' ? 1000 : null, pence_per_mile: category === 'mileage' ? PENCE_PER_MILE : null,
        needs_approval: category === 'taxi' ? 1 : 0, effective_from: RATE_DAYS[0], created_by: adminId, created_at: stamp,
      });
    }
    await insertRows(trx, dialect, 'expense_rates', expenseRates);
    await insertRows(trx, dialect, 'cost_centres', [...boroughs, teams[0]!, teams[3]!].map((u, i) => ({ unit_id: u.id, code: `CC${4100 + i * 10}`, updated_at: stamp })));

    // ---- People: in the teams' registers (a tenth in a borough's), most with a payee reference.
    const firstNames = ['Ann', 'Bilal', 'Chloe', 'Dev', 'Erin', 'Femi', 'Grace', 'Hamza', 'Isla', 'Jack', 'Kiran', 'Leah', 'Musa', 'Nia', 'Owen', 'Priya'];
    const lastNames = ['Archer', 'Begum', 'Clarke', 'Dlamini', 'Evans', 'Fox', 'Green', 'Hussain', 'Iqbal', 'Jones', 'Khan', 'Lewis', 'Morgan', 'Nowak', 'Okafor', 'Patel', 'Quinn', 'Reid', 'Singh', 'Taylor'];
    const firstPerson = await nextId(trx, 'people');
    const people = Array.from({ length: BENCH_PAYEES }, (_, i) => {
      const unit = next() < 0.1 ? boroughs[i % boroughs.length]! : teams[i % teams.length]!;
      const preference = weighted<(typeof PAYMENT_PREFERENCES)[number]>([['involvement_rate', 0.78], ['vouchers', 0.12], ['expenses_only', 0.1]]);
      return {
        id: firstPerson + i,
        unit_id: unit.id,
        user_id: null,
        full_name: `${firstNames[i % firstNames.length]} ${lastNames[Math.floor(i / firstNames.length) % lastNames.length]} ${i + 1}`,
        preferred_name: null,
        email: `payee${i + 1}@example.org`,
        phone: null,
        address: null,
        postcode: null,
        preferred_channel: 'email' as const,
        format: 'standard' as const,
        format_language: null,
        access_needs_other: null,
        relationship: next() < 0.65 ? ('service_user' as const) : ('carer' as const),
        services_known: null,
        availability_notes: null,
        anonymity: 'full_name' as const,
        payment_preference: preference,
        heard_via: null,
        outreach_event_id: null,
        status: 'active' as const,
        notes: null,
        created_by: adminId,
        created_at: iso(startMs - 30 * DAY),
        updated_at: stamp,
        erased_at: null,
        payee_reference: next() < 0.95 ? `SUP-${String(10_000 + i * 7).padStart(6, '0')}` : null,
      };
    });
    await insertRows(trx, dialect, 'people', people);

    // ---- Pass 1: each claim's life, from its activity to now.
    const rateEra = (day: string): number => (day >= RATE_DAYS[2] ? 2 : day >= RATE_DAYS[1] ? 1 : 0);
    const secondOver = (await trx.selectFrom('payment_settings').select('second_approval_over_pence').where('id', '=', 1).executeTakeFirstOrThrow()).second_approval_over_pence;
    /** The batch a payment goes in: the next weekday at 14:00 UTC. */
    const batchAfter = (ms: number): number => {
      const d = new Date(ms + DAY);
      d.setUTCHours(14, 0, 0, 0);
      while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
      return d.getTime();
    };
    const activityTimes = Array.from({ length: BENCH_CLAIMS }, () => between(startMs, nowMs - DAY)).sort((a, b) => a - b);
    const plans: ClaimPlan[] = activityTimes.map((activityMs) => {
      // Some people claim far more often than others: the busiest about 500 times in three years.
      const person = Math.min(BENCH_PAYEES - 1, Math.floor(Math.pow(next(), 1.5) * BENCH_PAYEES));
      const who = people[person]!;
      const activityDate = londonDate(new Date(activityMs));
      const activityKind = weighted(ACTIVITY_WEIGHTS);
      const era = rateEra(activityDate);
      const lines: LinePlan[] = [];
      if (who.payment_preference !== 'expenses_only') {
        const basis = weighted(BASIS_WEIGHTS);
        const minutes = basis === 'hour' ? 60 + 30 * Math.floor(next() * 7) : 1;
        const rate = TIME_PENCE[basis][era]!;
        lines.push({
          kind: 'time', category: basis, description: null, quantity: minutes, amount: basis === 'hour' ? Math.round((rate * minutes) / 60) : rate,
          timeRateId: timeRateIds.get(`${activityKind}/${basis}`)![era]!, expenseRateId: null, status: 'pending',
        });
      }
      const r = next();
      let expenses = r < 0.1 ? 0 : r < 0.4 ? 1 : r < 0.8 ? 2 : 3;
      if (lines.length === 0 && expenses === 0) expenses = 1;
      for (let e = 0; e < expenses; e++) {
        const category = weighted(EXPENSE_WEIGHTS);
        const miles = category === 'mileage' ? 20 + Math.floor(next() * 280) : 1;
        const [least, spread] = EXPENSE_PENCE[category];
        lines.push({
          kind: 'expense', category, description: EXPENSE_WORDS[category], quantity: miles,
          amount: category === 'mileage' ? Math.round((miles * PENCE_PER_MILE) / 10) : least + Math.floor(next() * spread),
          timeRateId: null, expenseRateId: expenseRateIds.get(category)!, status: 'pending',
        });
      }
      const plan: ClaimPlan = {
        person, unitId: who.unit_id, activityKind, activityDate, preference: who.payment_preference, lines,
        created: Math.min(activityMs + between(1, 48) * HOUR, nowMs - HOUR),
        submitted: null, decided: null, secondDecided: null, status: 'draft', approved: null, batch: null, paid: null, fix: null,
      };
      // Submitted within three days, or later (a fifth).
      const submitted = plan.created + (next() < 0.8 ? between(0.1, 3) : between(3, 20)) * DAY;
      if (submitted > nowMs) return plan;
      plan.submitted = submitted;
      plan.status = 'submitted';
      // Decided within a week, sometimes weeks later, now and then forgotten for months.
      const d = next();
      const decided = submitted + (d < 0.85 ? between(1, 7) : d < 0.997 ? between(7, 45) : between(60, 200)) * DAY;
      if (decided > nowMs) return plan;
      plan.decided = decided;
      if (next() < 0.02) {
        for (const l of lines) l.status = 'rejected';
        plan.status = 'rejected';
        return plan;
      }
      for (const l of lines) l.status = lines.length > 1 && next() < 0.04 ? 'rejected' : 'approved';
      if (lines.every((l) => l.status === 'rejected')) lines[0]!.status = 'approved';
      const approvedPence = lines.reduce((s, l) => s + (l.status === 'approved' ? l.amount : 0), 0);
      let approved = decided;
      if (approvedPence > secondOver) {
        const secondDecided = decided + (next() < 0.9 ? between(1, 10) : between(10, 40)) * DAY;
        if (secondDecided > nowMs) {
          plan.status = 'second_approval';
          return plan;
        }
        plan.secondDecided = secondDecided;
        if (next() < 0.03) {
          for (const l of lines) l.status = 'rejected';
          plan.status = 'rejected';
          return plan;
        }
        approved = secondDecided;
      }
      plan.status = 'approved';
      plan.approved = approved;
      // Paid in the next batch after a few days to a few weeks (longer now and then).
      const p = next();
      const paid = batchAfter(approved + (p < 0.62 ? between(4, 18) : p < 0.94 ? between(18, 42) : between(45, 110)) * DAY);
      if (paid > nowMs) return plan;
      plan.batch = paid;
      plan.paid = paid;
      const approvedLines = lines.map((l, i) => (l.status === 'approved' ? i : -1)).filter((i) => i >= 0);
      const f = next();
      if (f < 0.004 && paid + 40 * DAY < nowMs) {
        // The bank returned one payment; finance reversed it and paid it again in a later batch.
        const reversed = paid + between(2, 7) * DAY;
        plan.fix = { line: approvedLines[Math.floor(next() * approvedLines.length)]!, kind: 'payment', reversed, repaid: batchAfter(reversed + between(1, 7) * DAY) };
        plan.paid = plan.fix.repaid;
      } else if (f < 0.005 && approvedLines.length > 1) {
        // One line was approved in error (claimed twice): its owed entry reversed before the batch.
        plan.fix = { line: approvedLines[0]!, kind: 'owed', reversed: approved + (paid - approved) * between(0.1, 0.9) };
      }
      return plan;
    });

    // ---- Finance exports every fortnight; the last one part way through the lines still owed (about half of them before it).
    const unpaidApprovals = plans.filter((p) => p.status === 'approved' && p.paid === null).flatMap((p) => p.lines.filter((l) => l.status === 'approved').map(() => p.approved!)).sort((a, b) => a - b);
    const lastExport = unpaidApprovals[Math.floor(unpaidApprovals.length / 2)] ?? nowMs - DAY;
    const exportTimes: number[] = [];
    for (let t = lastExport; t > startMs; t -= EXPORT_EVERY_DAYS * DAY) exportTimes.unshift(t);
    const firstExport = await nextId(trx, 'finance_exports');
    const exportTotals = exportTimes.map(() => ({ lines: 0, pence: 0 }));
    /** The export that took an owed entry posted at `from` while it still had money owed (before `until`), or -1. */
    const exportFor = (from: number, until: number): number => {
      let lo = 0;
      let hi = exportTimes.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (exportTimes[mid]! <= from) lo = mid + 1;
        else hi = mid;
      }
      return lo < exportTimes.length && exportTimes[lo]! < until ? lo : -1;
    };
    await insertRows(trx, dialect, 'finance_exports', exportTimes.map((t, i) => ({ id: firstExport + i, created_by: adminId, created_at: iso(t), line_count: 0, total_pence: 0 })));

    // ---- Pass 2: the rows, a few thousand claims at a time (claims, then their lines, entries and export items).
    let claimId = await nextId(trx, 'claims');
    let lineId = await nextId(trx, 'claim_lines');
    let entryId = await nextId(trx, 'ledger_entries');
    let claimRows: Insertable<Database['claims']>[] = [];
    let lineRows: Insertable<Database['claim_lines']>[] = [];
    let entryRows: Insertable<Database['ledger_entries']>[] = [];
    let itemRows: Insertable<Database['finance_export_items']>[] = [];
    const flush = async (): Promise<void> => {
      await insertRows(trx, dialect, 'claims', claimRows);
      await insertRows(trx, dialect, 'claim_lines', lineRows);
      await insertRows(trx, dialect, 'ledger_entries', entryRows);
      await insertRows(trx, dialect, 'finance_export_items', itemRows);
      claimRows = [];
      lineRows = [];
      entryRows = [];
      itemRows = [];
    };
    const counts: FilledPayments['counts'] = {
      units: units.length, people: people.length, claims: 0, lines: 0, entries: 0, exports: exportTimes.length, exportItems: 0,
      statuses: { draft: 0, submitted: 0, second_approval: 0, approved: 0, rejected: 0, withdrawn: 0 },
      paidClaims: 0, unpaidClaims: 0, owedLines: 0, owedExported: 0, paymentsReturned: 0, owedReversed: 0,
    };
    const notExported = { lines: 0, totalPence: 0 };
    const waitingDays: string[] = [];
    const claimDays = new Map<number, string[]>();
    for (const p of plans) {
      const id = claimId++;
      const personId = people[p.person]!.id;
      counts.statuses[p.status]++;
      if (p.paid === null && p.status !== 'draft' && p.status !== 'rejected') waitingDays.push(p.activityDate);
      if (p.status === 'approved') {
        if (p.paid === null) counts.unpaidClaims++;
        else counts.paidClaims++;
      }
      const days = claimDays.get(personId) ?? [];
      days.push(p.activityDate);
      claimDays.set(personId, days);
      const updated = Math.max(p.created, p.submitted ?? 0, p.decided ?? 0, p.secondDecided ?? 0);
      claimRows.push({
        id, person_id: personId, unit_id: p.unitId, activity_kind: p.activityKind, activity_date: p.activityDate, description: CLAIM_WORDS[p.activityKind],
        meeting_id: null, attendance_id: null, project_id: null, preference: p.preference, status: p.status,
        total_pence: p.lines.reduce((s, l) => s + (l.status === 'rejected' ? 0 : l.amount), 0),
        created_by: adminId, created_at: iso(p.created), updated_at: iso(updated), submitted_at: p.submitted === null ? null : iso(p.submitted),
        decided_by: p.decided === null ? null : adminId, decided_at: p.decided === null ? null : iso(p.decided),
        second_decided_by: p.secondDecided === null ? null : adminId, second_decided_at: p.secondDecided === null ? null : iso(p.secondDecided),
        paid_at: p.paid === null ? null : iso(p.paid),
      });
      p.lines.forEach((l, index) => {
        const lid = lineId++;
        // A rejected line at the second approval was rejected then; the first decision otherwise.
        const decidedAt = l.status === 'pending' ? null : l.status === 'rejected' && p.secondDecided !== null ? p.secondDecided : p.decided;
        lineRows.push({
          id: lid, claim_id: id, kind: l.kind, category: l.category, description: l.description, quantity: l.quantity, amount_pence: l.amount,
          time_rate_id: l.timeRateId, expense_rate_id: l.expenseRateId, status: l.status, reason: l.status === 'rejected' ? 'No receipt' : null,
          decided_by: decidedAt === null ? null : adminId, decided_at: decidedAt === null ? null : iso(decidedAt), created_at: iso(p.created),
        });
        if (p.status !== 'approved' || l.status !== 'approved') return;
        // Owed on approval; exported by the next export while it was still owed; paid in the batch.
        const fix = p.fix?.line === index ? p.fix : null;
        const owedId = entryId++;
        entryRows.push({ id: owedId, claim_line_id: lid, person_id: personId, kind: 'owed', amount_pence: l.amount, reverses_id: null, paid_on: null, method: null, reference: null, batch: null, reason: null, created_by: adminId, created_at: iso(p.approved!) });
        counts.entries++;
        const firstPaid = p.batch;
        const owedUntil = fix?.kind === 'owed' ? fix.reversed : firstPaid ?? Infinity;
        const exported = exportFor(p.approved!, owedUntil);
        if (exported >= 0) {
          itemRows.push({ entry_id: owedId, export_id: firstExport + exported });
          exportTotals[exported]!.lines++;
          exportTotals[exported]!.pence += l.amount;
          counts.exportItems++;
        }
        if (fix?.kind === 'owed') {
          entryRows.push({ id: entryId++, claim_line_id: lid, person_id: personId, kind: 'reversal', amount_pence: -l.amount, reverses_id: owedId, paid_on: null, method: null, reference: null, batch: null, reason: 'Approved in error: claimed twice', created_by: adminId, created_at: iso(fix.reversed) });
          counts.entries++;
          counts.owedReversed++;
          return;
        }
        if (firstPaid === null) {
          counts.owedLines++;
          if (exported >= 0) counts.owedExported++;
          else {
            notExported.lines++;
            notExported.totalPence += l.amount;
          }
          return;
        }
        const method = p.preference === 'vouchers' && l.kind === 'time' ? ('vouchers' as const) : ('bank_transfer' as const);
        const payment = (at: number) => {
          const paidOn = londonDate(new Date(at));
          return { paid_on: paidOn, method, reference: method === 'vouchers' ? null : `BACS ${paidOn}`, batch: `Payment run ${paidOn}` };
        };
        const paidId = entryId++;
        entryRows.push({ id: paidId, claim_line_id: lid, person_id: personId, kind: 'paid', amount_pence: -l.amount, reverses_id: null, ...payment(firstPaid), reason: null, created_by: adminId, created_at: iso(firstPaid) });
        counts.entries++;
        if (fix?.kind === 'payment') {
          // Returned by the bank: the reversal keeps the payment's date; then paid again.
          entryRows.push({ id: entryId++, claim_line_id: lid, person_id: personId, kind: 'reversal', amount_pence: l.amount, reverses_id: paidId, paid_on: payment(firstPaid).paid_on, method: null, reference: null, batch: null, reason: 'Returned by the bank: account closed', created_by: adminId, created_at: iso(fix.reversed) });
          entryRows.push({ id: entryId++, claim_line_id: lid, person_id: personId, kind: 'paid', amount_pence: -l.amount, reverses_id: null, ...payment(fix.repaid), reason: null, created_by: adminId, created_at: iso(fix.repaid) });
          counts.entries += 2;
          counts.paymentsReturned++;
        }
      });
      counts.lines += p.lines.length;
      counts.claims++;
      if (claimRows.length >= 5_000) await flush();
    }
    await flush();
    for (const [i, total] of exportTotals.entries()) {
      await trx.updateTable('finance_exports').set({ line_count: total.lines, total_pence: total.pence }).where('id', '=', firstExport + i).execute();
    }
    await resetSequences(trx, dialect, ['people', 'time_rates', 'expense_rates', 'claims', 'claim_lines', 'ledger_entries', 'finance_exports']);

    const [busiestId, busiestDays] = [...claimDays.entries()].reduce((a, b) => (b[1].length > a[1].length ? b : a));
    return { adminEmail, trust, units, counts, notExported, waitingDays, busiest: { personId: busiestId, activityDays: busiestDays } };
  });
}
