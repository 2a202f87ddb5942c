import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, Dialect } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/types.ts';
import { storyUnderPaths } from '../stories/service.ts';

/**
 * The story measures' reads, aggregated in SQL. Months are London months, bucketed alike on both
 * databases without time zones in SQL: timestamps are stored as UTC ISO strings
 * ("2024-03-31T23:30:00.000Z"), and London is either on UTC or an hour ahead of it. So a
 * timestamp's London month is its UTC month (its first 7 characters), except in the hour before a
 * month that starts in summer time (23:00Z on the last day of March to September), which is
 * already the next month in London. The service works out each month's first instant from the
 * London calendar; the queries group by the UTC month and whether the timestamp falls in one of
 * those late hours, and `londonMonth` puts the two together.
 */

export const DAY_MS = 86_400_000;

/** Months (YYYY-MM) and their boundaries: `starts[i]` is the first instant of `months[i]`, `end` the first after the last. */
export interface MonthBounds {
  months: string[];
  starts: string[];
  end: string;
}

/** The month after a YYYY-MM month. */
export function monthAfter(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The UTC hours ("YYYY-MM-DDTHH") that already belong to the next London month: those before a month that starts at 23:00Z. */
export function lateHours(b: MonthBounds): string[] {
  return b.starts.filter((s) => !s.endsWith('T00:00:00.000Z')).map((s) => s.slice(0, 13));
}

/** The London month of a row grouped by UTC month and the late-hour flag. */
export function londonMonth(utcMonth: string, late: number | string): string {
  return Number(late) ? monthAfter(utcMonth) : utcMonth;
}

const utcMonthOf = (column: Expression<string>): RawBuilder<string> => sql<string>`substr(${column}, 1, 7)`;

/** 1 when the timestamp is in one of the late hours (an IN list: a hash lookup, not a comparison per month). */
function lateFlag(column: Expression<string>, b: MonthBounds): RawBuilder<number> {
  const hours = lateHours(b);
  return hours.length ? sql<number>`case when substr(${column}, 1, 13) in (${sql.join(hours)}) then 1 else 0 end` : sql<number>`0`;
}

/**
 * Milliseconds from one stored timestamp to another. The one piece of date arithmetic here, and
 * the one place the dialects differ: julianday() on SQLite, epoch seconds (double precision) on PostgreSQL. Rounded
 * to whole milliseconds so "exactly 7 days" compares exactly.
 */
function elapsedMs(dialect: Dialect, from: Expression<string>, to: Expression<string | null>): RawBuilder<number | null> {
  return dialect === 'sqlite'
    ? sql<number | null>`cast(round((julianday(${to}) - julianday(${from})) * 86400000) as integer)`
    : // Both are UTC ("…Z"), so casting to timestamp (which ignores the zone, and parses faster than timestamptz) keeps the difference exact.
      sql<number | null>`case when ${to} is null then null else cast(round(date_part('epoch', cast(${to} as timestamp) - cast(${from} as timestamp)) * 1000) as bigint) end`;
}

/** One row per London month received, published or not, and whole days to first response (null: not answered yet). */
export interface CohortRow {
  month: string;
  published: number;
  /** Whole days (24 hours) from receipt to the first response; null when there is none. */
  days: number | null;
  stories: number;
  within7: number;
  within28: number;
  due7: number;
  due28: number;
  shared: number;
}

const num = (v: unknown): number => Number(v ?? 0);

/**
 * Stories received in the months about a unit at or below the paths (their own unit or one they
 * are tagged with), grouped by London month received, whether published, and whole days to the
 * first response: how many, how many answered within 7 and 28 days, how many of them were "due"
 * (received at least that long before `cutoff7`/`cutoff28`, or answered in time already), and how
 * many were shared and discussed at a team meeting. One query; the first response is the earliest
 * in story_responses (index story_responses_story), the range uses stories_unit / stories_status.
 */
export async function cohorts(db: Db, dialect: Dialect, f: CohortFilter): Promise<CohortRow[]> {
  const rows = await cohortsQuery(db, dialect, f).execute();
  return rows.map((r) => ({
    month: londonMonth(r.utc_month, r.late),
    published: num(r.published),
    days: r.days === null ? null : Math.max(0, num(r.days)),
    stories: num(r.stories),
    within7: num(r.within7),
    within28: num(r.within28),
    due7: num(r.due7),
    due28: num(r.due28),
    shared: num(r.shared),
  }));
}

export interface CohortFilter {
  paths: string[];
  bounds: MonthBounds;
  cutoff7: string;
  cutoff28: string;
}

/** The cohort query itself (exported for the bench, which explains it). */
export function cohortsQuery(db: Db, dialect: Dialect, f: CohortFilter) {
  const start = f.bounds.starts[0] as string;
  // Each story's first response, as one grouped join rather than a lookup per story: evaluated
  // once, where a correlated subquery was repeated in every figure that uses it (and made
  // PostgreSQL's cost estimate, and so its JIT compilation, many times dearer). A story's
  // responses come after it arrived, so only responses from the first month on are read.
  const first = db
    .selectFrom('story_responses')
    .select((eb) => ['story_responses.story_id', eb.fn.min('story_responses.created_at').as('first_at')])
    .where('story_responses.created_at', '>=', start)
    .groupBy('story_responses.story_id')
    .as('fr');
  // Stories shared and discussed at a team meeting (once each, however many meetings), joined the
  // same way: PostgreSQL costs an EXISTS in the select list as a lookup per story.
  const discussed = db.selectFrom('story_discussion_stories').select('story_discussion_stories.story_id').groupBy('story_discussion_stories.story_id').as('ds');
  const perStory = db
    .selectFrom('stories')
    .leftJoin(first, 'fr.story_id', 'stories.id')
    .leftJoin(discussed, 'ds.story_id', 'stories.id')
    .select((eb) => [
      utcMonthOf(eb.ref('stories.received_at')).as('utc_month'),
      lateFlag(eb.ref('stories.received_at'), f.bounds).as('late'),
      eb.case().when('stories.status', '=', 'published').then(1).else(0).end().as('published'),
      elapsedMs(dialect, eb.ref('stories.received_at'), eb.ref('fr.first_at')).as('ms'),
      eb.case().when('ds.story_id', 'is not', null).then(1).else(0).end().as('shared'),
      'stories.received_at',
    ])
    .where((eb) => storyUnderPaths(eb as unknown as ExpressionBuilder<Database, 'stories'>, f.paths) as Expression<SqlBool>)
    .where('stories.received_at', '>=', start)
    .where('stories.received_at', '<', f.bounds.end);
  const days = sql<number | null>`c.ms / ${sql.lit(DAY_MS)}`;
  const within = (n: number) => sql<number>`sum(case when c.ms <= ${n * DAY_MS} then 1 else 0 end)`;
  const due = (n: number, cutoff: string) => sql<number>`sum(case when c.received_at <= ${cutoff} or c.ms <= ${n * DAY_MS} then 1 else 0 end)`;
  // Materialised, so each story's elapsed time is worked out once rather than once per figure.
  return db
    .with((cte) => cte('c').materialized(), () => perStory)
    .selectFrom('c')
    .select((eb) => [
      'c.utc_month',
      'c.late',
      'c.published',
      days.as('days'),
      eb.fn.countAll<number | string>().as('stories'),
      within(7).as('within7'),
      within(28).as('within28'),
      due(7, f.cutoff7).as('due7'),
      due(28, f.cutoff28).as('due28'),
      eb.fn.sum<number | string>('c.shared').as('shared'),
    ])
    .groupBy(['c.utc_month', 'c.late', 'c.published', days]);
}

/**
 * Responses recording a change made, by London month of the response, on stories about a unit at
 * or below the paths. Index story_responses_change (change, created_at) finds them.
 */
export async function changesMade(db: Db, f: { paths: string[]; bounds: MonthBounds }): Promise<Map<string, number>> {
  const inner = db
    .selectFrom('story_responses')
    .innerJoin('stories', 'stories.id', 'story_responses.story_id')
    .select((eb) => [utcMonthOf(eb.ref('story_responses.created_at')).as('utc_month'), lateFlag(eb.ref('story_responses.created_at'), f.bounds).as('late')])
    .where('story_responses.change', '=', 'made')
    .where('story_responses.created_at', '>=', f.bounds.starts[0] as string)
    .where('story_responses.created_at', '<', f.bounds.end)
    .where((eb) => storyUnderPaths(eb as unknown as ExpressionBuilder<Database, 'stories'>, f.paths) as Expression<SqlBool>)
    .as('r');
  const rows = await db
    .selectFrom(inner)
    .select((eb) => ['r.utc_month', 'r.late', eb.fn.countAll<number | string>().as('n')])
    .groupBy(['r.utc_month', 'r.late'])
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const month = londonMonth(r.utc_month, r.late);
    out.set(month, (out.get(month) ?? 0) + num(r.n));
  }
  return out;
}
