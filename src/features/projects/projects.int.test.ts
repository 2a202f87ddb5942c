import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { AIM, projectForm, seedPeople } from './test-support.ts';

describe('projects: start, change and see a project', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
  });
  afterEach(() => t.close());

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };

  /** Starts a project as this browser's user and answers its id. */
  const start = async (b: Browser, form: Record<string, string>): Promise<number> => {
    await b.get('/projects/new');
    const res = await b.post('/projects', form);
    expect(res.statusCode, res.body).toBe(303);
    return Number(/^\/projects\/(\d+)$/.exec(String(res.headers.location))?.[1]);
  };

  it('starts a project in a unit the user runs projects in, with a history and an audit row', async () => {
    const b = await signedIn('staff@example.org');
    const form = await b.get('/projects/new');
    expect(form.statusCode).toBe(200);
    // Only units where this user may run projects are offered.
    expect(form.body).toContain('North Community Team');
    expect(form.body).not.toContain('South Community Team');
    for (const label of ['Project title', 'Aim', 'The problem and why it matters (optional)', 'Programme or priority area (optional)', 'Co-produced', 'User-led']) {
      expect(form.body).toContain(label);
    }

    const id = await start(b, projectForm(s.org.northTeam.id, { background: 'Many people miss their first visit.', programme: 'Reshaping Community Services' }));
    const page = await b.get(`/projects/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('has been started');
    expect(page.body).toContain('Fewer missed appointments');
    expect(page.body).toContain(AIM);
    expect(page.body).toContain('Many people miss their first visit.');
    expect(page.body).toContain('Reshaping Community Services');
    expect(page.body).toContain('North Community Team');
    expect(page.body).toContain('Started at stage: Planning');
    expect(page.body).toContain('Started with involvement: Consulted');
    // Links to the parts other pages look after.
    for (const path of ['drivers', 'ideas', 'measures']) expect(page.body).toContain(`href="/projects/${id}/${path}"`);

    const project = await t.db.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(project).toMatchObject({ unit_id: s.org.northTeam.id, stage: 'planning', involvement_level: 'consulted', created_by: s.staff });
    const history = await t.db.db.selectFrom('project_history').selectAll().where('project_id', '=', id).orderBy('id').execute();
    expect(history.map((h) => [h.field, h.value, h.changed_by])).toEqual([
      ['stage', 'planning', s.staff],
      ['involvement_level', 'consulted', s.staff],
    ]);
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.created').execute();
    expect(audit.map((a) => [a.entity_id, a.actor_user_id])).toEqual([[String(id), s.staff]]);
  });

  it('re-renders a bad form with 400, every problem named and what was typed kept', async () => {
    const b = await signedIn('staff@example.org');
    await b.get('/projects/new');
    const res = await b.post('/projects', { unitId: '', title: 'Quicker letters', aim: '', background: 'Letters take 3 weeks.', programme: 'Digital letters', involvementLevel: 'shared' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    for (const message of [
      'Choose the team or service that runs the project',
      'Enter the aim: what will get better, by how much, and by when',
      'Choose how much service users and carers are involved',
    ]) {
      expect(res.body).toContain(message);
    }
    for (const href of ['#unitId', '#aim', '#involvementLevel']) expect(res.body).toContain(`href="${href}"`);
    expect(res.body).toContain('value="Quicker letters"');
    expect(res.body).toContain('Letters take 3 weeks.');
    expect(res.body).toContain('value="Digital letters"');
    // A character the database cannot keep is named, not a server error.
    const hidden = await b.post('/projects', projectForm(s.org.northTeam.id, { title: 'Hidden\u0000character' }));
    expect(hidden.statusCode).toBe(400);
    expect(hidden.body).toContain('Remove the hidden character that cannot be saved');
    expect(await t.db.db.selectFrom('projects').select('id').execute()).toHaveLength(0);
  });

  it('refuses someone who runs no projects (403), and a unit outside their units (404)', async () => {
    const viewer = await signedIn('viewer@example.org');
    expect((await viewer.get('/projects/new')).statusCode).toBe(403);
    expect((await viewer.post('/projects', projectForm(s.org.northTeam.id))).statusCode).toBe(403);
    const south = await signedIn('south@example.org');
    await south.get('/projects/new');
    expect((await south.post('/projects', projectForm(s.org.northTeam.id))).statusCode).toBe(404);
    expect(await t.db.db.selectFrom('projects').select('id').execute()).toHaveLength(0);
  });

  it('writes a history row, with the note, for each change of stage or involvement, and nothing for other changes', async () => {
    const b = await signedIn('staff@example.org');
    const id = await start(b, projectForm(s.org.northTeam.id));
    const edit = await b.get(`/projects/${id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="Fewer missed appointments"');

    // Only the title changes: no history row.
    expect((await b.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { title: 'Fewer missed first appointments' }))).statusCode).toBe(303);
    // Stage and involvement change together, with a note.
    const res = await b.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { title: 'Fewer missed first appointments', stage: 'testing', involvementLevel: 'co_produced', note: 'Two carers joined the team.' }));
    expect(res.statusCode).toBe(303);
    // Then only the stage.
    await b.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { title: 'Fewer missed first appointments', stage: 'implementing', involvementLevel: 'co_produced' }));

    const history = await t.db.db.selectFrom('project_history').selectAll().where('project_id', '=', id).orderBy('id').execute();
    expect(history.map((h) => [h.field, h.value, h.note])).toEqual([
      ['stage', 'planning', null],
      ['involvement_level', 'consulted', null],
      ['stage', 'testing', 'Two carers joined the team.'],
      ['involvement_level', 'co_produced', 'Two carers joined the team.'],
      ['stage', 'implementing', null],
    ]);
    const page = await b.get(`/projects/${id}`);
    expect(page.body).toContain('Fewer missed first appointments');
    expect(page.body).toContain('Stage changed to: Testing');
    expect(page.body).toContain('Involvement changed to: Co-produced');
    expect(page.body).toContain('Stage changed to: Implementing');
    expect(page.body).toContain('Two carers joined the team.');
    expect(page.body).toContain('Sam Staff');
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'project.updated').orderBy('id').execute();
    expect(audit.map((a) => JSON.parse(a.details ?? '{}') as unknown)).toEqual([
      { fields: ['title'] },
      { fields: ['stage', 'involvement_level'] },
      { fields: ['stage'] },
    ]);
  });

  it('keeps what was typed when a change is refused, and does not drop a note silently', async () => {
    const b = await signedIn('staff@example.org');
    const id = await start(b, projectForm(s.org.northTeam.id));
    await b.get(`/projects/${id}/edit`);
    const res = await b.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { title: '', aim: 'A new aim', stage: 'teleporting' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a title for the project');
    expect(res.body).toContain('Choose the stage the project is at');
    expect(res.body).toContain('A new aim');

    const noted = await b.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { note: 'Nothing changed really' }));
    expect(noted.statusCode).toBe(400);
    expect(noted.body).toContain('A note is kept only when the stage or involvement changes');
    expect(noted.body).toContain('Nothing changed really');
    const project = await t.db.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(project.aim).toBe(AIM);
  });

  it('lets a viewer see a project but not change it', async () => {
    const staff = await signedIn('staff@example.org');
    const id = await start(staff, projectForm(s.org.northTeam.id));
    const viewer = await signedIn('viewer@example.org');
    const page = await viewer.get(`/projects/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(`href="/projects/${id}/edit"`);
    expect(page.body).not.toContain(`href="/projects/${id}/team"`);
    expect((await viewer.get(`/projects/${id}/edit`)).statusCode).toBe(404);
    expect((await viewer.post(`/projects/${id}`, projectForm(s.org.northTeam.id, { title: 'Renamed by a viewer' }))).statusCode).toBe(404);
    expect((await t.db.db.selectFrom('projects').select('title').where('id', '=', id).executeTakeFirstOrThrow()).title).toBe('Fewer missed appointments');
  });

  it('hides a project from staff of another unit (404) and shows it to staff above it', async () => {
    const staff = await signedIn('staff@example.org');
    const id = await start(staff, projectForm(s.org.northTeam.id));
    const south = await signedIn('south@example.org');
    expect((await south.get(`/projects/${id}`)).statusCode).toBe(404);
    expect((await south.get(`/projects/${id}/edit`)).statusCode).toBe(404);
    expect((await south.post(`/projects/${id}`, projectForm(s.org.northTeam.id))).statusCode).toBe(404);
    expect((await south.get('/projects')).body).not.toContain('Fewer missed appointments');
    const lead = await signedIn('lead@example.org');
    expect((await lead.get(`/projects/${id}`)).statusCode).toBe(200);
    expect((await lead.get(`/projects/${id}/edit`)).statusCode).toBe(200);
    expect((await lead.get('/projects/not-a-number')).statusCode).toBe(404);
    expect((await lead.get('/projects/999999')).statusCode).toBe(404);
  });

  it('lets staff who manage both units move a project, and nobody else', async () => {
    const staff = await signedIn('staff@example.org');
    const id = await start(staff, projectForm(s.org.northTeam.id));
    // Staff of the North team may not move it to the South team.
    const refused = await staff.post(`/projects/${id}`, projectForm(s.org.southTeam.id));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Choose a team or service where you can run projects');
    const admin = await signedIn('admin@example.org');
    await admin.get(`/projects/${id}/edit`);
    expect((await admin.post(`/projects/${id}`, projectForm(s.org.southTeam.id))).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('projects').select('unit_id').where('id', '=', id).executeTakeFirstOrThrow()).unit_id).toBe(s.org.southTeam.id);
    expect((await staff.get(`/projects/${id}`)).statusCode).toBe(404);
  });
});
