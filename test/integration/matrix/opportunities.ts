import { sha256 } from '../../../src/platform/auth/crypto.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import { EVERYONE, MATCH_VIEWERS, OPPORTUNITY_STAFF, REGISTER_MANAGERS, SIGNED_IN, insertOpportunity, insertPerson, type MatrixPart } from './part.ts';

// Posting for the matrix project: its team (the partner is in it), staff above it; not the South team's staff.
const PROJECT_TEAM = 'DADAAA';
// Suggesting, offering, starting, ending: the involvement lead only.
const MATCHERS = REGISTER_MANAGERS;

/** The token of the matrix match's accept/decline link. */
const TOKEN = 'matrix-respond-token-0123456789abcdefghijklmnop';

/** Involvement opportunities and matching (opportunities feature). */
const part: MatrixPart = {
  entries: {
    'GET /opportunities': EVERYONE,
    'GET /opportunities/new': PROJECT_TEAM,
    // An empty form names no project: a 400 for staff who manage opportunities somewhere.
    'POST /opportunities': OPPORTUNITY_STAFF,
    // A public opportunity: anyone may read it and use the short form.
    'GET /opportunities/:id': EVERYONE,
    'GET /opportunities/:id/edit': PROJECT_TEAM,
    'POST /opportunities/:id': PROJECT_TEAM,
    'POST /opportunities/:id/close': PROJECT_TEAM,
    // Signed-in users without a register entry are sent to the short form.
    'POST /opportunities/:id/interest': SIGNED_IN,
    'GET /opportunities/:id/interest-form': EVERYONE,
    'POST /opportunities/:id/interest-form': EVERYONE,
    'GET /opportunities/:id/matches': MATCH_VIEWERS,
    'POST /opportunities/:id/matches': MATCHERS,
    // The match is "offered": offering, starting or ending it again is a 400 (allowed, refused as a bad step).
    'POST /opportunities/:id/matches/:matchId/offer': MATCHERS,
    'POST /opportunities/:id/matches/:matchId/start': MATCHERS,
    'POST /opportunities/:id/matches/:matchId/end': MATCHERS,
    'POST /opportunities/:id/matches/:matchId/withdraw': MATCHERS,
    // The link in the person's message needs no sign-in; an empty answer is a 400 page.
    'GET /respond/:token': EVERYONE,
    'POST /respond/:token': EVERYONE,
  },
  async setUp({ t, org, users, project }) {
    const now = nowIso();
    const opportunity = await insertOpportunity(t, {
      unit_id: org.northTeam.id,
      project_id: project,
      group_id: null,
      title: 'Matrix opportunity',
      description: 'Try every route',
      places: 2,
      payment_offered: 'involvement_rate',
      is_public: 1,
      created_by: users.staff,
    });
    const person = await insertPerson(
      t,
      {
        unit_id: org.northTeam.id,
        full_name: 'Matrix Match',
        email: 'matrix-match@example.org',
        relationship: 'carer',
        anonymity: 'first_name',
        payment_preference: 'vouchers',
      },
      { contactConsent: true },
    );
    const match = await t.db.db
      .insertInto('matches')
      .values({
        opportunity_id: opportunity,
        person_id: person.id,
        status: 'offered',
        source: 'suggestion',
        response_token_hash: sha256(TOKEN),
        response_expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        offered_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { opportunity, match: match.id, project };
  },
  concreteUrl(url, ids) {
    if (url === '/opportunities/new') return `/opportunities/new?projectId=${ids.project ?? 0}`;
    if (url === '/respond/:token') return `/respond/${TOKEN}`;
    if (!url.startsWith('/opportunities/:id')) return url;
    return url.replace(/^\/opportunities\/:id/, `/opportunities/${ids.opportunity ?? 0}`).replace(':matchId', String(ids.match ?? 0));
  },
};

export default part;
