import type { Db } from '../../platform/db/index.ts';
import type { Role } from '../../platform/db/types.ts';

/** A user's roles with the names of their (open) units. */
export async function rolesOf(db: Db, userId: number): Promise<{ unitId: number; unitName: string; role: Role }[]> {
  return db
    .selectFrom('role_grants')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select(['role_grants.unit_id as unitId', 'org_units.name as unitName', 'role_grants.role as role'])
    .where('role_grants.user_id', '=', userId)
    .where('org_units.archived_at', 'is', null)
    .orderBy('org_units.path')
    .orderBy('role_grants.role')
    .execute();
}
