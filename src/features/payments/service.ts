/**
 * Expenses and involvement payments (issue 8): the rates, settings and cost centres an admin keeps,
 * and the money rules every payments feature shares — pricing a line at the rate in force on the
 * activity's date, the append-only ledger, the tax year. claims/ and finance/ use these through
 * this file.
 */
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation } from '../../platform/db/index.ts';
import { CLAIM_ACTIVITIES, EXPENSE_CATEGORIES, RATE_BASES, type ClaimActivity, type ExpenseCategory, type OrgUnit, type PaymentSettings, type RateBasis } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths, type Permission, type Principal } from '../../platform/rbac/index.ts';
import { rootUnit, unitById, unitsUnder } from '../org/service.ts';
import { londonDate } from '../projects/service.ts';
import { pathIds } from './cost-centres.ts';
import * as q from './queries.ts';
import { costCentreSchema, expenseRateSchema, settingsSchema, timeRateSchema } from './schemas.ts';

export { formatPence, parsePounds, penceAsPounds } from './money.ts';
export { priceExpense, priceTime, type Priced } from './pricing.ts';
export { balanceOf, lineBalance, postOwed, postPaid, postReversal, type Payment } from './ledger.ts';
export { taxYear, taxYearOf, type TaxYear } from './tax-year.ts';
export { expenseRateOn, paymentSettings, timeRateOn } from './queries.ts';
export { taxLevel, taxYearStatus, type TaxLevel, type TaxYearStatus } from './tax-status.ts';
export { costCentreFor, costCentresFor } from './cost-centres.ts';

/** Anyone with one of these reaches the payments hub (and sees "Payments" in the navigation). */
export const PAYMENT_PERMISSIONS: readonly Permission[] = ['claims:manage', 'claims:second_approval', 'finance:pay', 'rates:manage'];

/** Validates after the permission check, so someone who may not change things learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** A stored date (YYYY-MM-DD) as people read it, e.g. "6 Apr 2027". */
export const shownDay = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));

/** Rates and settings are the trust's: they need rates:manage on the trust itself, not on one borough. */
async function requireTrustRates(ctx: ServiceContext): Promise<Principal> {
  const principal = requirePermission(ctx.principal, 'rates:manage');
  const trust = await rootUnit(ctx.db);
  if (!trust || !can(principal, 'rates:manage', trust)) throw new ForbiddenError();
  return principal;
}

// ---------------------------------------------------------------------------------------------
// The hub

export interface Hub {
  targetDays: number;
  may: { claims: boolean; approvals: boolean; finance: boolean; overdue: boolean; rates: boolean; costCentres: boolean };
}

