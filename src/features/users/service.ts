import { audit } from '../../platform/audit/index.ts';
import { hashPassword, newSecret } from '../../platform/auth/crypto.ts';
import { destroyUserSessions } from '../../platform/auth/sessions.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation, nowIso, type Db } from '../../platform/db/index.ts';
import type { OrgUnit, Role, User } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { can, requireInScope, requirePermission, scopePaths } from '../../platform/rbac/index.ts';
import { sendTokenEmail } from '../auth/service.ts';
import * as org from '../org/service.ts';
import { eraseLinkedPerson, personExportForUser } from '../people/service.ts';
import { erasePromisesOfUser, promisesExportForUser } from '../promises/service.ts';
import * as q from './queries.ts';

export const PAGE_SIZE = 25;

export type UserStatus = 'active' | 'invited' | 'disabled';

/** Disabled wins; otherwise someone who has never chosen a password is still only invited. */
export function userStatus(user: { disabled_at: string | null; has_password: boolean }): UserStatus {
  if (user.disabled_at) return 'disabled';
  return user.has_password ? 'active' : 'invited';
}

export async function listUsers(ctx: ServiceContext, opts: { after?: number; search?: string }) {
  const principal = requirePermission(ctx.principal, 'users:manage');
  const rows = await q.listUsers(ctx.db, scopePaths(principal, 'users:manage'), { ...opts, limit: PAGE_SIZE + 1 });
  return {
    users: rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, status: userStatus(r) })),
    nextAfter: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]?.id : undefined,
  };
}

/** Units where the principal may give people roles (a role there also covers the units inside it). */
export async function assignableUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'users:manage');
  return org.unitsUnder(ctx.db, scopePaths(principal, 'users:manage'));
}

/** A user is in scope when they hold a role in the manager's units, or none at all yet. */
async function userInScope(ctx: ServiceContext, id: number): Promise<User> {
  const principal = requirePermission(ctx.principal, 'users:manage');
  const user = isRecordId(id) ? await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!user) throw new NotFoundError();
  const grants = await q.grantsOf(ctx.db, id);
  if (grants.length > 0 && !grants.some((g) => can(principal, 'users:manage', { path: g.unit_path }))) throw new NotFoundError();
  return user;
}

export async function getUser(ctx: ServiceContext, id: number) {
  const user = await userInScope(ctx, id);
  const grants = await q.grantsOf(ctx.db, id);
  await audit(ctx.db, auditContext(ctx), { action: 'user.viewed', entityType: 'user', entityId: id, subjectUserId: id });
  const { password_hash, ...safe } = user;
  const shown = { ...safe, has_password: password_hash != null };
  return {
    user: { ...shown, status: userStatus(shown) },
    // A role on a unit outside the manager's units is listed, but this manager cannot remove it.
    grants: grants.map((g) => ({ ...g, canRemove: can(ctx.principal, 'users:manage', { path: g.unit_path }) })),
  };
}

