import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { MemberRole } from '../../platform/db/types.ts';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

/**
 * Test fixtures for change ideas and PDSA cycles. Projects are inserted directly, so these tests do
 * not depend on the project pages.
 */

export async function insertProject(db: DbHandle, unitId: number, title = 'Fewer missed first appointments'): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('projects')
    .values({
      unit_id: unitId,
      title,
      aim: 'Cut missed first appointments at North Community Team from 30% to 15% by March 2026',
      stage: 'testing',
      involvement_level: 'co_produced',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function addMember(db: DbHandle, projectId: number, userId: number, role: MemberRole, leftOn: string | null = null): Promise<void> {
  await db.db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role, joined_on: '2025-01-01', left_on: leftOn }).execute();
}

export interface ChangesWorld {
  t: TestApp;
  org: Awaited<ReturnType<typeof seedOrg>>;
  projectId: number;
  /** A project in the South Borough, which North staff cannot see. */
  southProjectId: number;
  users: { staff: number; viewer: number; partner: number; exPartner: number; otherStaff: number; outsider: number };
  signedIn(who: keyof ChangesWorld['users']): Promise<Browser>;
}

/**
 * A trust with a project in North Community Team and one in South. North staff (qi_staff) may change
 * the North project; a North viewer may only look; a partner and a former partner are (or were) members;
 * South staff and a partner who is not a member cannot see it.
 */
export async function changesWorld(): Promise<ChangesWorld> {
  const t = await createTestApp();
  const org = await seedOrg(t.db);
  const users = {
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.north.id, role: 'viewer' }], 'Vic Viewer'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
    exPartner: await createUser(t.db, 'ex-partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Ex Partner'),
    otherStaff: await createUser(t.db, 'south-staff@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'South Staff'),
    outsider: await createUser(t.db, 'outsider@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Not A Member'),
  };
  const projectId = await insertProject(t.db, org.northTeam.id);
  const southProjectId = await insertProject(t.db, org.southTeam.id, 'South project');
  await addMember(t.db, projectId, users.partner, 'service_user_partner');
  await addMember(t.db, projectId, users.exPartner, 'carer_partner', '2025-02-01');
  const emails: Record<keyof typeof users, string> = {
    staff: 'staff@example.org',
    viewer: 'viewer@example.org',
    partner: 'partner@example.org',
    exPartner: 'ex-partner@example.org',
    otherStaff: 'south-staff@example.org',
    outsider: 'outsider@example.org',
  };
  return {
    t,
    org,
    projectId,
    southProjectId,
    users,
    async signedIn(who) {
      const b = new Browser(t.app);
      await b.signIn(emails[who]);
      await b.get('/');
      return b;
    },
  };
}
