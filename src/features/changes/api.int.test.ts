import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiToken, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { changesWorld, type ChangesWorld } from './testing.ts';

interface Problem {
  status: number;
  title: string;
  missingScope?: string;
  errors?: { field: string; message: string }[];
}

describe('JSON API: change ideas and PDSA cycles', () => {
  let w: ChangesWorld;
  let rw: string;

  const tokenFor = async (who: keyof ChangesWorld['users'], scopes: ApiScope[] = ['projects:read', 'projects:write']): Promise<string> =>
    (await issueApiToken(w.t.db.db, w.users[who], 'test', scopes)).token;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string | undefined, body?: unknown): Promise<LightMyRequestResponse> =>
    w.t.app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const problem = (res: LightMyRequestResponse, status: number): Problem => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.json<Problem>();
  };

  beforeEach(async () => {
    w = await changesWorld();
    rw = await tokenFor('staff');
  });
  afterEach(() => w.t.close());

  const newIdea = async (body: Record<string, unknown> = {}) => {
    const res = await call('POST', `/api/v1/projects/${w.projectId}/change-ideas`, rw, { title: 'Text reminder', size: 'small_quick', source: 'carer', ...body });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: number; status: string; driverId: number | null }>();
  };

  it('adds, lists, reads and patches change ideas', async () => {
    const created = await call('POST', `/api/v1/projects/${w.projectId}/change-ideas`, rw, {
      title: '  Peer welcome ',
      description: 'A peer worker meets people at the door',
      size: 'big',
      source: 'service_user',
      sourceRef: 'Forum, May 2025',
    });
    expect(created.statusCode).toBe(201);
    const idea = created.json<Record<string, unknown> & { id: number }>();
    expect(idea).toMatchObject({ projectId: w.projectId, title: 'Peer welcome', size: 'big', source: 'service_user', sourceRef: 'Forum, May 2025', status: 'idea', driverId: null });
    expect(created.headers.location).toBe(`/api/v1/change-ideas/${idea.id}`);
    expect((await call('GET', String(created.headers.location), rw)).json()).toEqual(idea);

    const list = await call('GET', `/api/v1/projects/${w.projectId}/change-ideas`, rw);
    expect(list.json<{ items: unknown[] }>().items).toEqual([idea]);

    // Only what is sent changes; null clears an optional field.
    const patched = await call('PATCH', `/api/v1/change-ideas/${idea.id}`, rw, { status: 'testing', description: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'Peer welcome', status: 'testing', description: null, sourceRef: 'Forum, May 2025' });
    const audit = await w.t.db.db.selectFrom('audit_log').select(['action', 'details']).where('entity_type', '=', 'change_idea').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['change_idea.created', 'change_idea.updated']);
    expect(JSON.parse(audit[1]?.details ?? '{}').fields.sort()).toEqual(['description', 'status']);
  });

  it('answers bad fields with 400 naming each one, and changes nothing', async () => {
    const res = await call('POST', `/api/v1/projects/${w.projectId}/change-ideas`, rw, { title: '', size: 'medium', status: 'done', driverId: 'x' });
    expect(problem(res, 400).errors).toEqual([
      { field: 'title', message: 'Enter a name for the change idea' },
      { field: 'size', message: 'Choose how big the change idea is' },
      { field: 'source', message: 'Choose where the idea came from' },
      { field: 'status', message: 'Choose a status from the list' },
      { field: 'driverId', message: 'Choose a driver from the list' },
    ]);
    const idea = await newIdea();
    const bad = await call('PATCH', `/api/v1/change-ideas/${idea.id}`, rw, { title: null, description: 42 });
    expect(problem(bad, 400).errors?.map((e) => e.field)).toEqual(['title', 'description']);
    const other = await w.t.db.db
      .insertInto('drivers')
      .values({ project_id: w.southProjectId, parent_id: null, title: 'South', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(problem(await call('PATCH', `/api/v1/change-ideas/${idea.id}`, rw, { driverId: other.id }), 400).errors).toEqual([{ field: 'driverId', message: 'Choose a driver from the list' }]);

    const cycle = await call('POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, rw, { startOn: '2025-13-01', act: 'keep', previousId: 0 });
    expect(problem(cycle, 400).errors?.map((e) => e.field)).toEqual(['title', 'previousId', 'startOn', 'act']);
    const order = await call('POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, rw, { title: 'Backwards', startOn: '2025-03-10', endOn: '2025-03-01' });
    expect(problem(order, 400).errors).toEqual([{ field: 'endOn', message: 'The end date must be the same as or after the start date' }]);
    expect(await w.t.db.db.selectFrom('pdsa_cycles').select('id').execute()).toEqual([]);
    expect((await w.t.db.db.selectFrom('change_ideas').select('title').execute()).map((r) => r.title)).toEqual(['Text reminder']);
  });

  it('adds PDSA cycles in a ramp, lists them in ramp order, and the idea’s status follows the decision', async () => {
    const idea = await newIdea();
    const url = `/api/v1/change-ideas/${idea.id}/pdsa-cycles`;
    const first = (await call('POST', url, rw, { title: 'One day', startOn: '2025-03-03', prediction: 'Fewer missed' })).json<{ id: number }>();
    expect((await call('GET', `/api/v1/change-ideas/${idea.id}`, rw)).json()).toMatchObject({ status: 'testing' });
    const aside = await call('POST', url, rw, { title: 'Letters instead', startOn: '2025-03-04' });
    const second = await call('POST', url, rw, { title: 'One week', previousId: first.id, startOn: '2025-03-10' });
    expect(second.statusCode).toBe(201);
    expect(second.headers.location).toBe(`/api/v1/pdsa-cycles/${second.json<{ id: number }>().id}`);
    expect(second.json()).toMatchObject({ changeIdeaId: idea.id, previousId: first.id, title: 'One week', startOn: '2025-03-10', act: null });

    const list = await call('GET', url, rw);
    expect(list.json<{ items: { title: string }[] }>().items.map((c) => c.title)).toEqual(['One day', 'One week', 'Letters instead']);

    const patched = await call('PATCH', `/api/v1/pdsa-cycles/${second.json<{ id: number }>().id}`, rw, { act: 'adopt', study: 'It worked', endOn: '2025-03-14' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ title: 'One week', previousId: first.id, act: 'adopt', study: 'It worked', endOn: '2025-03-14', startOn: '2025-03-10' });
    expect((await call('GET', `/api/v1/change-ideas/${idea.id}`, rw)).json()).toMatchObject({ status: 'adopted' });
    expect((await call('GET', `/api/v1/pdsa-cycles/${aside.json<{ id: number }>().id}`, rw)).json()).toMatchObject({ title: 'Letters instead', previousId: null });

    // A loop is refused.
    expect(problem(await call('PATCH', `/api/v1/pdsa-cycles/${first.id}`, rw, { previousId: second.json<{ id: number }>().id }), 400).errors?.[0]?.field).toBe('previousId');
  });

  it('needs projects:read to read and projects:write to change, naming the missing scope', async () => {
    const idea = await newIdea();
    const cycle = (await call('POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, rw, { title: 'A cycle' })).json<{ id: number }>();
    const readOnly = await tokenFor('staff', ['projects:read']);
    const writeOnly = await tokenFor('staff', ['projects:write']);
    const reads = [`/api/v1/projects/${w.projectId}/change-ideas`, `/api/v1/change-ideas/${idea.id}`, `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, `/api/v1/pdsa-cycles/${cycle.id}`];
    for (const url of reads) {
      expect((await call('GET', url, readOnly)).statusCode, url).toBe(200);
      expect(problem(await call('GET', url, writeOnly), 403).missingScope, url).toBe('projects:read');
      expect(problem(await call('GET', url, undefined), 401).status).toBe(401);
    }
    const writes: [('POST' | 'PATCH'), string][] = [
      ['POST', `/api/v1/projects/${w.projectId}/change-ideas`],
      ['PATCH', `/api/v1/change-ideas/${idea.id}`],
      ['POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`],
      ['PATCH', `/api/v1/pdsa-cycles/${cycle.id}`],
    ];
    for (const [method, url] of writes) {
      const res = await call(method, url, readOnly, { title: 'Sneaky', size: 'big', source: 'staff' });
      expect(problem(res, 403).missingScope, url).toBe('projects:write');
    }
    expect((await w.t.db.db.selectFrom('change_ideas').select('title').execute()).map((r) => r.title)).toEqual(['Text reminder']);
  });

  it('lets a partner on the team write, a viewer only read, and hides the project from everyone else', async () => {
    const idea = await newIdea();
    const cycle = (await call('POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, rw, { title: 'A cycle' })).json<{ id: number }>();

    const partner = await tokenFor('partner');
    const added = await call('POST', `/api/v1/projects/${w.projectId}/change-ideas`, partner, { title: 'Partner idea', size: 'small_quick', source: 'service_user' });
    expect(added.statusCode).toBe(201);
    expect((await call('PATCH', `/api/v1/pdsa-cycles/${cycle.id}`, partner, { observations: 'People liked it' })).statusCode).toBe(200);

    const viewer = await tokenFor('viewer');
    expect((await call('GET', `/api/v1/change-ideas/${idea.id}`, viewer)).statusCode).toBe(200);
    const writes: [('POST' | 'PATCH'), string][] = [
      ['POST', `/api/v1/projects/${w.projectId}/change-ideas`],
      ['PATCH', `/api/v1/change-ideas/${idea.id}`],
      ['POST', `/api/v1/change-ideas/${idea.id}/pdsa-cycles`],
      ['PATCH', `/api/v1/pdsa-cycles/${cycle.id}`],
    ];
    for (const [method, url] of writes) problem(await call(method, url, viewer, { title: 'Nope', size: 'big', source: 'staff' }), 404);

    for (const who of ['otherStaff', 'outsider', 'exPartner'] as const) {
      const token = await tokenFor(who);
      for (const url of [`/api/v1/projects/${w.projectId}/change-ideas`, `/api/v1/change-ideas/${idea.id}`, `/api/v1/change-ideas/${idea.id}/pdsa-cycles`, `/api/v1/pdsa-cycles/${cycle.id}`]) {
        problem(await call('GET', url, token), 404);
      }
      for (const [method, url] of writes) problem(await call(method, url, token, { title: 'Nope', size: 'big', source: 'staff' }), 404);
    }
    for (const url of ['/api/v1/change-ideas/999999', '/api/v1/pdsa-cycles/abc', '/api/v1/projects/99999999999/change-ideas']) problem(await call('GET', url, rw), 404);
    const cycles = await w.t.db.db.selectFrom('pdsa_cycles').select(['title', 'observations']).execute();
    expect(cycles).toEqual([{ title: 'A cycle', observations: 'People liked it' }]);
  });

  it('is described in the OpenAPI document with its scopes and schemas', async () => {
    const doc = (await w.t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { security: Record<string, string[]>[]; summary: string }>>;
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, Record<string, unknown>> }> };
    }>();
    expect(doc.paths['/api/v1/projects/{id}/change-ideas']?.post?.security).toEqual([{ bearerToken: ['projects:write'] }]);
    expect(doc.paths['/api/v1/pdsa-cycles/{id}']?.get?.security).toEqual([{ bearerToken: ['projects:read'] }]);
    expect(doc.paths['/api/v1/change-ideas/{id}/pdsa-cycles']?.get?.summary).toBe('List a change idea\'s PDSA cycles, in ramp order');
    expect(doc.components.schemas.CreateChangeIdea?.required?.sort()).toEqual(['size', 'source', 'title']);
    expect(doc.components.schemas.CreateChangeIdea?.properties?.size?.enum).toEqual(['small_quick', 'big']);
    expect(doc.components.schemas.UpdatePdsaCycle?.required ?? []).toEqual([]);
    expect(JSON.stringify(doc.components.schemas.CreatePdsaCycle?.properties?.startOn)).toContain('"format":"date"');
    expect(Object.keys(doc.components.schemas.PdsaCycle?.properties ?? {})).toContain('dataToCollect');
  });
});
