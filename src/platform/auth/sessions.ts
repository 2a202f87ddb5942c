import type { Db } from '../db/index.ts';
import { nowIso } from '../db/index.ts';
import type { Principal } from '../rbac/index.ts';
import { newSecret, sha256 } from './crypto.ts';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** Starts a new session (always a new id: no fixation) and returns the cookie value. */
export async function createSession(db: Db, userId: number, ip: string | null): Promise<string> {
  const secret = newSecret();
  const now = nowIso();
  await db.insertInto('sessions').values({ id_hash: sha256(secret), user_id: userId, created_at: now, last_seen_at: now, ip }).execute();
  return secret;
}

export async function destroySession(db: Db, secret: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256(secret)).execute();
}

export async function destroyUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function loadPrincipal(db: Db, userId: number): Promise<Principal | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('id', '=', userId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user) return null;
  const grants = await db
    .selectFrom('role_grants')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select(['role_grants.unit_id', 'role_grants.role', 'org_units.path'])
    .where('role_grants.user_id', '=', userId)
    .where('org_units.archived_at', 'is', null)
    .execute();
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    grants: grants.map((g) => ({ unitId: g.unit_id, role: g.role, unitPath: g.path })),
  };
}

/**
 * Resolves a session cookie to its principal, enforcing idle and absolute lifetimes.
 * Everything is read from the database, so any instance can serve any request.
 */
export async function resolveSession(db: Db, secret: string, limits: SessionLimits, now = Date.now()): Promise<Principal | null> {
  const idHash = sha256(secret);
  const session = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!session) return null;
  const expired =
    now - Date.parse(session.last_seen_at) > limits.idleMs || now - Date.parse(session.created_at) > limits.absoluteMs;
  if (expired) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  const principal = await loadPrincipal(db, session.user_id);
  if (!principal) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  // Touch at most once a minute to keep writes down.
  if (now - Date.parse(session.last_seen_at) > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id_hash', '=', idHash).execute();
  }
  return principal;
}

export async function pruneExpiredSessions(db: Db, limits: SessionLimits): Promise<void> {
  const idleCutoff = new Date(Date.now() - limits.idleMs).toISOString();
  const absCutoff = new Date(Date.now() - limits.absoluteMs).toISOString();
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('last_seen_at', '<', idleCutoff), eb('created_at', '<', absCutoff)]))
    .execute();
  await db.deleteFrom('sign_in_tokens').where('expires_at', '<', nowIso()).execute();
}
