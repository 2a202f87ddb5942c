import type { ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import type { OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { can, requirePermission, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { nameFor, personHref } from '../groups/service.ts';
import { mayOpenPaymentLists, promptness, type Promptness } from '../payment-reports/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { storyMeasures } from '../story-measures/service.ts';
import {
  currentMonth,
  involvementShare,
  involvementShareByMonth,
  involvementShareProjects,
  londonDate,
  monthEnd,
  type CountedProject,
  type InvolvementShare,
} from '../projects/service.ts';
import * as q from './queries.ts';
import { DEFAULT_PERIOD, type DashboardQuery, type HoursQuery, type Period, type ProjectsQuery } from './schemas.ts';

/**
 * The involvement dashboard (issue 6): for leadership, leads and QI staff (insights:view), per unit
 * or for all their units, month by month. Figures only; every figure links to the records behind
 * it, which their own pages guard. Reads other features' tables through queries.ts and projects'
 * "projects with input" through projects/service.ts, so that measure has one definition.
 */

export const PROJECTS_PAGE_SIZE = 25;
export const ACTIVITIES_PAGE_SIZE = 50;

export { PERIODS, DEFAULT_PERIOD, type Period } from './schemas.ts';
export type { MeetingAttendanceRow } from './queries.ts';

/** The month before a YYYY-MM month. */
export function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The `count` months up to and including `through`, oldest first. */
export function monthsUpTo(through: string, count: number): string[] {
  const months = [through];
  while (months.length < count) months.unshift(monthBefore(months[0] as string));
  return months;
}

/** A London month as instants and days: its first instant and day, and the first after it. */
export function monthSpan(month: string): { fromInstant: string; toInstant: string; fromDate: string; toDate: string } {
  const start = monthEnd(monthBefore(month));
  const end = monthEnd(month);
  return { fromInstant: start.endInstant, toInstant: end.endInstant, fromDate: start.endDate, toDate: end.endDate };
}

interface Scope {
  principal: Principal;
  /** Units the user may see figures for (the unit filter offers these). */
  units: OrgUnit[];
  /** The unit chosen, if any. */
  unit: OrgUnit | undefined;
  /** Path prefixes to count: the chosen unit, or every unit the user has insights:view on. */
  prefixes: string[];
}

/** Who may see the dashboard, and for which units: a unit outside them is a 404. */
async function scope(ctx: ServiceContext, unitId: number | undefined): Promise<Scope> {
  const principal = requirePermission(ctx.principal, 'insights:view');
  const prefixes = scopePaths(principal, 'insights:view');
  let unit: OrgUnit | undefined;
  if (unitId !== undefined) {
    unit = isRecordId(unitId) ? await unitById(ctx.db, unitId) : undefined;
    if (!unit || !can(principal, 'insights:view', unit)) throw new NotFoundError();
  }
  return { principal, units: await unitsUnder(ctx.db, prefixes), unit, prefixes: unit ? [unit.path] : prefixes };
}

/** Where "people active" links: the register filtered the same way, for those who may open it. */
function registerHref(principal: Principal, unit: OrgUnit | undefined): string | null {
  if (unit ? !can(principal, 'people:view', unit) : !can(principal, 'people:view')) return null;
  return `/people?status=active${unit ? `&unitId=${unit.id}` : ''}`;
}

export interface Dashboard {
  units: OrgUnit[];
  unit: OrgUnit | undefined;
  period: Period;
  /** The months covered, oldest first, YYYY-MM. */
  months: string[];
  /** Projects with service-user or carer input, one entry a month. */
  share: InvolvementShare[];
  /** Meetings held in the period, oldest first, with who was present by role and the day they were held (in London). */
  meetings: (q.MeetingAttendanceRow & { day: string })[];
  /** Meetings held each month (London months). */
  meetingsByMonth: Map<string, number>;
  /** Minutes of involvement activities each month. */
  minutesByMonth: Map<string, { minutes: number; activities: number }>;
  actions: { open: number; overdue: number };
  peopleActive: number;
  /** The register filtered to active people, when the user may open it. */
  registerHref: string | null;
  /** Promptness of payment: claims paid each month, the median days to pay and how many within target; claims overdue now. */
  promptness: Promptness;
  /** Whether the user may open the claims behind the promptness figures (claims:manage or finance:pay); otherwise counts only. */
  paymentLinks: boolean;
  /** Stories over the same months, for those who read stories (stories:view); null for anyone else. */
  stories: StoryFigures | null;
}

/** The story measures summed over the dashboard's months, for the unit they were worked out for. */
export interface StoryFigures {
  unit: OrgUnit;
  from: string;
  to: string;
  received: number;
  /** Published stories answered within 28 days, of those that have had 28 days (or were answered in them). */
  within28: number;
  due28: number;
  changesMade: number;
}

/**
 * The story measures (story-measures, one definition) for the dashboard's unit, or for the first of
 * the user's units when the dashboard covers them all; null without stories:view there.
 */
async function storyFigures(ctx: ServiceContext, unit: OrgUnit | undefined, months: string[], at: Date): Promise<StoryFigures | null> {
  if (!ctx.principal || !can(ctx.principal, 'stories:view', unit)) return null;
  try {
    const m = await storyMeasures(ctx, { ...(unit ? { unit: String(unit.id) } : {}), from: months[0], to: months[months.length - 1] }, at);
    const sum = (f: (x: (typeof m.months)[number]) => number) => m.months.reduce((a, x) => a + f(x), 0);
    return { unit: m.unit, from: m.from, to: m.to, received: sum((x) => x.received), within28: sum((x) => x.within28), due28: sum((x) => x.due28), changesMade: sum((x) => x.changesMade) };
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/**
 * The dashboard for the user's units (or one unit and those below it) over the last 12, 24 or 36
 * months ending this London month: projects with input month by month, meetings held with who was
 * present, actions open and overdue today, people active now and involvement hours by month.
 */
export async function dashboard(ctx: ServiceContext, query: DashboardQuery, at: Date = new Date()): Promise<Dashboard> {
  const s = await scope(ctx, query.unitId);
  const period = query.months ?? DEFAULT_PERIOD;
  const months = monthsUpTo(currentMonth(at), period);
  const first = monthSpan(months[0] as string);
  const last = monthSpan(months[months.length - 1] as string);
  const [share, meetings, actions, peopleActive, minutes, paid, stories] = await Promise.all([
    involvementShareByMonth(ctx, { months: period, through: months[months.length - 1] as string, ...(s.unit ? { unitId: s.unit.id } : {}) }),
    q.meetingsHeld(ctx.db, { prefixes: s.prefixes, from: first.fromInstant, to: at.toISOString() }),
    q.actionCounts(ctx.db, { prefixes: s.prefixes, today: londonDate(at) }),
    q.activePeople(ctx.db, s.prefixes),
    q.minutesByMonth(ctx.db, { prefixes: s.prefixes, fromDate: first.fromDate, toDate: last.toDate }),
    promptness(ctx.db, { prefixes: s.prefixes, months }, at),
    storyFigures(ctx, s.unit, months, at),
  ]);
  const meetingsByMonth = new Map<string, number>();
  const held = meetings.map((m) => ({ ...m, day: londonDate(new Date(m.starts_at)) }));
  for (const m of held) {
    const month = m.day.slice(0, 7);
    meetingsByMonth.set(month, (meetingsByMonth.get(month) ?? 0) + 1);
  }
  return {
    units: s.units,
    unit: s.unit,
    period,
    months,
    share,
    meetings: held,
    meetingsByMonth,
    minutesByMonth: minutes,
    actions,
    peopleActive,
    registerHref: registerHref(s.principal, s.unit),
    promptness: paid,
    // Links only when the lists would hold every claim counted: the user pays or approves in every unit counted.
    paymentLinks: s.prefixes.every((path) => mayOpenPaymentLists(s.principal, { path })),
    stories,
  };
}

/** A month the user asked for, if it is a real month not after this one; otherwise this month. */
function chosenMonth(month: string | undefined, at: Date): string {
  const now = currentMonth(at);
  return month && month <= now ? month : now;
}

export interface CountedProjects {
  unit: OrgUnit | undefined;
  month: string;
  share: InvolvementShare;
  projects: CountedProject[];
  nextAfter: number | null;
}

/**
 * The records behind one month of the p chart: the projects open at the month end in the user's
 * units (or the chosen unit), each with its stage and involvement level then, whether a partner
 * was in the team then, and so whether it counted as having input; a page at a time.
 */
export async function projectsForMonth(ctx: ServiceContext, query: ProjectsQuery, at: Date = new Date()): Promise<CountedProjects> {
  const s = await scope(ctx, query.unitId);
  const month = chosenMonth(query.month, at);
  const unitFilter = s.unit ? { unitId: s.unit.id } : {};
  const [share, page] = await Promise.all([
    involvementShare(ctx, { month, ...unitFilter }),
    involvementShareProjects(ctx, { month, ...unitFilter, ...(query.after ? { after: query.after } : {}), limit: PROJECTS_PAGE_SIZE }),
  ]);
  return { unit: s.unit, month, share, projects: page.projects, nextAfter: page.nextAfter };
}

export interface ActivityShown extends q.ActivityRow {
  /** The name this user may see: the register name, or the one the person chose to be shown by. */
  name: string;
  /** The person's register entry, when this user may open it. */
  href: string | undefined;
}

export interface MonthHours {
  unit: OrgUnit | undefined;
  month: string;
  minutes: number;
  count: number;
  activities: ActivityShown[];
  /** The cursor for the next page ("YYYY-MM-DD.id"), or null on the last page. */
  next: string | null;
}

/**
 * The records behind a month's involvement hours: activities recorded for people in the registers
 * of the user's units (or the chosen unit) that month, newest first, a page at a time. Names follow
 * each person's anonymity preference unless the user may see their register entry.
 */
export async function hoursForMonth(ctx: ServiceContext, query: HoursQuery, at: Date = new Date()): Promise<MonthHours> {
  const s = await scope(ctx, query.unitId);
  const month = chosenMonth(query.month, at);
  const span = monthSpan(month);
  const range = { prefixes: s.prefixes, fromDate: span.fromDate, toDate: span.toDate };
  const [totals, rows] = await Promise.all([
    q.minutesByMonth(ctx.db, range),
    q.activities(ctx.db, { ...range, ...(query.before ? { before: query.before } : {}), limit: ACTIVITIES_PAGE_SIZE + 1 }),
  ]);
  const page = rows.slice(0, ACTIVITIES_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    unit: s.unit,
    month,
    minutes: totals.get(month)?.minutes ?? 0,
    count: totals.get(month)?.activities ?? 0,
    activities: page.map((r) => ({ ...r, name: nameFor(s.principal, r), href: personHref(s.principal, r.person_id, r) })),
    next: rows.length > ACTIVITIES_PAGE_SIZE && last ? `${last.on_date}.${last.id}` : null,
  };
}
