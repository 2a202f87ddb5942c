import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/app.ts';
import { changesWorld, type ChangesWorld } from './testing.ts';

/** The outline's text, in order, without markup: what a screen reader user hears. */
function outline(html: string): string[] {
  const section = html.slice(html.indexOf('id="outline"'), html.indexOf('id="add-primary"') > 0 ? html.indexOf('id="add-primary"') : undefined);
  return [...section.matchAll(/<strong>(Primary driver|Secondary driver):<\/strong>\s*([^<\n]+)/g)].map((m) => `${m[1] === 'Primary driver' ? 'P' : 'S'} ${m[2]?.trim()}`);
}

describe('driver diagram', () => {
  let w: ChangesWorld;
  let staff: Browser;
  let base: string;
  beforeEach(async () => {
    w = await changesWorld();
    staff = await w.signedIn('staff');
    base = `/projects/${w.projectId}/drivers`;
  });
  afterEach(() => w.t.close());

  const driverId = async (title: string): Promise<number> =>
    (await w.t.db.db.selectFrom('drivers').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id;

  it('shows the aim, an empty diagram and a form to add a primary driver', async () => {
    const page = await staff.get(base);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Driver diagram</h1>');
    expect(page.body).toContain('Cut missed first appointments at North Community Team from 30% to 15% by March 2026');
    expect(page.body).toContain('There are no drivers yet.');
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('role="img"');
    expect(page.body).toContain('Add primary driver');
  });

  it('adds primary drivers, nests secondary drivers under them and draws both', async () => {
    let res = await staff.post(base, { title: 'People know what to expect', from: 'diagram' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^${base}#driver-\\d+$`));
    await staff.post(base, { title: 'Appointments suit people', from: 'diagram' });
    const primary = await driverId('People know what to expect');

    expect((await staff.get(`${base}/new?parent=${primary}`)).body).toContain(`<option value="${primary}" selected>`);
    res = await staff.post(base, { title: 'Clear first letter', parentId: String(primary) });
    expect(res.statusCode).toBe(303);
    await staff.post(base, { title: 'Text reminder', parentId: String(primary) });

    const page = await staff.get(base);
    expect(page.body).toContain('The secondary driver &quot;Text reminder&quot; has been added');
    expect(outline(page.body)).toEqual(['P People know what to expect', 'S Clear first letter', 'S Text reminder', 'P Appointments suit people']);
    // The picture has a box for each driver, with its words inside.
    const start = page.body.indexOf('aria-labelledby="diagram-title');
    const svg = page.body.slice(start, page.body.indexOf('</svg>', start));
    expect(svg.match(/<rect /g)).toHaveLength(5);
    for (const words of ['Clear first letter', 'Text reminder', 'Appointments suit']) expect(svg).toContain(words);
    expect(svg).toContain('Primary drivers: 2. Secondary drivers: 2. Change ideas: 0.');

    const rows = await w.t.db.db.selectFrom('drivers').select(['title', 'parent_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { title: 'People know what to expect', parent_id: null },
      { title: 'Appointments suit people', parent_id: null },
      { title: 'Clear first letter', parent_id: primary },
      { title: 'Text reminder', parent_id: primary },
    ]);
    expect(await w.t.db.db.selectFrom('audit_log').select('action').where('action', '=', 'driver.created').execute()).toHaveLength(4);
  });

  it('refuses a third level, a parent from another project and an empty name, keeping what was typed', async () => {
    await staff.post(base, { title: 'Primary', from: 'diagram' });
    await staff.post(base, { title: 'Secondary', parentId: String(await driverId('Primary')) });
    const third = await staff.post(base, { title: 'Too deep', parentId: String(await driverId('Secondary')) });
    expect(third.statusCode).toBe(400);
    expect(third.body).toContain('Choose a primary driver from the list');
    expect(third.body).toContain('value="Too deep"');

    const elsewhere = await w.t.db.db
      .insertInto('drivers')
      .values({ project_id: w.southProjectId, parent_id: null, title: 'South driver', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await staff.post(base, { title: 'Sneaky', parentId: String(elsewhere.id) })).statusCode).toBe(400);

    const empty = await staff.post(base, { title: '   ', from: 'diagram' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('href="#title"');
    expect(empty.body).toContain('Enter a name for the driver');
    expect(await w.t.db.db.selectFrom('drivers').select('id').where('project_id', '=', w.projectId).execute()).toHaveLength(2);
  });

  it('renames a driver', async () => {
    await staff.post(base, { title: 'Old name', from: 'diagram' });
    const id = await driverId('Old name');
    const form = await staff.get(`${base}/${id}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Old name"');
    const res = await staff.post(`${base}/${id}`, { title: 'New name' });
    expect(res.statusCode).toBe(303);
    expect(outline((await staff.get(base)).body)).toEqual(['P New name']);
    const bad = await staff.post(`${base}/${id}`, { title: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a name for the driver');
  });

  it('moves drivers up and down among their siblings only', async () => {
    for (const title of ['A', 'B', 'C']) await staff.post(base, { title, from: 'diagram' });
    await staff.post(base, { title: 'A1', parentId: String(await driverId('A')) });
    await staff.post(base, { title: 'A2', parentId: String(await driverId('A')) });

    expect((await staff.post(`${base}/${await driverId('C')}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect(outline((await staff.get(base)).body)).toEqual(['P A', 'S A1', 'S A2', 'P C', 'P B']);
    await staff.post(`${base}/${await driverId('A')}/move`, { direction: 'down' });
    await staff.post(`${base}/${await driverId('A2')}/move`, { direction: 'up' });
    expect(outline((await staff.get(base)).body)).toEqual(['P C', 'P A', 'S A2', 'S A1', 'P B']);

    // Already at the top: nothing changes, and the page says so.
    const top = await staff.post(`${base}/${await driverId('C')}/move`, { direction: 'up' });
    expect(top.statusCode).toBe(303);
    expect((await staff.get(base)).body).toContain('cannot move any further');
    expect(outline((await staff.get(base)).body)).toEqual(['P C', 'P A', 'S A2', 'S A1', 'P B']);

    expect((await staff.post(`${base}/${await driverId('C')}/move`, { direction: 'sideways' })).statusCode).toBe(400);
  });

  it('offers only the moves that make sense', async () => {
    for (const title of ['First', 'Last']) await staff.post(base, { title, from: 'diagram' });
    const page = (await staff.get(base)).body;
    const first = page.slice(page.indexOf(`id="driver-${await driverId('First')}"`), page.indexOf(`id="driver-${await driverId('Last')}"`));
    expect(first).toContain('Move down');
    expect(first).not.toContain('Move up');
  });

  it('asks before removing a driver, removes its secondaries and keeps its change ideas unlinked', async () => {
    await staff.post(base, { title: 'Going', from: 'diagram' });
    const going = await driverId('Going');
    await staff.post(base, { title: 'Going too', parentId: String(going) });
    await staff.post(base, { title: 'Staying', from: 'diagram' });
    const idea = await w.t.db.db
      .insertInto('change_ideas')
      .values({ project_id: w.projectId, driver_id: await driverId('Going too'), title: 'Kept idea', size: 'small_quick', source: 'carer', status: 'idea', created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();

    const confirm = await staff.get(`${base}/${going}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove &quot;Going&quot;?');
    expect(confirm.body).toContain('The 1 secondary driver under it will be removed too.');
    expect(confirm.body).toContain('1 change idea will be kept');
    expect(confirm.body).toContain('Yes, remove it');

    const res = await staff.post(`${base}/${going}/remove`, {});
    expect(res.statusCode).toBe(303);
    const page = await staff.get(base);
    expect(page.body).toContain('&quot;Going&quot; has been removed');
    expect(outline(page.body)).toEqual(['P Staying']);
    expect(page.body).toContain('Change ideas not linked to a driver');
    const kept = await w.t.db.db.selectFrom('change_ideas').select('driver_id').where('id', '=', idea.id).executeTakeFirstOrThrow();
    expect(kept.driver_id).toBeNull();
    expect(await w.t.db.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'driver.removed').execute()).toEqual([{ entity_id: String(going) }]);

    // A second click (or someone else got there first) is not an error.
    const again = await staff.post(`${base}/${going}/remove`, {});
    expect(again.statusCode).toBe(303);
    expect((await staff.get(base)).body).toContain('already been removed');
  });

  it('shows the diagram to a viewer without any way to change it, and refuses their changes as not found', async () => {
    await staff.post(base, { title: 'Visible', from: 'diagram' });
    const id = await driverId('Visible');
    const viewer = await w.signedIn('viewer');
    const page = await viewer.get(base);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Visible');
    expect(page.body).not.toContain('Add primary driver');
    expect(page.body).not.toContain('Move down');
    for (const url of [`${base}/new`, `${base}/${id}`, `${base}/${id}/remove`]) expect((await viewer.get(url)).statusCode, url).toBe(404);
    for (const [url, form] of [
      [base, { title: 'Nope' }],
      [`${base}/${id}`, { title: 'Nope' }],
      [`${base}/${id}/move`, { direction: 'down' }],
      [`${base}/${id}/remove`, {}],
    ] as const) {
      expect((await viewer.post(url, form)).statusCode, url).toBe(404);
    }
    expect(outline((await staff.get(base)).body)).toEqual(['P Visible']);
  });

  it('hides another unit’s project, and a driver of another project, as not found', async () => {
    const south = await w.signedIn('otherStaff');
    expect((await south.get(base)).statusCode).toBe(404);
    expect((await south.post(base, { title: 'Nope' })).statusCode).toBe(404);
    const southDriver = await w.t.db.db
      .insertInto('drivers')
      .values({ project_id: w.southProjectId, parent_id: null, title: 'South driver', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    // North staff, through their own project's URL, cannot reach the South project's driver.
    expect((await staff.get(`${base}/${southDriver.id}`)).statusCode).toBe(404);
    expect((await staff.post(`${base}/${southDriver.id}`, { title: 'Hijacked' })).statusCode).toBe(404);
    expect((await staff.post(`${base}/${southDriver.id}/remove`, {})).statusCode).toBe(303);
    expect(await w.t.db.db.selectFrom('drivers').select('title').where('id', '=', southDriver.id).executeTakeFirst()).toEqual({ title: 'South driver' });
    expect((await staff.get('/projects/99999999999/drivers')).statusCode).toBe(404);
    expect((await staff.get('/projects/abc/drivers')).statusCode).toBe(404);
  });
});
