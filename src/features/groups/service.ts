import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Database, OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { personAccess, registerScope } from '../people/access.ts';
import { shownName } from '../people/naming.ts';
import { londonDate } from '../projects/service.ts';
import * as q from './queries.ts';
import { addMemberSchema, changeRoleSchema, findPersonSchema, groupSchema, leaveSchema } from './schemas.ts';
import { unitById, unitsUnder } from '../org/service.ts';

/**
 * Groups (e.g. a Working Together Group): their purpose, terms of reference, cadence and members
 * over time. Staff who see the register of a unit (people:view) see its groups; involvement leads
 * (people:manage) set them up and keep the membership. Membership rows are the history.
 *
 * Also the helpers the recruitment and outreach features share: units in scope, the "find a
 * person" list, how a person's name is shown, today's date.
 */

export const PAGE_SIZE = 50;
/** Up to this many people in scope, the form offers a plain select; above it, a search box. */
export const SELECT_LIMIT = 30;
const SEARCH_RESULTS = 50;

export type { GroupRow, MemberRow, PersonChoice } from './queries.ts';

export { londonDate };

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** A date (YYYY-MM-DD) as people read it, e.g. "3 Jun 2025". */
export const dayText = (d: string | null | undefined): string => (d ? dayFormat.format(new Date(`${d}T00:00:00Z`)) : '');

/** Validates after the permission check, so someone who may not act learns nothing from errors. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

// ---- Units

/** Units where the user may set things up (people:manage): the unit choices on forms. */
export async function manageableUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return unitsUnder(ctx.db, scopePaths(principal, 'people:manage'));
}

/** A unit chosen on a form: it must exist, not be archived and be one the user manages people in. */
export async function chosenUnit(ctx: ServiceContext, unitId: number, field = 'unitId', message = 'errors.groups.unitRequired'): Promise<OrgUnit> {
  const principal = requireSignedIn(ctx.principal);
  const unit = await unitById(ctx.db, unitId);
  if (!unit || unit.archived_at || !can(principal, 'people:manage', unit)) throw ValidationError.one(field, message);
  return unit;
}

/** Units as select options, indented by depth so the tree shows. */
export function unitItems(units: OrgUnit[], selected: unknown, emptyText: string) {
  const minDepth = Math.min(...units.map((u) => u.path.split('/').length));
  return [
    { value: '', text: emptyText },
    ...units.map((u) => ({ value: String(u.id), text: `${'– '.repeat(u.path.split('/').length - minDepth)}${u.name}`, selected: String(selected ?? '') === String(u.id) })),
  ];
}

// ---- People: who may be chosen, and how names are shown

/**
 * The people a user may choose from (the register of the units they see). When there are few,
 * all of them (mode "select"); otherwise those whose name contains the search words ("search").
 */
export async function peopleToChoose(ctx: ServiceContext, raw: unknown): Promise<{ mode: 'select' | 'search'; people: q.PersonChoice[]; search: string | undefined }> {
  const principal = requirePermission(ctx.principal, 'people:view');
  const prefixes = registerScope(principal, 'people:view');
  const parsed = findPersonSchema.safeParse(raw);
  const search = parsed.success ? parsed.data.q : undefined;
  const total = await q.countPeople(ctx.db, prefixes);
  if (total <= SELECT_LIMIT) return { mode: 'select', people: await q.findPeople(ctx.db, { prefixes, limit: SELECT_LIMIT }), search };
  if (!search) return { mode: 'search', people: [], search };
  return { mode: 'search', people: await q.findPeople(ctx.db, { prefixes, search, limit: SEARCH_RESULTS }), search };
}

/**
 * The "find a person" part of a form (used by groups and recruitment): a select when the register in
 * scope is short, otherwise the search results as radios (the search itself is a separate GET form
 * on the same page). `query` is the search typed into that form, when the values hold none.
 */
export async function personPicker(ctx: ServiceContext, values: Record<string, unknown>, query?: unknown) {
  const choice = await peopleToChoose(ctx, { q: values.q ?? query });
  const selected = String(values.personId ?? '');
  return {
    mode: choice.mode,
    search: choice.search,
    searched: choice.search !== undefined,
    personSelectItems: [
      { value: '', text: t('groups.picker.choose') },
      ...choice.people.map((p) => ({ value: String(p.id), text: `${p.full_name} (${p.unit_name})`, selected: selected === String(p.id) })),
    ],
    personRadioItems: choice.people.map((p) => ({
      value: String(p.id),
      text: p.full_name,
      hint: { text: `${p.unit_name} · ${t(`groups.personStatus.${p.status}`)}` },
      checked: selected === String(p.id),
    })),
  };
}

/**
 * A person the user has chosen on a form: one they may see under the register's rules, or a
 * validation error on the field (never a hint that someone else exists).
 */
