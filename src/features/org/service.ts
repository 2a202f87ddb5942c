import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { OrgUnit, UnitKind } from '../../platform/db/types.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { requireInScope, requirePermission, scopePaths } from '../../platform/rbac/index.ts';
import type { z } from 'zod';
import * as q from './queries.ts';
import { createUnitSchema, renameUnitSchema } from './schemas.ts';

export interface UnitNode extends OrgUnit {
  children: UnitNode[];
  depth: number;
}

/** Builds a tree from units sorted by path; units whose parent is out of view become roots. */
export function toTree(units: OrgUnit[]): UnitNode[] {
  const byId = new Map<number, UnitNode>();
  const roots: UnitNode[] = [];
  for (const u of units) {
    const node: UnitNode = { ...u, children: [], depth: 0 };
    byId.set(u.id, node);
    const parent = u.parent_id == null ? undefined : byId.get(u.parent_id);
    if (parent) {
      node.depth = parent.depth + 1;
      parent.children.push(node);
    } else roots.push(node);
  }
  return roots;
}

export async function visibleUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'org:view');
  return q.unitsUnder(ctx.db, scopePaths(principal, 'org:view'));
}

/** Units where the principal may manage (create under, rename, archive). */
export async function manageableUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'org:manage');
  return q.unitsUnder(ctx.db, scopePaths(principal, 'org:manage'));
}

export async function getUnit(ctx: ServiceContext, id: number): Promise<OrgUnit> {
  const unit = isRecordId(id) ? await q.unitById(ctx.db, id) : undefined;
  requireInScope(ctx.principal, 'org:view', unit);
  return unit as OrgUnit;
}

/** The trust is the only root; everything else sits below it. */
function checkKind(kind: UnitKind): void {
  if (kind === 'trust') throw ValidationError.one('kind', 'errors.unit.trustOnlyAtTop');
}

/** Validates after the permission check, so someone who may not add units learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

export async function createUnit(ctx: ServiceContext, raw: unknown): Promise<OrgUnit> {
  requirePermission(ctx.principal, 'org:manage');
  const input = parse(createUnitSchema, raw);
  const parent = await q.unitById(ctx.db, input.parentId);
  if (!parent || parent.archived_at) throw ValidationError.one('parentId', 'errors.unit.parentRequired');
  requireInScope(ctx.principal, 'org:manage', parent);
  checkKind(input.kind);
  const unit = await q.insertUnit(ctx.db, input, nowIso());
  await audit(ctx.db, auditContext(ctx), { action: 'org_unit.created', entityType: 'org_unit', entityId: unit.id });
  return unit;
}

export async function renameUnit(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const unit = await getUnit(ctx, id);
  requireInScope(ctx.principal, 'org:manage', unit);
  const { name } = parse(renameUnitSchema, raw);
  await ctx.db.updateTable('org_units').set({ name }).where('id', '=', id).execute();
  await audit(ctx.db, auditContext(ctx), { action: 'org_unit.renamed', entityType: 'org_unit', entityId: id });
}

/** Archiving hides a unit; it keeps its history. A unit with open children cannot be archived. */
export async function archiveUnit(ctx: ServiceContext, id: number): Promise<void> {
  const unit = await getUnit(ctx, id);
  requireInScope(ctx.principal, 'org:manage', unit);
  if (unit.parent_id == null) throw ValidationError.one('archive', 'errors.unit.cannotArchiveTrust');
  if ((await q.childCount(ctx.db, id)) > 0) throw ValidationError.one('archive', 'errors.unit.hasChildren');
  await ctx.db.updateTable('org_units').set({ archived_at: nowIso() }).where('id', '=', id).execute();
  await audit(ctx.db, auditContext(ctx), { action: 'org_unit.archived', entityType: 'org_unit', entityId: id });
}

export const rootUnit = q.rootUnit;
export const insertUnit = q.insertUnit;
export const unitsUnder = q.unitsUnder;
export const unitById = q.unitById;

/** A unit's name indented by its depth, for select lists. */
export function indentedName(unit: OrgUnit): string {
  const depth = Math.max(0, unit.path.split('/').length - 3);
  return `${'— '.repeat(depth)}${unit.name}`;
}

/** Other features (the JSON API, its OpenAPI document) use the same schemas through this file. */
export { createUnitSchema, renameUnitSchema };
