import { nowIso } from '../../../src/platform/db/index.ts';
import { ROLES, type MatrixPart } from './part.ts';

/**
 * Promises to self (promises feature). The workshop is the North team's, not public, with the
 * matrix partner as its participant (who has made a private promise) and the unit's QI staff as a
 * named supporter of theirs. Organisers (workshops:manage: North QI staff, the North lead, admins)
 * see every promise and assign supporters; the participant writes and checks in on their own; a
 * supporter encourages. Each role removes a supporter row of its own, so one allowed role's removal
 * leaves the next something to remove.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// Organisers of a North team workshop: its QI staff, the North lead, admins.
const ORGANISERS = 'DDDAAA';
// The participant, and nobody else (an empty form: a 400).
const PARTICIPANT = 'DADDDD';

const part: MatrixPart = {
  entries: {
    'GET /workshops/:id/promise': PARTICIPANT,
    'POST /workshops/:id/promise': PARTICIPANT,
    'GET /workshops/:id/promises': ORGANISERS,
    // An empty form names nobody: a 400 for organisers.
    'POST /workshops/:id/promises/supporters': ORGANISERS,
    'POST /workshops/:id/promises/supporters/:supporterId/remove': ORGANISERS,
    // Not public: its organisers and participants only (a 404 for everyone else, signed in or not).
    'GET /workshops/:id/progress': 'DADAAA',
    // Everyone signed in has the page (it says when they have no promises).
    'GET /my-promises': 'DAAAAA',
    'POST /my-promises/:promiseId/check-ins': PARTICIPANT,
    // Only a supporter of the participant (the unit's QI staff, named): an empty message is a 400.
    'POST /my-promises/supporting/:promiseId/encourage': 'DDDADD',
  },

  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const { id: workshop } = await db
      .insertInto('workshops')
      .values({ unit_id: org.northTeam.id, title: 'Matrix workshop', held_on: now.slice(0, 10), venue: null, programme: null, voting: 'closed', winning_challenge_id: null, progress_public: 0, created_by: users.staff, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: participant } = await db.insertInto('workshop_participants').values({ workshop_id: workshop, user_id: users.partner, added_at: now }).returning('id').executeTakeFirstOrThrow();
    const { id: promise } = await db
      .insertInto('promises')
      .values({ workshop_id: workshop, participant_id: participant, text: 'Matrix promise', shared: 0, check_in_on: '2099-01-01', progress: 'not_yet', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ids: Record<string, number> = { promisesWorkshop: workshop, promise };
    for (const role of ROLES) {
      const { id } = await db
        .insertInto('promise_supporters')
        .values({ participant_id: participant, user_id: users.staff, group_id: null, assigned_by: users.lead, assigned_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[`promiseSupporter_${role}`] = id;
    }
    return ids;
  },

  concreteUrl(url, ids, role) {
    if (/^\/workshops\/:id\/(promise|promises|progress)(\/|$)/.test(url)) {
      return url.replace(':id', String(ids.promisesWorkshop)).replace(':supporterId', String(ids[`promiseSupporter_${role}`] ?? 0));
    }
    if (/^\/my-promises\/(supporting\/)?:promiseId\//.test(url)) return url.replace(':promiseId', String(ids.promise));
    return url;
  },
};

export default part;
