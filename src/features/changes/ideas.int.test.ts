import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/app.ts';
import { changesWorld, type ChangesWorld } from './testing.ts';

describe('change ideas', () => {
  let w: ChangesWorld;
  let staff: Browser;
  let base: string;
  beforeEach(async () => {
    w = await changesWorld();
    staff = await w.signedIn('staff');
    base = `/projects/${w.projectId}/ideas`;
  });
  afterEach(() => w.t.close());

  const addDriver = async (title: string, parentId: number | null = null): Promise<number> =>
    (
      await w.t.db.db
        .insertInto('drivers')
        .values({ project_id: w.projectId, parent_id: parentId, title, position: 0 })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  it('adds a change idea linked to a secondary driver, audited, and shows it in the list, the page and the diagram', async () => {
    const primary = await addDriver('People know what to expect');
    const secondary = await addDriver('Clear first letter', primary);
    const form = await staff.get(`${base}/new`);
    expect(form.statusCode).toBe(200);
    for (const label of ['Name of the change idea', 'How big is it?', 'Where did the idea come from?', 'Driver (optional)', 'Status']) expect(form.body).toContain(label);
    expect(form.body).toContain(`<option value="${secondary}">— Clear first letter</option>`);

    const res = await staff.post(base, {
      title: 'Easy read first letter',
      description: 'Write the first letter with a service user, in easy read.',
      size: 'small_quick',
      source: 'story',
      sourceRef: 'Story 12',
      driverId: String(secondary),
      status: 'idea',
    });
    expect(res.statusCode).toBe(303);
    const idea = await w.t.db.db.selectFrom('change_ideas').selectAll().executeTakeFirstOrThrow();
    expect(res.headers.location).toBe(`${base}/${idea.id}`);
    expect(idea).toMatchObject({ project_id: w.projectId, driver_id: secondary, size: 'small_quick', source: 'story', source_ref: 'Story 12', status: 'idea' });

    const page = await staff.get(`${base}/${idea.id}`);
    expect(page.body).toContain('The change idea &quot;Easy read first letter&quot; has been added');
    expect(page.body).toContain('A feedback story (Story 12)');
    expect(page.body).toContain('Small and quick');
    expect(page.body).toContain(`href="/projects/${w.projectId}/drivers#driver-${secondary}">Clear first letter</a>`);

    const list = await staff.get(base);
    expect(list.body).toContain(`<a href="${base}/${idea.id}">Easy read first letter</a>`);
    const diagram = await staff.get(`/projects/${w.projectId}/drivers`);
    expect(diagram.body).toContain('Change idea: <a');
    expect(diagram.body).toContain('Change ideas: 1.');

    const audit = await w.t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'change_idea.created').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.entity_id).toBe(String(idea.id));
  });

  it('re-renders a bad form with 400, every problem named and what was typed kept', async () => {
    await staff.get(`${base}/new`);
    const res = await staff.post(base, { title: '', description: 'Keep this description', size: 'huge', sourceRef: 'Forum in May' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    for (const [field, message] of [
      ['title', 'Enter a name for the change idea'],
      ['size', 'Choose how big the change idea is'],
      ['source', 'Choose where the idea came from'],
    ]) {
      expect(res.body).toContain(`href="#${field}"`);
      expect(res.body).toContain(message);
    }
    expect(res.body).toContain('Keep this description</textarea>');
    expect(res.body).toContain('value="Forum in May"');
    expect(res.body).toContain('<title>Error:');
    expect(await w.t.db.db.selectFrom('change_ideas').select('id').execute()).toHaveLength(0);
  });

  it('refuses a driver from another project', async () => {
    const south = await w.t.db.db
      .insertInto('drivers')
      .values({ project_id: w.southProjectId, parent_id: null, title: 'South driver', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await staff.post(base, { title: 'Idea', size: 'big', source: 'staff', driverId: String(south.id) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose a driver from the list');
    expect(res.body).toContain('value="Idea"');
  });

  it('edits a change idea: changes and clears fields, audited with the names of the fields that changed', async () => {
    const driver = await addDriver('Appointments suit people');
    await staff.post(base, { title: 'Evening clinic', description: 'Open until 8pm', size: 'big', source: 'service_user', driverId: String(driver) });
    const idea = await w.t.db.db.selectFrom('change_ideas').selectAll().executeTakeFirstOrThrow();
    const form = await staff.get(`${base}/${idea.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Evening clinic"');
    expect(form.body).toContain(`<option value="${driver}" selected>`);

    const res = await staff.post(`${base}/${idea.id}`, { title: 'Evening clinic on Thursdays', description: '', size: 'big', source: 'carer', status: 'testing', driverId: '' });
    expect(res.statusCode).toBe(303);
    const after = await w.t.db.db.selectFrom('change_ideas').selectAll().where('id', '=', idea.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ title: 'Evening clinic on Thursdays', description: null, source: 'carer', status: 'testing', driver_id: null });
    const audit = await w.t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'change_idea.updated').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details ?? '{}').fields.sort()).toEqual(['description', 'driver_id', 'source', 'status', 'title']);

    const bad = await staff.post(`${base}/${idea.id}`, { title: '', size: 'big', source: 'carer', status: 'adopted' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a name for the change idea');
    expect(bad.body).toMatch(/value="adopted" checked/);
  });

  it('lets a partner who is a member of the team add and change ideas, as an equal', async () => {
    const partner = await w.signedIn('partner');
    expect((await partner.get(base)).statusCode).toBe(200);
    expect((await partner.get(`${base}/new`)).statusCode).toBe(200);
    const res = await partner.post(base, { title: 'Peer welcome at the door', size: 'small_quick', source: 'service_user' });
    expect(res.statusCode).toBe(303);
    const idea = await w.t.db.db.selectFrom('change_ideas').selectAll().executeTakeFirstOrThrow();
    expect(idea.title).toBe('Peer welcome at the door');
    expect((await partner.post(`${base}/${idea.id}`, { title: 'Peer welcome at reception', size: 'small_quick', source: 'service_user' })).statusCode).toBe(303);
    const audit = await w.t.db.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'change_idea').execute();
    expect(audit.map((a) => a.actor_user_id)).toEqual([w.users.partner, w.users.partner]);
  });

  it('gives 404 to everyone without edit access on every write, and to people who cannot see the project on every page', async () => {
    await staff.post(base, { title: 'Existing', size: 'big', source: 'staff' });
    const idea = await w.t.db.db.selectFrom('change_ideas').selectAll().executeTakeFirstOrThrow();
    const form = { title: 'Changed', size: 'small_quick', source: 'forum' };
    for (const who of ['viewer', 'exPartner', 'outsider', 'otherStaff'] as const) {
      const b = await w.signedIn(who);
      for (const url of [`${base}/new`, `${base}/${idea.id}/edit`]) expect((await b.get(url)).statusCode, `${who} GET ${url}`).toBe(404);
      expect((await b.post(base, form)).statusCode, `${who} adds`).toBe(404);
      expect((await b.post(`${base}/${idea.id}`, form)).statusCode, `${who} edits`).toBe(404);
      expect((await b.post(`${base}/${idea.id}/cycles`, { title: 'Test' })).statusCode, `${who} adds a cycle`).toBe(404);
    }
    const viewer = await w.signedIn('viewer');
    expect((await viewer.get(base)).statusCode).toBe(200);
    expect((await viewer.get(`${base}/${idea.id}`)).body).not.toContain('Change details');
    for (const who of ['exPartner', 'outsider', 'otherStaff'] as const) {
      const b = await w.signedIn(who);
      expect((await b.get(base)).statusCode, who).toBe(404);
      expect((await b.get(`${base}/${idea.id}`)).statusCode, who).toBe(404);
    }
    expect(await w.t.db.db.selectFrom('change_ideas').select('title').execute()).toEqual([{ title: 'Existing' }]);
    expect(await w.t.db.db.selectFrom('pdsa_cycles').select('id').execute()).toEqual([]);
  });

  it('does not show an idea of another project through this project’s address', async () => {
    const other = await w.t.db.db
      .insertInto('change_ideas')
      .values({ project_id: w.southProjectId, title: 'South idea', size: 'big', source: 'staff', status: 'idea', created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await staff.get(`${base}/${other.id}`)).statusCode).toBe(404);
    expect((await staff.post(`${base}/${other.id}`, { title: 'Hijack', size: 'big', source: 'staff' })).statusCode).toBe(404);
    expect((await staff.get(`${base}/not-a-number`)).statusCode).toBe(404);
  });

  it('lists ideas 50 at a time', async () => {
    const now = new Date().toISOString();
    await w.t.db.db
      .insertInto('change_ideas')
      .values(Array.from({ length: 52 }, (_v, i) => ({ project_id: w.projectId, title: `Idea ${i + 1}`, size: 'small_quick' as const, source: 'staff' as const, status: 'idea' as const, created_at: now })))
      .execute();
    const first = await staff.get(base);
    expect(first.body).toContain('>Idea 50</a>');
    expect(first.body).not.toContain('>Idea 51</a>');
    const next = /href="([^"]*\?after=\d+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await staff.get(next as string);
    expect(second.body).toContain('>Idea 51</a>');
    expect(second.body).toContain('>Idea 52</a>');
    expect(second.body).not.toContain('>Idea 50</a>');
  });
});
