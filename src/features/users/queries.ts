import type { Db } from '../../platform/db/index.ts';

export interface UserListRow {
  id: number;
  email: string;
  name: string;
  disabled_at: string | null;
  last_sign_in_at: string | null;
  has_password: boolean;
}

/**
 * Users with a role somewhere under the given unit paths, or with no role at all yet,
 * in keyset pages ordered by id.
 */
export async function listUsers(db: Db, prefixes: string[], opts: { after?: number; limit: number; search?: string }): Promise<UserListRow[]> {
  let q = db
    .selectFrom('users')
    .select(['users.id', 'users.email', 'users.name', 'users.disabled_at', 'users.last_sign_in_at', 'users.password_hash'])
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('role_grants')
            .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
            .select('role_grants.id')
            .whereRef('role_grants.user_id', '=', 'users.id')
            .where((e) => e.or(prefixes.map((p) => e('org_units.path', 'like', `${p}%`)))),
        ),
        eb.not(eb.exists(eb.selectFrom('role_grants').select('role_grants.id').whereRef('role_grants.user_id', '=', 'users.id'))),
      ]),
    );
  if (opts.after) q = q.where('users.id', '>', opts.after);
  if (opts.search) {
    const s = `%${opts.search.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['users.name']), 'like', s), eb('users.email', 'like', s)]));
  }
  const rows = await q.orderBy('users.id').limit(opts.limit).execute();
  return rows.map(({ password_hash, ...r }) => ({ ...r, has_password: password_hash != null }));
}

export async function grantsOf(db: Db, userId: number) {
  return db
    .selectFrom('role_grants')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select(['role_grants.id', 'role_grants.role', 'role_grants.unit_id', 'org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('role_grants.user_id', '=', userId)
    .orderBy('org_units.path')
    .execute();
}
