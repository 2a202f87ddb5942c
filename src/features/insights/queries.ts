import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database, Person } from '../../platform/db/types.ts';

/**
 * The dashboard's own reads of other features' tables (meetings, attendance, actions, people and
 * involvement activities), scoped by unit path prefixes. Aggregated in SQL; lists are keyset pages.
 */

/** Units under any of these paths. Paths are digits and slashes only, so LIKE needs no escaping. */
function under(eb: ExpressionBuilder<Database, 'org_units'>, prefixes: string[]): Expression<SqlBool> {
  return prefixes.length ? eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))) : eb.val(false);
}

export interface MeetingAttendanceRow {
  id: number;
  starts_at: string;
  title: string | null;
  series_name: string;
  staff: number;
  service_users: number;
  carers: number;
  other: number;
}

/**
 * Meetings held (not cancelled, started) from `from` to before `to`, in series of the units, oldest
 * first, with how many people were present in each role.
 */
export async function meetingsHeld(db: Db, f: { prefixes: string[]; from: string; to: string }): Promise<MeetingAttendanceRow[]> {
  const present = (role: string) => sql<number | string>`coalesce(sum(case when attendance.role = ${role} then 1 else 0 end), 0)`;
  const rows = await db
    .selectFrom('meetings')
    .innerJoin('meeting_series', 'meeting_series.id', 'meetings.series_id')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .leftJoin('attendance', (j) => j.onRef('attendance.meeting_id', '=', 'meetings.id').on('attendance.status', '=', 'present'))
    .select([
      'meetings.id',
      'meetings.starts_at',
      'meetings.title',
      'meeting_series.name as series_name',
      present('staff').as('staff'),
      present('service_user').as('service_users'),
      present('carer').as('carers'),
      present('other').as('other'),
    ])
    .where((eb) => under(eb, f.prefixes))
    .where('meetings.status', '!=', 'cancelled')
    .where('meetings.starts_at', '>=', f.from)
    .where('meetings.starts_at', '<', f.to)
    .groupBy(['meetings.id', 'meetings.starts_at', 'meetings.title', 'meeting_series.name'])
    .orderBy('meetings.starts_at')
    .orderBy('meetings.id')
    .execute();
  return rows.map((r) => ({ ...r, staff: Number(r.staff), service_users: Number(r.service_users), carers: Number(r.carers), other: Number(r.other) }));
}

/** Actions of the units' series still to do (open or in progress), and those of them due before `today`. */
export async function actionCounts(db: Db, f: { prefixes: string[]; today: string }): Promise<{ open: number; overdue: number }> {
  const row = await db
    .selectFrom('meeting_actions')
    .innerJoin('meeting_series', 'meeting_series.id', 'meeting_actions.series_id')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('open'),
      eb.fn.sum<number | string | null>(eb.case().when('meeting_actions.due_on', '<', f.today).then(1).else(0).end()).as('overdue'),
    ])
    .where((eb) => under(eb, f.prefixes))
    .where('meeting_actions.status', 'in', ['open', 'in_progress'])
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue ?? 0) };
}

/** People in the units' registers whose status is active (never the erased). */
export async function activePeople(db: Db, prefixes: string[]): Promise<number> {
  const row = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => under(eb, prefixes))
    .where('people.status', '=', 'active')
    .where('people.erased_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Minutes of involvement activities by month (YYYY-MM), for people in the units' registers, from one day to before another. */
export async function minutesByMonth(db: Db, f: { prefixes: string[]; fromDate: string; toDate: string }): Promise<Map<string, { minutes: number; activities: number }>> {
  const month = sql<string>`substr(involvement_activities.on_date, 1, 7)`;
  const rows = await db
    .selectFrom('involvement_activities')
    .innerJoin('people', 'people.id', 'involvement_activities.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select((eb) => [month.as('month'), eb.fn.sum<number | string>('involvement_activities.minutes').as('minutes'), eb.fn.countAll<number | string>().as('activities')])
    .where((eb) => under(eb, f.prefixes))
    .where('involvement_activities.on_date', '>=', f.fromDate)
    .where('involvement_activities.on_date', '<', f.toDate)
    .groupBy(month)
    .execute();
  return new Map(rows.map((r) => [r.month, { minutes: Number(r.minutes), activities: Number(r.activities) }]));
}

export interface ActivityRow {
  id: number;
  on_date: string;
  kind: string;
  minutes: number;
  person_id: number;
  full_name: string;
  preferred_name: string | null;
  anonymity: Person['anonymity'];
  erased_at: string | null;
  person_unit_path: string;
  project_title: string | null;
  group_name: string | null;
  opportunity_title: string | null;
}

/**
 * Involvement activities of people in the units' registers from one day to before another, newest
 * first (by date, then id), a page at a time: `before` is the last row of the previous page.
 */
export async function activities(
  db: Db,
  f: { prefixes: string[]; fromDate: string; toDate: string; before?: { date: string; id: number }; limit: number },
): Promise<ActivityRow[]> {
  let q = db
    .selectFrom('involvement_activities as a')
    .innerJoin('people', 'people.id', 'a.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .leftJoin('projects', 'projects.id', 'a.project_id')
    .leftJoin('groups', 'groups.id', 'a.group_id')
    .leftJoin('opportunities', 'opportunities.id', 'a.opportunity_id')
    .select([
      'a.id',
      'a.on_date',
      'a.kind',
      'a.minutes',
      'a.person_id',
      'people.full_name',
      'people.preferred_name',
      'people.anonymity',
      'people.erased_at',
      'org_units.path as person_unit_path',
      'projects.title as project_title',
      'groups.name as group_name',
      'opportunities.title as opportunity_title',
    ])
    .where((eb) => under(eb, f.prefixes))
    .where('a.on_date', '>=', f.fromDate)
    .where('a.on_date', '<', f.toDate);
  const before = f.before;
  if (before) q = q.where((eb) => eb.or([eb('a.on_date', '<', before.date), eb.and([eb('a.on_date', '=', before.date), eb('a.id', '<', before.id)])]));
  return q.orderBy('a.on_date', 'desc').orderBy('a.id', 'desc').limit(f.limit).execute();
}
