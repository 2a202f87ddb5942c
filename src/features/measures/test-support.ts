import { randomBytes } from 'node:crypto';
import { createUser, seedOrg, type Browser, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { ChartType, Direction } from '../../platform/db/types.ts';

/** Test helpers for the measures feature (not a test file itself). */

/** The test organisation and its people; the partner is a member of the project's team. */
export async function seedMeasurePeople(t: TestApp) {
  const org = await seedOrg(t.db);
  const people = {
    org,
    admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.north.id, role: 'viewer' }], 'Vic Viewer'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
  };
  const projectId = await insertProject(t, org.northTeam.id);
  await t.db.db.insertInto('project_members').values({ project_id: projectId, user_id: people.partner, display_name: null, role: 'service_user_partner', joined_on: '2024-01-01', left_on: null }).execute();
  return { ...people, projectId };
}

/** A project row, inserted directly (the projects feature owns its forms). */
export async function insertProject(t: TestApp, unitId: number, title = 'Quicker first appointments'): Promise<number> {
  const now = nowIso();
  const { id } = await t.db.db
    .insertInto('projects')
    .values({ unit_id: unitId, title, aim: 'Cut the wait for a first appointment from 6 weeks to 2 by March 2026', stage: 'testing', involvement_level: 'co_produced', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function insertMeasure(t: TestApp, projectId: number, values: { name?: string; chart?: ChartType; direction?: Direction; target?: number | null; baseline?: number | null } = {}): Promise<number> {
  const { id } = await t.db.db
    .insertInto('measures')
    .values({
      project_id: projectId,
      name: values.name ?? 'Days to first appointment',
      kind: 'outcome',
      definition: null,
      unit_label: 'days',
      direction: values.direction ?? 'decrease',
      chart: values.chart ?? 'xmr',
      target: values.target ?? null,
      baseline_points: values.baseline ?? null,
      screen_moving_ranges: 1,
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Weekly points from 1 January 2024, one per value. */
export async function insertPoints(t: TestApp, measureId: number, values: number[], denominators?: number[]): Promise<void> {
  if (values.length === 0) return;
  await t.db.db
    .insertInto('data_points')
    .values(values.map((value, i) => ({ measure_id: measureId, period: weekly(i), value, denominator: denominators?.[i] ?? null, excluded: 0, rebase: 0, note: null })))
    .execute();
}

/** The date of the i-th weekly point, from Monday 1 January 2024. */
export function weekly(i: number): string {
  return new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10);
}

/** A PDSA cycle (and its change idea) on the project, inserted directly. */
export async function insertCycle(t: TestApp, projectId: number, title: string, startOn: string, endOn: string | null): Promise<void> {
  const { id } = await t.db.db
    .insertInto('change_ideas')
    .values({ project_id: projectId, driver_id: null, title: `Idea for ${title}`, description: null, size: 'small_quick', source: 'service_user', source_ref: null, status: 'testing', created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.db.insertInto('pdsa_cycles').values({ change_idea_id: id, previous_id: null, title, start_on: startOn, end_on: endOn, created_at: nowIso() }).execute();
}

/** A multipart/form-data body with one file, as a browser sends it. */
export function multipartFile(name: string, filename: string, contentType: string, content: Buffer): { payload: Buffer; contentType: string } {
  const boundary = `----alongside${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Uploads a file the way the import page's form does: CSRF token in the query string. */
export async function upload(t: TestApp, b: Browser, url: string, filename: string, content: Buffer, options: { csrf?: boolean } = {}) {
  const body = multipartFile('file', filename, filename.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', content);
  return t.app.inject({
    method: 'POST',
    url: options.csrf === false ? url : `${url}?_csrf=${encodeURIComponent(b.csrf)}`,
    payload: body.payload,
    headers: { cookie: b.cookieHeader(), 'content-type': body.contentType },
  });
}

/** The hidden fields of the preview's import form. */
export function carriedFields(html: string): { data: string; text: string } {
  const field = (name: string) => {
    const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
    return (m?.[1] ?? '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  };
  return { data: field('data'), text: field('text') };
}
