import { sha256 } from '../../../src/platform/auth/crypto.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import { EVERYONE, ROLES, insertPerson, type MatrixPart } from './part.ts';

/**
 * Invitations and answers (invitations feature). The matrix series is the North team's and the
 * partner co-chairs it, so they run its invitations as an equal; adding people from the register
 * or the staff list is for staff who run the unit's meetings. The answer link needs no sign-in.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// Those who run the series: staff with meetings:manage on the North team (and above), and its co-chair (the partner).
const RUNS = 'DADAAA';
// Adding someone: staff who run the unit's meetings and see the register (an empty form is a 400 for them).
const ADDS = 'DDDAAA';

/** The secret of the matrix invitation's answer link (only its hash is stored). */
export const RSVP_SECRET = 'matrix-rsvp-token-0123456789abcdefghijklmnop';

const part: MatrixPart = {
  entries: {
    'GET /meetings/:id/invitations': RUNS,
    'POST /meetings/:id/invitations': ADDS,
    // Each role removes its own "this meeting only" invitee, so one removal does not hide the next role's answer.
    'POST /meetings/:id/invitations/:invitationId/remove': RUNS,
    'POST /meetings/:id/invitations/send': RUNS,
    'GET /meetings/:id/invitations/print-list': RUNS,
    // The link in the message: anyone holding it answers; an empty answer is a 400 page.
    'GET /rsvp/:token': EVERYONE,
    'POST /rsvp/:token': EVERYONE,
  },

  /** A North team forum next week with a venue: members by email and by post (a letter already made), and an answered invitation. */
  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const { id: venue } = await db
      .insertInto('venues')
      .values({ unit_id: org.northTeam.id, name: 'Matrix venue', address: '1 Matrix Street\nLuton', step_free: 1, hearing_loop: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: series } = await db
      .insertInto('meeting_series')
      .values({ unit_id: org.northTeam.id, name: 'Matrix invitations forum', kind: 'qi_forum', purpose: 'Invitations for the matrix', cadence: 'Monthly', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const person = (name: string, over: Partial<Parameters<typeof insertPerson>[1]>) =>
      insertPerson(t, { unit_id: org.northTeam.id, full_name: name, email: null, relationship: 'carer', anonymity: 'first_name', payment_preference: 'vouchers', ...over }, { contactConsent: true });
    const emailed = await person('Invited Email', { email: 'invited-email@example.org' });
    const posted = await person('Invited Post', { preferred_channel: 'post', address: '2 Matrix Road\nLuton', postcode: 'LU1 1AA', format: 'large_print' });
    await db
      .insertInto('series_members')
      .values([
        { series_id: series, user_id: users.partner, person_id: null, role: 'co_chair', created_at: now },
        { series_id: series, user_id: users.staff, person_id: null, role: 'chair', created_at: now },
        { series_id: series, user_id: null, person_id: emailed.id, role: 'member', created_at: now },
        { series_id: series, user_id: null, person_id: posted.id, role: 'member', created_at: now },
      ])
      .execute();
    const starts = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { id: meeting } = await db
      .insertInto('meetings')
      .values({
        series_id: series, title: 'Matrix invitations meeting', starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * 3_600_000).toISOString(),
        venue_id: venue, online_url: 'https://meet.example.org/matrix', capacity: 30, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Sent already: the emailed member has answered through the link; the letter waits to be posted.
    const { id: answered } = await db
      .insertInto('invitations')
      .values({ meeting_id: meeting, person_id: emailed.id, channel: 'email', token_hash: sha256(RSVP_SECRET), response: 'in_person', access_needs: 'A quiet room', responded_at: now, sent_at: now, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: letter } = await db
      .insertInto('invitations')
      .values({ meeting_id: meeting, person_id: posted.id, channel: 'post', token_hash: sha256(`${RSVP_SECRET}-post`), sent_at: now, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('outbox')
      .values({
        idempotency_key: `meeting-invitation:${letter}`, channel: 'post', recipient: '2 Matrix Road\nLuton\nLU1 1AA', subject: 'Invitation: Matrix invitations meeting',
        body_text: 'Hello', status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, person_id: posted.id, format: 'large_print',
      })
      .execute();
    // Someone invited to this meeting only for each role to remove.
    const ids: Record<string, number> = { invitationsMeeting: meeting, answeredInvitation: answered };
    for (const role of ROLES) {
      const extra = await person(`Extra ${role}`, { email: `extra-${role.toLowerCase()}@example.org` });
      ids[`extra_${role}`] = (await db.insertInto('invitations').values({ meeting_id: meeting, person_id: extra.id, created_at: now }).returning('id').executeTakeFirstOrThrow()).id;
    }
    return ids;
  },

  concreteUrl(url, ids, role) {
    if (url === '/rsvp/:token') return `/rsvp/${RSVP_SECRET}`;
    if (!url.startsWith('/meetings/:id/invitations')) return url;
    return url.replace(':id', String(ids.invitationsMeeting)).replace(':invitationId', String(ids[`extra_${role}`]));
  },
};

export default part;
