import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, type Db } from '../../platform/db/index.ts';
import type { OrgUnit, PaymentMethod } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors/index.ts';
import { can, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { paymentSettings, taxYear, taxYearOf, taxYearStatus, type TaxYear, type TaxYearStatus } from '../payments/service.ts';
import { currentMonth, londonDate, monthEnd } from '../projects/service.ts';
import * as q from './queries.ts';
import type { OverdueQuery, PaidQuery } from './schemas.ts';

/**
 * Payment reports (issue 8): how promptly people are paid, and what each person has been paid.
 * The overdue list and the claims paid in a month for leads (claims:manage) and finance
 * (finance:pay) in their units; a person's payments in the tax year and their annual statement
 * (the same people, and the partner for their own); and the promptness figures the involvement
 * dashboard charts. Nothing here shows health details: finance sees these pages too.
 */

export const OVERDUE_PAGE_SIZE = 50;
export const PAID_PAGE_SIZE = 50;

export { WAITING_STATUSES, type ClaimListRow } from './queries.ts';

const DAY_MS = 86_400_000;

/** Whole days from one date (YYYY-MM-DD) to a later one. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The date some days before another. */
export function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
}

function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** A London month as instants: its first instant and the first after it. */
export function monthInstants(month: string): { from: string; to: string } {
  return { from: monthEnd(monthBefore(month)).endInstant, to: monthEnd(month).endInstant };
}

// ---- Who may see what

const PAYER_PERMISSIONS = ['claims:manage', 'finance:pay'] as const;

/** May this user open the overdue list and the claims paid (on this unit, or anywhere)? */
export function mayOpenPaymentLists(principal: Principal | null | undefined, unit?: { path: string }): boolean {
  return PAYER_PERMISSIONS.some((p) => can(principal, p, unit));
}

/** Unit path prefixes where the user makes claims or pays them. */
function payerPaths(principal: Principal): string[] {
  const paths = [...new Set(PAYER_PERMISSIONS.flatMap((p) => scopePaths(principal, p)))];
  return paths.filter((p) => !paths.some((other) => other !== p && p.startsWith(other)));
}

interface PayerScope {
  principal: Principal;
  units: OrgUnit[];
  unit: OrgUnit | undefined;
  prefixes: string[];
}

/** Leads and finance only (403 for anyone else); a unit outside theirs is a 404. */
async function payerScope(ctx: ServiceContext, unitId: number | undefined): Promise<PayerScope> {
  const principal = requireSignedIn(ctx.principal);
  if (!mayOpenPaymentLists(principal)) throw new ForbiddenError();
  const paths = payerPaths(principal);
  let unit: OrgUnit | undefined;
  if (unitId !== undefined) {
    unit = isRecordId(unitId) ? await unitById(ctx.db, unitId) : undefined;
    if (!unit || !mayOpenPaymentLists(principal, unit)) throw new NotFoundError();
  }
  return { principal, units: await unitsUnder(ctx.db, paths), unit, prefixes: unit ? [unit.path] : paths };
}

// ---- Overdue claims

export type WaitingOn = 'approval' | 'secondApproval' | 'payment';

export interface OverdueRow extends q.ClaimListRow {
  daysWaiting: number;
  daysOverdue: number;
  waitingOn: WaitingOn;
}

export interface OverdueList {
  units: OrgUnit[];
  unit: OrgUnit | undefined;
  targetDays: number;
  today: string;
  total: number;
  rows: OverdueRow[];
  /** The cursor for the next page ("YYYY-MM-DD.id"), or null on the last page. */
  next: string | null;
}

function waitingOn(status: q.ClaimListRow['status']): WaitingOn {
  return status === 'submitted' ? 'approval' : status === 'second_approval' ? 'secondApproval' : 'payment';
}

/**
 * Claims not yet paid whose activity was more than the target number of days ago (in London),
 * oldest first, with how long each has waited and who it is waiting on; a page at a time.
 */
