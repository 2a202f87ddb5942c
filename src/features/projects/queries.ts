import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { isPostgres } from '../../platform/db/schema-helpers.ts';
import type { Database, InvolvementLevel, MemberRole, OrgUnit, Person, Stage } from '../../platform/db/types.ts';
import type { Project } from './access.ts';
import { PARTNER_ROLES, WITH_INPUT_LEVELS } from './schemas.ts';

type Executor = Pick<Db, 'selectFrom' | 'insertInto' | 'updateTable'>;

export interface ProjectRow extends Project {
  unit_name: string;
  unit_path: string;
}

export interface PortfolioFilter {
  /** Unit path prefixes where the user may see every project (projects:view). */
  prefixes: string[];
  /** Projects this user is a current member of are visible too, wherever they are. */
  memberUserId: number;
  /** Only projects in this unit and the units inside it. */
  unitPath?: string;
  stage?: Stage;
  programme?: string;
  involvementLevel?: InvolvementLevel;
  search?: string;
  before?: number;
  limit: number;
}

/** A unit and everything below it. Paths are digits and slashes only, so LIKE needs no escaping. */
function underAny(eb: ExpressionBuilder<Database, 'org_units'>, prefixes: string[]): Expression<SqlBool>[] {
  return prefixes.map((p) => eb('org_units.path', 'like', `${p}%`));
}