export async function chosenPerson(ctx: ServiceContext, personId: number, field: string, message: string) {
  try {
    return await personAccess(ctx, personId, 'view');
  } catch (err) {
    if (err instanceof NotFoundError) throw ValidationError.one(field, message);
    throw err;
  }
}

/**
 * The name to show a viewer: the register name when they may see the person's register entry
 * (people:view on the person's unit), otherwise the name the person chose to be shown by.
 */
export function nameFor(
  principal: Principal | null,
  p: { full_name: string; preferred_name: string | null; anonymity: q.MemberRow['anonymity']; erased_at: string | null; person_unit_path: string },
): string {
  if (!p.erased_at && can(principal, 'people:view', { path: p.person_unit_path })) return p.full_name;
  return shownName(p);
}

/** The person's register entry, for a viewer who may see it (the same rule as nameFor); otherwise undefined. */
export function personHref(principal: Principal | null, personId: number, p: { erased_at: string | null; person_unit_path: string }): string | undefined {
  return !p.erased_at && can(principal, 'people:view', { path: p.person_unit_path }) ? `/people/${personId}` : undefined;
}

// ---- Groups

async function groupInScope(ctx: ServiceContext, id: number, permission: 'people:view' | 'people:manage') {
  requireSignedIn(ctx.principal);
  if (!isRecordId(id)) throw new NotFoundError();
  const group = await q.groupWithUnit(ctx.db, id);
  requireInScope(ctx.principal, permission, group ? { path: group.unit_path } : undefined);
  return group as NonNullable<typeof group>;
}

/** Groups in the units the user sees, newest first, a page at a time. */
export async function listGroups(ctx: ServiceContext, opts: { archived?: boolean; before?: number }) {
  const principal = requirePermission(ctx.principal, 'people:view');
  const rows = await q.listGroups(ctx.db, { prefixes: scopePaths(principal, 'people:view'), archived: opts.archived ?? false, before: opts.before, limit: PAGE_SIZE + 1 });
  const groups = rows.slice(0, PAGE_SIZE);
  return { groups, nextBefore: rows.length > PAGE_SIZE ? (groups[groups.length - 1]?.id ?? null) : null, canCreate: can(principal, 'people:manage') };
}

/** Active groups in the units the user manages people in (the campaign form's choice of group). */
export async function groupsToChoose(ctx: ServiceContext): Promise<q.GroupRow[]> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return q.listGroups(ctx.db, { prefixes: scopePaths(principal, 'people:manage'), archived: false, limit: 500 });
}

/** A group the user may see, for another feature's page (e.g. the campaign it recruits for). */
export async function groupSummary(ctx: ServiceContext, id: number): Promise<{ id: number; name: string; unit_path: string } | undefined> {
  const group = await q.groupWithUnit(ctx.db, id);
  if (!group || !can(ctx.principal, 'people:view', { path: group.unit_path })) return undefined;
  return { id: group.id, name: group.name, unit_path: group.unit_path };
}

/** A group the user manages, for a form elsewhere (a campaign for this group): else a validation error. */
export async function chosenGroup(ctx: ServiceContext, id: number, field: string, message: string) {
  const group = await q.groupWithUnit(ctx.db, id);
  if (!group || group.archived_at || !can(ctx.principal, 'people:manage', { path: group.unit_path })) throw ValidationError.one(field, message);
  return group;
}

/** The group page: the group, its current and past members, and whether the user may change it. */
export async function getGroup(ctx: ServiceContext, id: number) {
  const group = await groupInScope(ctx, id, 'people:view');
  const members = (await q.membersOf(ctx.db, id)).map((m) => ({ ...m, name: nameFor(ctx.principal, m), personHref: personHref(ctx.principal, m.person_id, m) }));
  return {
    group,
    members: members.filter((m) => m.left_on == null),
    formerMembers: members.filter((m) => m.left_on != null),
    canManage: can(ctx.principal, 'people:manage', { path: group.unit_path }),
  };
}

export async function groupForEdit(ctx: ServiceContext, id: number) {
  return groupInScope(ctx, id, 'people:manage');
}

function groupValues(input: z.infer<typeof groupSchema>) {
  return { unitId: input.unitId, name: input.name, purpose: input.purpose ?? null, termsOfReference: input.termsOfReference ?? null, cadence: input.cadence ?? null };
}

export async function createGroup(ctx: ServiceContext, raw: unknown): Promise<number> {
  requirePermission(ctx.principal, 'people:manage');
  const input = parse(groupSchema, raw);
  await chosenUnit(ctx, input.unitId);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertGroup(trx, groupValues(input), nowIso());
    await audit(trx, auditContext(ctx), { action: 'group.created', entityType: 'group', entityId: id, details: { unitId: input.unitId } });
    return id;
  });
}

