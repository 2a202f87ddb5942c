import type { ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import type { OrgUnit, Person } from '../../platform/db/types.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { can, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';

export interface PersonAccess {
  person: Person;
  unitPath: string;
  /** The signed-in user is this person (their partner account). */
  isSelf: boolean;
  /** May change the register entry: an involvement lead (people:manage) for the person's unit. */
  canManage: boolean;
}

/**
 * The one place that decides who may see a person's record. A partner sees only their own; staff
 * see people registered in the units they work in (people:view), or who are matched to an
 * opportunity they own or can manage. Anyone else gets a 404. Callers audit the view.
 */
export async function personAccess(ctx: ServiceContext, personId: number, need: 'view' | 'manage' = 'view'): Promise<PersonAccess> {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(personId)) throw new NotFoundError();
  const row = await ctx.db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .selectAll('people')
    .select('org_units.path as unit_path')
    .where('people.id', '=', personId)
    .where('people.erased_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new NotFoundError();
  const { unit_path: unitPath, ...person } = row;
  const unit = { path: unitPath };
  const isSelf = person.user_id === principal.userId;
  const canManage = can(principal, 'people:manage', unit);
  if (need === 'manage') {
    if (!canManage) throw new NotFoundError();
    return { person, unitPath, isSelf, canManage };
  }
  if (isSelf || can(principal, 'people:view', unit) || (await seesThroughOpportunity(ctx, principal, personId))) {
    return { person, unitPath, isSelf, canManage };
  }
  throw new NotFoundError();
}

/** Staff who own an opportunity, or manage opportunities in its unit, see the people matched to it. */
async function seesThroughOpportunity(ctx: ServiceContext, principal: Principal, personId: number): Promise<boolean> {
  const paths = scopePaths(principal, 'opportunities:manage');
  const row = await ctx.db
    .selectFrom('matches')
    .innerJoin('opportunities', 'opportunities.id', 'matches.opportunity_id')
    .innerJoin('org_units', 'org_units.id', 'opportunities.unit_id')
    .select('matches.id')
    .where('matches.person_id', '=', personId)
    .where((eb) =>
      eb.or([
        eb('opportunities.created_by', '=', principal.userId),
        ...paths.map((p) => eb('org_units.path', 'like', `${p}%`)),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Unit path prefixes whose register the principal may list (people:view). Empty: none. */
export function registerScope(principal: Principal, permission: 'people:view' | 'people:manage' = 'people:view'): string[] {
  return scopePaths(principal, permission);
}

export type { OrgUnit };