/** Text the user typed, matched anywhere in the title, whatever its letter case; % and _ match themselves. */
function titleContains(text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(projects.title) like ${pattern} escape '\\'`;
}

/** The portfolio: visible projects matching the filters, newest first, in keyset pages. */
export async function listProjects(db: Db, f: PortfolioFilter): Promise<ProjectRow[]> {
  let q = db
    .selectFrom('projects')
    .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
    .selectAll('projects')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where((eb) =>
      eb.or([
        ...underAny(eb, f.prefixes),
        eb.exists(
          eb
            .selectFrom('project_members')
            .select('project_members.id')
            .whereRef('project_members.project_id', '=', 'projects.id')
            .where('project_members.user_id', '=', f.memberUserId)
            .where('project_members.left_on', 'is', null),
        ),
      ]),
    );
  if (f.unitPath) q = q.where('org_units.path', 'like', `${f.unitPath}%`);
  if (f.stage) q = q.where('projects.stage', '=', f.stage);
  if (f.programme) q = q.where('projects.programme', '=', f.programme);
  if (f.involvementLevel) q = q.where('projects.involvement_level', '=', f.involvementLevel);
  if (f.search) q = q.where(titleContains(f.search));
  if (f.before) q = q.where('projects.id', '<', f.before);
  return q.orderBy('projects.id', 'desc').limit(f.limit).execute();
}

/** Projects the user is a current member of, with their role, newest first. */
export async function projectsOfMember(db: Db, userId: number, limit: number): Promise<(ProjectRow & { member_role: MemberRole })[]> {
  return db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
    .selectAll('projects')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path', 'project_members.role as member_role'])
    .where('project_members.user_id', '=', userId)
    .where('project_members.left_on', 'is', null)
    .orderBy('projects.id', 'desc')
    .limit(limit)
    .execute();
}

/** Programme names already in use, for the form's suggestions and the portfolio filter. */
export async function programmes(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('projects')
    .select('programme')
    .distinct()
    .where('programme', 'is not', null)
    .orderBy('programme')
    .limit(limit)
    .execute();
  return rows.map((r) => r.programme).filter((p): p is string => p != null);
}

export async function unitById(db: Db, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertProject(
  db: Executor,
  values: { unitId: number; title: string; aim: string; background: string | null; stage: Stage; programme: string | null; involvementLevel: InvolvementLevel; createdBy: number },
  now: string,
): Promise<number> {
  const { id } = await db
    .insertInto('projects')
    .values({
      unit_id: values.unitId,
      title: values.title,
      aim: values.aim,
      background: values.background,
      stage: values.stage,
      programme: values.programme,
      involvement_level: values.involvementLevel,
      created_by: values.createdBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateProject(
  db: Executor,
  id: number,
  values: Partial<{ unit_id: number; title: string; aim: string; background: string | null; stage: Stage; programme: string | null; involvement_level: InvolvementLevel }>,
  now: string,
): Promise<void> {
  await db.updateTable('projects').set({ ...values, updated_at: now }).where('id', '=', id).execute();
}

export async function insertHistory(
  db: Executor,
  row: { projectId: number; field: 'stage' | 'involvement_level'; value: string; at: string; by: number | null; note: string | null },
): Promise<void> {
  await db
    .insertInto('project_history')
    .values({ project_id: row.projectId, field: row.field, value: row.value, changed_at: row.at, changed_by: row.by, note: row.note })
    .execute();
}

export interface HistoryRow {
  id: number;
  field: 'stage' | 'involvement_level';
  value: string;
  changed_at: string;
  note: string | null;
  changed_by_name: string | null;
}

/** Every change of stage and involvement level, newest first. */
export async function historyOf(db: Db, projectId: number): Promise<HistoryRow[]> {
  return db
    .selectFrom('project_history')
    .leftJoin('users', 'users.id', 'project_history.changed_by')
    .select(['project_history.id', 'project_history.field', 'project_history.value', 'project_history.changed_at', 'project_history.note', 'users.name as changed_by_name'])
    .where('project_history.project_id', '=', projectId)
    .orderBy('project_history.changed_at', 'desc')
    .orderBy('project_history.id', 'desc')
    .execute();
}

export interface MemberRow {
  id: number;
  user_id: number | null;
  display_name: string | null;
  user_name: string | null;
  role: MemberRole;
  joined_on: string;
  left_on: string | null;
  /** The involvement register entry, for partners added from the register (or through a match). */
  person_id: number | null;
  person_full_name: string | null;
  person_preferred_name: string | null;
  person_anonymity: Person['anonymity'] | null;
  person_erased_at: string | null;
}

/** The team, current members first (in the order they joined), then people who have left. */
function membersQuery(db: Db, projectId: number) {
  return db
    .selectFrom('project_members')
    .leftJoin('users', 'users.id', 'project_members.user_id')
    .leftJoin('people', 'people.id', 'project_members.person_id')
    .select([
      'project_members.id',
      'project_members.user_id',
      'project_members.display_name',
      'users.name as user_name',
      'project_members.role',
      'project_members.joined_on',
      'project_members.left_on',
      'project_members.person_id',
      'people.full_name as person_full_name',
      'people.preferred_name as person_preferred_name',
      'people.anonymity as person_anonymity',
      'people.erased_at as person_erased_at',
    ])
    .where('project_members.project_id', '=', projectId);
}

export async function membersOf(db: Db, projectId: number): Promise<MemberRow[]> {
  return membersQuery(db, projectId)
    .orderBy(sql`case when project_members.left_on is null then 0 else 1 end`)
    .orderBy('project_members.joined_on')
    .orderBy('project_members.id')
    .execute();
}

export async function memberById(db: Db, projectId: number, memberId: number): Promise<MemberRow | undefined> {
  return membersQuery(db, projectId)
    .where('project_members.id', '=', memberId)
    .executeTakeFirst();
}

export async function isCurrentMember(db: Executor, projectId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('project_members')
    .select('id')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .where('left_on', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertMember(
  db: Executor,
  row: { projectId: number; userId: number | null; displayName: string | null; role: MemberRole; joinedOn: string; personId?: number | null },
): Promise<number> {
  const { id } = await db
    .insertInto('project_members')
    .values({ project_id: row.projectId, user_id: row.userId, display_name: row.displayName, role: row.role, joined_on: row.joinedOn, left_on: null, person_id: row.personId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Is this register entry (or its account) in the team now? */
export async function isCurrentMemberPerson(db: Executor, projectId: number, person: { id: number; user_id: number | null }): Promise<boolean> {
  const row = await db
    .selectFrom('project_members')
    .select('id')
    .where('project_id', '=', projectId)
    .where('left_on', 'is', null)
    .where((eb) => eb.or([eb('person_id', '=', person.id), ...(person.user_id != null ? [eb('user_id', '=', person.user_id)] : [])]))
    .executeTakeFirst();
  return row !== undefined;
}

export interface RegisterChoice {
  id: number;
  full_name: string;
  preferred_name: string | null;
  unit_name: string;
}

/**
 * People in the registers of the given units (path prefixes) whose name contains the text typed,
 * whatever its letter case: never erased, and not those who have left. By name, then id.
 */
export async function searchRegister(db: Db, opts: { prefixes: string[]; text: string; limit: number }): Promise<RegisterChoice[]> {
  if (opts.prefixes.length === 0 || opts.text === '') return [];
  const pattern = `%${opts.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.id', 'people.full_name', 'people.preferred_name', 'org_units.name as unit_name'])
    .where((eb) => eb.or(underAny(eb, opts.prefixes)))
    .where('people.erased_at', 'is', null)
    .where('people.status', '!=', 'left')
    .where((eb) =>
      eb.or([sql<SqlBool>`lower(people.full_name) like ${pattern} escape '\\'`, sql<SqlBool>`lower(coalesce(people.preferred_name, '')) like ${pattern} escape '\\'`]),
    )
    .orderBy('people.full_name')
    .orderBy('people.id')
    .limit(opts.limit)
    .execute();
}

export async function endMembership(db: Executor, memberId: number, leftOn: string): Promise<void> {
  await db.updateTable('project_members').set({ left_on: leftOn }).where('id', '=', memberId).where('left_on', 'is', null).execute();
}

/** Every ancestor path of a unit's path, the unit's own included: "/1/4/9/" → "/1/", "/1/4/", "/1/4/9/". */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_id, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/**
 * An active account, found by email, with a role on the unit, a unit above it or a unit inside it:
 * the people who work with (or are partners of) that part of the trust.
 */
export async function userInUnitTree(db: Db, email: string, unitPath: string): Promise<{ id: number; name: string } | undefined> {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.name'])
    .where('users.email', '=', email)
    .where('users.disabled_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('role_grants')
          .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
          .select('role_grants.id')
          .whereRef('role_grants.user_id', '=', 'users.id')
          .where((e) => e.or([e('org_units.path', 'in', ancestorPaths(unitPath)), e('org_units.path', 'like', `${unitPath}%`)])),
      ),
    )
    .executeTakeFirst();
}

