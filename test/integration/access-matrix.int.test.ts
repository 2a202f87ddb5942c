import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, issueApiToken } from '../../src/platform/auth/api-tokens.ts';
import { Browser, createTestApp, seedOrg, type TestApp } from '../support/app.ts';
import { MATRIX_EMAILS, PARTS, concreteUrl, createMatrixUsers, seedMatrixRecords, type MatrixRecords } from './matrix-fixture.ts';

/**
 * Every registered route against every kind of user. A route missing from this matrix fails the
 * test: when you add a route, decide here who may use it.
 *
 * A = allowed (any answer but the ones below), D = denied (401/403/404, or sent to sign in).
 * Columns: anonymous, partner, staff of another unit, staff of the unit, lead, admin.
 */
import { ADMIN, EVERYONE, IN_UNIT, ORG_VIEWERS, ROLES, SIGNED_IN, type RoleName } from './matrix/part.ts';

// Features added later keep their share in matrix/<feature>.ts (see matrix/part.ts); the users,
// records and concrete URLs are in matrix-fixture.ts, shared with the axe sweep (test/e2e).
// Projects: anyone who runs projects somewhere (the other unit's staff get a 400 or 404 from the service, not a 403).
const PROJECT_MANAGERS = 'DDAAAA';
// One project in the North team: its staff, those above it, and the partner who is in its team.
const PROJECT_TEAM = 'DADAAA';

