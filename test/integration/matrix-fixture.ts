import { readdirSync } from 'node:fs';
import { issueApiToken } from '../../src/platform/auth/api-tokens.ts';
import { createUser, type TestApp } from '../support/app.ts';
import { ROLES, type MatrixFixture, type MatrixPart, type RoleName } from './matrix/part.ts';

/**
 * The access matrix's users and records, shared by the matrix test and the axe sweep (which visits
 * every page): one user per kind, a North team project with its driver diagram and measures, and
 * whatever each feature's part (matrix/<feature>.ts) sets up.
 */

/** Features added later keep their share in matrix/<feature>.ts (see matrix/part.ts). */
export const PARTS: MatrixPart[] = await Promise.all(
  readdirSync(new URL('./matrix/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && f !== 'part.ts')
    .sort()
    .map(async (f) => ((await import(/* @vite-ignore */ `./matrix/${f}`)) as { default: MatrixPart }).default),
);

export type MatrixUsers = MatrixFixture['users'];
export type SignedInRole = keyof MatrixUsers;

/** Each fixture user's email (all share the test password). */
export const MATRIX_EMAILS: Record<SignedInRole, string> = {
  partner: 'partner@example.org',
  otherStaff: 'south-staff@example.org',
  staff: 'staff@example.org',
  lead: 'lead@example.org',
  admin: 'admin@example.org',
};

/** Creates the fixture users, except those already made (by id), e.g. the admin startApp makes. */
export async function createMatrixUsers(t: TestApp, org: MatrixFixture['org'], made: Partial<MatrixUsers> = {}): Promise<MatrixUsers> {
  const user = async (role: SignedInRole, unitId: number, grant: 'partner' | 'qi_staff' | 'lead' | 'admin') =>
    made[role] ?? createUser(t.db, MATRIX_EMAILS[role], [{ unitId, role: grant }]);
  return {
    partner: await user('partner', org.northTeam.id, 'partner'),
    otherStaff: await user('otherStaff', org.southTeam.id, 'qi_staff'),
    staff: await user('staff', org.northTeam.id, 'qi_staff'),
    lead: await user('lead', org.north.id, 'lead'),
    admin: await user('admin', org.trust.id, 'admin'),
  };
}

export interface MatrixRecords {
  ids: {
    unit: number;
    staffUser: number;
    staffGrant: number;
    staffToken: number;
    project: number;
    projectMember: number;
    driver: number;
    idea: number;
    cycle: number;
    measures: Record<RoleName, { measure: number; point: number; annotation: number }>;
  };
  /** Ids made by each part's setUp, in PARTS order. */
  partIds: Record<string, number>[];
}

/** Makes the records every route needs: the shared ones here, then each part's. */
export async function seedMatrixRecords(t: TestApp, org: MatrixFixture['org'], users: MatrixUsers): Promise<MatrixRecords> {
  const grant = await t.db.db.selectFrom('role_grants').select('id').where('user_id', '=', users.staff).executeTakeFirstOrThrow();
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
  const measures = {} as MatrixRecords['ids']['measures'];
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
  return { ids: { unit: org.northTeam.id, staffUser: users.staff, staffGrant: grant.id, staffToken, project, projectMember, driver, idea, cycle, measures }, partIds };
}

/** Fills in route parameters with records that belong to the "staff of the unit" user (measures: the role's own). */
export function concreteUrl(url: string, f: MatrixRecords, role: RoleName = 'staff'): string {
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
