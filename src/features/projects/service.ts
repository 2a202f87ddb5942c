import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isUniqueViolation, nowIso } from '../../platform/db/index.ts';
import type { OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { isRecordId, projectAccess, type Project, type ProjectAccess } from './access.ts';
import * as q from './queries.ts';
import { personAccess, registerScope } from '../people/access.ts';
import { shownName } from '../people/naming.ts';
import {
  addFromRegisterSchema,
  addMemberSchema,
  createProjectSchema,
  monthSchema,
  PARTNER_ROLES,
  patchProjectSchema,
  registerSearchSchema,
  updateProjectSchema,
  WITH_INPUT_LEVELS,
  type MemberJson,
  type PortfolioQuery,
  type ProjectJson,
} from './schemas.ts';

export const PAGE_SIZE = 25;
/** Most projects one person is in at once that "Your projects" lists. */
const MY_PROJECTS_LIMIT = 50;
const PROGRAMMES_LIMIT = 200;

export type { Project, ProjectAccess };
export type { MemberRow, HistoryRow, ProjectRow } from './queries.ts';

// ---- Dates: stored as UTC ISO timestamps; days and months are the trust's (Europe/London).

const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today (or the given instant) as a date in London, YYYY-MM-DD. */
export function londonDate(at: Date = new Date()): string {
  return londonDay.format(at);
}

/** This month in London, YYYY-MM. */
export function currentMonth(at: Date = new Date()): string {
  return londonDate(at).slice(0, 7);
}

/** The UTC instant of midnight in London at the start of the given day. */
function londonMidnight(year: number, month: number, day: number): Date {
  const guess = Date.UTC(year, month - 1, day);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year ?? year, (parts.month ?? month) - 1, parts.day ?? day, parts.hour ?? 0, parts.minute ?? 0);
  return new Date(guess - (wall - guess));
}

/** The end of a month ("YYYY-MM"): the first instant after it, and the first day after it. */
export function monthEnd(month: string): { endInstant: string; endDate: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const nextYear = m === 12 ? y + 1 : y;
  const nextMonth = m === 12 ? 1 : m + 1;
  return {
    endInstant: londonMidnight(nextYear, nextMonth, 1).toISOString(),
    endDate: `${String(nextYear).padStart(4, '0')}-${String(nextMonth).padStart(2, '0')}-01`,
  };
}

/** Validates after the permission check, so someone who may not act learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

// ---- Units and programmes for the forms and filters

/** Units where the user may start projects (projects:manage). */
export async function unitsForNewProjects(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'projects:manage');
  return unitsUnder(ctx, scopePaths(principal, 'projects:manage'));
}

/** Units whose projects the user may see (projects:view): the portfolio's unit filter. None for partners. */
export async function unitsForFilter(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requireSignedIn(ctx.principal);
  return unitsUnder(ctx, scopePaths(principal, 'projects:view'));
}

async function unitsUnder(ctx: ServiceContext, prefixes: string[]): Promise<OrgUnit[]> {
  if (prefixes.length === 0) return [];
  return ctx.db
    .selectFrom('org_units')
    .selectAll()
    .where((eb) => eb.or(prefixes.map((p) => eb('path', 'like', `${p}%`))))
    .where('archived_at', 'is', null)
    .orderBy('path')
    .execute();
}

/** Programme names in use, to suggest on the form and to filter by. */
export async function programmeNames(ctx: ServiceContext): Promise<string[]> {
  requireSignedIn(ctx.principal);
  return q.programmes(ctx.db, PROGRAMMES_LIMIT);
}

/** A unit the user may see projects in; anything else is a 404, as for a record outside their units. */
async function visibleUnit(ctx: ServiceContext, principal: Principal, unitId: number): Promise<OrgUnit> {
  const unit = isRecordId(unitId) ? await q.unitById(ctx.db, unitId) : undefined;
  if (!unit || !can(principal, 'projects:view', unit)) throw new NotFoundError();
  return unit;
}

// ---- The portfolio

