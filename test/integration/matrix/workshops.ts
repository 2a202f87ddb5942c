import { createUser } from '../../support/app.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import type { VotingState } from '../../../src/platform/db/workshop-types.ts';
import { ROLES, type MatrixPart } from './part.ts';

/**
 * Workshops, challenges and votes (workshops feature). Three North team workshops: one not yet
 * voting, which organisers set up (each role removes a challenge and a participant of its own, so
 * one allowed role's removal leaves the next something to remove); one with voting open, where the
 * matrix partner is a participant who has voted; one closed on a tie, waiting for a winner.
 * Organisers are users with workshops:manage for the unit: its QI staff, the North lead, admins.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
const ORGANISERS = 'DDDAAA';
// Organisers, and the participant (the partner); South's staff organise elsewhere: a 404.
const ON_IT = 'DADAAA';
// Only participants vote: organisers who are not one get a 403 (an empty form is a 400 for the partner).
const PARTICIPANT = 'DADDDD';

const OPEN_ROUTES = new Set(['/workshops/:id', '/workshops/:id/vote', '/workshops/:id/results']);
const TIE_ROUTES = new Set(['/workshops/:id/winner']);
const SETUP_ROUTES = new Set([
  '/workshops/:id/edit', '/workshops/:id/challenges', '/workshops/:id/challenges/:challengeId/edit', '/workshops/:id/challenges/:challengeId/move', '/workshops/:id/challenges/:challengeId/remove',
  '/workshops/:id/participants', '/workshops/:id/participants/:participantId/remove', '/workshops/:id/voting',
]);

const part: MatrixPart = {
  entries: {
    // Everyone signed in: the workshops they organise or take part in (maybe none).
    'GET /workshops': 'DAAAAA',
    // Organisers anywhere (an empty form: a 400).
    'GET /workshops/new': 'DDAAAA',
    'POST /workshops/new': 'DDAAAA',
    'GET /workshops/:id': ON_IT,
    'GET /workshops/:id/edit': ORGANISERS,
    'POST /workshops/:id/edit': ORGANISERS,
    'POST /workshops/:id/challenges': ORGANISERS,
    'GET /workshops/:id/challenges/:challengeId/edit': ORGANISERS,
    'POST /workshops/:id/challenges/:challengeId/edit': ORGANISERS,
    // No direction: a 400 for organisers.
    'POST /workshops/:id/challenges/:challengeId/move': ORGANISERS,
    'POST /workshops/:id/challenges/:challengeId/remove': ORGANISERS,
    'POST /workshops/:id/participants': ORGANISERS,
    'POST /workshops/:id/participants/:participantId/remove': ORGANISERS,
    // An empty form says neither open nor close: a 400 for organisers.
    'POST /workshops/:id/voting': ORGANISERS,
    'GET /workshops/:id/winner': ORGANISERS,
    'POST /workshops/:id/winner': ORGANISERS,
    'GET /workshops/:id/vote': PARTICIPANT,
    'POST /workshops/:id/vote': PARTICIPANT,
    // The partner has voted, so sees the live results; organisers always do.
    'GET /workshops/:id/results': ON_IT,
  },

  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const workshop = async (title: string, voting: VotingState) =>
      (
        await db
          .insertInto('workshops')
          .values({ unit_id: org.northTeam.id, title, held_on: now.slice(0, 10), venue: 'Matrix room', programme: '10:00 Welcome', voting, winning_challenge_id: null, progress_public: 0, created_by: users.staff, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const challenge = async (workshopId: number, title: string, position: number) =>
      (await db.insertInto('workshop_challenges').values({ workshop_id: workshopId, title, description: null, position }).returning('id').executeTakeFirstOrThrow()).id;
    const participant = async (workshopId: number, userId: number) =>
      (await db.insertInto('workshop_participants').values({ workshop_id: workshopId, user_id: userId, added_at: now }).returning('id').executeTakeFirstOrThrow()).id;

    const setup = await workshop('Matrix workshop (setting up)', 'not_open');
    const ids: Record<string, number> = { setup };
    for (const [i, role] of ROLES.entries()) {
      ids[`challenge_${role}`] = await challenge(setup, `Challenge (${role})`, i);
      const user = await createUser(t.db, `workshop-${role.toLowerCase()}@example.org`, [], `Workshop ${role}`);
      ids[`participant_${role}`] = await participant(setup, user);
    }

    const open = await workshop('Matrix workshop (voting)', 'open');
    const [first] = [await challenge(open, 'Share feedback', 0), await challenge(open, 'Learn names', 1)];
    const partnerOnIt = await participant(open, users.partner);
    await db.insertInto('workshop_votes').values({ participant_id: partnerOnIt, workshop_id: open, challenge_id: first, voted_at: now }).execute();

    const tie = await workshop('Matrix workshop (tied)', 'closed');
    await challenge(tie, 'Tied one', 0);
    await challenge(tie, 'Tied two', 1);
    return { ...ids, open, tie };
  },

  concreteUrl(url, ids, role) {
    if (OPEN_ROUTES.has(url)) return url.replace(':id', String(ids.open));
    if (TIE_ROUTES.has(url)) return url.replace(':id', String(ids.tie));
    if (!SETUP_ROUTES.has(url)) return url;
    return url
      .replace(':id', String(ids.setup))
      .replace(':challengeId', String(ids[`challenge_${role}`] ?? 0))
      .replace(':participantId', String(ids[`participant_${role}`] ?? 0));
  },
};

export default part;
