import { createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';

/** Test helpers for the projects feature (not a test file itself). */

/** What a service call would receive for this user, as if they had signed in. */
export async function contextFor(t: TestApp, userId: number): Promise<ServiceContext> {
  return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: '127.0.0.1' };
}

/** The test organisation and the people the projects tests use. */
export async function seedPeople(t: TestApp) {
  const org = await seedOrg(t.db);
  return {
    org,
    admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin'),
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.north.id, role: 'viewer' }], 'Vic Viewer'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
    otherPartner: await createUser(t.db, 'other-partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Olu Other'),
  };
}

export const AIM = 'Cut missed first appointments from 30% to 10% by March 2026';

/** A valid "start a project" form for the unit. */
export function projectForm(unitId: number, extra: Record<string, string> = {}): Record<string, string> {
  return { unitId: String(unitId), title: 'Fewer missed appointments', aim: AIM, stage: 'planning', involvementLevel: 'consulted', ...extra };
}