/**
 * Projects the user may see, filtered in SQL, newest first, a page at a time: staff see every
 * project in their units; everyone (partners too) sees the projects they are a current member of.
 */
export async function listProjects(ctx: ServiceContext, filter: PortfolioQuery): Promise<{ projects: q.ProjectRow[]; nextBefore: number | null }> {
  const principal = requireSignedIn(ctx.principal);
  const unit = filter.unitId ? await visibleUnit(ctx, principal, filter.unitId) : undefined;
  const limit = filter.limit ?? PAGE_SIZE;
  const rows = await q.listProjects(ctx.db, {
    prefixes: scopePaths(principal, 'projects:view'),
    memberUserId: principal.userId,
    unitPath: unit?.path,
    stage: filter.stage,
    programme: filter.programme,
    involvementLevel: filter.involvementLevel,
    search: filter.q,
    before: filter.before,
    limit: limit + 1,
  });
  const projects = rows.slice(0, limit);
  return { projects, nextBefore: rows.length > limit ? (projects[projects.length - 1]?.id ?? null) : null };
}

/** "Your projects": those the user is a current member of, with their role. */
export async function myProjects(ctx: ServiceContext) {
  const principal = requireSignedIn(ctx.principal);
  return q.projectsOfMember(ctx.db, principal.userId, MY_PROJECTS_LIMIT);
}

export interface InvolvementShare {
  month: string;
  unitId: number | null;
  total: number;
  withInput: number;
  /** withInput as a percentage of total, to 1 decimal place; null when there are no open projects. */
  percentage: number | null;
}

/**
 * "Projects with service-user or carer input": of the projects open (not closed) at the end of the
 * month in the user's units (or in one unit and the units inside it), how many then had an
 * involvement level of involved or more, or a current service-user or carer partner in the team.
 * Read "as at" the month end from project_history and members' joined/left dates, so a past month
 * always gives the same answer (the dashboard draws a p chart of it, month by month).
 */
export async function involvementShare(ctx: ServiceContext, opts: { unitId?: number; month?: string }): Promise<InvolvementShare> {
  const principal = requirePermission(ctx.principal, 'projects:view');
  const month = opts.month ?? currentMonth();
  if (!monthSchema.safeParse(month).success) throw ValidationError.one('month', 'errors.projects.monthInvalid');
  if (month > currentMonth()) throw ValidationError.one('month', 'errors.projects.monthInFuture');
  const unit = opts.unitId ? await visibleUnit(ctx, principal, opts.unitId) : undefined;
  const prefixes = unit ? [unit.path] : scopePaths(principal, 'projects:view');
  const { total, withInput } = await q.involvementShare(ctx.db, { prefixes, ...monthEnd(month) });
  return { month, unitId: unit?.id ?? null, total, withInput, percentage: total === 0 ? null : Math.round((withInput * 1000) / total) / 10 };
}