export async function updateGroup(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const group = await groupInScope(ctx, id, 'people:manage');
  const input = parse(groupSchema, raw);
  if (input.unitId !== group.unit_id) await chosenUnit(ctx, input.unitId);
  const v = groupValues(input);
  const changed = [
    v.unitId !== group.unit_id && 'unit',
    v.name !== group.name && 'name',
    v.purpose !== group.purpose && 'purpose',
    v.termsOfReference !== group.terms_of_reference && 'termsOfReference',
    v.cadence !== group.cadence && 'cadence',
  ].filter(Boolean);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateGroup(trx, id, v);
    await audit(trx, auditContext(ctx), { action: 'group.updated', entityType: 'group', entityId: id, details: { changed } });
  });
}

/** Archives the group (or brings it back): it leaves the list, its history stays. */
export async function setGroupArchived(ctx: ServiceContext, id: number, archived: boolean): Promise<q.Group> {
  const group = await groupInScope(ctx, id, 'people:manage');
  if ((group.archived_at != null) === archived) return group;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setArchived(trx, id, archived ? nowIso() : null);
    await audit(trx, auditContext(ctx), { action: archived ? 'group.archived' : 'group.restored', entityType: 'group', entityId: id });
  });
  return group;
}

// ---- Members

export async function addMember(ctx: ServiceContext, groupId: number, raw: unknown): Promise<number> {
  await groupInScope(ctx, groupId, 'people:manage');
  const input = parse(addMemberSchema, raw);
  const { person } = await chosenPerson(ctx, input.personId, 'personId', 'errors.groups.personRequired');
  if (await q.currentMembership(ctx.db, groupId, person.id)) throw ValidationError.one('personId', 'errors.groups.alreadyMember');
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertMember(trx, { groupId, personId: person.id, role: input.role, joinedOn: input.joinedOn });
    await audit(trx, auditContext(ctx), { action: 'group_member.added', entityType: 'person', entityId: person.id, details: { groupId, memberId: id, role: input.role } });
    return id;
  });
}

/**
 * Makes the person a member of the group (role "member") if they are not one already. For a
 * recruitment campaign whose candidate reaches "member"; the caller has checked permissions.
 */
export async function joinGroupTx(trx: Transaction<Database>, ctx: ServiceContext, groupId: number, personId: number, joinedOn: string): Promise<void> {
  if (await q.currentMembership(trx, groupId, personId)) return;
  const id = await q.insertMember(trx, { groupId, personId, role: 'member', joinedOn });
  await audit(trx, auditContext(ctx), { action: 'group_member.added', entityType: 'person', entityId: personId, details: { groupId, memberId: id, role: 'member', via: 'recruitment' } });
}

async function memberInGroup(ctx: ServiceContext, groupId: number, memberId: number) {
  const group = await groupInScope(ctx, groupId, 'people:manage');
  const member = isRecordId(memberId) ? await q.memberById(ctx.db, groupId, memberId) : undefined;
  if (!member) throw new NotFoundError();
  return { group, member: { ...member, name: nameFor(ctx.principal, member), personHref: personHref(ctx.principal, member.person_id, member) } };
}

export async function memberForEdit(ctx: ServiceContext, groupId: number, memberId: number) {
  return memberInGroup(ctx, groupId, memberId);
}

export async function changeMemberRole(ctx: ServiceContext, groupId: number, memberId: number, raw: unknown) {
  const { member } = await memberInGroup(ctx, groupId, memberId);
  const input = parse(changeRoleSchema, raw);
  if (member.left_on) throw ValidationError.one('role', 'errors.groups.alreadyLeft');
  if (input.role !== member.role) {
    await ctx.db.transaction().execute(async (trx) => {
      await q.updateMember(trx, member.id, { role: input.role });
      await audit(trx, auditContext(ctx), { action: 'group_member.updated', entityType: 'person', entityId: member.person_id, details: { groupId, memberId, changed: ['role'] } });
    });
  }
  return member;
}

export async function recordLeaving(ctx: ServiceContext, groupId: number, memberId: number, raw: unknown) {
  const { member } = await memberInGroup(ctx, groupId, memberId);
  const input = parse(leaveSchema, raw);
  if (member.left_on) throw ValidationError.one('leftOn', 'errors.groups.alreadyLeft');
  if (input.leftOn < member.joined_on) throw ValidationError.one('leftOn', 'errors.groups.leftBeforeJoined');
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateMember(trx, member.id, { left_on: input.leftOn });
    await audit(trx, auditContext(ctx), { action: 'group_member.left', entityType: 'person', entityId: member.person_id, details: { groupId, memberId } });
  });
  return member;
}
