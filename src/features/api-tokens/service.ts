import { audit } from '../../platform/audit/index.ts';
import { issueApiToken, isApiScope, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import * as q from './queries.ts';

export const PAGE_SIZE = 25;

export interface TokenSummary {
  id: number;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const summary = (row: q.TokenRow): TokenSummary => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes.split(' ').filter(isApiScope),
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** The signed-in user's own tokens (never anyone else's), newest first. */
export async function listMyTokens(ctx: ServiceContext, opts: { before?: number } = {}): Promise<{ tokens: TokenSummary[]; nextBefore?: number }> {
  const principal = requireSignedIn(ctx.principal);
  const rows = await q.tokensOf(ctx.db, principal.userId, { before: opts.before, limit: PAGE_SIZE + 1 });
  const tokens = rows.slice(0, PAGE_SIZE).map(summary);
  return { tokens, nextBefore: rows.length > PAGE_SIZE ? tokens[tokens.length - 1]?.id : undefined };
}

/** Creates a token for the signed-in user. The plain value is returned this once; only its hash is stored. */
export async function createMyToken(ctx: ServiceContext, input: { name: string; scopes: ApiScope[] }): Promise<{ token: TokenSummary; value: string }> {
  const principal = requireSignedIn(ctx.principal);
  return ctx.db.transaction().execute(async (trx) => {
    const issued = await issueApiToken(trx, principal.userId, input.name, input.scopes);
    await audit(trx, auditContext(ctx), {
      action: 'api_token.created',
      entityType: 'api_token',
      entityId: issued.id,
      subjectUserId: principal.userId,
      details: { scopes: input.scopes },
    });
    const row = await q.tokenOf(trx, principal.userId, issued.id);
    if (!row) throw new Error('token vanished after insert');
    return { token: summary(row), value: issued.token };
  });
}

/** Revokes one of the signed-in user's tokens at once. Someone else's token id is a 404. */
export async function revokeMyToken(ctx: ServiceContext, id: number): Promise<TokenSummary> {
  const principal = requireSignedIn(ctx.principal);
  const row = isRecordId(id) ? await q.tokenOf(ctx.db, principal.userId, id) : undefined;
  if (!row) throw new NotFoundError();
  if (!row.revoked_at) {
    await ctx.db.transaction().execute(async (trx) => {
      await q.revoke(trx, id, nowIso());
      await audit(trx, auditContext(ctx), { action: 'api_token.revoked', entityType: 'api_token', entityId: id, subjectUserId: principal.userId });
    });
  }
  return summary(row);
}
