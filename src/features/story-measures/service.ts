import { stringify } from 'csv-stringify/sync';
import type { ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import type { OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requirePermission, scopePaths } from '../../platform/rbac/index.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { medianOfCounts } from '../payment-reports/service.ts';
import { currentMonth, monthEnd } from '../projects/service.ts';
import * as q from './queries.ts';
import { DEFAULT_MONTHS, MAX_MONTHS, measuresQuery } from './schemas.ts';

/*
 * Measures of the story loop (issue 7, point 9): for a unit and everything below it, month by
 * month (London months), whether stories are received, answered, discussed and acted on. Figures
 * only, no personal data, so nothing is audited. Definitions (docs/stories.md, "Measures"):
 *
 * - received: every story that arrived in the month (by received_at), whatever became of it:
 *   a rejected story was still received;
 * - answered within 7 / 28 days: of the stories received in the month and published, those whose
 *   first response came at most 7 × 24 / 28 × 24 hours after receipt. A story received too
 *   recently to have had the whole time, and not yet answered, is left out (not "due" yet);
 * - median days to first response: whole days, of the published stories received in the month
 *   and answered so far; those not answered yet are "waiting";
 * - shared and discussed: of the published stories received in the month, those in any team
 *   discussion (story_discussion_stories);
 * - changes made: responses recording a change made, by the month of the response.
 */

export { DEFAULT_MONTHS, MAX_MONTHS } from './schemas.ts';

/** The month before a YYYY-MM month. */
export function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The months from one to another, both included, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = to; m >= from; m = monthBefore(m)) out.unshift(m);
  return out;
}

/** Each month's first instant (midnight in London, as UTC ISO) and the first instant after the last. */
export function monthBounds(months: string[]): q.MonthBounds {
  const last = months[months.length - 1] as string;
  return { months, starts: months.map((m) => monthEnd(monthBefore(m)).endInstant), end: monthEnd(last).endInstant };
}

export interface MeasureMonth {
  month: string;
  /** Every story received (any status). */
  received: number;
  /** Of those, published. */
  published: number;
  /** Published stories answered within 7 days, and those due (had 7 days, or answered within them). */
  within7: number;
  due7: number;
  within28: number;
  due28: number;
  /** Published stories answered so far, and those waiting for a first response. */
  answered: number;
  waiting: number;
  /** Median whole days to the first response of those answered; null when none were. */
  medianDays: number | null;
  /** Published stories shared and discussed at a team meeting. */
  shared: number;
  /** Responses recording a change made, in the month. */
  changesMade: number;
}

export interface StoryMeasures {
  /** Units the user may choose (stories:view). */
  units: OrgUnit[];
  unit: OrgUnit;
  from: string;
  to: string;
  months: MeasureMonth[];
}

/** The figures for each month, from the grouped rows (pure; exported for tests). */
export function foldMonths(months: string[], cohorts: q.CohortRow[], changes: Map<string, number>): MeasureMonth[] {
  const byMonth = new Map<string, MeasureMonth & { days: Map<number, number> }>(
    months.map((month) => [
      month,
      { month, received: 0, published: 0, within7: 0, due7: 0, within28: 0, due28: 0, answered: 0, waiting: 0, medianDays: null, shared: 0, changesMade: changes.get(month) ?? 0, days: new Map() },
    ]),
  );
  for (const r of cohorts) {
    const m = byMonth.get(r.month);
    if (!m) continue;
    m.received += r.stories;
    if (!r.published) continue;
    m.published += r.stories;
    m.within7 += r.within7;
    m.due7 += r.due7;
    m.within28 += r.within28;
    m.due28 += r.due28;
    m.shared += r.shared;
    if (r.days === null) m.waiting += r.stories;
    else {
      m.answered += r.stories;
      m.days.set(r.days, (m.days.get(r.days) ?? 0) + r.stories);
    }
  }
  return months.map((month) => {
    const { days, ...m } = byMonth.get(month) as MeasureMonth & { days: Map<number, number> };
    return { ...m, medianDays: medianOfCounts(days) };
  });
}