/** What the payments hub offers this user: a link for each thing they may do. */
export async function hub(ctx: ServiceContext): Promise<Hub> {
  const principal = requireSignedIn(ctx.principal);
  if (!PAYMENT_PERMISSIONS.some((p) => can(principal, p))) throw new ForbiddenError();
  const [settings, trust] = await Promise.all([q.paymentSettings(ctx.db), rootUnit(ctx.db)]);
  const manage = can(principal, 'claims:manage');
  const pay = can(principal, 'finance:pay');
  return {
    targetDays: settings.target_days,
    may: {
      claims: manage,
      approvals: manage || can(principal, 'claims:second_approval'),
      finance: pay,
      overdue: manage || pay,
      rates: trust !== undefined && can(principal, 'rates:manage', trust),
      costCentres: can(principal, 'rates:manage'),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rates

export type RateState = 'past' | 'current' | 'future';

export interface TimeRateView extends q.TimeRateRow {
  state: RateState;
  deletable: boolean;
}
export interface ExpenseRateView extends q.ExpenseRateRow {
  state: RateState;
  deletable: boolean;
}

export interface TimeRateKind {
  activityKind: ClaimActivity;
  basis: RateBasis;
  current: TimeRateView | undefined;
  next: TimeRateView | undefined;
}
export interface ExpenseRateKind {
  category: ExpenseCategory;
  current: ExpenseRateView | undefined;
  next: ExpenseRateView | undefined;
}

export interface Rates {
  today: string;
  time: { kinds: TimeRateKind[]; history: TimeRateView[] };
  expenses: { kinds: ExpenseRateKind[]; history: ExpenseRateView[] };
}

/**
 * Marks each rate of one kind (sorted newest first) as past, in force today, or not yet in force.
 * Only a rate that has not taken effect and that no claim line uses may be deleted: past rates
 * never change, so past claims keep the rate they were made under.
 */
function withStates<R extends { effective_from: string; used: boolean | number }>(rates: R[], today: string): (R & { state: RateState; deletable: boolean })[] {
  let currentSeen = false;
  return rates.map((r) => {
    let state: RateState = 'future';
    if (r.effective_from <= today) {
      state = currentSeen ? 'past' : 'current';
      currentSeen = true;
    }
    return { ...r, used: Boolean(r.used), state, deletable: state === 'future' && !r.used };
  });
}

/** Every rate, and for each kind the one in force today and the next change. */
export async function rates(ctx: ServiceContext): Promise<Rates> {
  await requireTrustRates(ctx);
  const today = londonDate();
  const [timeRows, expenseRows] = await Promise.all([q.timeRatesWithUse(ctx.db), q.expenseRatesWithUse(ctx.db)]);
  const timeKinds: TimeRateKind[] = [];
  const timeHistory: TimeRateView[] = [];
  for (const activityKind of CLAIM_ACTIVITIES) {
    for (const basis of RATE_BASES) {
      const ofKind = withStates(timeRows.filter((r) => r.activity_kind === activityKind && r.basis === basis), today);
      timeHistory.push(...ofKind);
      timeKinds.push({ activityKind, basis, current: ofKind.find((r) => r.state === 'current'), next: ofKind.filter((r) => r.state === 'future').at(-1) });
    }
  }
  const expenseKinds: ExpenseRateKind[] = [];
  const expenseHistory: ExpenseRateView[] = [];
  for (const category of EXPENSE_CATEGORIES) {
    const ofKind = withStates(expenseRows.filter((r) => r.category === category), today);
    expenseHistory.push(...ofKind);
    expenseKinds.push({ category, current: ofKind.find((r) => r.state === 'current'), next: ofKind.filter((r) => r.state === 'future').at(-1) });
  }
  return { today, time: { kinds: timeKinds, history: timeHistory }, expenses: { kinds: expenseKinds, history: expenseHistory } };
}

/** The rate form's permission check, for the GET of the form. */
export async function mayManageRates(ctx: ServiceContext): Promise<void> {
  await requireTrustRates(ctx);
}

/**
 * A new rate may start in the past (a rise backdated to the start of the year) but not on or before
 * the activity date of a claim already priced at this kind's rates: those claims keep the rate
 * they were made under, and the history must still say which rate was in force for them.
 */
function refuseIfPriced(effectiveFrom: string, lastPriced: string | null): void {
  if (lastPriced !== null && effectiveFrom <= lastPriced) {
    throw ValidationError.one('effectiveFrom', t('errors.payments.pricedAfter', { date: shownDay(lastPriced) }));
  }
}

export async function addTimeRate(ctx: ServiceContext, raw: unknown): Promise<q.TimeRateRow> {
  const principal = await requireTrustRates(ctx);
  const input = parse(timeRateSchema, raw);
  const duplicate = () => ValidationError.one('effectiveFrom', 'errors.payments.duplicateTimeRate');
  if (await q.timeRateOnDay(ctx.db, input.activityKind, input.basis, input.effectiveFrom)) throw duplicate();
  refuseIfPriced(input.effectiveFrom, await q.lastTimePricedDay(ctx.db, input.activityKind, input.basis));
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const rate = await q.insertTimeRate(trx, { ...input, amountPence: input.amount, createdBy: principal.userId });
      await audit(trx, auditContext(ctx), {
        action: 'time_rate.created', entityType: 'time_rate', entityId: rate.id,
        details: { activityKind: rate.activity_kind, basis: rate.basis, amountPence: rate.amount_pence, effectiveFrom: rate.effective_from },
      });
      return { ...rate, used: false };
    });
  } catch (err) {
    // Two admins adding the same rate at once: the database's unique constraint decides.
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
}

export async function addExpenseRate(ctx: ServiceContext, raw: unknown): Promise<q.ExpenseRateRow> {
  const principal = await requireTrustRates(ctx);
  const input = parse(expenseRateSchema, raw);
  const duplicate = () => ValidationError.one('effectiveFrom', 'errors.payments.duplicateExpenseRate');
  if (await q.expenseRateOnDay(ctx.db, input.category, input.effectiveFrom)) throw duplicate();
  refuseIfPriced(input.effectiveFrom, await q.lastExpensePricedDay(ctx.db, input.category));
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const rate = await q.insertExpenseRate(trx, {
        category: input.category, limitPence: input.limit ?? null, pencePerMile: input.perMile ?? null, needsApproval: input.needsApproval,
        effectiveFrom: input.effectiveFrom, createdBy: principal.userId,
      });
      await audit(trx, auditContext(ctx), {
        action: 'expense_rate.created', entityType: 'expense_rate', entityId: rate.id,
        details: { category: rate.category, limitPence: rate.limit_pence, pencePerMile: rate.pence_per_mile, needsApproval: rate.needs_approval === 1, effectiveFrom: rate.effective_from },
      });
      return { ...rate, used: false };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
}

function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Why a rate cannot be deleted, or nothing when it can. */
function refusal(rate: { effective_from: string } | undefined, used: boolean, today: string): string | null {
  if (!rate) return 'errors.payments.rateNotFound';
  if (rate.effective_from <= today) return 'errors.payments.rateInForce';
  if (used) return 'errors.payments.rateUsed';
  return null;
}

async function deleteRate(ctx: ServiceContext, kind: 'time' | 'expense', id: number): Promise<void> {
  await requireTrustRates(ctx);
  const today = londonDate();
  const rate = isRecordId(id) ? await (kind === 'time' ? q.timeRateById(ctx.db, id) : q.expenseRateById(ctx.db, id)) : undefined;
  const rows = kind === 'time' ? await q.timeRatesWithUse(ctx.db) : await q.expenseRatesWithUse(ctx.db);
  const used = Boolean(rows.find((r) => r.id === id)?.used);
  const why = refusal(rate, used, today);
  if (why) throw ValidationError.one('rates', why);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      // The conditions again, in the delete itself, in case a claim was priced at it meanwhile.
      const deleted = kind === 'time' ? await q.deleteFutureTimeRate(trx, id, today) : await q.deleteFutureExpenseRate(trx, id, today);
      if (!deleted) throw ValidationError.one('rates', 'errors.payments.rateUsed');
      await audit(trx, auditContext(ctx), { action: `${kind}_rate.deleted`, entityType: `${kind}_rate`, entityId: id, details: { effectiveFrom: rate!.effective_from } });
    });
  } catch (err) {
    if (isForeignKeyViolation(err)) throw ValidationError.one('rates', 'errors.payments.rateUsed');
    throw err;
  }
}

