import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { Person } from '../../platform/db/types.ts';

/** Test helpers for the opportunities feature (not a test file itself). */

export interface PersonSeed {
  unitId: number;
  name: string;
  status?: Person['status'];
  relationship?: Person['relationship'];
  format?: Person['format'];
  channel?: Person['preferred_channel'];
  email?: string | null;
  phone?: string | null;
  anonymity?: Person['anonymity'];
  userId?: number | null;
  interests?: string[];
  availability?: string[];
  accessNeeds?: string[];
  /** Latest "contact" consent: true given, false withdrawn, undefined never asked. */
  consent?: boolean;
}

export async function addPerson(t: TestApp, p: PersonSeed): Promise<number> {
  const now = nowIso();
  const { id } = await t.db.db
    .insertInto('people')
    .values({
      unit_id: p.unitId,
      user_id: p.userId ?? null,
      full_name: p.name,
      preferred_name: null,
      email: p.email === undefined ? `${p.name.toLowerCase().replace(/\W+/g, '.')}@example.org` : p.email,
      phone: p.phone ?? null,
      address: null,
      postcode: null,
      preferred_channel: p.channel ?? 'email',
      format: p.format ?? 'standard',
      format_language: null,
      access_needs_other: null,
      relationship: p.relationship ?? 'service_user',
      services_known: null,
      availability_notes: null,
      anonymity: p.anonymity ?? 'full_name',
      payment_preference: 'involvement_rate',
      heard_via: null,
      outreach_event_id: null,
      status: p.status ?? 'active',
      notes: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      erased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const attrs = [
    ...(p.interests ?? []).map((value) => ({ kind: 'interest' as const, value })),
    ...(p.availability ?? []).map((value) => ({ kind: 'availability' as const, value })),
    ...(p.accessNeeds ?? []).map((value) => ({ kind: 'access_need' as const, value })),
  ].map((a) => ({ ...a, person_id: id }));
  if (attrs.length) await t.db.db.insertInto('person_attributes').values(attrs).execute();
  if (p.consent !== undefined) await setConsent(t, id, p.consent);
  return id;
}

let tick = 0;
/** Records a contact consent (given or withdrawn) a moment after any earlier one. */
export async function setConsent(t: TestApp, personId: number, given: boolean): Promise<void> {
  tick += 1;
  const at = new Date(Date.now() + tick).toISOString();
  await t.db.db.insertInto('consents').values({ person_id: personId, kind: 'contact', given: given ? 1 : 0, method: 'written', note: null, recorded_at: at, recorded_by: null }).execute();
}

export async function opportunitiesWorld() {
  const t = await createTestApp();
  const org = await seedOrg(t.db);
  const users = {
    admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin'),
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    staff2: await createUser(t.db, 'staff2@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sid Staff'),
    otherStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
  };
  const now = nowIso();
  const { id: project } = await t.db.db
    .insertInto('projects')
    .values({ unit_id: org.northTeam.id, title: 'Kinder waiting rooms', aim: 'Make waiting calmer', background: null, stage: 'planning', programme: null, involvement_level: 'consulted', created_by: users.staff, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const emails: Record<keyof typeof users, string> = {
    admin: 'admin@example.org',
    lead: 'lead@example.org',
    staff: 'staff@example.org',
    staff2: 'staff2@example.org',
    otherStaff: 'south@example.org',
    partner: 'partner@example.org',
  };
  return {
    t,
    org,
    users,
    project,
    async as(role: keyof typeof users): Promise<Browser> {
      const b = new Browser(t.app);
      await b.signIn(emails[role]);
      await b.get('/');
      return b;
    },
    async anonymous(): Promise<Browser> {
      const b = new Browser(t.app);
      await b.get('/opportunities');
      return b;
    },
  };
}

export type OpportunitiesWorld = Awaited<ReturnType<typeof opportunitiesWorld>>;

/** A complete "post an opportunity" form. */
export function opportunityForm(extra: Record<string, string | string[]> = {}): Record<string, string> {
  const base: Record<string, string | string[]> = {
    title: 'Help us improve our waiting room',
    description: 'Tell us what would make waiting easier. We meet and talk.',
    whenWhere: 'Tuesday afternoons at Luton Community Hub',
    timeCommitment: '2 hours a month',
    places: '2',
    relationships: 'carer',
    interests: 'mental health, housing',
    availability: 'tue_pm',
    venueAccess: 'step_free',
    paymentOffered: 'involvement_rate',
    isPublic: 'yes',
    ...extra,
  };
  return base as Record<string, string>;
}

/** The accept/decline link's token in the newest outbox message to the person. */
export async function offerToken(t: TestApp, personId: number): Promise<string> {
  const row = await t.db.db.selectFrom('outbox').select('body_text').where('person_id', '=', personId).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const m = /\/respond\/([A-Za-z0-9_-]+)/.exec(row.body_text);
  if (!m?.[1]) throw new Error(`no link in: ${row.body_text}`);
  return m[1];
}