/** The month before a YYYY-MM month. */
function monthBefore(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Most months one series may cover (five years). */
export const SHARE_MONTHS_MAX = 60;

/**
 * involvementShare for each of the `months` months up to and including `through` (default this
 * month), oldest first: the same numbers, from one query rather than one a month (the dashboard's
 * p chart). Same permission and unit rules as involvementShare.
 */
export async function involvementShareByMonth(ctx: ServiceContext, opts: { unitId?: number; months: number; through?: string }): Promise<InvolvementShare[]> {
  const principal = requirePermission(ctx.principal, 'projects:view');
  const through = opts.through ?? currentMonth();
  if (!monthSchema.safeParse(through).success) throw ValidationError.one('month', 'errors.projects.monthInvalid');
  if (through > currentMonth()) throw ValidationError.one('month', 'errors.projects.monthInFuture');
  if (!Number.isSafeInteger(opts.months) || opts.months < 1 || opts.months > SHARE_MONTHS_MAX) throw ValidationError.one('months', 'errors.projects.monthInvalid');
  const unit = opts.unitId ? await visibleUnit(ctx, principal, opts.unitId) : undefined;
  const prefixes = unit ? [unit.path] : scopePaths(principal, 'projects:view');
  const months: string[] = [through];
  while (months.length < opts.months) months.unshift(monthBefore(months[0] as string));
  const counts = await q.involvementShareByMonth(ctx.db, { prefixes, months: months.map((month) => ({ month, ...monthEnd(month) })) });
  return counts.map(({ month, total, withInput }) => ({
    month,
    unitId: unit?.id ?? null,
    total,
    withInput,
    percentage: total === 0 ? null : Math.round((withInput * 1000) / total) / 10,
  }));
}

export type CountedProject = q.CountedProjectRow & { withInput: boolean };

/**
 * The projects involvementShare counts for a month (open at its end), by id, a page at a time:
 * each with its stage and involvement level then, whether a partner was in the team then, and so
 * whether it had service-user or carer input. Same permission and unit rules as involvementShare.
 */
export async function involvementShareProjects(
  ctx: ServiceContext,
  opts: { unitId?: number; month: string; after?: number; limit?: number },
): Promise<{ projects: CountedProject[]; nextAfter: number | null }> {
  const principal = requirePermission(ctx.principal, 'projects:view');
  if (!monthSchema.safeParse(opts.month).success) throw ValidationError.one('month', 'errors.projects.monthInvalid');
  if (opts.month > currentMonth()) throw ValidationError.one('month', 'errors.projects.monthInFuture');
  const unit = opts.unitId ? await visibleUnit(ctx, principal, opts.unitId) : undefined;
  const prefixes = unit ? [unit.path] : scopePaths(principal, 'projects:view');
  const limit = opts.limit ?? PAGE_SIZE;
  const after = opts.after !== undefined && isRecordId(opts.after) ? opts.after : undefined;
  const rows = await q.involvementShareProjects(ctx.db, { prefixes, ...monthEnd(opts.month), after, limit: limit + 1 });
  const projects = rows.slice(0, limit).map((r) => ({ ...r, withInput: r.has_partner === 1 || (WITH_INPUT_LEVELS as readonly string[]).includes(r.level_at) }));
  return { projects, nextAfter: rows.length > limit ? (projects[projects.length - 1]?.id ?? null) : null };
}

// ---- One project

/** The project page: the project, its team and its history, and what the user may do. */
export async function getProject(ctx: ServiceContext, id: number) {
  const access = await projectAccess(ctx, id, 'view');
  const [members, history] = await Promise.all([q.membersOf(ctx.db, id), q.historyOf(ctx.db, id)]);
  return {
    ...access,
    members: members.filter((m) => m.left_on == null),
    formerMembers: members.filter((m) => m.left_on != null),
    history,
    /** May move the project to another unit: staff who manage its unit. */
    canMove: can(ctx.principal, 'projects:manage', access.unit),
  };
}

/** The project for its edit form (edit access). */
export async function projectForEdit(ctx: ServiceContext, id: number) {
  const access = await projectAccess(ctx, id, 'edit');
  return { ...access, canMove: can(ctx.principal, 'projects:manage', access.unit) };
}

export async function createProject(ctx: ServiceContext, raw: unknown): Promise<Project> {
  const principal = requirePermission(ctx.principal, 'projects:manage');
  const input = parse(createProjectSchema, raw);
  const unit = await q.unitById(ctx.db, input.unitId);
  if (!unit || unit.archived_at) throw ValidationError.one('unitId', 'errors.projects.unitRequired');
  requireInScope(principal, 'projects:manage', unit);
  const now = nowIso();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const projectId = await q.insertProject(
      trx,
      { ...input, background: input.background ?? null, programme: input.programme ?? null, createdBy: principal.userId },
      now,
    );
    // The starting values, so "as at" questions can be answered from history alone.
    await q.insertHistory(trx, { projectId, field: 'stage', value: input.stage, at: now, by: principal.userId, note: null });
    await q.insertHistory(trx, { projectId, field: 'involvement_level', value: input.involvementLevel, at: now, by: principal.userId, note: null });
    await audit(trx, auditContext(ctx), { action: 'project.created', entityType: 'project', entityId: projectId, details: { unitId: unit.id } });
    return projectId;
  });
  return (await projectAccess(ctx, id, 'view')).project;
}

