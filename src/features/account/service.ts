import { audit } from '../../platform/audit/index.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from '../../platform/auth/crypto.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import * as q from './queries.ts';

/** The signed-in person's own details and roles. */
export async function getAccount(ctx: ServiceContext) {
  const principal = requireSignedIn(ctx.principal);
  const user = await q.userById(ctx.db, principal.userId);
  if (!user) throw new NotFoundError();
  const { password_hash, ...safe } = user;
  return { user: { ...safe, has_password: password_hash != null }, roles: await q.rolesOf(ctx.db, principal.userId) };
}

/**
 * Changes the signed-in person's password. Every other session of theirs ends (someone else may
 * have been signed in as them); the one making the change stays signed in. They are told by email.
 */
export async function changePassword(
  ctx: ServiceContext,
  currentSessionSecret: string | null,
  input: { current?: string; password: string },
): Promise<void> {
  const principal = requireSignedIn(ctx.principal);
  const user = await q.userById(ctx.db, principal.userId);
  if (!user) throw new NotFoundError();
  if (user.password_hash != null) {
    if (input.current === undefined) throw ValidationError.one('current', 'errors.account.currentRequired');
    if (!(await verifyPassword(input.current, user.password_hash))) {
      await audit(ctx.db, auditContext(ctx), { action: 'password.change_failed', entityType: 'user', entityId: user.id, subjectUserId: user.id });
      throw ValidationError.one('current', 'errors.account.currentWrong');
    }
  }
  const hash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash, failed_sign_ins: 0, locked_until: null }).where('id', '=', user.id).execute();
    let others = trx.deleteFrom('sessions').where('user_id', '=', user.id);
    if (currentSessionSecret) others = others.where('id_hash', '!=', sha256(currentSessionSecret));
    await others.execute();
    // Links already emailed to reset the password or sign in must not outlive the change.
    await trx.deleteFrom('sign_in_tokens').where('user_id', '=', user.id).where('used_at', 'is', null).where('purpose', 'in', ['password_reset', 'magic_link']).execute();
    await enqueueEmail(trx, {
      idempotencyKey: `password_changed-${user.id}-${newSecret(12)}`,
      to: user.email,
      subject: t('account.email.passwordChanged.subject'),
      text: t('account.email.passwordChanged.body', { name: user.name, link: `${ctx.config.baseUrl}/forgot-password` }),
    });
    await audit(trx, auditContext(ctx), { action: 'password.changed', entityType: 'user', entityId: user.id, subjectUserId: user.id });
  });
}