export async function overdueList(ctx: ServiceContext, query: OverdueQuery, at: Date = new Date()): Promise<OverdueList> {
  const s = await payerScope(ctx, query.unitId);
  const { target_days: targetDays } = await paymentSettings(ctx.db);
  const today = londonDate(at);
  const before = daysBefore(today, targetDays);
  const [total, rows] = await Promise.all([
    q.overdueCount(ctx.db, { prefixes: s.prefixes, before }),
    q.overdueClaims(ctx.db, { prefixes: s.prefixes, before, ...(query.after ? { after: query.after } : {}), limit: OVERDUE_PAGE_SIZE + 1 }),
  ]);
  const page = rows.slice(0, OVERDUE_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    units: s.units,
    unit: s.unit,
    targetDays,
    today,
    total,
    rows: page.map((r) => {
      const daysWaiting = daysBetween(r.activity_date, today);
      return { ...r, daysWaiting, daysOverdue: daysWaiting - targetDays, waitingOn: waitingOn(r.status) };
    }),
    next: rows.length > OVERDUE_PAGE_SIZE && last ? `${last.activity_date}.${last.id}` : null,
  };
}

// ---- Promptness: days from activity to payment, month by month

export interface PromptnessMonth {
  /** The London month the claims were paid in, YYYY-MM. */
  month: string;
  paid: number;
  withinTarget: number;
  /** The median days from activity to payment; null when nothing was paid. */
  medianDays: number | null;
}