/**
 * Changes a project. `replace` (the edit form) sets every field; `patch` (the API) changes only the
 * fields given, and null clears background or programme. A change of stage or involvement level
 * writes a history row, with the note if one was given.
 */
export async function updateProject(ctx: ServiceContext, id: number, raw: unknown, mode: 'replace' | 'patch' = 'replace'): Promise<Project> {
  const principal = requireSignedIn(ctx.principal);
  const access = await projectAccess(ctx, id, 'edit');
  const input = parse(mode === 'patch' ? patchProjectSchema : updateProjectSchema, raw);
  const before = access.project;
  const fields =
    mode === 'patch' ? input : { ...input, background: input.background ?? null, programme: input.programme ?? null };

  const changes: Parameters<typeof q.updateProject>[2] = {};
  if (fields.unitId !== undefined && fields.unitId !== before.unit_id) {
    // Moving a project takes someone who manages projects both where it is and where it goes.
    const target = await q.unitById(ctx.db, fields.unitId);
    if (!can(principal, 'projects:manage', access.unit) || !target || target.archived_at || !can(principal, 'projects:manage', target)) {
      throw ValidationError.one('unitId', 'errors.projects.unitNotAllowed');
    }
    changes.unit_id = target.id;
  }
  if (fields.title !== undefined && fields.title !== before.title) changes.title = fields.title;
  if (fields.aim !== undefined && fields.aim !== before.aim) changes.aim = fields.aim;
  if (fields.background !== undefined && fields.background !== before.background) changes.background = fields.background;
  if (fields.programme !== undefined && fields.programme !== before.programme) changes.programme = fields.programme;
  if (fields.stage !== undefined && fields.stage !== before.stage) changes.stage = fields.stage;
  if (fields.involvementLevel !== undefined && fields.involvementLevel !== before.involvement_level) changes.involvement_level = fields.involvementLevel;

  const note = input.note ?? null;
  // A note belongs to a change of stage or involvement level; never drop it silently.
  if (note && changes.stage === undefined && changes.involvement_level === undefined) throw ValidationError.one('note', 'errors.projects.noteWithoutChange');

  const changed = Object.keys(changes);
  if (changed.length > 0) {
    const now = nowIso();
    await ctx.db.transaction().execute(async (trx) => {
      await q.updateProject(trx, id, changes, now);
      if (changes.stage) await q.insertHistory(trx, { projectId: id, field: 'stage', value: changes.stage, at: now, by: principal.userId, note });
      if (changes.involvement_level) {
        await q.insertHistory(trx, { projectId: id, field: 'involvement_level', value: changes.involvement_level, at: now, by: principal.userId, note });
      }
      await audit(trx, auditContext(ctx), { action: 'project.updated', entityType: 'project', entityId: id, details: { fields: changed } });
    });
  }
  return (await projectAccess(ctx, id, 'view')).project;
}

// ---- The team

/** Every member, current and former, of a project the user may see. */
export async function teamOf(ctx: ServiceContext, id: number): Promise<q.MemberRow[]> {
  await projectAccess(ctx, id, 'view');
  return q.membersOf(ctx.db, id);
}

/**
 * Adds a member: someone with an account (found by email among the people with a role on the
 * project's unit, above it or inside it), or, for a service-user or carer partner without an
 * account, a name only.
 */
