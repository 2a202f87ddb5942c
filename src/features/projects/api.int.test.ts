import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { issueApiToken, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { addMember, createProject } from './service.ts';
import { AIM, contextFor, seedPeople } from './test-support.ts';

interface ProjectJson {
  id: number;
  unitId: number;
  unitName: string;
  title: string;
  aim: string;
  background: string | null;
  stage: string;
  programme: string | null;
  involvementLevel: string;
}
type Problem = { status: number; title: string; missingScope?: string; errors?: { field: string; message: string }[] };

describe('projects in the JSON API', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  let northProject: number;
  let southProject: number;
  const READ_WRITE: ApiScope[] = ['projects:read', 'projects:write'];

  const tokenFor = async (userId: number, scopes: ApiScope[] = READ_WRITE): Promise<string> => (await issueApiToken(t.db.db, userId, 'test', scopes)).token;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({
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

  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
    const staff = await contextFor(t, s.staff);
    northProject = (await createProject(staff, { unitId: s.org.northTeam.id, title: 'Fewer missed appointments', aim: AIM, stage: 'testing', involvementLevel: 'consulted', programme: 'Reshaping Community Services' })).id;
    await createProject(staff, { unitId: s.org.northTeam.id, title: 'Better crisis plans', aim: AIM, stage: 'planning', involvementLevel: 'none' });
    await addMember(staff, northProject, { role: 'service_user_partner', email: 'partner@example.org' });
    await addMember(staff, northProject, { role: 'carer_partner', displayName: 'Jean' });
    southProject = (await createProject(await contextFor(t, s.admin), { unitId: s.org.southTeam.id, title: 'South cafe', aim: AIM, stage: 'idea', involvementLevel: 'user_led' })).id;
  });
  afterEach(() => t.close());

  it('lists the projects the token owner may see, filtered and in keyset pages', async () => {
    const token = await tokenFor(s.staff, ['projects:read']);
    const all = await call('GET', '/api/v1/projects', token);
    expect(all.statusCode).toBe(200);
    const body = all.json<{ items: ProjectJson[]; nextBefore: number | null }>();
    expect(body.items.map((p) => p.title)).toEqual(['Better crisis plans', 'Fewer missed appointments']);
    expect(body.nextBefore).toBeNull();
    expect(body.items[1]).toMatchObject({ id: northProject, unitId: s.org.northTeam.id, unitName: 'North Community Team', stage: 'testing', involvementLevel: 'consulted', programme: 'Reshaping Community Services', background: null });

    const testing = await call('GET', '/api/v1/projects?stage=testing&programme=Reshaping%20Community%20Services&q=MISSED', token);
    expect(testing.json<{ items: ProjectJson[] }>().items.map((p) => p.id)).toEqual([northProject]);

    const page1 = (await call('GET', '/api/v1/projects?limit=1', token)).json<{ items: ProjectJson[]; nextBefore: number }>();
    expect(page1.items.map((p) => p.title)).toEqual(['Better crisis plans']);
    const page2 = (await call('GET', `/api/v1/projects?limit=1&before=${page1.nextBefore}`, token)).json<{ items: ProjectJson[]; nextBefore: number | null }>();
    expect(page2).toMatchObject({ items: [{ title: 'Fewer missed appointments' }], nextBefore: null });

    // The partner sees only the project whose team they are in.
    const partner = await call('GET', '/api/v1/projects', await tokenFor(s.partner, ['projects:read']));
    expect(partner.json<{ items: ProjectJson[] }>().items.map((p) => p.id)).toEqual([northProject]);
  });

  it('answers bad filters with 400 naming each one, and a unit outside the owner’s units with 404', async () => {
    const token = await tokenFor(s.staff, ['projects:read']);
    const bad = problem(await call('GET', '/api/v1/projects?stage=flying&limit=500&unitId=abc', token), 400);
    expect(bad.errors).toEqual([
      { field: 'unitId', message: 'Choose a team or service from the list' },
      { field: 'stage', message: 'Choose a stage from the list' },
      { field: 'limit', message: 'Ask for between 1 and 100 projects at a time' },
    ]);
    problem(await call('GET', `/api/v1/projects?unitId=${s.org.south.id}`, token), 404);
  });

  it('starts a project: 201 with where to find it; 400 naming each field; refused without the scope or the permission', async () => {
    const token = await tokenFor(s.staff);
    const res = await call('POST', '/api/v1/projects', token, { unitId: s.org.northTeam.id, title: '  Quicker letters ', aim: 'Letters out in 5 days by May', stage: 'idea', involvementLevel: 'involved', programme: '' });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<ProjectJson>();
    expect(created).toMatchObject({ title: 'Quicker letters', stage: 'idea', involvementLevel: 'involved', programme: null, unitName: 'North Community Team' });
    expect(res.headers.location).toBe(`/api/v1/projects/${created.id}`);
    expect((await call('GET', String(res.headers.location), token)).json()).toEqual(created);
    expect(await t.db.db.selectFrom('project_history').select('field').where('project_id', '=', created.id).execute()).toHaveLength(2);

    const bad = problem(await call('POST', '/api/v1/projects', token, { unitId: s.org.northTeam.id, title: 'x'.repeat(201), stage: 'someday', involvementLevel: 'involved' }), 400);
    expect(bad.errors).toEqual([
      { field: 'title', message: 'The title must be 200 characters or fewer' },
      { field: 'aim', message: 'Enter the aim: what will get better, by how much, and by when' },
      { field: 'stage', message: 'Choose the stage the project is at' },
    ]);

    const readOnly = problem(await call('POST', '/api/v1/projects', await tokenFor(s.staff, ['projects:read']), { title: 'No scope' }), 403);
    expect(readOnly.missingScope).toBe('projects:write');
    problem(await call('POST', '/api/v1/projects', await tokenFor(s.viewer), { unitId: s.org.north.id, title: 'Viewer', aim: AIM, stage: 'idea', involvementLevel: 'none' }), 403);
    problem(await call('POST', '/api/v1/projects', token, { unitId: s.org.southTeam.id, title: 'Elsewhere', aim: AIM, stage: 'idea', involvementLevel: 'none' }), 404);
    const titles = await t.db.db.selectFrom('projects').select('title').execute();
    expect(titles.map((p) => p.title)).not.toContain('Elsewhere');
  });

  it('gets one project, and hides projects outside the owner’s units (404)', async () => {
    const token = await tokenFor(s.staff, ['projects:read']);
    const res = await call('GET', `/api/v1/projects/${northProject}`, token);
    expect(res.json()).toMatchObject({ id: northProject, title: 'Fewer missed appointments', aim: AIM });
    problem(await call('GET', `/api/v1/projects/${southProject}`, token), 404);
    problem(await call('GET', '/api/v1/projects/999999', token), 404);
    problem(await call('GET', '/api/v1/projects/abc', token), 404);
    const noScope = problem(await call('GET', `/api/v1/projects/${northProject}`, await tokenFor(s.staff, ['org:read'])), 403);
    expect(noScope.missingScope).toBe('projects:read');
  });

  it('changes only the fields sent with PATCH, writing history for a new stage or involvement level', async () => {
    const token = await tokenFor(s.staff);
    const res = await call('PATCH', `/api/v1/projects/${northProject}`, token, { stage: 'implementing', programme: null, note: 'The tests worked.' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: 'Fewer missed appointments', aim: AIM, stage: 'implementing', involvementLevel: 'consulted', programme: null });
    const history = await t.db.db.selectFrom('project_history').selectAll().where('project_id', '=', northProject).orderBy('id', 'desc').execute();
    expect(history[0]).toMatchObject({ field: 'stage', value: 'implementing', note: 'The tests worked.', changed_by: s.staff });
    expect(history).toHaveLength(3);

    const bad = problem(await call('PATCH', `/api/v1/projects/${northProject}`, token, { stage: 'done', title: null }), 400);
    expect(bad.errors).toEqual([
      { field: 'title', message: 'Enter a title for the project' },
      { field: 'stage', message: 'Choose the stage the project is at' },
    ]);

    // A partner in the team may change it; a viewer may look but not change; staff of another unit find nothing.
    const partner = await call('PATCH', `/api/v1/projects/${northProject}`, await tokenFor(s.partner), { involvementLevel: 'co_produced' });
    expect(partner.json()).toMatchObject({ involvementLevel: 'co_produced' });
    const viewer = await tokenFor(s.viewer);
    expect((await call('GET', `/api/v1/projects/${northProject}`, viewer)).statusCode).toBe(200);
    problem(await call('PATCH', `/api/v1/projects/${northProject}`, viewer, { title: 'Viewer was here' }), 404);
    problem(await call('PATCH', `/api/v1/projects/${northProject}`, await tokenFor(s.southStaff), { title: 'South was here' }), 404);
    const readOnly = problem(await call('PATCH', `/api/v1/projects/${northProject}`, await tokenFor(s.staff, ['projects:read']), { title: 'x' }), 403);
    expect(readOnly.missingScope).toBe('projects:write');
  });

  it('lists the team, with partners who have no account', async () => {
    const res = await call('GET', `/api/v1/projects/${northProject}/members`, await tokenFor(s.partner, ['projects:read']));
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{ items: { userId: number | null; name: string; role: string; joinedOn: string; leftOn: string | null }[] }>();
    expect(items.map((m) => [m.userId, m.name, m.role, m.leftOn])).toEqual([
      [s.partner, 'Pat Partner', 'service_user_partner', null],
      [null, 'Jean', 'carer_partner', null],
    ]);
    expect(items[0]?.joinedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    problem(await call('GET', `/api/v1/projects/${southProject}/members`, await tokenFor(s.partner, ['projects:read'])), 404);
  });

  it('answers the involvement share for a unit and month, naming a bad month', async () => {
    const token = await tokenFor(s.admin, ['projects:read']);
    const res = await call('GET', `/api/v1/projects/involvement-share?unitId=${s.org.north.id}`, token);
    expect(res.statusCode).toBe(200);
    // Both North projects are open; the one with partners has input.
    expect(res.json()).toMatchObject({ unitId: s.org.north.id, total: 2, withInput: 1, percentage: 50 });
    expect(res.json<{ month: string }>().month).toMatch(/^\d{4}-\d{2}$/);
    expect((await call('GET', '/api/v1/projects/involvement-share', token)).json()).toMatchObject({ unitId: null, total: 3, withInput: 2, percentage: 66.7 });
    expect((await call('GET', '/api/v1/projects/involvement-share?month=2001-01', token)).json()).toEqual({ month: '2001-01', unitId: null, total: 0, withInput: 0, percentage: null });

    const bad = problem(await call('GET', '/api/v1/projects/involvement-share?month=June', token), 400);
    expect(bad.errors).toEqual([{ field: 'month', message: 'Enter a month like 2025-06' }]);
    problem(await call('GET', '/api/v1/projects/involvement-share', await tokenFor(s.partner, ['projects:read'])), 403);
    problem(await call('GET', `/api/v1/projects/involvement-share?unitId=${s.org.south.id}`, await tokenFor(s.staff, ['projects:read'])), 404);
  });

  it('is described in the OpenAPI document, with its scopes and query parameters', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { security: unknown; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    }>();
    expect(doc.paths['/api/v1/projects']?.get?.security).toEqual([{ bearerToken: ['projects:read'] }]);
    expect(doc.paths['/api/v1/projects']?.post?.security).toEqual([{ bearerToken: ['projects:write'] }]);
    expect(doc.paths['/api/v1/projects/{id}']?.patch?.security).toEqual([{ bearerToken: ['projects:write'] }]);
    expect(Object.keys(doc.paths['/api/v1/projects/{id}/members'] ?? {})).toEqual(['get']);
    expect(doc.paths['/api/v1/projects']?.get?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:unitId', 'query:stage', 'query:programme', 'query:involvementLevel', 'query:q', 'query:before', 'query:limit',
    ]);
    expect(doc.paths['/api/v1/projects/involvement-share']?.get?.parameters?.map((p) => p.name)).toEqual(['unitId', 'month']);
    expect(doc.paths['/api/v1/projects/involvement-share']?.get?.responses['400']).toBeDefined();
    expect(doc.components.schemas.CreateProject?.required?.sort()).toEqual(['aim', 'involvementLevel', 'stage', 'title', 'unitId']);
    expect(doc.components.schemas.InvolvementShare).toBeDefined();
  });

  it('offers the new scopes on the API tokens page', async () => {
    const b = new Browser(t.app);
    await b.signIn('staff@example.org');
    const page = await b.get('/account/tokens');
    expect(page.body).toContain('value="projects:read"');
    expect(page.body).toContain('See projects (projects:read)');
    expect(page.body).toContain('value="projects:write"');
    expect(page.body).toContain('Change projects (projects:write)');
  });
});