export interface ShareWindow {
  /** Unit path prefixes to count (the caller's scope, narrowed by any unit filter). */
  prefixes: string[];
  /** The first instant after the month, as a UTC ISO timestamp (history is compared with this). */
  endInstant: string;
  /** The first day after the month, YYYY-MM-DD (membership dates are compared with this). */
  endDate: string;
}

type ProjectScope = ExpressionBuilder<Database, 'projects' | 'org_units'>;

/** A project's stage or involvement level just before the month end: the latest history row before it. */
function valueAsAt(eb: ProjectScope, field: 'stage' | 'involvement_level', w: Pick<ShareWindow, 'endInstant'>) {
  return eb
    .selectFrom('project_history')
    .select('project_history.value')
    .whereRef('project_history.project_id', '=', 'projects.id')
    .where('project_history.field', '=', field)
    .where('project_history.changed_at', '<', w.endInstant)
    .orderBy('project_history.changed_at', 'desc')
    .orderBy('project_history.id', 'desc')
    .limit(1);
}

/** A service-user or carer partner in the team at the month end (joined by then, not yet left). */
function partnerAsAt(eb: ProjectScope, w: Pick<ShareWindow, 'endDate'>) {
  return eb
    .selectFrom('project_members')
    .select('project_members.id')
    .whereRef('project_members.project_id', '=', 'projects.id')
    .where('project_members.role', 'in', [...PARTNER_ROLES])
    .where('project_members.joined_on', '<', w.endDate)
    .where((e) => e.or([e('project_members.left_on', 'is', null), e('project_members.left_on', '>=', w.endDate)]));
}

