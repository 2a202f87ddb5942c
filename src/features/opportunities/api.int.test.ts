import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { OpportunityJson } from './api-schemas.ts';
import { addPerson, opportunitiesWorld, type OpportunitiesWorld } from './testing.ts';

type Problem = { status: number; title: string; missingScope?: string; errors?: { field: string; message: string }[] };
type Summary = { id: number; title: string; status: string; isOpen: boolean };
type MatchList = {
  items: { id: number; personId: number; name: string; status: string; score: number | null; reasons: { code: string; text: string }[]; canContact: boolean }[];
  suggestions: { personId: number; name: string; score: number; reasons: { code: string; text: string }[] }[];
  withoutConsent: number;
};

let w: OpportunitiesWorld;
const READ_WRITE: ApiScope[] = ['opportunities:read', 'opportunities:write'];
const tokenFor = async (userId: number, scopes: ApiScope[] = READ_WRITE): Promise<string> => (await issueApiToken(w.t.db.db, userId, 'test', scopes)).token;
const call = (method: 'GET' | 'POST', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> =>
  w.t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
const problem = (res: LightMyRequestResponse, status: number): Problem => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json<Problem>();
};
const auditRows = (action: string) => w.t.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

const posting = (more: Record<string, unknown> = {}) => ({
  projectId: w.project,
  title: 'Help us improve our waiting room',
  description: 'Tell us what would make waiting easier.',
  whenWhere: 'Tuesday afternoons at Luton Community Hub',
  places: 2,
  relationships: ['carer'],
  interests: ['Mental health', 'housing'],
  availability: ['tue_pm'],
  venueAccess: ['step_free'],
  paymentOffered: 'involvement_rate',
  isPublic: 'no',
  ...more,
});

