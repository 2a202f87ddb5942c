import { nowIso } from '../../../src/platform/db/index.ts';
import { REGISTER_VIEWERS, insertPerson, type MatrixPart } from './part.ts';

/**
 * The involvement dashboard and the records behind its figures (insights feature): everyone with
 * insights:view (staff, leads, viewers, admins; South's staff see South's figures); not partners.
 * The records give the pages (and the axe sweep) a meeting with attendance, an action and an hour
 * of involvement to show.
 */
const DASHBOARD_VIEWERS = REGISTER_VIEWERS;

const part: MatrixPart = {
  entries: {
    'GET /insights': DASHBOARD_VIEWERS,
    'GET /insights/projects': DASHBOARD_VIEWERS,
    'GET /insights/hours': DASHBOARD_VIEWERS,
  },
  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const { id: seriesId } = await db
      .insertInto('meeting_series')
      .values({ unit_id: org.northTeam.id, name: 'Matrix Dashboard Forum', kind: 'qi_forum', purpose: null, cadence: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const held = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const { id: meetingId } = await db
      .insertInto('meetings')
      .values({ series_id: seriesId, starts_at: held, ends_at: new Date(Date.parse(held) + 7_200_000).toISOString(), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const person = await insertPerson(t, { unit_id: org.northTeam.id, full_name: 'Matrix Dashboard Carer', relationship: 'carer', anonymity: 'first_name', payment_preference: 'vouchers' });
    await db
      .insertInto('attendance')
      .values([
        { meeting_id: meetingId, user_id: users.staff, role: 'staff', status: 'present', recorded_at: now },
        { meeting_id: meetingId, person_id: person.id, role: 'carer', status: 'present', recorded_at: now },
      ])
      .execute();
    await db
      .insertInto('meeting_actions')
      .values({ series_id: seriesId, meeting_id: meetingId, description: 'Matrix action', owner_user_id: users.staff, due_on: '2020-01-01', status: 'open', created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto('involvement_activities')
      .values({ person_id: person.id, on_date: now.slice(0, 10), kind: 'meeting', description: 'Came to the forum', minutes: 60, recorded_by: users.lead, created_at: now })
      .execute();
    return { insightsMeeting: meetingId };
  },
};

export default part;
