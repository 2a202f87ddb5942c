import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { AgendaItemTable, Meeting, MeetingSeries, MeetingSeriesTable, MeetingTable, SeriesMemberRole, Venue, VenueTable } from '../../platform/db/types.ts';

/**
 * Records for tests of meetings, invitations, minutes and the dashboard, inserted directly with
 * plain defaults; tests override what they are about.
 */
export async function insertVenue(db: DbHandle, unitId: number, over: Partial<Insertable<VenueTable>> = {}): Promise<Venue> {
  return db.db
    .insertInto('venues')
    .values({ unit_id: unitId, name: 'Room 1, Trust HQ', address: '1 High Street, Luton', step_free: 1, hearing_loop: 1, created_at: nowIso(), ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSeries(db: DbHandle, unitId: number, over: Partial<Insertable<MeetingSeriesTable>> = {}): Promise<MeetingSeries> {
  return db.db
    .insertInto('meeting_series')
    .values({ unit_id: unitId, name: 'QI Forum', kind: 'qi_forum', purpose: 'Teams bring ideas, challenges and progress', cadence: 'Monthly', created_at: nowIso(), ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A member of a series: staff by user id, or someone in the register by person id. */
export async function addSeriesMember(db: DbHandle, seriesId: number, who: { userId: number } | { personId: number }, role: SeriesMemberRole = 'member'): Promise<number> {
  const { id } = await db.db
    .insertInto('series_members')
    .values({ series_id: seriesId, user_id: 'userId' in who ? who.userId : null, person_id: 'personId' in who ? who.personId : null, role, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A two-hour meeting of the series; by default a week from now. */
export async function insertMeeting(db: DbHandle, seriesId: number, over: Partial<Insertable<MeetingTable>> = {}): Promise<Meeting> {
  const starts = over.starts_at ?? new Date(Date.now() + 7 * 86_400_000).toISOString();
  const now = nowIso();
  return db.db
    .insertInto('meetings')
    .values({ series_id: seriesId, starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * 3_600_000).toISOString(), created_at: now, updated_at: now, ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertAgendaItem(db: DbHandle, meetingId: number, over: Partial<Insertable<AgendaItemTable>> = {}): Promise<number> {
  const { id } = await db.db
    .insertInto('agenda_items')
    .values({ meeting_id: meetingId, position: 1, title: 'Welcome and introductions', kind: 'welcome', created_at: nowIso(), ...over })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * The organisation and the users the meetings tests use: a North lead, North team QI staff, South
 * team staff, a North viewer and a partner (a North team partner role) whose register entry is
 * linked to their account, so they can be a series member through it.
 */
export async function seedMeetingPeople(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.north.id, role: 'viewer' }], 'Vic Viewer'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
  };
  const now = nowIso();
  const { id: partnerPerson } = await t.db.db
    .insertInto('people')
    .values({
      unit_id: org.northTeam.id, user_id: users.partner, full_name: 'Pat Partner', preferred_name: null, email: 'partner@example.org', phone: null, address: null, postcode: null,
      preferred_channel: 'email', format: 'large_print', format_language: null, access_needs_other: null, relationship: 'service_user', services_known: null,
      availability_notes: null, anonymity: 'first_name', payment_preference: 'vouchers', heard_via: null, outreach_event_id: null, status: 'active', notes: null,
      created_by: null, created_at: now, updated_at: now, erased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { org, users, partnerPerson };
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** Uploads a paper the way the agenda item page's form does: multipart, CSRF token in the query string. */
export async function uploadPaper(t: TestApp, b: Browser, url: string, filename: string, content: Buffer, contentType = 'application/octet-stream') {
  const boundary = `----alongside${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.app.inject({
    method: 'POST',
    url: `${url}?_csrf=${encodeURIComponent(b.csrf)}`,
    payload,
    headers: { cookie: b.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

/** The smallest file each kind of paper check accepts. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