/** The median of counted values (value → how many), or null when there are none. */
export function medianOfCounts(counts: ReadonlyMap<number, number>): number | null {
  const values = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = values.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  // The value at a 0-based position in the sorted list.
  const at = (position: number): number => {
    let seen = 0;
    for (const [value, n] of values) {
      seen += n;
      if (position < seen) return value;
    }
    return values[values.length - 1]![0];
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/**
 * For each month (London months, by when the claim was paid): how many claims were paid, how many
 * within the target days of their activity, and the median days from activity to payment.
 */
export async function promptnessByMonth(db: Db, f: { prefixes: readonly string[]; months: readonly string[]; targetDays: number }): Promise<PromptnessMonth[]> {
  if (f.months.length === 0) return [];
  const counts = await q.paidCounts(db, { prefixes: f.prefixes, from: monthInstants(f.months[0]!).from, to: monthInstants(f.months[f.months.length - 1]!).to });
  const byMonth = new Map<string, Map<number, number>>(f.months.map((m) => [m, new Map()]));
  // Many rows share an hour paid (a payment batch): work out each hour's London day once.
  const dayOfHour = new Map<string, string>();
  for (const c of counts) {
    let paidDay = dayOfHour.get(c.paid_hour);
    if (paidDay === undefined) dayOfHour.set(c.paid_hour, (paidDay = londonDate(new Date(`${c.paid_hour}:00:00.000Z`))));
    const days = byMonth.get(paidDay.slice(0, 7));
    if (!days) continue;
    const d = daysBetween(c.activity_date, paidDay);
    days.set(d, (days.get(d) ?? 0) + c.n);
  }
  return f.months.map((month) => {
    const days = byMonth.get(month)!;
    let paid = 0;
    let withinTarget = 0;
    for (const [d, n] of days) {
      paid += n;
      if (d <= f.targetDays) withinTarget += n;
    }
    return { month, paid, withinTarget, medianDays: medianOfCounts(days) };
  });
}

export interface Promptness {
  targetDays: number;
  months: PromptnessMonth[];
  /** Claims not paid whose activity was more than the target days ago. */
  overdue: number;
}

/** The dashboard's promptness figures for units (path prefixes) over the given months. */
export async function promptness(db: Db, f: { prefixes: readonly string[]; months: readonly string[] }, at: Date = new Date()): Promise<Promptness> {
  const { target_days: targetDays } = await paymentSettings(db);
  const [months, overdue] = await Promise.all([
    promptnessByMonth(db, { ...f, targetDays }),
    q.overdueCount(db, { prefixes: f.prefixes, before: daysBefore(londonDate(at), targetDays) }),
  ]);
  return { targetDays, months, overdue };
}

// ---- Claims paid in a month

export interface PaidRow extends q.ClaimListRow {
  paidOn: string;
  days: number;
  withinTarget: boolean;
}

export interface PaidList {
  units: OrgUnit[];
  unit: OrgUnit | undefined;
  month: string;
  targetDays: number;
  summary: PromptnessMonth;
  rows: PaidRow[];
  next: string | null;
}

/**
 * The claims paid in a London month in the user's units (or the chosen unit), in the order they
 * were paid, with the days each took from activity to payment: the records behind a month of the
 * dashboard's promptness charts.
 */
export async function paidList(ctx: ServiceContext, query: PaidQuery, at: Date = new Date()): Promise<PaidList> {
  const s = await payerScope(ctx, query.unitId);
  const now = currentMonth(at);
  const month = query.month && query.month <= now ? query.month : now;
  const { target_days: targetDays } = await paymentSettings(ctx.db);
  const span = monthInstants(month);
  const [summary, rows] = await Promise.all([
    promptnessByMonth(ctx.db, { prefixes: s.prefixes, months: [month], targetDays }),
    q.paidClaims(ctx.db, { prefixes: s.prefixes, ...span, ...(query.after ? { after: query.after } : {}), limit: PAID_PAGE_SIZE + 1 }),
  ]);
  const page = rows.slice(0, PAID_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    units: s.units,
    unit: s.unit,
    month,
    targetDays,
    summary: summary[0]!,
    rows: page.map((r) => {
      const paidOn = londonDate(new Date(r.paid_at as string));
      const days = daysBetween(r.activity_date, paidOn);
      return { ...r, paidOn, days, withinTarget: days <= targetDays };
    }),
    next: rows.length > PAID_PAGE_SIZE && last ? `${last.paid_at}_${last.id}` : null,
  };
}

// ---- A person's payments

/** A person's register entry for payments: leads and finance for the person's unit; anyone else a 404. */
async function payeeAccess(ctx: ServiceContext, personId: number): Promise<{ principal: Principal; person: q.PersonRow }> {
  const principal = requireSignedIn(ctx.principal);
  if (!mayOpenPaymentLists(principal)) throw new ForbiddenError();
  const person = isRecordId(personId) ? await q.personById(ctx.db, personId) : undefined;
  if (!person || !mayOpenPaymentLists(principal, { path: person.unit_path })) throw new NotFoundError();
  return { principal, person };
}

/** The tax years from the one holding `first` to the one holding `today`, newest first. */
export function taxYearsBetween(first: string | null, today: string): TaxYear[] {
  const last = taxYearOf(today).startYear;
  const from = first ? Math.min(taxYearOf(first).startYear, last) : last;
  const years: TaxYear[] = [];
  for (let y = last; y >= from; y--) years.push(taxYear(y));
  return years;
}

export interface PersonPayments {
  person: q.PersonRow;
  status: TaxYearStatus;
  claims: Awaited<ReturnType<typeof q.claimsOfPerson>>;
  years: TaxYear[];
  /** The register entry, for those who may open it. */
  registerHref: string | null;
  /** The trust's warning threshold as a percentage. */
  warnAtPercent: number;
}

/**
 * A person's involvement payments this tax year against the trust's threshold (with a warning when
 * near or over it), their claims with activity in the year, and their annual statements. Audited
 * as a view of the person's payment record.
 */
export async function personPayments(ctx: ServiceContext, personId: number, at: Date = new Date()): Promise<PersonPayments> {
  const { principal, person } = await payeeAccess(ctx, personId);
  const today = londonDate(at);
  const [status, first, settings] = await Promise.all([taxYearStatus(ctx.db, person.id, today), q.firstDayOfPerson(ctx.db, person.id), paymentSettings(ctx.db)]);
  const claims = await q.claimsOfPerson(ctx.db, person.id, status.year.start, status.year.end);
  await audit(ctx.db, auditContext(ctx), {
    action: 'person.payments_viewed',
    entityType: 'person',
    entityId: person.id,
    subjectUserId: person.user_id,
    details: { taxYear: status.year.startYear },
  });
  return {
    person,
    status,
    claims,
    years: taxYearsBetween(first, today),
    registerHref: can(principal, 'people:view', { path: person.unit_path }) ? `/people/${person.id}` : null,
    warnAtPercent: settings.warn_at_percent,
  };
}

// ---- The annual statement

export type StatementColumn = 'time' | 'vouchers' | 'expenses';

export interface StatementRow {
  paidOn: string;
  claimId: number;
  activityKind: q.PaymentEntryRow['activity_kind'];
  activityDate: string;
  description: string;
  /** A reversal: a payment taken back (shown as minus amounts), with the reason and when. */
  reversal: boolean;
  reason: string | null;
  reversedOn: string | null;
  method: PaymentMethod | null;
  /** Pence paid in each column (minus for a reversal). */
  time: number;
  vouchers: number;
  expenses: number;
  total: number;
}

export interface StatementTotals {
  time: number;
  vouchers: number;
  expenses: number;
  total: number;
  /** Involvement payments, the part that may count as income: time paid in money or vouchers. */
  involvement: number;
}

/** Which column an entry's money goes in: time paid in vouchers, other time, or expenses paid back. */
export function columnOf(lineKind: q.PaymentEntryRow['line_kind'], method: PaymentMethod | null): StatementColumn {
  if (lineKind === 'expense') return 'expenses';
  return method === 'vouchers' ? 'vouchers' : 'time';
}

/**
 * The statement's rows from the ledger: one per claim paid on a day by one method, and one per
 * reversal of such payments, each split into time, vouchers and expenses; and the totals, which
 * are the sums of the rows. Payments are shown as positive amounts, reversals as negative.
 */
export function statementRows(entries: readonly q.PaymentEntryRow[]): { rows: StatementRow[]; totals: StatementTotals } {
  const rows = new Map<string, StatementRow>();
  for (const e of entries) {
    const reversal = e.kind === 'reversal';
    const method = reversal ? e.reversed_method : e.method;
    const reversedOn = reversal ? londonDate(new Date(e.created_at)) : null;
    const key = [e.paid_on, e.claim_id, reversal ? `reversal:${reversedOn}:${e.reason ?? ''}` : 'paid', method ?? ''].join('|');
    let row = rows.get(key);
    if (!row) {
      row = {
        paidOn: e.paid_on,
        claimId: e.claim_id,
        activityKind: e.activity_kind,
        activityDate: e.activity_date,
        description: e.description,
        reversal,
        reason: reversal ? e.reason : null,
        reversedOn,
        method,
        time: 0,
        vouchers: 0,
        expenses: 0,
        total: 0,
      };
      rows.set(key, row);
    }
    // A payment is a minus entry in the ledger (it takes away what is owed); on the statement it is money received.
    const shown = -e.amount_pence;
    row[columnOf(e.line_kind, method)] += shown;
    row.total += shown;
  }
  const list = [...rows.values()];
  const sum = (k: 'time' | 'vouchers' | 'expenses' | 'total') => list.reduce((s, r) => s + r[k], 0);
  const totals = { time: sum('time'), vouchers: sum('vouchers'), expenses: sum('expenses'), total: sum('total'), involvement: 0 };
  totals.involvement = totals.time + totals.vouchers;
  return { rows: list, totals };
}

export interface Statement {
  person: q.PersonRow;
  year: TaxYear;
  rows: StatementRow[];
  totals: StatementTotals;
  /** Statements for other years, for links. */
  years: TaxYear[];
  today: string;
  self: boolean;
}

async function buildStatement(ctx: ServiceContext, person: q.PersonRow, startYear: number, self: boolean, at: Date): Promise<Statement> {
  const today = londonDate(at);
  const first = await q.firstDayOfPerson(ctx.db, person.id);
  const years = taxYearsBetween(first, today);
  // A tax year not yet begun, or before any record could be, is not a page.
  if (!Number.isSafeInteger(startYear) || startYear > taxYearOf(today).startYear || startYear < 2000) throw new NotFoundError();
  const year = taxYear(startYear);
  const { rows, totals } = statementRows(await q.paymentsOfPerson(ctx.db, person.id, year.start, year.end));
  await audit(ctx.db, auditContext(ctx), {
    action: 'person.payment_statement_viewed',
    entityType: 'person',
    entityId: person.id,
    subjectUserId: person.user_id,
    details: { taxYear: startYear, ...(self ? { self: true } : {}) },
  });
  return { person, year, rows, totals, years, today, self };
}

/** A person's annual statement for the tax year starting in `startYear`: leads and finance for the person's unit. */
export async function statementFor(ctx: ServiceContext, personId: number, startYear: number, at: Date = new Date()): Promise<Statement> {
  const { person } = await payeeAccess(ctx, personId);
  return buildStatement(ctx, person, startYear, false, at);
}

/** A partner's own annual statement, through their register entry; a 404 when they have none. */
export async function myStatement(ctx: ServiceContext, startYear: number, at: Date = new Date()): Promise<Statement> {
  const principal = requireSignedIn(ctx.principal);
  const person = await q.personOfUser(ctx.db, principal.userId);
  if (!person) throw new NotFoundError();
  return buildStatement(ctx, person, startYear, true, at);
}
