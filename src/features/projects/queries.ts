import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
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

/**
 * Projects open at the end of a month, and how many of them had service-user or carer input then.
 * A project's stage and involvement level "as at" the month end are the latest values recorded in
 * project_history before it (the current value when a project has no history at all); a partner
 * counts when they had joined by the month end and had not left by then.
 */
export async function involvementShare(db: Db, w: ShareWindow): Promise<{ total: number; withInput: number }> {
  if (w.prefixes.length === 0) return { total: 0, withInput: 0 };
  type ProjectScope = ExpressionBuilder<Database, 'projects' | 'org_units'>;
  const asAt = (eb: ProjectScope, field: 'stage' | 'involvement_level') =>
    eb
      .selectFrom('project_history')
      .select('project_history.value')
      .whereRef('project_history.project_id', '=', 'projects.id')
      .where('project_history.field', '=', field)
      .where('project_history.changed_at', '<', w.endInstant)
      .orderBy('project_history.changed_at', 'desc')
      .orderBy('project_history.id', 'desc')
      .limit(1);
  const partnerThen = (eb: ProjectScope) =>
    eb
      .selectFrom('project_members')
      .select('project_members.id')
      .whereRef('project_members.project_id', '=', 'projects.id')
      .where('project_members.role', 'in', [...PARTNER_ROLES])
      .where('project_members.joined_on', '<', w.endDate)
      .where((e) => e.or([e('project_members.left_on', 'is', null), e('project_members.left_on', '>=', w.endDate)]));

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
