import type { Role } from '../db/types.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors/index.ts';

/**
 * Role-based access, checked in services. A role held on a unit applies to every unit below it,
 * which is why a grant carries the unit's materialised path.
 */
export const PERMISSIONS = [
  'org:view', 'org:manage', 'users:manage', 'audit:view', 'projects:view', 'projects:manage',
  // The involvement register: staff see people in their units; involvement leads keep the register.
  'people:view', 'people:manage', 'opportunities:manage',
  // Forums and meetings: staff see their units' series; leads and QI staff run them. Partners
  // reach a series through being its member (a partner chair runs it too), not through a role.
  'meetings:view', 'meetings:manage',
  // The involvement dashboard: figures and charts for leadership, leads and QI staff.
  'insights:view',
  // Expenses and involvement payments: leads make and approve claims in their units; a budget
  // holder gives large claims a second approval; finance pays and exports (payable lines only, no
  // health details); admins set the rates. A partner reaches their own claims through their
  // register entry's user_id, not through a role.
  'claims:manage', 'claims:second_approval', 'finance:pay', 'rates:manage',
  // Feedback stories: staff read their units' published stories, follow them and see the measures;
  // QI staff and leads respond and record team discussions; leads moderate (the only ones who see
  // what the teller wrote before moderation, and their contact details). Anyone may tell a story.
  'stories:view', 'stories:respond', 'stories:moderate',
  // Workshops with challenges, votes and promises: leads and QI staff organise them. Participants
  // and supporters reach a workshop through being on it, not through a role.
  'workshops:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  lead: ['org:view', 'projects:view', 'projects:manage', 'people:view', 'people:manage', 'opportunities:manage', 'meetings:view', 'meetings:manage', 'insights:view', 'claims:manage',
    'stories:view', 'stories:respond', 'stories:moderate', 'workshops:manage'],
  qi_staff: ['org:view', 'projects:view', 'projects:manage', 'people:view', 'opportunities:manage', 'meetings:view', 'meetings:manage', 'insights:view',
    'stories:view', 'stories:respond', 'workshops:manage'],
  // Partners reach a project through being a member of its team, not through their unit role,
  // and their own register entry through its user_id.
  partner: [],
  viewer: ['org:view', 'projects:view', 'meetings:view', 'insights:view', 'stories:view'],
  finance: ['finance:pay'],
  budget_holder: ['claims:second_approval'],
};

export interface Grant {
  unitId: number;
  unitPath: string;
  role: Role;
}

export interface Principal {
  userId: number;
  email: string;
  name: string;
  grants: Grant[];
  /** For API tokens: the scopes the token carries. Absent for browser sessions. */
  scopes?: string[];
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Can the principal do this (on this unit, or anywhere when no unit is given)? */
export function can(principal: Principal | null | undefined, permission: Permission, unit?: { path: string }): boolean {
  if (!principal) return false;
  return principal.grants.some(
    (g) => roleAllows(g.role, permission) && (!unit || unit.path.startsWith(g.unitPath)),
  );
}

/** Path prefixes of the units (and their descendants) where the principal has the permission. */
export function scopePaths(principal: Principal, permission: Permission): string[] {
  const paths = principal.grants.filter((g) => roleAllows(g.role, permission)).map((g) => g.unitPath);
  // Drop paths already covered by an ancestor so SQL filters stay short.
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

export function requireSignedIn(principal: Principal | null | undefined): Principal {
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

/** Throws 403 when the principal lacks the permission everywhere. */
export function requirePermission(principal: Principal | null | undefined, permission: Permission): Principal {
  const p = requireSignedIn(principal);
  if (!can(p, permission)) throw new ForbiddenError();
  return p;
}

/** A record outside the principal's units is a 404: its existence is not revealed. */
export function requireInScope(principal: Principal | null | undefined, permission: Permission, unit: { path: string } | undefined): void {
  const p = requireSignedIn(principal);
  if (!unit || !can(p, permission, unit)) throw new NotFoundError();
}
