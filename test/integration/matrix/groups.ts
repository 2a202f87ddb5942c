import type { MatrixPart } from './part.ts';

/**
 * Groups, recruitment campaigns and the outreach log (issue 5, items 6–8). Staff who see a unit's
 * register (people:view) see its groups, campaigns and outreach; only involvement leads and admins
 * (people:manage) change them. Partners have no people:view anywhere, so the lists refuse them.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// Lists: anyone with people:view somewhere (other staff see their own unit's, none of North's).
const SEES_REGISTER = 'DDAAAA';
// One North team record: staff of the team and those above it.
const IN_NORTH = 'DDDAAA';
// Setting up and changing: involvement leads and admins (staff get 403 on forms, 404 on records).
const MANAGES = 'DDDDAA';

const part: MatrixPart = {
  entries: {
    'GET /groups': SEES_REGISTER,
    'GET /groups/new': MANAGES,
    'POST /groups': MANAGES,
    'GET /groups/:id': IN_NORTH,
    'GET /groups/:id/edit': MANAGES,
    'POST /groups/:id': MANAGES,
    'POST /groups/:id/archive': MANAGES,
    'GET /groups/:id/members/new': MANAGES,
    'POST /groups/:id/members': MANAGES,
    'GET /groups/:id/members/:memberId': MANAGES,
    'POST /groups/:id/members/:memberId': MANAGES,
    'POST /groups/:id/members/:memberId/leave': MANAGES,
    'GET /recruitment': SEES_REGISTER,
    'GET /recruitment/new': MANAGES,
    'POST /recruitment': MANAGES,
    'GET /recruitment/:id': IN_NORTH,
    'GET /recruitment/:id/edit': MANAGES,
    'POST /recruitment/:id': MANAGES,
    'GET /recruitment/:id/candidates/new': MANAGES,
    'POST /recruitment/:id/candidates': MANAGES,
    'POST /recruitment/:id/enquiries': MANAGES,
    'POST /recruitment/:id/candidates/:candidateId/stage': MANAGES,
    'POST /recruitment/:id/work': MANAGES,
    'GET /outreach': SEES_REGISTER,
    'GET /outreach/new': MANAGES,
    'POST /outreach': MANAGES,
    'GET /outreach/:id': IN_NORTH,
    'GET /outreach/:id/edit': MANAGES,
    'POST /outreach/:id': MANAGES,
    'POST /outreach/:id/enquiries': MANAGES,
  },

  /** A North team group with a member, a campaign for it with a candidate and a work entry, and an outreach event. */
  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = new Date().toISOString();
    const { id: event } = await db
      .insertInto('outreach_events')
      .values({ unit_id: org.northTeam.id, on_date: '2025-03-01', kind: 'stall', title: 'Matrix stall', place: null, who_went: null, people_spoken_to: 12, notes: null, campaign_id: null, created_by: users.lead, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: person } = await db
      .insertInto('people')
      .values({
        unit_id: org.northTeam.id, user_id: null, full_name: 'Matrix Member', preferred_name: null, email: 'member@example.org', phone: null, address: null, postcode: null,
        preferred_channel: 'email', format: 'standard', format_language: null, access_needs_other: null, relationship: 'carer', services_known: null, availability_notes: null,
        anonymity: 'first_name', payment_preference: 'vouchers', heard_via: 'stall', outreach_event_id: event, status: 'active', notes: null, created_by: users.lead,
        created_at: now, updated_at: now, erased_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: group } = await db
      .insertInto('groups')
      .values({ unit_id: org.northTeam.id, name: 'Matrix group', purpose: null, terms_of_reference: null, cadence: 'Monthly', created_at: now, archived_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: member } = await db.insertInto('group_members').values({ group_id: group, person_id: person, role: 'chair', joined_on: '2025-01-01', left_on: null }).returning('id').executeTakeFirstOrThrow();
    const { id: campaign } = await db
      .insertInto('recruitment_campaigns')
      .values({ unit_id: org.northTeam.id, group_id: group, programme: null, title: 'Matrix campaign', target_size: 6, starts_on: '2025-01-01', ends_on: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: candidate } = await db
      .insertInto('campaign_candidates')
      .values({ campaign_id: campaign, person_id: person, stage: 'conversation', entered_on: '2025-01-05', stage_changed_on: '2025-01-10', member_on: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('recruitment_work').values({ campaign_id: campaign, on_date: '2025-01-03', activity: 'Phone calls', minutes: 90, outreach_event_id: event, recorded_by: users.lead, created_at: now }).execute();
    return { group, member, campaign, candidate, event };
  },

  concreteUrl(url, ids) {
    if (url.startsWith('/groups/:id')) return url.replace(':id', String(ids.group)).replace(':memberId', String(ids.member));
    if (url.startsWith('/recruitment/:id')) return url.replace(':id', String(ids.campaign)).replace(':candidateId', String(ids.candidate));
    if (url.startsWith('/outreach/:id')) return url.replace(':id', String(ids.event));
    return url;
  },
};

export default part;
