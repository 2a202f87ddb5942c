import type { ServiceContext } from '../../platform/context.ts';
import type { Selectable } from 'kysely';
import type { OrgUnit, ProjectTable } from '../../platform/db/types.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { can, requireSignedIn } from '../../platform/rbac/index.ts';

export type Project = Selectable<ProjectTable>;

import { isRecordId } from '../../platform/db/index.ts';

export { isRecordId, MAX_ID } from '../../platform/db/index.ts';

export interface ProjectAccess {
  project: Project;
  unit: OrgUnit;
  /** May see the project: staff with projects:view on its unit, or a current team member. */
  canView: true;
  /** May change it: staff with projects:manage on its unit, or a current partner member (partners contribute as equals). */
  canEdit: boolean;
  /** Is the signed-in user a current member of the team? */
  isMember: boolean;
}

/**
 * The one place that decides who may see and change a project. Every project, change-idea, PDSA
 * and measure service calls this first. A project the user may not see is a 404.
 */
export async function projectAccess(ctx: ServiceContext, projectId: number, need: 'view' | 'edit' = 'view'): Promise<ProjectAccess> {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(projectId)) throw new NotFoundError();
  const row = await ctx.db
    .selectFrom('projects')
    .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
    .selectAll('projects')
    .select(['org_units.path as unit_path', 'org_units.name as unit_name', 'org_units.kind as unit_kind', 'org_units.parent_id as unit_parent_id', 'org_units.created_at as unit_created_at', 'org_units.archived_at as unit_archived_at'])
    .where('projects.id', '=', projectId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  const { unit_path, unit_name, unit_kind, unit_parent_id, unit_created_at, unit_archived_at, ...project } = row;
  const unit: OrgUnit = { id: project.unit_id, path: unit_path, name: unit_name, kind: unit_kind, parent_id: unit_parent_id, created_at: unit_created_at, archived_at: unit_archived_at };
  const membership = await ctx.db
    .selectFrom('project_members')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', principal.userId)
    .where('left_on', 'is', null)
    .execute();
  const isMember = membership.length > 0;
  const staffView = can(principal, 'projects:view', unit);
  const staffEdit = can(principal, 'projects:manage', unit);
  if (!staffView && !isMember) throw new NotFoundError();
  const canEdit = staffEdit || isMember;
  if (need === 'edit' && !canEdit) throw new NotFoundError();
  return { project, unit, canView: true, canEdit, isMember };
}
