import type { Db } from '../../platform/db/index.ts';

export async function userById(db: Db, id: number) {
  return db.selectFrom('users').select(['id', 'name', 'email', 'password_hash', 'last_sign_in_at']).where('id', '=', id).executeTakeFirst();
}

/** The signed-in person's roles, by unit (archived units give no access, so are not shown). */
export async function rolesOf(db: Db, userId: number) {
  return db
    .selectFrom('role_grants')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select(['role_grants.id', 'role_grants.role', 'org_units.name as unit_name'])
    .where('role_grants.user_id', '=', userId)
    .where('org_units.archived_at', 'is', null)
    .orderBy('org_units.path')
    .orderBy('role_grants.role')
    .execute();
}