/**
 * Projects open at the end of a month, and how many of them had service-user or carer input then.
 * A project's stage and involvement level "as at" the month end are the latest values recorded in
 * project_history before it (the current value when a project has no history at all); a partner
 * counts when they had joined by the month end and had not left by then.
 */
export async function involvementShare(db: Db, w: ShareWindow): Promise<{ total: number; withInput: number }> {
  if (w.prefixes.length === 0) return { total: 0, withInput: 0 };
  const asAt = (eb: ProjectScope, field: 'stage' | 'involvement_level') => valueAsAt(eb, field, w);
  const partnerThen = (eb: ProjectScope) => partnerAsAt(eb, w);

  const atMonthEnd = db
    .selectFrom('projects')
    .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
    .select((eb) => [
      eb.fn.coalesce(asAt(eb, 'stage'), eb.ref('projects.stage')).as('stage_at'),
      eb.fn.coalesce(asAt(eb, 'involvement_level'), eb.ref('projects.involvement_level')).as('level_at'),
      eb.case().when(eb.exists(partnerThen(eb))).then(1).else(0).end().as('has_partner'),
    ])
    .where('projects.created_at', '<', w.endInstant)
    .where((eb) => eb.or(underAny(eb, w.prefixes)));

  const row = await db
    .selectFrom(atMonthEnd.as('x'))
    .select((eb) => [
      eb.fn.countAll<string | number>().as('total'),
      eb.fn
        .sum<string | number | null>(
          eb
            .case()
            .when(eb.or([eb('x.level_at', 'in', [...WITH_INPUT_LEVELS]), eb('x.has_partner', '=', 1)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('with_input'),
    ])
    .where('x.stage_at', '!=', 'closed')
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), withInput: Number(row.with_input ?? 0) };
}

/** One month's end, for the series of "projects with input" (see involvementShareByMonth). */
export interface MonthEnd extends Omit<ShareWindow, 'prefixes'> {
  /** YYYY-MM */
  month: string;
}

/**
 * The same answers as involvementShare, for consecutive months at once, in one query that reads
 * each project's history once rather than once a month.
 *
 * Month k (1…n) is a "bucket": a change counts from the first month whose end is after it. Each
 * project's changes become events in their buckets, never before the month the project was
 * created in: its current stage and level first (they hold until the first history row, like the
 * coalesce in involvementShare), then its history rows in their order, and partners joining (+1)
 * and leaving (−1). Running along a project's events gives its state at the end of each bucket,
 * which holds until its next one; adding +1 where an open state (with or without input) starts and
 * −1 where it stops gives the counts, month by month. Months must be consecutive and in order.
 */
export async function involvementShareByMonth(db: Db, w: { prefixes: string[]; months: MonthEnd[] }): Promise<{ month: string; total: number; withInput: number }[]> {
  const n = w.months.length;
  if (w.prefixes.length === 0 || n === 0) return w.months.map((m) => ({ month: m.month, total: 0, withInput: 0 }));
  const query = shareChangesQuery(w);
  // PostgreSQL's cost estimate for this query is above jit_above_cost, and compiling it to machine
  // code takes longer (about 80 ms) than running it: JIT is turned off for this statement only.
  const result = isPostgres(db)
    ? db.isTransaction
      ? await sql`set local jit = off`.execute(db).then(() => query.execute(db))
      : await db.transaction().execute(async (trx) => {
          await sql`set local jit = off`.execute(trx);
          return query.execute(trx);
        })
    : await query.execute(db);
  // States that start at bucket b and hold until next_b (or the last month): +1 at b, −1 at next_b.
  const change = Array.from({ length: n + 2 }, () => ({ total: 0, withInput: 0 }));
  for (const r of result.rows) {
    const from = change[Number(r.b)];
    const until = r.next_b === null ? undefined : change[Number(r.next_b)];
    const total = Number(r.total ?? 0);
    const withInput = Number(r.with_input ?? 0);
    if (from) {
      from.total += total;
      from.withInput += withInput;
    }
    if (until) {
      until.total -= total;
      until.withInput -= withInput;
    }
  }
  let total = 0;
  let withInput = 0;
  return w.months.map((m, i) => {
    total += change[i + 1]!.total;
    withInput += change[i + 1]!.withInput;
    return { month: m.month, total, withInput };
  });
}

/** How the counts change at each bucket (see involvementShareByMonth); exported for the bench's EXPLAIN. */
export function shareChangesQuery(w: { prefixes: string[]; months: MonthEnd[] }) {
  const n = w.months.length;
  const lastInstant = w.months[n - 1]!.endInstant;
  const lastDate = w.months[n - 1]!.endDate;
  // A timestamp's or date's bucket, by binary search over the month ends (a few comparisons, not
  // one a month). The bounds are bound parameters; the bucket numbers are literals we count.
  const bucket = (column: RawBuilder<unknown>, bounds: string[]) => {
    const search = (lo: number, hi: number): RawBuilder<number> => {
      if (lo === hi) return sql<number>`${sql.lit(lo)}`;
      const mid = Math.floor((lo + hi) / 2);
      return sql<number>`case when ${column} < ${bounds[mid - 1]} then ${search(lo, mid)} else ${search(mid + 1, hi)} end`;
    };
    return search(1, n + 1);
  };
  const instantBucket = (column: RawBuilder<unknown>) => bucket(column, w.months.map((m) => m.endInstant));
  const dateBucket = (column: RawBuilder<unknown>) => bucket(column, w.months.map((m) => m.endDate));
  const inScope = sql.join(w.prefixes.map((p) => sql`u.path like ${`${p}%`}`), sql` or `);
  const withInput = sql.join(WITH_INPUT_LEVELS.map((l) => sql`${l}`));
  const partnerRoles = sql.join(PARTNER_ROLES.map((r) => sql`${r}`));
  // An event's place among its project's events in one bucket, as text that sorts the same way:
  // current values before history rows, then when and which row (fixed widths). The last stage
  // (or level) set in a bucket is the greatest such key, with its value (0 or 1) appended.
  const place = (seq: 0 | 1, at: RawBuilder<unknown>, id: RawBuilder<unknown>) => sql<string>`${sql.lit(String(seq))} || ${at} || cast(${id} + 1000000000000 as text)`;
  const flag = (condition: RawBuilder<unknown>) => sql<string>`case when ${condition} then '1' else '0' end`;
  const created = instantBucket(sql.ref('p.created_at'));
  return sql<{ b: number | string; next_b: number | string | null; total: number | string | null; with_input: number | string | null }>`
    with scoped as (
      select p.id, p.stage, p.involvement_level, ${created} as c
      from projects p inner join org_units u on u.id = p.unit_id
      where p.created_at < ${lastInstant} and (${inScope})
    ),
    -- History rows and partners joining (+1) and leaving (−1), each in its own bucket.
    changes as (
      select h.project_id, ${instantBucket(sql.ref('h.changed_at'))} as b, ${place(1, sql.ref('h.changed_at'), sql.ref('h.id'))} as place,
        case when h.field = 'stage' then ${flag(sql`h.value <> 'closed'`)} end as stage_flag,
        case when h.field = 'involvement_level' then ${flag(sql`h.value in (${withInput})`)} end as level_flag,
        0 as delta
      from project_history h
      where h.changed_at < ${lastInstant} and h.field in ('stage', 'involvement_level')
      union all
      select m.project_id, ${dateBucket(sql.ref('m.joined_on'))}, null, null, null, 1
      from project_members m
      where m.role in (${partnerRoles}) and m.joined_on < ${lastDate}
      union all
      -- A partner who left before they joined never counted: their leaving goes with their joining.
      select x.project_id, case when x.lb > x.jb then x.lb else x.jb end, null, null, null, -1
      from (
        select m.project_id, ${dateBucket(sql.ref('m.left_on'))} as lb, ${dateBucket(sql.ref('m.joined_on'))} as jb
        from project_members m
        where m.role in (${partnerRoles}) and m.joined_on < ${lastDate} and m.left_on is not null and m.left_on < ${lastDate}
      ) x
    ),
    -- The project's current values first, in the month it was created; nothing counts before that month.
    events as (
      select s.id as project_id, s.c as b, ${place(0, sql`''`, sql.lit(0))} as place,
        ${flag(sql`s.stage <> 'closed'`)} as stage_flag, ${flag(sql`s.involvement_level in (${withInput})`)} as level_flag, 0 as delta
      from scoped s
      union all
      select c.project_id, case when c.b > s.c then c.b else s.c end, c.place, c.stage_flag, c.level_flag, c.delta
      from changes c inner join scoped s on s.id = c.project_id
    ),
    -- A project's state at the end of each bucket it has events in: the last stage and level set
    -- in that bucket (if any), and the partners joining less those leaving.
    grouped as (
      select e.project_id, e.b,
        max(case when e.stage_flag is not null then e.place || e.stage_flag end) as stage_last,
        max(case when e.level_flag is not null then e.place || e.level_flag end) as level_last,
        sum(e.delta) as delta
      from events e
      group by e.project_id, e.b
    ),
    -- Carried forward bucket by bucket: the latest bucket that set a stage (or level) wins.
    running as (
      select g.b,
        max(case when g.stage_last is not null then g.b * 2 + cast(substr(g.stage_last, length(g.stage_last)) as integer) end) over so_far as stage_code,
        max(case when g.level_last is not null then g.b * 2 + cast(substr(g.level_last, length(g.level_last)) as integer) end) over so_far as level_code,
        sum(g.delta) over so_far as partners,
        lead(g.b) over so_far as next_b
      from grouped g
      window so_far as (partition by g.project_id order by g.b rows between unbounded preceding and current row)
    ),
    states as (
      select r.b, r.next_b, r.stage_code % 2 as open,
        case when r.stage_code % 2 = 1 and (r.level_code % 2 = 1 or r.partners > 0) then 1 else 0 end as open_with_input
      from running r
    )
    select st.b, st.next_b, sum(st.open) as total, sum(st.open_with_input) as with_input
    from states st
    group by st.b, st.next_b
  `;
}

export interface CountedProjectRow {
  id: number;
  title: string;
  unit_name: string;
  stage_at: Stage;
  level_at: InvolvementLevel;
  /** 1 when a service-user or carer partner was in the team at the month end. */
  has_partner: number;
}

/**
 * The projects involvementShare counts for a month (open at its end, in the units), with their
 * stage and involvement level then and whether a partner was in the team then; by id, a page at a time.
 */
export async function involvementShareProjects(db: Db, w: ShareWindow & { after?: number; limit: number }): Promise<CountedProjectRow[]> {
  if (w.prefixes.length === 0) return [];
  const asAt = (eb: ProjectScope, field: 'stage' | 'involvement_level') => valueAsAt(eb, field, w);
  const partnerThen = (eb: ProjectScope) => partnerAsAt(eb, w);
  let atMonthEnd = db
    .selectFrom('projects')
    .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
    .select((eb) => [
      'projects.id',
      'projects.title',
      'org_units.name as unit_name',
      eb.fn.coalesce(asAt(eb, 'stage'), eb.ref('projects.stage')).$castTo<Stage>().as('stage_at'),
      eb.fn.coalesce(asAt(eb, 'involvement_level'), eb.ref('projects.involvement_level')).$castTo<InvolvementLevel>().as('level_at'),
      eb.case().when(eb.exists(partnerThen(eb))).then(1).else(0).end().as('has_partner'),
    ])
    .where('projects.created_at', '<', w.endInstant)
    .where((eb) => eb.or(underAny(eb, w.prefixes)));
  if (w.after) atMonthEnd = atMonthEnd.where('projects.id', '>', w.after);
  const rows = await db
    .selectFrom(atMonthEnd.as('x'))
    .selectAll('x')
    .where('x.stage_at', '!=', 'closed')
    .orderBy('x.id')
    .limit(w.limit)
    .execute();
  return rows.map((r) => ({ ...r, has_partner: Number(r.has_partner) }));
}