const MATRIX: Record<string, string> = {
  'GET /health': EVERYONE,
  'GET /ready': EVERYONE,
  'GET /accessibility': EVERYONE,
  'GET /privacy': EVERYONE,
  'GET /sign-in': EVERYONE,
  'POST /sign-in': EVERYONE,
  'POST /sign-out': EVERYONE,
  'GET /sign-in/link': EVERYONE,
  'POST /sign-in/link': EVERYONE,
  'GET /sign-in/link/:token': EVERYONE,
  'POST /sign-in/link/:token': EVERYONE,
  'GET /forgot-password': EVERYONE,
  'POST /forgot-password': EVERYONE,
  'GET /reset-password/:token': EVERYONE,
  'POST /reset-password/:token': EVERYONE,
  'GET /invitation/:token': EVERYONE,
  'POST /invitation/:token': EVERYONE,
  'GET /': SIGNED_IN,
  'GET /account': SIGNED_IN,
  'GET /account/password': SIGNED_IN,
  'POST /account/password': SIGNED_IN,
  'GET /org': ORG_VIEWERS,
  'GET /org/:id': IN_UNIT,
  'GET /org/new': ADMIN,
  'POST /org': ADMIN,
  'POST /org/:id': ADMIN,
  'POST /org/:id/archive': ADMIN,
  'GET /admin/audit': ADMIN,
  'GET /admin/users': ADMIN,
  'GET /admin/users/invite': ADMIN,
  'POST /admin/users/invite': ADMIN,
  'GET /admin/users/:id': ADMIN,
  'POST /admin/users/:id/roles': ADMIN,
  'POST /admin/users/:id/roles/:grantId/delete': ADMIN,
  'POST /admin/users/:id/disable': ADMIN,
  'POST /admin/users/:id/enable': ADMIN,
  'POST /admin/users/:id/invite': ADMIN,
  'GET /admin/users/:id/export': ADMIN,
  'GET /admin/users/:id/erase': ADMIN,
  'POST /admin/users/:id/erase': ADMIN,
  'GET /account/tokens': SIGNED_IN,
  'POST /account/tokens': SIGNED_IN,
  // Only the token's owner (the staff user) may revoke it; for anyone else it does not exist.
  'POST /account/tokens/:id/revoke': 'DDDADD',
  'GET /api/v1/openapi.json': EVERYONE,
  'GET /api/v1/me': SIGNED_IN,
  'GET /api/v1/org-units': ORG_VIEWERS,
  'GET /api/v1/org-units/:id': IN_UNIT,
  'POST /api/v1/org-units': ADMIN,
  'PATCH /api/v1/org-units/:id': ADMIN,
  'GET /projects': SIGNED_IN,
  'GET /projects/new': PROJECT_MANAGERS,
  'POST /projects': PROJECT_MANAGERS,
  'GET /projects/:id': PROJECT_TEAM,
  'GET /projects/:id/edit': PROJECT_TEAM,
  'POST /projects/:id': PROJECT_TEAM,
  'GET /projects/:id/team': PROJECT_TEAM,
  'POST /projects/:id/team': PROJECT_TEAM,
  'POST /projects/:id/team/:memberId/remove': PROJECT_TEAM,
  // Adding a partner from the involvement register: project editors who also see the register (people:view); not partners.
  'POST /projects/:id/team/from-register': IN_UNIT,
  'GET /api/v1/projects': SIGNED_IN,
  'POST /api/v1/projects': PROJECT_MANAGERS,
  // A trust-level figure: for staff who see projects, not for partners.
  'GET /api/v1/projects/involvement-share': PROJECT_MANAGERS,
  'GET /api/v1/projects/:id': PROJECT_TEAM,
  'PATCH /api/v1/projects/:id': PROJECT_TEAM,
  'GET /api/v1/projects/:id/members': PROJECT_TEAM,
  // Driver diagram, change ideas, PDSA cycles, timeline: the project's team, partners included (changes feature).
  'GET /projects/:id/drivers': PROJECT_TEAM,
  'GET /projects/:id/drivers/new': PROJECT_TEAM,
  'POST /projects/:id/drivers': PROJECT_TEAM,
  'GET /projects/:id/drivers/:driverId': PROJECT_TEAM,
  'POST /projects/:id/drivers/:driverId': PROJECT_TEAM,
  'POST /projects/:id/drivers/:driverId/move': PROJECT_TEAM,
  'GET /projects/:id/drivers/:driverId/remove': PROJECT_TEAM,
  'POST /projects/:id/drivers/:driverId/remove': PROJECT_TEAM,
  'GET /projects/:id/ideas': PROJECT_TEAM,
  'GET /projects/:id/ideas/new': PROJECT_TEAM,
  'POST /projects/:id/ideas': PROJECT_TEAM,
  'GET /projects/:id/ideas/:ideaId': PROJECT_TEAM,
  'GET /projects/:id/ideas/:ideaId/edit': PROJECT_TEAM,
  'POST /projects/:id/ideas/:ideaId': PROJECT_TEAM,
  'GET /projects/:id/ideas/:ideaId/cycles/new': PROJECT_TEAM,
  'POST /projects/:id/ideas/:ideaId/cycles': PROJECT_TEAM,
  'GET /projects/:id/ideas/:ideaId/cycles/:cycleId': PROJECT_TEAM,
  'GET /projects/:id/ideas/:ideaId/cycles/:cycleId/edit': PROJECT_TEAM,
  'POST /projects/:id/ideas/:ideaId/cycles/:cycleId': PROJECT_TEAM,
  'GET /projects/:id/timeline': PROJECT_TEAM,
  'GET /api/v1/projects/:id/change-ideas': PROJECT_TEAM,
  'POST /api/v1/projects/:id/change-ideas': PROJECT_TEAM,
  'GET /api/v1/change-ideas/:id': PROJECT_TEAM,
  'PATCH /api/v1/change-ideas/:id': PROJECT_TEAM,
  'GET /api/v1/change-ideas/:id/pdsa-cycles': PROJECT_TEAM,
  'POST /api/v1/change-ideas/:id/pdsa-cycles': PROJECT_TEAM,
  'GET /api/v1/pdsa-cycles/:id': PROJECT_TEAM,
  'PATCH /api/v1/pdsa-cycles/:id': PROJECT_TEAM,
  // Measures, data points, imports, notes and charts: the project's team, partners included (measures feature).
  'GET /projects/:id/measures': PROJECT_TEAM,
  'GET /projects/:id/measures/new': PROJECT_TEAM,
  'POST /projects/:id/measures': PROJECT_TEAM,
  'GET /projects/:id/measures/:measureId': PROJECT_TEAM,
  'GET /projects/:id/measures/:measureId/edit': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId': PROJECT_TEAM,
  'GET /projects/:id/measures/:measureId/delete': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/delete': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/points': PROJECT_TEAM,
  'GET /projects/:id/measures/:measureId/points/:pointId': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/points/:pointId': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/points/:pointId/delete': PROJECT_TEAM,
  'GET /projects/:id/measures/:measureId/import': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/import': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/import/upload': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/import/confirm': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/annotations': PROJECT_TEAM,
  'POST /projects/:id/measures/:measureId/annotations/:annotationId/delete': PROJECT_TEAM,
  'GET /api/v1/projects/:id/measures': PROJECT_TEAM,
  'POST /api/v1/projects/:id/measures': PROJECT_TEAM,
  'GET /api/v1/measures/:id': PROJECT_TEAM,
  'PATCH /api/v1/measures/:id': PROJECT_TEAM,
  'GET /api/v1/measures/:id/data-points': PROJECT_TEAM,
  'POST /api/v1/measures/:id/data-points': PROJECT_TEAM,
  'DELETE /api/v1/data-points/:id': PROJECT_TEAM,
  'GET /api/v1/measures/:id/chart': PROJECT_TEAM,
};
for (const part of PARTS) {
  for (const [key, expected] of Object.entries(part.entries)) {
    if (key in MATRIX) throw new Error(`${key} is in the access matrix twice`);
    MATRIX[key] = expected;
  }
}