async function insertUser(db: Db, input: { email: string; name: string; passwordHash: string | null }): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({ email: input.email.toLowerCase(), name: input.name, password_hash: input.passwordHash, failed_sign_ins: 0, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function emailTaken(db: Db, email: string): Promise<boolean> {
  return !!(await db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst());
}

/** Creates an account with one role and emails an invitation to choose a password. */
export async function inviteUser(ctx: ServiceContext, input: { email: string; name: string; unitId: number; role: Role }): Promise<number> {
  requirePermission(ctx.principal, 'users:manage');
  const unit = await org.unitById(ctx.db, input.unitId);
  if (!unit || !can(ctx.principal, 'users:manage', unit)) throw ValidationError.one('unitId', 'errors.unit.required');
  if (await emailTaken(ctx.db, input.email)) throw ValidationError.one('email', 'errors.email.taken');
  try {
    // Account, role, invitation email and audit row commit together or not at all.
    return await ctx.db.transaction().execute(async (trx) => {
      const id = await insertUser(trx, { email: input.email, name: input.name, passwordHash: null });
      await trx.insertInto('role_grants').values({ user_id: id, unit_id: input.unitId, role: input.role, created_at: nowIso() }).execute();
      await sendTokenEmail(trx, ctx.config.baseUrl, { id, email: input.email, name: input.name }, 'invite');
      await audit(trx, auditContext(ctx), { action: 'user.invited', entityType: 'user', entityId: id, subjectUserId: id, details: { role: input.role, unitId: input.unitId } });
      return id;
    });
  } catch (err) {
    // Two invitations for one email at the same moment: the second loses the race on the unique index.
    if (isUniqueViolation(err)) throw ValidationError.one('email', 'errors.email.taken');
    throw err;
  }
}

export async function resendInvitation(ctx: ServiceContext, id: number): Promise<void> {
  const user = await userInScope(ctx, id);
  // An invitation sets a password; someone who has one already (or cannot sign in) is not sent one.
  if (user.password_hash != null) throw ValidationError.one('user', 'errors.user.alreadyActive');
  if (user.disabled_at) throw ValidationError.one('user', 'errors.user.disabled');
  await sendTokenEmail(ctx.db, ctx.config.baseUrl, user, 'invite');
  await audit(ctx.db, auditContext(ctx), { action: 'user.invitation_resent', entityType: 'user', entityId: id, subjectUserId: id });
}

export async function grantRole(ctx: ServiceContext, userId: number, input: { unitId: number; role: Role }): Promise<void> {
  await userInScope(ctx, userId);
  const unit = await org.unitById(ctx.db, input.unitId);
  if (!unit || !can(ctx.principal, 'users:manage', unit)) throw ValidationError.one('unitId', 'errors.unit.required');
  const existing = await ctx.db
    .selectFrom('role_grants')
    .select('id')
    .where('user_id', '=', userId)
    .where('unit_id', '=', input.unitId)
    .where('role', '=', input.role)
    .executeTakeFirst();
  if (existing) throw ValidationError.one('role', 'errors.role.alreadyHeld');
  await ctx.db.insertInto('role_grants').values({ user_id: userId, unit_id: input.unitId, role: input.role, created_at: nowIso() }).execute();
  await audit(ctx.db, auditContext(ctx), { action: 'role.granted', entityType: 'user', entityId: userId, subjectUserId: userId, details: input });
}

export async function revokeRole(ctx: ServiceContext, userId: number, grantId: number): Promise<void> {
  await userInScope(ctx, userId);
  const grant = (await q.grantsOf(ctx.db, userId)).find((g) => g.id === grantId);
  requireInScope(ctx.principal, 'users:manage', grant ? { path: grant.unit_path } : undefined);
  if (userId === ctx.principal?.userId && grant?.role === 'admin') throw ValidationError.one('role', 'errors.role.ownAdmin');
  await ctx.db.deleteFrom('role_grants').where('id', '=', grantId).execute();
  await audit(ctx.db, auditContext(ctx), { action: 'role.revoked', entityType: 'user', entityId: userId, subjectUserId: userId, details: { role: grant?.role, unitId: grant?.unit_id } });
}

/** Disabling ends every session and token use at once: both are checked on each request. */
export async function setDisabled(ctx: ServiceContext, id: number, disabled: boolean): Promise<void> {
  await userInScope(ctx, id);
  if (disabled && id === ctx.principal?.userId) throw ValidationError.one('user', 'errors.user.disableSelf');
  await ctx.db.updateTable('users').set({ disabled_at: disabled ? nowIso() : null }).where('id', '=', id).execute();
  if (disabled) await destroyUserSessions(ctx.db, id);
  await audit(ctx.db, auditContext(ctx), { action: disabled ? 'user.disabled' : 'user.enabled', entityType: 'user', entityId: id, subjectUserId: id });
}

/** For the CLI and first start: an admin on the trust (creating the trust unit if there is none). */
export async function createAdmin(db: Db, input: { email: string; name: string; password: string; trustName?: string }): Promise<number> {
  if (await emailTaken(db, input.email)) throw ValidationError.one('email', 'errors.email.taken');
  const trust = (await org.rootUnit(db)) ?? (await org.insertUnit(db, { name: input.trustName ?? 'Your NHS Trust', kind: 'trust', parentId: null }, nowIso()));
  const id = await insertUser(db, { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) });
  await db.insertInto('role_grants').values({ user_id: id, unit_id: trust.id, role: 'admin', created_at: nowIso() }).execute();
  await audit(db, { actorUserId: null, ip: null }, { action: 'user.created_admin', entityType: 'user', entityId: id, subjectUserId: id });
  return id;
}

/** On the very first start there is nobody to sign in as: make an admin with a generated password. */
export async function bootstrapFirstAdmin(db: Db): Promise<{ email: string; password: string } | null> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  const password = newSecret(12);
  const email = 'admin@example.org';
  await createAdmin(db, { email, name: 'Administrator', password });
  return { email, password };
}

