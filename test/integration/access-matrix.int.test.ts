import { readdirSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, issueApiToken } from '../../src/platform/auth/api-tokens.ts';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';

/**
 * Every registered route against every kind of user. A route missing from this matrix fails the
 * test: when you add a route, decide here who may use it.
 *
 * A = allowed (any answer but the ones below), D = denied (401/403/404, or sent to sign in).
 * Columns: anonymous, partner, staff of another unit, staff of the unit, lead, admin.
 */
import { ADMIN, EVERYONE, IN_UNIT, ORG_VIEWERS, ROLES, SIGNED_IN, type MatrixPart, type RoleName } from './matrix/part.ts';

/** Features added later keep their share in matrix/<feature>.ts (see matrix/part.ts). */
const PARTS: MatrixPart[] = await Promise.all(
  readdirSync(new URL('./matrix/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && f !== 'part.ts')
    .sort()
    .map(async (f) => ((await import(/* @vite-ignore */ `./matrix/${f}`)) as { default: MatrixPart }).default),
);
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

interface Fixture {
  t: TestApp;
  ids: { unit: number; staffUser: number; staffGrant: number; staffToken: number; project: number; projectMember: number; driver: number; idea: number; cycle: number; measures: Record<RoleName, { measure: number; point: number; annotation: number }> };
  browsers: Partial<Record<RoleName, Browser>>;
  apiTokens: Partial<Record<RoleName, string>>;
  /** Ids made by each part's setUp, in PARTS order. */
  partIds: Record<string, number>[];
}

async function setUp(): Promise<Fixture> {
  const t = await createTestApp();
  const org = await seedOrg(t.db);
  const users: Record<Exclude<RoleName, 'anonymous'>, number> = {
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]),
    otherStaff: await createUser(t.db, 'south-staff@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }]),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]),
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]),
    admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]),
  };
  const grant = await t.db.db.selectFrom('role_grants').select('id').where('user_id', '=', users.staff).executeTakeFirstOrThrow();
  const browsers: Fixture['browsers'] = { anonymous: new Browser(t.app) };
  const apiTokens: Fixture['apiTokens'] = {};
  for (const role of ROLES) {
    if (role === 'anonymous') continue;
    const b = new Browser(t.app);
    await b.signIn(`${{ partner: 'partner', otherStaff: 'south-staff', staff: 'staff', lead: 'lead', admin: 'admin' }[role]}@example.org`);
    await b.get('/');
    browsers[role] = b;
    apiTokens[role] = (await issueApiToken(t.db.db, users[role], `${role} token`, [...API_SCOPES])).token;
  }
  await browsers.anonymous?.get('/sign-in');
  const staffToken = (await issueApiToken(t.db.db, users.staff, 'staff second token', ['me:read'])).id;
  // A North team project that 'staff' can edit, with the partner in its team and a partner without an account.
  const now = new Date().toISOString();
  const { id: project } = await t.db.db
    .insertInto('projects')
    .values({ unit_id: org.northTeam.id, title: 'Matrix project', aim: 'Try every route', background: null, stage: 'testing', programme: null, involvement_level: 'involved', created_by: users.staff, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.db.insertInto('project_members').values({ project_id: project, user_id: users.partner, display_name: null, role: 'service_user_partner', joined_on: now.slice(0, 10), left_on: null }).execute();
  const { id: projectMember } = await t.db.db
    .insertInto('project_members')
    .values({ project_id: project, user_id: null, display_name: 'Matrix carer', role: 'carer_partner', joined_on: now.slice(0, 10), left_on: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Its driver diagram, a change idea and a PDSA cycle (changes feature).
  const { id: driver } = await t.db.db.insertInto('drivers').values({ project_id: project, parent_id: null, title: 'Matrix driver', position: 0 }).returning('id').executeTakeFirstOrThrow();
  const { id: idea } = await t.db.db
    .insertInto('change_ideas')
    .values({ project_id: project, driver_id: driver, title: 'Matrix idea', size: 'small_quick', source: 'staff', status: 'idea', created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { id: cycle } = await t.db.db.insertInto('pdsa_cycles').values({ change_idea_id: idea, title: 'Matrix cycle', created_at: now }).returning('id').executeTakeFirstOrThrow();
  // A measure with a data point and a note for each role (measures feature), so that a delete by one
  // allowed role still leaves the next one something of its own to delete.
  const measures = {} as Fixture['ids']['measures'];
  for (const role of ROLES) {
    const { id: measure } = await t.db.db
      .insertInto('measures')
      .values({ project_id: project, name: `Matrix measure (${role})`, kind: 'outcome', direction: 'increase', chart: 'run', screen_moving_ranges: 1, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: point } = await t.db.db.insertInto('data_points').values({ measure_id: measure, period: '2024-01-01', value: 1, excluded: 0, rebase: 0 }).returning('id').executeTakeFirstOrThrow();
    const { id: annotation } = await t.db.db.insertInto('annotations').values({ measure_id: measure, on_date: '2024-01-01', text: 'Matrix note' }).returning('id').executeTakeFirstOrThrow();
    measures[role] = { measure, point, annotation };
  }
  const partIds: Record<string, number>[] = [];
  for (const part of PARTS) partIds.push((await part.setUp?.({ t, org, users, project })) ?? {});
  return { t, ids: { unit: org.northTeam.id, staffUser: users.staff, staffGrant: grant.id, staffToken, project, projectMember, driver, idea, cycle, measures }, browsers, apiTokens, partIds };
}

/** Fills in route parameters with records that belong to the "staff of the unit" user (measures: the role's own). */
function concreteUrl(url: string, f: Fixture, role: RoleName = 'staff'): string {
  const own = f.ids.measures[role];
  PARTS.forEach((part, i) => {
    if (part.concreteUrl) url = part.concreteUrl(url, f.partIds[i] ?? {}, role);
  });
  return url
    .replace(':measureId', String(own.measure))
    .replace(':pointId', String(own.point))
    .replace(':annotationId', String(own.annotation))
    .replace(/^\/api\/v1\/measures\/:id/, `/api/v1/measures/${own.measure}`)
    .replace(/^\/api\/v1\/data-points\/:id/, `/api/v1/data-points/${own.point}`)
    .replace(/^\/org\/:id/, `/org/${f.ids.unit}`)
    .replace(/^\/admin\/users\/:id/, `/admin/users/${f.ids.staffUser}`)
    .replace(/^\/api\/v1\/org-units\/:id/, `/api/v1/org-units/${f.ids.unit}`)
    .replace(/^\/projects\/:id/, `/projects/${f.ids.project}`)
    .replace(/^\/api\/v1\/projects\/:id/, `/api/v1/projects/${f.ids.project}`)
    .replace(':memberId', String(f.ids.projectMember))
    .replace(/^\/api\/v1\/change-ideas\/:id/, `/api/v1/change-ideas/${f.ids.idea}`)
    .replace(/^\/api\/v1\/pdsa-cycles\/:id/, `/api/v1/pdsa-cycles/${f.ids.cycle}`)
    .replace(':driverId', String(f.ids.driver))
    .replace(':ideaId', String(f.ids.idea))
    .replace(':cycleId', String(f.ids.cycle))
    .replace(':grantId', String(f.ids.staffGrant))
    .replace(/^\/account\/tokens\/:id/, `/account/tokens/${f.ids.staffToken}`)
    .replace(':token', 'not-a-real-token')
    .replace(/:(\w+)/g, '1');
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