export const deleteTimeRate = (ctx: ServiceContext, id: number): Promise<void> => deleteRate(ctx, 'time', id);
export const deleteExpenseRate = (ctx: ServiceContext, id: number): Promise<void> => deleteRate(ctx, 'expense', id);

// ---------------------------------------------------------------------------------------------
// Settings

export async function settings(ctx: ServiceContext): Promise<PaymentSettings> {
  await requireTrustRates(ctx);
  return q.paymentSettings(ctx.db);
}

/** Saves the trust's payment settings; the audit row names the settings that changed. */
export async function updateSettings(ctx: ServiceContext, raw: unknown): Promise<void> {
  const principal = await requireTrustRates(ctx);
  const input = parse(settingsSchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await q.paymentSettings(trx);
    const after = {
      target_days: input.targetDays,
      second_approval_over_pence: input.secondApproval,
      tax_year_threshold_pence: input.taxThreshold,
      warn_at_percent: input.warnAt,
    };
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
    await q.updateSettings(trx, { ...after, updated_by: principal.userId });
    await audit(trx, auditContext(ctx), {
      action: 'payment_settings.updated', entityType: 'payment_settings', entityId: 1,
      details: { changed: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: after[k] }])) },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Cost centres

export interface UnitCostCentre {
  unit: OrgUnit;
  depth: number;
  /** The unit's own code, if it has one. */
  own: string | null;
  /** The code that applies: its own, or the nearest unit above's. */
  code: string | null;
  /** The unit the code comes from when it is not the unit's own. */
  from: OrgUnit | undefined;
}