export async function addMember(ctx: ServiceContext, id: number, raw: unknown): Promise<number> {
  const access = await projectAccess(ctx, id, 'edit');
  const result = addMemberSchema.safeParse(raw);
  const errors: FieldError[] = result.success ? [] : ValidationError.fromZod(result.error).fields;
  const input = result.success ? result.data : undefined;
  const has = (field: string) => errors.some((e) => e.field === field);
  const given = (raw ?? {}) as Record<string, unknown>;
  const email = input?.email;
  const displayName = input?.displayName;
  // Who: exactly one of an email address and a name (checked even when zod found other problems, so every problem is named at once).
  if (!has('email') && !has('displayName')) {
    if (given.email != null && given.displayName != null) errors.push({ field: 'email', message: 'errors.projects.memberEmailOrName' });
    else if (given.email == null && given.displayName == null) errors.push({ field: 'email', message: 'errors.projects.memberWhoRequired' });
  }
  if (errors.length > 0 || !input) throw new ValidationError(errors);

  if (displayName) {
    if (!(PARTNER_ROLES as readonly string[]).includes(input.role)) throw ValidationError.one('displayName', 'errors.projects.nameOnlyForPartners');
  }
  let user: { id: number; name: string } | undefined;
  if (email) {
    user = await q.userInUnitTree(ctx.db, email, access.unit.path);
    if (!user) throw ValidationError.one('email', 'errors.projects.memberNotFound');
    if (await q.isCurrentMember(ctx.db, id, user.id)) throw ValidationError.one('email', 'errors.projects.alreadyMember');
  }
  const member = { projectId: id, userId: user?.id ?? null, displayName: user ? null : (displayName ?? null), role: input.role, joinedOn: londonDate() };
  return ctx.db.transaction().execute(async (trx) => {
    // The database keeps a person in a team once at a time, even when two people add them at the same moment.
    const memberId = await q.insertMember(trx, member).catch((err: unknown) => {
      throw isUniqueViolation(err) ? ValidationError.one('email', 'errors.projects.alreadyMember') : err;
    });
    await audit(trx, auditContext(ctx), {
      action: 'project_member.added',
      entityType: 'project_member',
      entityId: memberId,
      subjectUserId: user?.id ?? null,
      details: { projectId: id, role: input.role, account: user !== undefined },
    });
    return memberId;
  });
}

// ---- Partners from the involvement register

/** Most people the register search on the team page shows. */
export const REGISTER_RESULTS = 20;

export interface RegisterSearch {
  /** The user may add from the register: they can edit the project and see a register (people:view). */
  canSearch: boolean;
  /** The text searched for ('' before a search). */
  q: string;
  results: { id: number; name: string; unitName: string }[];
  /** More people match than are shown. */
  more: boolean;
  errors: FieldError[];
}

/**
 * The team page's register search: people in the registers the user may see (people:view), by
 * name, never erased and not those who have left. The register's full name is shown to staff who
 * may see the register anyway.
 */
export async function searchRegisterForTeam(ctx: ServiceContext, id: number, text: unknown): Promise<RegisterSearch> {
  await projectAccess(ctx, id, 'edit');
  const prefixes = registerScope(requireSignedIn(ctx.principal));
  const none: RegisterSearch = { canSearch: prefixes.length > 0, q: '', results: [], more: false, errors: [] };
  // Only one search box: anything but one piece of text (a repeated parameter) is no search.
  if (prefixes.length === 0 || typeof text !== 'string' || text.trim() === '') return none;
  const parsed = registerSearchSchema.safeParse(text.trim());
  if (!parsed.success) return { ...none, errors: [{ field: 'registerQ', message: parsed.error.issues[0]?.message ?? 'errors.projects.registerSearchTooLong' }] };
  const rows = await q.searchRegister(ctx.db, { prefixes, text: parsed.data, limit: REGISTER_RESULTS + 1 });
  return {
    ...none,
    q: parsed.data,
    results: rows.slice(0, REGISTER_RESULTS).map((r) => ({ id: r.id, name: r.preferred_name ? `${r.full_name} (${r.preferred_name})` : r.full_name, unitName: r.unit_name })),
    more: rows.length > REGISTER_RESULTS,
  };
}

/**
 * Adds a service-user or carer partner chosen from the involvement register: staff who may edit
 * the project and see the person's register (people:view on their unit). The member keeps the
 * person's account if they have one, and is shown by the name the person chose to be shown by.
 */
