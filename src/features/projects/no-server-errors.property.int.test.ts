import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { issueApiToken } from '../../platform/auth/api-tokens.ts';
import { createProject } from './service.ts';
import { contextFor, projectForm, seedPeople } from './test-support.ts';

/** Anything a person could type, including numbers too big for the database and look-alikes of the values we expect. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '3000000000', '9007199254740993', '9999999999999999999999', 'testing', 'co_produced', 'carer_partner', '2025-13', '<script>', '%', '_', '\\', 'a\u0000b'),
  fc.integer().map(String),
);
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input to the projects pages or API produces a server error', () => {
  let t: TestApp;
  let admin: Browser;
  let token: string;
  let projectId: number;
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedPeople(t);
    projectId = (await createProject(await contextFor(t, s.admin), projectForm(s.org.northTeam.id))).id;
    admin = new Browser(t.app);
    await admin.signIn('admin@example.org');
    await admin.get('/projects/new');
    token = (await issueApiToken(t.db.db, s.admin, 'fuzz', ['projects:read', 'projects:write'])).token;
  });
  afterAll(() => t.close());

  const FIELDS = ['unitId', 'title', 'aim', 'background', 'stage', 'programme', 'involvementLevel', 'note'];

  it('the project forms and the team form', async () => {
    await fc.assert(
      fc.asyncProperty(form(FIELDS), form(['role', 'email', 'displayName']), typed, async (project, member, memberId) => {
        expect((await admin.post('/projects', project)).statusCode).toBeLessThan(500);
        expect((await admin.post(`/projects/${projectId}`, project)).statusCode).toBeLessThan(500);
        expect((await admin.post(`/projects/${projectId}/team`, member)).statusCode).toBeLessThan(500);
        expect((await admin.post(`/projects/${projectId}/team/${encodeURIComponent(memberId)}/remove`, {})).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('the involvement register search and the form to add a partner from it', async () => {
    await fc.assert(
      fc.asyncProperty(typed, form(['personId', 'partnerRole', 'registerQ']), async (q, body) => {
        expect((await admin.get(`/projects/${projectId}/team?${new URLSearchParams({ registerQ: q }).toString()}`)).statusCode).toBeLessThan(500);
        expect((await admin.post(`/projects/${projectId}/team/from-register`, body)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
    expect((await admin.get(`/projects/${projectId}/team?registerQ=a&registerQ=b`)).statusCode).toBeLessThan(500);
  });

  it('the portfolio filters, on the page and in the API', async () => {
    await fc.assert(
      fc.asyncProperty(form(['unitId', 'stage', 'programme', 'involvementLevel', 'q', 'before', 'limit', 'month']), typed, async (query, id) => {
        const qs = new URLSearchParams(query).toString();
        expect((await admin.get(`/projects?${qs}`)).statusCode).toBeLessThan(500);
        expect((await admin.get(`/projects/${encodeURIComponent(id)}`)).statusCode).toBeLessThan(500);
        const headers = { authorization: `Bearer ${token}` };
        expect((await t.app.inject({ method: 'GET', url: `/api/v1/projects?${qs}`, headers })).statusCode).toBeLessThan(500);
        expect((await t.app.inject({ method: 'GET', url: `/api/v1/projects/involvement-share?${qs}`, headers })).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('JSON bodies of any shape', async () => {
    const value = fc.oneof(typed, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...FIELDS), value), async (body) => {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const payload = JSON.stringify(body);
        expect((await t.app.inject({ method: 'POST', url: '/api/v1/projects', headers, payload })).statusCode).toBeLessThan(500);
        expect((await t.app.inject({ method: 'PATCH', url: `/api/v1/projects/${projectId}`, headers, payload })).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
