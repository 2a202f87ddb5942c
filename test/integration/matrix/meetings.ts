import { nowIso } from '../../../src/platform/db/index.ts';
import { storeFile } from '../../../src/platform/files/index.ts';
import { ROLES, SIGNED_IN, insertPerson, type MatrixPart } from './part.ts';

/**
 * Meetings core: venues, meeting series and their members, meetings, agendas and papers. Staff
 * with meetings:view on the North team see its series; QI staff, leads and admins
 * (meetings:manage) run it. The partner is a plain member of the matrix series: they see it, its
 * meetings, agendas and papers, and change nothing. South team staff see none of it.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// Anyone who may see or run meetings somewhere (South staff see their own, empty, lists; an empty form is a 400 for them).
const MEETING_STAFF = 'DDAAAA';
// The North series and its meetings: its staff, those above them, and the partner who is a member.
const SEES_SERIES = 'DADAAA';
// Running the North series: staff with meetings:manage there (a member who is not a chair may not).
const RUNS_SERIES = 'DDDAAA';

/** A tiny PDF, for the papers. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const part: MatrixPart = {
  entries: {
    'GET /meetings': SIGNED_IN,
    'GET /meetings/venues': MEETING_STAFF,
    'GET /meetings/venues/new': MEETING_STAFF,
    'POST /meetings/venues': MEETING_STAFF,
    'GET /meetings/venues/:id/edit': RUNS_SERIES,
    'POST /meetings/venues/:id': RUNS_SERIES,
    'POST /meetings/venues/:id/archive': RUNS_SERIES,
    'GET /meetings/series/new': MEETING_STAFF,
    'POST /meetings/series': MEETING_STAFF,
    'GET /meetings/series/:id': SEES_SERIES,
    'GET /meetings/series/:id/edit': RUNS_SERIES,
    'POST /meetings/series/:id': RUNS_SERIES,
    'POST /meetings/series/:id/archive': RUNS_SERIES,
    'GET /meetings/series/:id/members/new': RUNS_SERIES,
    'POST /meetings/series/:id/members': RUNS_SERIES,
    'GET /meetings/series/:id/members/:memberId': RUNS_SERIES,
    'POST /meetings/series/:id/members/:memberId': RUNS_SERIES,
    // Each role removes a member of its own, so one removal does not hide the next role's answer.
    'POST /meetings/series/:id/members/:memberId/remove': RUNS_SERIES,
    'GET /meetings/series/:id/meetings/new': RUNS_SERIES,
    'POST /meetings/series/:id/meetings': RUNS_SERIES,
    'GET /meetings/:id': SEES_SERIES,
    'GET /meetings/:id/edit': RUNS_SERIES,
    'POST /meetings/:id': RUNS_SERIES,
    'POST /meetings/:id/cancel': RUNS_SERIES,
    'GET /meetings/:id/agenda': SEES_SERIES,
    'GET /meetings/:id/agenda/large-print': SEES_SERIES,
    'GET /meetings/:id/agenda/new': RUNS_SERIES,
    'POST /meetings/:id/agenda': RUNS_SERIES,
    'GET /meetings/:id/agenda/:itemId/edit': RUNS_SERIES,
    'POST /meetings/:id/agenda/:itemId': RUNS_SERIES,
    // Each role deletes an item (and a paper) of its own.
    'POST /meetings/:id/agenda/:itemId/delete': RUNS_SERIES,
    'POST /meetings/:id/agenda/:itemId/move': RUNS_SERIES,
    'POST /meetings/:id/agenda/:itemId/papers': RUNS_SERIES,
    'GET /meetings/:id/papers/:paperId': SEES_SERIES,
    'POST /meetings/:id/papers/:paperId/delete': RUNS_SERIES,
  },

  /**
   * A North team venue and QI forum with the partner as a member, a meeting next week whose agenda
   * has a project slot for the matrix project (with a chart to show) and, for each role, an agenda
   * item with a paper and a member from the register of its own.
   */
  async setUp({ t, org, users, project }) {
    const db = t.db.db;
    const now = nowIso();
    const { id: venue } = await db
      .insertInto('venues')
      .values({ unit_id: org.northTeam.id, name: 'Matrix meeting room', address: '3 Matrix Street, Luton', step_free: 1, quiet_room: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: series } = await db
      .insertInto('meeting_series')
      .values({ unit_id: org.northTeam.id, name: 'Matrix QI forum', kind: 'qi_forum', purpose: 'Every meetings route', cadence: 'Monthly', usual_venue_id: venue, project_id: project, created_by: users.lead, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('series_members').values({ series_id: series, user_id: users.partner, person_id: null, role: 'member', created_at: now }).execute();
    const starts = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { id: meeting } = await db
      .insertInto('meetings')
      .values({ series_id: series, title: 'Matrix forum meeting', starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * 3_600_000).toISOString(), venue_id: venue, online_url: 'https://meet.example.org/matrix-forum', capacity: 20, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The project slot's chart: a run chart of a few weeks.
    const { id: measure } = await db
      .insertInto('measures')
      .values({ project_id: project, name: 'Matrix weekly count', kind: 'process', direction: 'increase', chart: 'run', screen_moving_ranges: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('data_points')
      .values([3, 5, 4, 6, 7].map((value, i) => ({ measure_id: measure, period: `2030-01-${String(1 + 7 * i).padStart(2, '0')}`, value, excluded: 0, rebase: 0 })))
      .execute();
    await db
      .insertInto('agenda_items')
      .values({ meeting_id: meeting, position: 1, title: 'Matrix project slot', kind: 'project_slot', presenter: 'Matrix team', duration_minutes: 20, description: 'What we tried', project_id: project, slot_focus: 'progress', created_at: now })
      .execute();
    const sha = await storeFile(db, PDF);
    const ids: Record<string, number> = { meetingsVenue: venue, meetingsSeries: series, meetingsMeeting: meeting };
    for (const [i, role] of ROLES.entries()) {
      const { id: item } = await db
        .insertInto('agenda_items')
        .values({ meeting_id: meeting, position: i + 2, title: `Matrix item (${role})`, kind: 'discussion', duration_minutes: 10, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { id: paper } = await db
        .insertInto('meeting_papers')
        .values({ agenda_item_id: item, filename: `Matrix paper (${role}).pdf`, content_type: 'application/pdf', size: PDF.length, file_sha256: sha, uploaded_by: users.lead, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const person = await insertPerson(t, { unit_id: org.northTeam.id, full_name: `Matrix forum member (${role})`, relationship: 'carer', anonymity: 'first_name', payment_preference: 'vouchers' });
      const { id: member } = await db.insertInto('series_members').values({ series_id: series, user_id: null, person_id: person.id, role: 'member', created_at: now }).returning('id').executeTakeFirstOrThrow();
      Object.assign(ids, { [`meetingsItem_${role}`]: item, [`meetingsPaper_${role}`]: paper, [`meetingsMember_${role}`]: member });
    }
    return ids;
  },

  /** Only this part's own routes: other meetings features under /meetings fill in theirs. */
  concreteUrl(url, ids, role) {
    const key = (method: string) => `${method} ${url}`;
    if (!(key('GET') in part.entries) && !(key('POST') in part.entries)) return url;
    const own = (name: string) => String(ids[`${name}_${role}`] ?? ids[`${name}_staff`]);
    if (url.startsWith('/meetings/venues/:id')) return url.replace(':id', String(ids.meetingsVenue));
    if (url.startsWith('/meetings/series/:id')) return url.replace(':id', String(ids.meetingsSeries)).replace(':memberId', own('meetingsMember'));
    return url.replace(':id', String(ids.meetingsMeeting)).replace(':itemId', own('meetingsItem')).replace(':paperId', own('meetingsPaper'));
  },
};

export default part;