/** One unit's cost centre for its form: also the code it would use without its own, and whose that is. */
export interface UnitCostCentreDetail extends UnitCostCentre {
  inherited: { code: string; unit: OrgUnit } | null;
}

/**
 * The units where the user may set cost centres, each with the code that applies to it and where
 * that code comes from. A code set above the user's units still shows as inherited.
 */
export async function costCentres(ctx: ServiceContext): Promise<UnitCostCentre[]> {
  const principal = requirePermission(ctx.principal, 'rates:manage');
  const units = await unitsUnder(ctx.db, scopePaths(principal, 'rates:manage'));
  if (units.length === 0) return [];
  const ancestorIds = [...new Set(units.flatMap((u) => pathIds(u.path)))];
  const codes = new Map<number, string>();
  for (let i = 0; i < ancestorIds.length; i += 500) {
    for (const r of await q.costCentreCodes(ctx.db, ancestorIds.slice(i, i + 500))) codes.set(r.unit_id, r.code);
  }
  const byId = new Map(units.map((u) => [u.id, u]));
  const outside = ancestorIds.filter((id) => !byId.has(id) && codes.has(id));
  for (const id of outside) {
    const u = await unitById(ctx.db, id);
    if (u) byId.set(id, u);
  }
  const topDepth = Math.min(...units.map((u) => pathIds(u.path).length));
  return units.map((unit) => {
    const holder = pathIds(unit.path).find((id) => codes.has(id));
    return {
      unit,
      depth: pathIds(unit.path).length - topDepth,
      own: codes.get(unit.id) ?? null,
      code: holder === undefined ? null : codes.get(holder)!,
      from: holder === undefined || holder === unit.id ? undefined : byId.get(holder),
    };
  });
}

/** One unit's cost centre, for its form; a unit outside the user's units is a 404. */
export async function unitCostCentre(ctx: ServiceContext, unitId: number): Promise<UnitCostCentreDetail> {
  requirePermission(ctx.principal, 'rates:manage');
  const unit = isRecordId(unitId) ? await unitById(ctx.db, unitId) : undefined;
  requireInScope(ctx.principal, 'rates:manage', unit);
  if (!unit || unit.archived_at) throw new NotFoundError();
  const chain = pathIds(unit.path);
  const codes = new Map((await q.costCentreCodes(ctx.db, chain)).map((r) => [r.unit_id, r.code]));
  const holder = chain.slice(1).find((id) => codes.has(id));
  const above = holder === undefined ? undefined : await unitById(ctx.db, holder);
  const own = codes.get(unit.id) ?? null;
  const inherited = above ? { code: codes.get(above.id)!, unit: above } : null;
  return { unit, depth: 0, own, code: own ?? inherited?.code ?? null, from: own === null ? above : undefined, inherited };
}

/** Sets a unit's cost centre, or clears it (an empty code) so it uses the unit above's; audited. */
export async function setCostCentre(ctx: ServiceContext, unitId: number, raw: unknown): Promise<{ unit: OrgUnit; cleared: boolean }> {
  const { unit, own } = await unitCostCentre(ctx, unitId);
  const { code } = parse(costCentreSchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    if (code === undefined) await q.clearCostCentre(trx, unit.id);
    else await q.setCostCentre(trx, unit.id, code);
    await audit(trx, auditContext(ctx), {
      action: code === undefined ? 'cost_centre.cleared' : 'cost_centre.set', entityType: 'org_unit', entityId: unit.id,
      details: { from: own, to: code ?? null },
    });
  });
  return { unit, cleared: code === undefined };
}
