import { audit, type AuditContext } from '../../platform/audit/index.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from '../../platform/auth/crypto.ts';
import { createSession, destroySession, destroyUserSessions } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso, type Db } from '../../platform/db/index.ts';
import type { TokenPurpose, User } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';

export type SignInResult = { ok: true; sessionSecret: string; user: User } | { ok: false; reason: 'invalid' | 'locked' };

const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  magic_link: 15 * 60_000,
  password_reset: 60 * 60_000,
  invite: 7 * 24 * 3_600_000,
};

const ctxAudit = (ctx: ServiceContext, actorUserId: number | null): AuditContext => ({ actorUserId, ip: ctx.ip });

async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/**
 * Password sign-in. Repeated failures lock the account briefly; the answer never says
 * whether the email has an account.
 */
export async function signInWithPassword(ctx: ServiceContext, email: string, password: string): Promise<SignInResult> {
  const { db, config } = ctx;
  const user = await findUserByEmail(db, email);
  const valid = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || user.disabled_at) {
    await audit(db, ctxAudit(ctx, null), { action: 'sign_in.failed', entityType: 'user', entityId: user?.id ?? null });
    return { ok: false, reason: 'invalid' };
  }
  if (user.locked_until && Date.parse(user.locked_until) > Date.now()) {
    await audit(db, ctxAudit(ctx, null), { action: 'sign_in.locked', entityType: 'user', entityId: user.id, subjectUserId: user.id });
    return { ok: false, reason: 'locked' };
  }
  if (!valid) {
    const failures = user.failed_sign_ins + 1;
    const lock = failures >= config.lockout.attempts;
    await db
      .updateTable('users')
      .set({
        failed_sign_ins: lock ? 0 : failures,
        locked_until: lock ? new Date(Date.now() + config.lockout.minutes * 60_000).toISOString() : user.locked_until,
      })
      .where('id', '=', user.id)
      .execute();
    await audit(db, ctxAudit(ctx, null), { action: lock ? 'sign_in.lock' : 'sign_in.failed', entityType: 'user', entityId: user.id, subjectUserId: user.id });
    return { ok: false, reason: lock ? 'locked' : 'invalid' };
  }
  return { ok: true, sessionSecret: await startSession(ctx, user, 'password'), user };
}

async function startSession(ctx: ServiceContext, user: User, method: string): Promise<string> {
  const { db } = ctx;
  await db.updateTable('users').set({ failed_sign_ins: 0, locked_until: null, last_sign_in_at: nowIso() }).where('id', '=', user.id).execute();
  const secret = await createSession(db, user.id, ctx.ip);
  await audit(db, ctxAudit(ctx, user.id), { action: 'sign_in', entityType: 'user', entityId: user.id, subjectUserId: user.id, details: { method } });
  return secret;
}

export async function signOut(ctx: ServiceContext, sessionSecret: string | null): Promise<void> {
  if (!sessionSecret) return;
  await destroySession(ctx.db, sessionSecret);
  if (ctx.principal) {
    await audit(ctx.db, ctxAudit(ctx, ctx.principal.userId), { action: 'sign_out', entityType: 'user', entityId: ctx.principal.userId, subjectUserId: ctx.principal.userId });
  }
}

/** Creates a single-use token and queues the email that carries it, in one transaction (the caller's, if given one). */
export async function sendTokenEmail(db: Db, baseUrl: string, user: Pick<User, 'id' | 'email' | 'name'>, purpose: TokenPurpose): Promise<void> {
  const secret = newSecret();
  const now = Date.now();
  const path = { magic_link: '/sign-in/link', password_reset: '/reset-password', invite: '/invitation' }[purpose];
  const link = `${baseUrl}${path}/${secret}`;
  const write = async (trx: Db): Promise<void> => {
    await trx
      .insertInto('sign_in_tokens')
      .values({
        token_hash: sha256(secret),
        user_id: user.id,
        purpose,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + TOKEN_LIFETIME_MS[purpose]).toISOString(),
      })
      .execute();
    await enqueueEmail(trx, {
      idempotencyKey: `${purpose}-${sha256(secret).slice(0, 24)}`,
      to: user.email,
      subject: t(`email.${purpose}.subject`),
      text: t(`email.${purpose}.body`, { name: user.name, link }),
    });
  };
  // Join the caller's transaction when there is one, so the token and its email commit with their cause.
  await (db.isTransaction ? write(db) : db.transaction().execute(write));
}

/** Magic link and password reset: silently does nothing for unknown or disabled emails. */
export async function requestEmailToken(ctx: ServiceContext, email: string, purpose: 'magic_link' | 'password_reset'): Promise<void> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user || user.disabled_at) return;
  await sendTokenEmail(ctx.db, ctx.config.baseUrl, user, purpose);
  await audit(ctx.db, ctxAudit(ctx, null), { action: `${purpose}.requested`, entityType: 'user', entityId: user.id, subjectUserId: user.id });
}

/** Looks a token up without using it (to show the set-password form). */
export async function peekToken(db: Db, secret: string, purpose: TokenPurpose): Promise<User | null> {
  const row = await db
    .selectFrom('sign_in_tokens')
    .innerJoin('users', 'users.id', 'sign_in_tokens.user_id')
    .selectAll('users')
    .where('sign_in_tokens.token_hash', '=', sha256(secret))
    .where('sign_in_tokens.purpose', '=', purpose)
    .where('sign_in_tokens.used_at', 'is', null)
    .where('sign_in_tokens.expires_at', '>', nowIso())
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  return row ?? null;
}

/** Uses a token once. The conditional update makes a second use fail even when two arrive together. */
async function consumeToken(db: Db, secret: string, purpose: TokenPurpose): Promise<User | null> {
  const user = await peekToken(db, secret, purpose);
  if (!user) return null;
  const result = await db
    .updateTable('sign_in_tokens')
    .set({ used_at: nowIso() })
    .where('token_hash', '=', sha256(secret))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? user : null;
}

export async function signInWithMagicLink(ctx: ServiceContext, secret: string): Promise<string | null> {
  const user = await consumeToken(ctx.db, secret, 'magic_link');
  if (!user) return null;
  return startSession(ctx, user, 'magic_link');
}

/** Password reset and invitation acceptance both set a password, end old sessions and sign in. */
export async function setPasswordWithToken(ctx: ServiceContext, secret: string, purpose: 'password_reset' | 'invite', password: string): Promise<string | null> {
  const user = await consumeToken(ctx.db, secret, purpose);
  if (!user) return null;
  await ctx.db.updateTable('users').set({ password_hash: await hashPassword(password) }).where('id', '=', user.id).execute();
  await destroyUserSessions(ctx.db, user.id);
  await audit(ctx.db, ctxAudit(ctx, user.id), { action: purpose === 'invite' ? 'invitation.accepted' : 'password.reset', entityType: 'user', entityId: user.id, subjectUserId: user.id });
  return startSession(ctx, user, purpose);
}
