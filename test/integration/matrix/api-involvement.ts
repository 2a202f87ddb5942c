import { nowIso } from '../../../src/platform/db/index.ts';
import { MATCH_VIEWERS, NORTH_PERSON, OPPORTUNITY_STAFF, REGISTER_MANAGERS, REGISTER_VIEWERS, SIGNED_IN, insertOpportunity, insertPerson, type MatrixPart } from './part.ts';

/** The involvement register and opportunities in the JSON API (people/api.ts, opportunities/api.ts). */
const part: MatrixPart = {
  entries: {
    'GET /api/v1/people': REGISTER_VIEWERS,
    // An empty body is a 400 for register managers (allowed).
    'POST /api/v1/people': REGISTER_MANAGERS,
    // A partner reading their own record is allowed: people/api.int.test.ts checks it.
    'GET /api/v1/people/:id': NORTH_PERSON,
    // An empty PATCH changes nothing and answers the record.
    'PATCH /api/v1/people/:id': REGISTER_MANAGERS,
    'POST /api/v1/people/:id/consents': REGISTER_MANAGERS,
    // Everyone signed in (the API has no anonymous callers).
    'GET /api/v1/opportunities': SIGNED_IN,
    'POST /api/v1/opportunities': OPPORTUNITY_STAFF,
    'GET /api/v1/opportunities/:id': SIGNED_IN,
    'GET /api/v1/opportunities/:id/matches': MATCH_VIEWERS,
  },
  async setUp({ t, org, users }) {
    const { id: apiPerson } = await insertPerson(
      t,
      {
        unit_id: org.northTeam.id,
        user_id: null,
        full_name: 'Matrix API Person',
        email: 'matrix.api.person@example.org',
        relationship: 'service_user',
        anonymity: 'initials',
        payment_preference: 'involvement_rate',
      },
      { contactConsent: true },
    );
    const apiOpportunity = await insertOpportunity(t, {
      unit_id: org.northTeam.id,
      project_id: null,
      group_id: null,
      title: 'Matrix API opportunity',
      description: 'Try every API route',
      places: 1,
      payment_offered: 'vouchers',
      is_public: 0,
      created_by: users.staff,
    });
    const now = nowIso();
    await t.db.db.insertInto('matches').values({ opportunity_id: apiOpportunity, person_id: apiPerson, status: 'interested', source: 'interest', created_at: now, updated_at: now }).execute();
    return { apiPerson, apiOpportunity };
  },
  concreteUrl(url, ids) {
    return url
      .replace(/^\/api\/v1\/people\/:id/, `/api/v1/people/${ids.apiPerson ?? 0}`)
      .replace(/^\/api\/v1\/opportunities\/:id/, `/api/v1/opportunities/${ids.apiOpportunity ?? 0}`);
  },
};

export default part;
