import { nowIso } from '../../../src/platform/db/index.ts';
import { EVERYONE, SIGNED_IN, insertPerson, type MatrixPart } from './part.ts';

/**
 * Attendance, minutes and actions (minutes feature). The matrix series is the North team's, and
 * the partner co-chairs it, so they run it as an equal: take attendance, write, approve and publish
 * minutes, add actions. Its minutes are approved and published to everyone, so anyone reads them
 * at /minutes/:id. Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// Those who run the series: staff with meetings:manage on the North team (and above), and its co-chair (the partner).
const RUNS = 'DADAAA';
// Those who see the series: its members and North staff; South's staff do not.
const SEES_SERIES = 'DADAAA';

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const hoursLater = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

const part: MatrixPart = {
  entries: {
    'GET /meetings/:id/attendance': RUNS,
    // An empty form: the list needs a status for each person, so a 400 for those who may.
    'POST /meetings/:id/attendance': RUNS,
    'POST /meetings/:id/attendance/walk-ins': RUNS,
    // Approved minutes published to everyone: every member and North staff read them on the site.
    'GET /meetings/:id/minutes': SEES_SERIES,
    'GET /meetings/:id/minutes/large-print': SEES_SERIES,
    'GET /meetings/:id/minutes/edit': RUNS,
    'POST /meetings/:id/minutes/edit': RUNS,
    'POST /meetings/:id/minutes/approve': RUNS,
    'POST /meetings/:id/minutes/publish': RUNS,
    'POST /meetings/:id/actions': RUNS,
    // The action log: everyone signed in sees the actions of the series they may see (possibly none).
    'GET /meetings/actions': SIGNED_IN,
    // The action is the partner's own, and they co-chair.
    'GET /meetings/actions/:actionId': RUNS,
    'POST /meetings/actions/:actionId': RUNS,
    'GET /meetings/series/:id/actions': SEES_SERIES,
    'GET /minutes/:id': EVERYONE,
  },

  /** A North team forum held two weeks ago (attendance taken, minutes approved last week and public), with an overdue action. */
  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const { id: series } = await db
      .insertInto('meeting_series')
      .values({ unit_id: org.northTeam.id, name: 'Matrix minutes forum', kind: 'qi_forum', purpose: 'Minutes for the matrix', cadence: 'Monthly', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const carer = await insertPerson(t, { unit_id: org.northTeam.id, full_name: 'Minutes Carer', email: 'minutes-carer@example.org', relationship: 'carer', anonymity: 'initials', payment_preference: 'vouchers' });
    await db
      .insertInto('series_members')
      .values([
        { series_id: series, user_id: users.partner, person_id: null, role: 'co_chair', created_at: now },
        { series_id: series, user_id: users.staff, person_id: null, role: 'chair', created_at: now },
        { series_id: series, user_id: null, person_id: carer.id, role: 'member', created_at: now },
      ])
      .execute();
    const held = ago(14);
    const later = ago(7);
    const { id: meeting } = await db
      .insertInto('meetings')
      .values({ series_id: series, title: 'Matrix forum', starts_at: held, ends_at: hoursLater(held, 2), created_at: now, updated_at: now, attendance_taken_at: hoursLater(held, 2) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: laterMeeting } = await db
      .insertInto('meetings')
      .values({ series_id: series, title: 'Matrix forum', starts_at: later, ends_at: hoursLater(later, 2), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('meetings')
      .set({ minutes_status: 'approved', minutes_approved_at: later, minutes_approved_in: laterMeeting, minutes_published: 'public' })
      .where('id', '=', meeting)
      .execute();
    const { id: item } = await db
      .insertInto('agenda_items')
      .values({ meeting_id: meeting, position: 1, title: 'Matrix project slot', kind: 'project_slot', notes: 'The team showed their chart.', decisions: 'Carry on.', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: invitation } = await db.insertInto('invitations').values({ meeting_id: meeting, person_id: carer.id, response: 'in_person', responded_at: now, created_at: now }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('attendance')
      .values([
        { meeting_id: meeting, invitation_id: invitation, person_id: carer.id, role: 'carer', status: 'present', recorded_by: users.staff, recorded_at: now },
        { meeting_id: meeting, user_id: users.staff, role: 'staff', status: 'present', recorded_by: users.staff, recorded_at: now },
        { meeting_id: meeting, walk_in_name: 'Matrix Walk-in', role: 'other', status: 'present', recorded_by: users.staff, recorded_at: now },
      ])
      .execute();
    const { id: action } = await db
      .insertInto('meeting_actions')
      .values({
        series_id: series, meeting_id: meeting, agenda_item_id: item, description: 'Matrix action', owner_user_id: users.partner, due_on: ago(3).slice(0, 10),
        status: 'open', created_by: users.staff, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { minutesSeries: series, minutesMeeting: meeting, minutesAction: action };
  },

  concreteUrl(url, ids) {
    const meeting = String(ids.minutesMeeting);
    if (/^\/meetings\/:id\/(attendance|minutes|actions)/.test(url) || url === '/minutes/:id') return url.replace(':id', meeting);
    if (url === '/meetings/series/:id/actions') return url.replace(':id', String(ids.minutesSeries));
    if (url.startsWith('/meetings/actions/:actionId')) return url.replace(':actionId', String(ids.minutesAction));
    return url;
  },
};

export default part;
