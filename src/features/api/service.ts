import type { ServiceContext } from '../../platform/context.ts';
import type { OrgUnit } from '../../platform/db/types.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import * as q from './queries.ts';
import type { MeJson, OrgUnitJson } from './schemas.ts';

/** Who the caller is, and their roles. */
export async function me(ctx: ServiceContext): Promise<MeJson> {
  const principal = requireSignedIn(ctx.principal);
  return { id: principal.userId, email: principal.email, name: principal.name, roles: await q.rolesOf(ctx.db, principal.userId) };
}

export function unitJson(unit: OrgUnit): OrgUnitJson {
  return { id: unit.id, parentId: unit.parent_id, name: unit.name, kind: unit.kind, path: unit.path };
}