export async function addMemberFromRegister(ctx: ServiceContext, id: number, raw: unknown): Promise<number> {
  await projectAccess(ctx, id, 'edit');
  const principal = requirePermission(ctx.principal, 'people:view');
  const input = parse(addFromRegisterSchema, raw);
  let person: Awaited<ReturnType<typeof personAccess>>['person'];
  try {
    const access = await personAccess(ctx, input.personId, 'view');
    // Seeing someone only through an opportunity, or being them, is not seeing the register.
    if (!can(principal, 'people:view', { path: access.unitPath })) throw new NotFoundError();
    person = access.person;
  } catch (err) {
    if (err instanceof NotFoundError) throw ValidationError.one('personId', 'errors.projects.registerPersonRequired');
    throw err;
  }
  if (person.status === 'left') throw ValidationError.one('personId', 'errors.projects.registerPersonLeft');
  if (await q.isCurrentMemberPerson(ctx.db, id, person)) throw ValidationError.one('personId', 'errors.projects.alreadyMember');
  const member = { projectId: id, userId: person.user_id, displayName: shownName(person), role: input.partnerRole, joinedOn: londonDate(), personId: person.id };
  return ctx.db.transaction().execute(async (trx) => {
    const memberId = await q.insertMember(trx, member).catch((err: unknown) => {
      throw isUniqueViolation(err) ? ValidationError.one('personId', 'errors.projects.alreadyMember') : err;
    });
    await audit(trx, auditContext(ctx), {
      action: 'project_member.added',
      entityType: 'project_member',
      entityId: memberId,
      subjectUserId: person.user_id,
      details: { projectId: id, role: input.partnerRole, account: person.user_id != null, personId: person.id, via: 'register' },
    });
    return memberId;
  });
}

/** Ends a membership today (it stays in the project's history). Removing someone who has already left changes nothing. */
export async function removeMember(ctx: ServiceContext, id: number, memberId: number): Promise<q.MemberRow> {
  await projectAccess(ctx, id, 'edit');
  const member = isRecordId(memberId) ? await q.memberById(ctx.db, id, memberId) : undefined;
  if (!member) throw new NotFoundError();
  if (member.left_on == null) {
    await ctx.db.transaction().execute(async (trx) => {
      await q.endMembership(trx, memberId, londonDate());
      await audit(trx, auditContext(ctx), {
        action: 'project_member.removed',
        entityType: 'project_member',
        entityId: memberId,
        subjectUserId: member.user_id,
        details: { projectId: id, role: member.role },
      });
    });
  }
  return member;
}

// ---- JSON shapes (the API)

export function projectJson(project: Project, unitName: string): ProjectJson {
  return {
    id: project.id,
    unitId: project.unit_id,
    unitName,
    title: project.title,
    aim: project.aim,
    background: project.background,
    stage: project.stage,
    programme: project.programme,
    involvementLevel: project.involvement_level,
    createdAt: project.created_at,
    updatedAt: project.updated_at,
  };
}

export function memberJson(m: q.MemberRow): MemberJson {
  return { id: m.id, userId: m.user_id, name: memberName(m), role: m.role, joinedOn: m.joined_on, leftOn: m.left_on };
}

type NamedMember = Pick<q.MemberRow, 'user_name' | 'display_name'> &
  Partial<Pick<q.MemberRow, 'person_id' | 'person_full_name' | 'person_preferred_name' | 'person_anonymity' | 'person_erased_at'>>;

/**
 * The member's name: for someone in the involvement register, the name they chose to be shown by
 * (their anonymity preference); otherwise their account's name, or the name given for a partner
 * without an account.
 */
export function memberName(m: NamedMember): string {
  if (m.person_id != null && m.person_full_name != null && m.person_anonymity != null) {
    return shownName({ full_name: m.person_full_name, preferred_name: m.person_preferred_name ?? null, anonymity: m.person_anonymity, erased_at: m.person_erased_at ?? null });
  }
  return m.user_name ?? m.display_name ?? '';
}

/** Other features (the API's OpenAPI document) use the same schemas through this file. */
export { PROJECTS_API } from './schemas.ts';
export { projectAccess } from './access.ts';
