import type { ServiceContext } from '../../platform/context.ts';
import { ForbiddenError } from '../../platform/errors/index.ts';
import { can, requirePermission } from '../../platform/rbac/index.ts';
import { rootUnit } from '../org/service.ts';
import * as q from './queries.ts';
import type { AuditFilter } from './schemas.ts';

export const PAGE_SIZE = 50;

/** The audit log spans the whole trust, so only an admin of the trust itself may read it. */
export async function searchAuditLog(ctx: ServiceContext, filter: AuditFilter) {
  const principal = requirePermission(ctx.principal, 'audit:view');
  const root = await rootUnit(ctx.db);
  if (!root || !can(principal, 'audit:view', root)) throw new ForbiddenError();
  const personIds = filter.person ? await q.findPeople(ctx.db, filter.person) : undefined;
  const rows = await q.searchAudit(ctx.db, { ...filter, personIds }, PAGE_SIZE + 1);
  const entries = rows.slice(0, PAGE_SIZE);
  return {
    entries,
    nextBefore: rows.length > PAGE_SIZE ? entries[entries.length - 1]?.id : undefined,
    entityTypes: await q.entityTypes(ctx.db),
  };
}
