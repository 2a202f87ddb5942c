import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { PersonTable } from '../../platform/db/types.ts';
import { insertRegisterPerson } from '../minutes/test-support.ts';

/**
 * Records for the claims tests (not a test file itself): an organisation with a North lead, a
 * South lead, North QI staff, a budget holder and finance for North, and two North partners each
 * linked to their own register entry (paid at the involvement rate unless told otherwise).
 */
export async function seedClaims(t: TestApp, preference: PersonTable['payment_preference'] = 'involvement_rate') {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    southLead: await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }], 'Sue South'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    budgetHolder: await createUser(t.db, 'budget@example.org', [{ unitId: org.north.id, role: 'budget_holder' }], 'Bo Budget'),
    finance: await createUser(t.db, 'finance@example.org', [{ unitId: org.trust.id, role: 'finance' }], 'Fin Finance'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
    partner2: await createUser(t.db, 'partner2@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Kit Other'),
  };
  const partnerPerson = await insertRegisterPerson(t.db, org.northTeam.id, 'Pat Partner', { user_id: users.partner, payment_preference: preference });
  const partner2Person = await insertRegisterPerson(t.db, org.northTeam.id, 'Kit Other', { user_id: users.partner2 });
  return { org, users, partnerPerson, partner2Person };
}

export async function ctxFor(t: TestApp, userId: number): Promise<ServiceContext> {
  return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null };
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** The smallest files of each kind the receipt check accepts. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a picture')]);
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('rest of a photo')]);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Claim id from a redirect to /claims/:id or /my-claims/:id. */
export const claimIdFrom = (location: unknown): number => Number(/\/(\d+)$/.exec(String(location))?.[1]);