/**
 * Subject access: everything Alongside holds about a person's account, as one JSON document.
 * Includes the user's involvement register entry, when their account is linked to one.
 */
export async function exportUser(ctx: ServiceContext, id: number) {
  const user = await userInScope(ctx, id);
  const { password_hash, ...account } = user;
  const [roles, memberships, tokens, auditAbout, auditBy] = await Promise.all([
    q.grantsOf(ctx.db, id),
    ctx.db.selectFrom('project_members').innerJoin('projects', 'projects.id', 'project_members.project_id')
      .select(['projects.id as project_id', 'projects.title as project', 'project_members.role', 'project_members.joined_on', 'project_members.left_on'])
      .where('project_members.user_id', '=', id).execute(),
    ctx.db.selectFrom('api_tokens').select(['name', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', id).execute(),
    ctx.db.selectFrom('audit_log').selectAll().where('subject_user_id', '=', id).orderBy('id').execute(),
    ctx.db.selectFrom('audit_log').selectAll().where('actor_user_id', '=', id).orderBy('id').execute(),
  ]);
  await audit(ctx.db, auditContext(ctx), { action: 'user.exported', entityType: 'user', entityId: id, subjectUserId: id });
  return {
    exported_at: nowIso(),
    account: { ...account, has_password: password_hash != null },
    roles: roles.map((r) => ({ unit: r.unit_name, role: r.role })),
    project_memberships: memberships,
    api_tokens: tokens,
    audit_about_them: auditAbout,
    audit_by_them: auditBy,
    // Their involvement register entry, if their account is linked to one.
    involvement_register: await personExportForUser(ctx.db, id),
    // Their promises to themselves, check-ins and encouragement (workshops).
    promises: await promisesExportForUser(ctx.db, id),
  };
}

/**
 * Erasure: the account is anonymised rather than deleted, so counts and the append-only audit log
 * stay whole, but nothing left identifies the person. Their sessions, tokens, roles and any
 * unsent email to them go at once.
 */
export async function eraseUser(ctx: ServiceContext, id: number): Promise<void> {
  const user = await userInScope(ctx, id);
  if (id === ctx.principal?.userId) throw ValidationError.one('erase', 'errors.user.eraseSelf');
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ email: `erased-${id}@erased.invalid`, name: `Erased user ${id}`, password_hash: null, disabled_at: nowIso(), locked_until: null, last_sign_in_at: null })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await trx.deleteFrom('sign_in_tokens').where('user_id', '=', id).execute();
    await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
    await trx.deleteFrom('role_grants').where('user_id', '=', id).execute();
    await trx.deleteFrom('outbox').where('recipient', '=', user.email).where('status', '=', 'pending').execute();
    await eraseLinkedPerson(trx, auditContext(ctx), id);
    await erasePromisesOfUser(trx, id);
    // What they followed and how often they heard of stories says which services they care about.
    await trx.deleteFrom('story_follows').where('user_id', '=', id).execute();
    await trx.deleteFrom('story_digest_settings').where('user_id', '=', id).execute();
    await audit(trx, auditContext(ctx), { action: 'user.erased', entityType: 'user', entityId: id, subjectUserId: id });
  });
}
