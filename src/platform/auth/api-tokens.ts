import type { Db } from '../db/index.ts';
import { nowIso } from '../db/index.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors/index.ts';
import { t } from '../i18n/index.ts';
import type { Principal } from '../rbac/index.ts';
import { newSecret, sha256 } from './crypto.ts';
import { loadPrincipal } from './sessions.ts';

export const API_SCOPES = [
  'me:read', 'org:read', 'org:write', 'projects:read', 'projects:write',
  'people:read', 'people:write', 'opportunities:read', 'opportunities:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const TOKEN_PREFIX = 'alg_';

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (API_SCOPES as readonly string[]).includes(value);
}

/** A token that authenticated but does not carry the scope a route needs (403, naming the scope). */
export class MissingScopeError extends ForbiddenError {
  constructor(readonly scope: ApiScope) {
    super(t('errors.tokens.missingScope', { scope }));
  }
}

/**
 * The request must come with a valid API token that carries this scope: no token (or a revoked,
 * unknown or disabled user's token) is a 401, a token without the scope is a 403.
 * Scopes only narrow a token; what the user may do is still decided by the services.
 */
export function requireScope(request: { principal: Principal | null }, scope: ApiScope): Principal {
  const principal = request.principal;
  if (!principal) throw new UnauthenticatedError(t('errors.tokens.unauthenticated'));
  // Only token principals carry scopes; anything else is refused rather than given full power.
  if (!principal.scopes?.includes(scope)) throw new MissingScopeError(scope);
  return principal;
}

/** Creates a token; the plain value is returned once and only its hash is kept. */
export async function issueApiToken(db: Db, userId: number, name: string, scopes: ApiScope[]): Promise<{ id: number; token: string }> {
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: sha256(token), scopes: scopes.join(' '), created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Resolves "Authorization: Bearer alg_…" to a principal limited to the token's scopes. */
export async function authenticateApiToken(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'scopes'])
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const principal = await loadPrincipal(db, row.user_id);
  if (!principal) return null;
  await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', row.id).execute();
  return { ...principal, scopes: row.scopes.split(' ').filter(Boolean) };
}
