import { nowIso } from '../../../src/platform/db/index.ts';
import { NORTH_PERSON, REGISTER_MANAGERS, REGISTER_VIEWERS, ROLES, insertPerson, partnerPerson as sharedPartnerPerson, type MatrixPart } from './part.ts';

// Only the owner of a saved filter (North staff) may delete it; for anyone else it does not exist.
const FILTER_OWNER = 'DDDADD';
// Self-service: the partner whose account is linked to a register entry.
const SELF = 'DADDDD';

/** The involvement register, its person pages and the partner's self-service (people feature). */
const part: MatrixPart = {
  entries: {
    'GET /people': REGISTER_VIEWERS,
    'GET /people/export.csv': REGISTER_VIEWERS,
    'GET /people/export.xlsx': REGISTER_VIEWERS,
    'POST /people/filters': REGISTER_VIEWERS,
    'POST /people/filters/:id/delete': FILTER_OWNER,
    'GET /people/equality': REGISTER_MANAGERS,
    'GET /people/new': REGISTER_MANAGERS,
    'POST /people': REGISTER_MANAGERS,
    'GET /people/:id': NORTH_PERSON,
    'GET /people/:id/edit': REGISTER_MANAGERS,
    'POST /people/:id': REGISTER_MANAGERS,
    'GET /people/:id/consents': REGISTER_MANAGERS,
    'POST /people/:id/consents': REGISTER_MANAGERS,
    'GET /people/:id/equality': REGISTER_MANAGERS,
    'POST /people/:id/equality': REGISTER_MANAGERS,
    'GET /people/:id/erase': REGISTER_MANAGERS,
    // An empty form does not erase anybody (the lead must confirm), so the admin after the lead is still allowed.
    'POST /people/:id/erase': REGISTER_MANAGERS,
    'GET /people/:id/export': REGISTER_MANAGERS,
    // Recording hours by hand: leads only (people:manage); an empty form is a 400 for them, not a record.
    'GET /people/:id/activities/new': REGISTER_MANAGERS,
    'POST /people/:id/activities': REGISTER_MANAGERS,
    // Each role removes an activity of its own (made in setUp), so the lead's removal leaves the admin one.
    'POST /people/:id/activities/:activityId/delete': REGISTER_MANAGERS,
    // Everyone signed in gets the page: it says so when they are not on the register.
    'GET /my-involvement': 'DAAAAA',
    'GET /my-involvement/profile': SELF,
    'POST /my-involvement/profile': SELF,
    'POST /my-involvement/consents': SELF,
  },
  async setUp({ t, org, users }) {
    const now = nowIso();
    const person = (fullName: string, userId: number | null) =>
      insertPerson(t, {
        unit_id: org.northTeam.id,
        user_id: userId,
        full_name: fullName,
        email: 'matrix.person@example.org',
        relationship: 'service_user',
        anonymity: 'full_name',
        payment_preference: 'involvement_rate',
      });
    const { id: northPerson } = await person('Matrix North Person', null);
    // Shared with other parts (claims) that need the partner's register entry too.
    const { id: partnerPerson } = await sharedPartnerPerson(t, org, users);
    const { id: savedFilter } = await t.db.db
      .insertInto('saved_filters')
      .values({ user_id: users.staff, name: 'Matrix filter', query: 'status=active', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const activities: Record<string, number> = {};
    for (const role of ROLES) {
      const { id } = await t.db.db
        .insertInto('involvement_activities')
        .values({ person_id: northPerson, on_date: '2025-01-01', kind: 'meeting', description: `Matrix activity (${role})`, minutes: 60, recorded_by: users.lead, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      activities[`activity_${role}`] = id;
    }
    return { northPerson, partnerPerson, savedFilter, ...activities };
  },
  concreteUrl(url, ids, role) {
    return url
      .replace(/^\/people\/:id\/activities\/:activityId/, () => `/people/:id/activities/${ids[`activity_${role}`] ?? 0}`)
      .replace(/^\/people\/filters\/:id/, `/people/filters/${ids.savedFilter ?? 0}`)
      .replace(/^\/people\/:id/, `/people/${ids.northPerson ?? 0}`);
  },
};

export default part;
