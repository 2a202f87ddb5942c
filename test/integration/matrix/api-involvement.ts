import { nowIso } from '../../../src/platform/db/index.ts';
import type { MatrixPart } from './part.ts';

// The register: staff who see a register anywhere (people:view; South staff see South's, which is empty).
const REGISTER_VIEWERS = 'DDAAAA';
// One North team person: staff of the unit and those above it; not the partner, not South's staff.
// (A partner reading their own record is allowed: people/api.int.test.ts checks it.)
const NORTH_PERSON = 'DDDAAA';
// Involvement leads (people:manage) for the person's unit. An empty body is a 400 for them (allowed).
const REGISTER_MANAGERS = 'DDDDAA';
// Everyone signed in (the API has no anonymous callers).
const SIGNED_IN = 'DAAAAA';
// Posting with an empty body: staff who manage opportunities somewhere get a 400.
const OPPORTUNITY_STAFF = 'DDAAAA';
// Who is matched: the involvement lead (people:manage) and the opportunity's owner (North staff).
const MATCH_VIEWERS = 'DDDAAA';

/** The involvement register and opportunities in the JSON API (people/api.ts, opportunities/api.ts). */
const part: MatrixPart = {
  entries: {
    'GET /api/v1/people': REGISTER_VIEWERS,
    'POST /api/v1/people': REGISTER_MANAGERS,
    'GET /api/v1/people/:id': NORTH_PERSON,
    // An empty PATCH changes nothing and answers the record.
    'PATCH /api/v1/people/:id': REGISTER_MANAGERS,
    'POST /api/v1/people/:id/consents': REGISTER_MANAGERS,
    'GET /api/v1/opportunities': SIGNED_IN,
    'POST /api/v1/opportunities': OPPORTUNITY_STAFF,
    'GET /api/v1/opportunities/:id': SIGNED_IN,
    'GET /api/v1/opportunities/:id/matches': MATCH_VIEWERS,
  },
  async setUp({ t, org, users }) {
    const now = nowIso();
    const { id: apiPerson } = await t.db.db
      .insertInto('people')
      .values({
        unit_id: org.northTeam.id,
        user_id: null,
        full_name: 'Matrix API Person',
        email: 'matrix.api.person@example.org',
        preferred_channel: 'email',
        format: 'standard',
        relationship: 'service_user',
        anonymity: 'initials',
        payment_preference: 'involvement_rate',
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.db.insertInto('consents').values({ person_id: apiPerson, kind: 'contact', given: 1, method: 'written', note: null, recorded_at: now, recorded_by: null }).execute();
    const { id: apiOpportunity } = await t.db.db
      .insertInto('opportunities')
      .values({
        unit_id: org.northTeam.id,
        project_id: null,
        group_id: null,
        title: 'Matrix API opportunity',
        description: 'Try every API route',
        when_where: null,
        time_commitment: null,
        places: 1,
        lived_experience: null,
        payment_offered: 'vouchers',
        closes_on: null,
        is_public: 0,
        status: 'open',
        created_by: users.staff,
        created_at: now,
        updated_at: now,
        filled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
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
