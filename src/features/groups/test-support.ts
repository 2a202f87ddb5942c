import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { PersonStatus } from '../../platform/db/types.ts';

/** The organisation, and one user of each kind the involvement tests need. */
export async function seedInvolvement(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    otherStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
    southLead: await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }], 'Sue South'),
  };
  return { org, users };
}

/** A person in the register of a unit. */
export async function insertPerson(t: TestApp, unitId: number, fullName: string, extra: { anonymity?: 'full_name' | 'first_name' | 'initials' | 'anonymous'; status?: PersonStatus; heardVia?: 'stall' | 'event' | 'website' | null; outreachEventId?: number | null } = {}): Promise<number> {
  const now = nowIso();
  const { id } = await t.db.db
    .insertInto('people')
    .values({
      unit_id: unitId, user_id: null, full_name: fullName, preferred_name: null, email: null, phone: '07700 900123', address: null, postcode: null,
      preferred_channel: 'phone', format: 'standard', format_language: null, access_needs_other: null, relationship: 'service_user', services_known: null,
      availability_notes: null, anonymity: extra.anonymity ?? 'full_name', payment_preference: 'expenses_only', heard_via: extra.heardVia ?? null,
      outreach_event_id: extra.outreachEventId ?? null, status: extra.status ?? 'active', notes: null, created_by: null, created_at: now, updated_at: now, erased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** The id at the end of a redirect's location, e.g. /groups/12 → 12. */
export function idFrom(location: unknown): number {
  const m = /\/(\d+)(?:[#?].*)?$/.exec(String(location));
  if (!m) throw new Error(`no id in ${String(location)}`);
  return Number(m[1]);
}
