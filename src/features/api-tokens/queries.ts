import type { Db } from '../../platform/db/index.ts';

export interface TokenRow {
  id: number;
  name: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A user's tokens, newest first, one keyset page at a time. Never selects the hash. */
export async function tokensOf(db: Db, userId: number, opts: { before?: number; limit: number }): Promise<TokenRow[]> {
  let q = db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId);
  if (opts.before) q = q.where('id', '<', opts.before);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function tokenOf(db: Db, userId: number, id: number): Promise<TokenRow | undefined> {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function revoke(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}