async function insertOpportunity(title: string, more: Record<string, unknown> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await w.t.db.db
    .insertInto('opportunities')
    .values({
      unit_id: w.org.northTeam.id,
      project_id: null,
      group_id: null,
      title,
      description: 'Something to do',
      when_where: null,
      time_commitment: null,
      places: 3,
      lived_experience: null,
      payment_offered: 'vouchers',
      closes_on: null,
      is_public: 0,
      status: 'open',
      created_by: w.users.staff,
      created_at: now,
      updated_at: now,
      filled_at: null,
      ...more,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

let open: number;
let closed: number;
let southClosed: number;
let interested: number;
let started: number;

beforeAll(async () => {
  w = await opportunitiesWorld();
  open = await insertOpportunity('Join the menu panel');
  closed = await insertOpportunity('Closed North panel', { status: 'closed', created_by: w.users.lead });
  southClosed = await insertOpportunity('Closed South panel', { status: 'closed', unit_id: w.org.southTeam.id, created_by: w.users.otherStaff });
  await w.t.db.db.insertInto('opportunity_attributes').values({ opportunity_id: open, kind: 'interest', value: 'food' }).execute();
  interested = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Ivy Interested Person', anonymity: 'initials', interests: ['food'], consent: true });
  started = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Stan Started', anonymity: 'first_name', consent: true });
  await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Fern Foodie', interests: ['food'], consent: true });
  const now = nowIso();
  await w.t.db.db
    .insertInto('matches')
    .values([
      { opportunity_id: open, person_id: interested, status: 'interested', source: 'interest', created_at: now, updated_at: now },
      { opportunity_id: open, person_id: started, status: 'started', source: 'suggestion', started_on: now.slice(0, 10), created_at: now, updated_at: now },
    ])
    .execute();
});
afterAll(() => w.t.close());

describe('POST /api/v1/opportunities', () => {
  it('posts one for a project: 201 with where to find it and what it asks for; audited', async () => {
    const res = await call('POST', '/api/v1/opportunities', await tokenFor(w.users.staff), posting());
    expect(res.statusCode, res.body).toBe(201);
    const o = res.json<OpportunityJson>();
    expect(o).toMatchObject({
      unitId: w.org.northTeam.id,
      unitName: 'North Community Team',
      projectId: w.project,
      projectTitle: 'Kinder waiting rooms',
      title: 'Help us improve our waiting room',
      places: 2,
      isPublic: false,
      status: 'open',
      isOpen: true,
      relationships: ['carer'],
      interests: ['mental health', 'housing'],
      availability: ['tue_pm'],
      venueAccess: ['step_free'],
      canManage: true,
      canSeeMatches: true,
      joined: [],
    });
    expect(res.headers.location).toBe(`/api/v1/opportunities/${o.id}`);
    expect((await auditRows('opportunity.created')).at(-1)).toMatchObject({ entity_id: String(o.id), actor_user_id: w.users.staff });
  });

  it('answers 400 naming each bad field', async () => {
    const bad = problem(await call('POST', '/api/v1/opportunities', await tokenFor(w.users.staff), posting({ title: '', places: 0, closesOn: '2026-02-30', isPublic: true })), 400);
    expect(bad.errors).toEqual([
      { field: 'title', message: 'Enter a title' },
      { field: 'places', message: 'Enter how many people, a whole number from 1 to 100' },
      { field: 'closesOn', message: 'Enter the closing date as year-month-day, like 2026-03-31' },
      { field: 'isPublic', message: 'Choose whether to show it on the public page' },
    ]);
    // Without a project or group, the unit is needed, and must be one where they manage opportunities.
    const noUnit = problem(await call('POST', '/api/v1/opportunities', await tokenFor(w.users.lead), posting({ projectId: undefined, unitId: w.org.southTeam.id })), 400);
    expect(noUnit.errors).toEqual([{ field: 'unitId', message: 'Choose the team or service' }]);
  });

  it('keeps the page’s rules: another unit’s project is a 404, a partner may not post, the scope is needed', async () => {
    problem(await call('POST', '/api/v1/opportunities', await tokenFor(w.users.otherStaff), posting({ title: 'South was here' })), 404);
    problem(await call('POST', '/api/v1/opportunities', await tokenFor(w.users.partner), posting({ projectId: undefined, unitId: w.org.northTeam.id, title: 'Partner was here' })), 403);
    const readOnly = problem(await call('POST', '/api/v1/opportunities', await tokenFor(w.users.staff, ['opportunities:read']), posting({ title: 'No scope' })), 403);
    expect(readOnly.missingScope).toBe('opportunities:write');
    const titles = (await w.t.db.db.selectFrom('opportunities').select('title').execute()).map((o) => o.title);
    expect(titles).not.toContain('South was here');
    expect(titles).not.toContain('Partner was here');
    expect(titles).not.toContain('No scope');
  });
});

describe('GET /api/v1/opportunities', () => {
  it('lists what the token owner may see: open ones, and closed ones only where they manage or posted', async () => {
    const partner = (await call('GET', '/api/v1/opportunities', await tokenFor(w.users.partner, ['opportunities:read']))).json<{ items: Summary[]; next: number | null }>();
    const partnerIds = partner.items.map((o) => o.id);
    expect(partnerIds).toContain(open);
    expect(partnerIds).not.toContain(closed);
    expect(partnerIds).not.toContain(southClosed);
    expect(partner.next).toBeNull();
    expect(partner.items.find((o) => o.id === open)).toMatchObject({ title: 'Join the menu panel', status: 'open', isOpen: true });

    const lead = (await call('GET', '/api/v1/opportunities', await tokenFor(w.users.lead, ['opportunities:read']))).json<{ items: Summary[] }>();
    expect(lead.items.map((o) => o.id)).toEqual(expect.arrayContaining([open, closed]));
    expect(lead.items.map((o) => o.id)).not.toContain(southClosed);
  });

  it('answers a bad cursor with 400 and needs opportunities:read', async () => {
    const bad = problem(await call('GET', '/api/v1/opportunities?before=soon', await tokenFor(w.users.partner, ['opportunities:read'])), 400);
    expect(bad.errors).toEqual([{ field: 'before', message: 'Choose a page from the list' }]);
    const noScope = problem(await call('GET', '/api/v1/opportunities', await tokenFor(w.users.partner, ['opportunities:write', 'people:read'])), 403);
    expect(noScope.missingScope).toBe('opportunities:read');
  });
});

describe('GET /api/v1/opportunities/:id', () => {
  it('answers one, with who joined by their shown names for those who manage it only', async () => {
    const staff = (await call('GET', `/api/v1/opportunities/${open}`, await tokenFor(w.users.staff, ['opportunities:read']))).json<OpportunityJson>();
    expect(staff).toMatchObject({ id: open, interests: ['food'], canManage: true, canSeeMatches: true });
    expect(staff.joined).toEqual([{ name: 'Stan', status: 'started', startedOn: expect.any(String) }]);
    const partner = await call('GET', `/api/v1/opportunities/${open}`, await tokenFor(w.users.partner, ['opportunities:read']));
    expect(partner.statusCode).toBe(200);
    expect(partner.json<OpportunityJson>()).toMatchObject({ canManage: false, canSeeMatches: false, joined: [] });
  });

  it('is a 404 for a missing or impossible id', async () => {
    const token = await tokenFor(w.users.lead);
    problem(await call('GET', '/api/v1/opportunities/abc', token), 404);
    problem(await call('GET', '/api/v1/opportunities/99999999999', token), 404);
    problem(await call('GET', '/api/v1/opportunities/999999', token), 404);
  });
});

describe('GET /api/v1/opportunities/:id/matches', () => {
  it('gives the involvement lead full names and suggestions ranked by fit, with reasons; audited', async () => {
    const before = (await auditRows('opportunity.matches_viewed')).length;
    const res = await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.lead, ['opportunities:read']));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<MatchList>();
    expect(body.items.map((m) => [m.personId, m.name, m.status]).sort()).toEqual(
      [
        [interested, 'Ivy Interested Person', 'interested'],
        [started, 'Stan Started', 'started'],
      ].sort(),
    );
    const fern = body.suggestions.find((s) => s.name === 'Fern Foodie');
    expect(fern?.reasons.find((r) => r.code === 'interests')?.text).toMatch(/food/);
    const audits = await auditRows('opportunity.matches_viewed');
    expect(audits).toHaveLength(before + 1);
    expect(audits.at(-1)).toMatchObject({ entity_id: String(open), actor_user_id: w.users.lead });
  });

  it('gives the owner the names people chose to be shown by, and no suggestions', async () => {
    const body = (await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.staff, ['opportunities:read']))).json<MatchList>();
    expect(body.items.map((m) => m.name).sort()).toEqual(['I. I. P.', 'Stan']);
    expect(body.suggestions).toEqual([]);
  });

  it('is a 404 for anyone else, and needs opportunities:read', async () => {
    problem(await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.staff2)), 404);
    problem(await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.otherStaff)), 404);
    problem(await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.partner)), 404);
    const noScope = problem(await call('GET', `/api/v1/opportunities/${open}/matches`, await tokenFor(w.users.lead, ['opportunities:write'])), 403);
    expect(noScope.missingScope).toBe('opportunities:read');
  });
});

it('is described in the OpenAPI document with its scopes', async () => {
  const doc = (await w.t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { security: unknown }>> }>();
  expect(doc.paths['/api/v1/opportunities']?.get?.security).toEqual([{ bearerToken: ['opportunities:read'] }]);
  expect(doc.paths['/api/v1/opportunities']?.post?.security).toEqual([{ bearerToken: ['opportunities:write'] }]);
  expect(doc.paths['/api/v1/opportunities/{id}']?.get?.security).toEqual([{ bearerToken: ['opportunities:read'] }]);
  expect(doc.paths['/api/v1/opportunities/{id}/matches']?.get?.security).toEqual([{ bearerToken: ['opportunities:read'] }]);
});