const STATIC_PREFIXES = ['/assets/', '/css/', '/js/', '/public/'];

interface Fixture extends MatrixRecords {
  t: TestApp;
  browsers: Partial<Record<RoleName, Browser>>;
  apiTokens: Partial<Record<RoleName, string>>;
}

async function setUp(): Promise<Fixture> {
  const t = await createTestApp();
  const org = await seedOrg(t.db);
  const users = await createMatrixUsers(t, org);
  const browsers: Fixture['browsers'] = { anonymous: new Browser(t.app) };
  const apiTokens: Fixture['apiTokens'] = {};
  for (const role of ROLES) {
    if (role === 'anonymous') continue;
    const b = new Browser(t.app);
    await b.signIn(MATRIX_EMAILS[role]);
    await b.get('/');
    browsers[role] = b;
    apiTokens[role] = (await issueApiToken(t.db.db, users[role], `${role} token`, [...API_SCOPES])).token;
  }
  await browsers.anonymous?.get('/sign-in');
  return { t, ...(await seedMatrixRecords(t, org, users)), browsers, apiTokens };
}

async function call(f: Fixture, role: RoleName, method: string, url: string): Promise<LightMyRequestResponse> {
  if (url.startsWith('/api/')) {
    const token = f.apiTokens[role];
    return f.t.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { payload: '{}' }),
    });
  }
  const b = f.browsers[role] as Browser;
  return method === 'GET' ? b.get(url) : b.post(url, {});
}

function outcome(res: LightMyRequestResponse): 'A' | 'D' {
  if ([401, 403, 404].includes(res.statusCode)) return 'D';
  const location = String(res.headers.location ?? '');
  if ([302, 303].includes(res.statusCode) && location.startsWith('/sign-in?next=')) return 'D';
  return 'A';
}

describe('access matrix', () => {
  let routes: { method: string; url: string }[] = [];
  beforeAll(async () => {
    const f = await setUp();
    routes = f.t.app.routeList.filter((r) => !STATIC_PREFIXES.some((p) => r.url.startsWith(p)));
    await f.t.close();
  });

  it('lists every registered route', () => {
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in MATRIX));
    expect(missing, 'add these routes to the access matrix').toEqual([]);
    const stale = Object.keys(MATRIX).filter((k) => !routes.some((r) => `${r.method} ${r.url}` === k));
    expect(stale, 'these matrix entries have no route').toEqual([]);
  });

  for (const [key, expected] of Object.entries(MATRIX)) {
    describe(key, () => {
      let f: Fixture;
      beforeAll(async () => {
        f = await setUp();
      });
      afterAll(() => f.t.close());

      it(`answers ${expected} for ${ROLES.join(', ')}`, async () => {
        const [method, url] = key.split(' ') as [string, string];
        const actual: string[] = [];
        const statuses: number[] = [];
        // Least privileged first, so a change made by an allowed role cannot hide a denial.
        for (const role of ROLES) {
          const res = await call(f, role, method, concreteUrl(url, f, role));
          expect(res.statusCode, `${role} ${key} must never fail with a server error`).toBeLessThan(500);
          actual.push(outcome(res));
          statuses.push(res.statusCode);
        }
        expect(actual.join(''), `statuses: ${statuses.join(', ')}`).toBe(expected);
      });
    });
  }
});