/** The months asked for: both given, one (the other from the default length), or neither (the last 24 ending this month). */
function chosenMonths(from: string | undefined, to: string | undefined, at: Date): { from: string; to: string } {
  const now = currentMonth(at);
  const back = (m: string, n: number): string => {
    let out = m;
    for (let i = 1; i < n; i++) out = monthBefore(out);
    return out;
  };
  if (to !== undefined && to > now) throw ValidationError.one('to', 'errors.storyMeasures.monthInFuture');
  if (from !== undefined && from > now) throw ValidationError.one('from', 'errors.storyMeasures.monthInFuture');
  const end = to ?? now;
  const start = from ?? back(end, DEFAULT_MONTHS);
  if (start > end) throw ValidationError.one('to', 'errors.storyMeasures.toBeforeFrom');
  if (monthsBetween(start, end).length > MAX_MONTHS) throw ValidationError.one('from', 'errors.storyMeasures.tooManyMonths');
  return { from: start, to: end };
}

/** Units the user sees stories of, and the one chosen (by default their first unit at the top of their scope). */
async function chosenUnit(ctx: ServiceContext, unitParam: string | undefined): Promise<{ units: OrgUnit[]; unit: OrgUnit }> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const units = await unitsUnder(ctx.db, scopePaths(principal, 'stories:view'));
  if (unitParam === undefined) {
    const top = units[0];
    if (!top) throw new NotFoundError();
    return { units, unit: top };
  }
  const id = /^\d{1,10}$/.test(unitParam) ? Number(unitParam) : NaN;
  const unit = isRecordId(id) ? await unitById(ctx.db, id) : undefined;
  if (!unit || !can(principal, 'stories:view', unit)) throw new NotFoundError();
  return { units, unit };
}

/**
 * The measures for a unit (and every unit below it) over the months asked for. Checks the
 * permission first, then the months (400 naming the field), then the unit (404 outside scope).
 */
export async function storyMeasures(ctx: ServiceContext, raw: Record<string, unknown>, at: Date = new Date()): Promise<StoryMeasures> {
  requirePermission(ctx.principal, 'stories:view');
  const parsed = measuresQuery.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { from, to } = chosenMonths(parsed.data.from, parsed.data.to, at);
  const { units, unit } = await chosenUnit(ctx, parsed.data.unit);
  const months = monthsBetween(from, to);
  const bounds = monthBounds(months);
  const paths = [unit.path];
  const cutoff = (days: number): string => new Date(at.getTime() - days * q.DAY_MS).toISOString();
  const [cohorts, changes] = await Promise.all([
    q.cohorts(ctx.db, ctx.dialect, { paths, bounds, cutoff7: cutoff(7), cutoff28: cutoff(28) }),
    q.changesMade(ctx.db, { paths, bounds }),
  ]);
  return { units, unit, from, to, months: foldMonths(months, cohorts, changes) };
}

/** The units the form offers, for a page answering 400 (the permission is checked again). */
export async function unitsForForm(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  return unitsUnder(ctx.db, scopePaths(principal, 'stories:view'));
}

/** A share as a percentage to one decimal place, or null without a denominator (the CSV and the tables agree). */
export function percent(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 10 : null;
}

export const CSV_COLUMNS = [
  'month', 'received', 'published', 'within7', 'due7', 'percent7', 'within28', 'due28', 'percent28',
  'answered', 'waiting', 'medianDays', 'shared', 'percentShared', 'changesMade',
] as const;

/** The figures as CSV (one row a month, headings from the catalogue) and a file name. */
export function measuresCsv(m: StoryMeasures): { filename: string; body: string } {
  const blank = (v: number | null): number | string => (v === null ? '' : v);
  const rows = m.months.map((r) => [
    r.month, r.received, r.published, r.within7, r.due7, blank(percent(r.within7, r.due7)), r.within28, r.due28, blank(percent(r.within28, r.due28)),
    r.answered, r.waiting, blank(r.medianDays), r.shared, blank(percent(r.shared, r.published)), r.changesMade,
  ]);
  const body = stringify([CSV_COLUMNS.map((c) => t(`storyMeasures.csv.${c}`)), ...rows]);
  return { filename: `story-measures-unit-${m.unit.id}-${m.from}-to-${m.to}.csv`, body };
}
