import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { addMember, createProject } from './service.ts';
import { contextFor, projectForm, seedPeople } from './test-support.ts';

describe('projects: the team, and partners as members', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  let projectId: number;
  let southProjectId: number;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
    projectId = (await createProject(await contextFor(t, s.staff), projectForm(s.org.northTeam.id))).id;
    southProjectId = (await createProject(await contextFor(t, s.admin), projectForm(s.org.southTeam.id, { title: 'Kinder discharge letters' }))).id;
  });
  afterEach(() => t.close());

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };
  const members = () => t.db.db.selectFrom('project_members').selectAll().where('project_id', '=', projectId).orderBy('id').execute();

  it('adds staff and partners with an account by email, and a partner without an account by name', async () => {
    const b = await signedIn('staff@example.org');
    const team = await b.get(`/projects/${projectId}/team`);
    expect(team.statusCode).toBe(200);
    for (const label of ['Project lead', 'Sponsor', 'QI coach or improvement advisor', 'Team member', 'Service-user partner', 'Carer partner']) expect(team.body).toContain(label);

    expect((await b.post(`/projects/${projectId}/team`, { role: 'lead', email: 'Staff@Example.org' })).statusCode).toBe(303);
    // Someone with a role above the unit counts as working with it.
    expect((await b.post(`/projects/${projectId}/team`, { role: 'sponsor', email: 'lead@example.org' })).statusCode).toBe(303);
    expect((await b.post(`/projects/${projectId}/team`, { role: 'service_user_partner', email: 'partner@example.org' })).statusCode).toBe(303);
    expect((await b.post(`/projects/${projectId}/team`, { role: 'carer_partner', displayName: 'Jean (carer)' })).statusCode).toBe(303);

    const rows = await members();
    expect(rows.map((m) => [m.user_id, m.display_name, m.role, m.left_on])).toEqual([
      [s.staff, null, 'lead', null],
      [s.lead, null, 'sponsor', null],
      [s.partner, null, 'service_user_partner', null],
      [null, 'Jean (carer)', 'carer_partner', null],
    ]);
    expect(rows.every((m) => /^\d{4}-\d{2}-\d{2}$/.test(m.joined_on))).toBe(true);
    const page = await b.get(`/projects/${projectId}`);
    for (const text of ['Sam Staff', 'Lee Lead', 'Pat Partner', 'Jean (carer) (no account)', 'Service-user partner', 'Carer partner']) expect(page.body).toContain(text);
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'project_member.added').orderBy('id').execute();
    expect(audit.map((a) => a.subject_user_id)).toEqual([s.staff, s.lead, s.partner, null]);
  });

  it('names every problem with an addition and keeps what was typed', async () => {
    const b = await signedIn('staff@example.org');
    await b.get(`/projects/${projectId}/team`);
    const none = await b.post(`/projects/${projectId}/team`, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose their role in the team');
    expect(none.body).toContain('Enter the email address of their account, or a name for a partner without an account');

    const nameForStaff = await b.post(`/projects/${projectId}/team`, { role: 'lead', displayName: 'Dr Nobody' });
    expect(nameForStaff.statusCode).toBe(400);
    expect(nameForStaff.body).toContain('Only service-user and carer partners can be added without an account');
    expect(nameForStaff.body).toContain('value="Dr Nobody"');

    const both = await b.post(`/projects/${projectId}/team`, { role: 'carer_partner', email: 'partner@example.org', displayName: 'Pat' });
    expect(both.body).toContain('Enter an email address or a name, not both');

    // Someone who works only in the South Borough, and an address nobody has, are not found.
    for (const email of ['south@example.org', 'nobody@example.org']) {
      const res = await b.post(`/projects/${projectId}/team`, { role: 'member', email });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('No one with this email address has a role in this team or service');
      expect(res.body).toContain(`value="${email}"`);
    }
    expect((await b.post(`/projects/${projectId}/team`, { role: 'member', email: 'staff@example.org' })).statusCode).toBe(303);
    const again = await b.post(`/projects/${projectId}/team`, { role: 'lead', email: 'staff@example.org' });
    expect(again.body).toContain('This person is already in the team');
    expect(await members()).toHaveLength(1);
  });

  it('adds a person once even when two people add them at the same moment', async () => {
    const ctx = await contextFor(t, s.staff);
    const results = await Promise.allSettled([
      addMember(ctx, projectId, { role: 'lead', email: 'lead@example.org' }),
      addMember(ctx, projectId, { role: 'sponsor', email: 'lead@example.org' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 400, fields: [{ field: 'email', message: 'errors.projects.alreadyMember' }] } });
    expect(await members()).toHaveLength(1);
  });

  it('removes a member by setting the day they left, keeps them in the history, and can add them back', async () => {
    const b = await signedIn('staff@example.org');
    await b.get(`/projects/${projectId}/team`);
    await b.post(`/projects/${projectId}/team`, { role: 'carer_partner', displayName: 'Jean (carer)' });
    const [jean] = await members();
    const res = await b.post(`/projects/${projectId}/team/${jean?.id}/remove`, {});
    expect(res.statusCode).toBe(303);
    expect((await b.get(res.headers.location as string)).body).toContain('Jean (carer) has been taken off the team');
    const [after] = await members();
    expect(after?.left_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Removing again changes nothing; a member of another project is not found.
    expect((await b.post(`/projects/${projectId}/team/${jean?.id}/remove`, {})).statusCode).toBe(303);
    expect((await b.post(`/projects/${southProjectId}/team/${jean?.id}/remove`, {})).statusCode).toBe(404);
    expect((await b.post(`/projects/${projectId}/team/999999/remove`, {})).statusCode).toBe(404);
    const page = await b.get(`/projects/${projectId}`);
    expect(page.body).toContain('People who have left the team (1)');
    expect(page.body).toContain('No one is in the team yet.');
    await b.post(`/projects/${projectId}/team`, { role: 'carer_partner', displayName: 'Jean (carer)' });
    expect((await members()).map((m) => m.left_on === null)).toEqual([false, true]);
    expect(await t.db.db.selectFrom('audit_log').select('id').where('action', '=', 'project_member.removed').execute()).toHaveLength(1);
  });

  it('lets a partner who is a member see and change their project, and nothing else (404)', async () => {
    const staff = await signedIn('staff@example.org');
    await staff.get(`/projects/${projectId}/team`);
    await staff.post(`/projects/${projectId}/team`, { role: 'service_user_partner', email: 'partner@example.org' });
    const otherId = (await createProject(await contextFor(t, s.staff), projectForm(s.org.northTeam.id, { title: 'Better crisis plans' }))).id;

    const partner = await signedIn('partner@example.org');
    const list = await partner.get('/projects');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Your projects');
    expect(list.body).toContain('Fewer missed appointments');
    expect(list.body).toContain('Service-user partner');
    expect(list.body).not.toContain('Better crisis plans');
    expect(list.body).not.toContain('Kinder discharge letters');
    // No portfolio figures or filters for someone who sees only their own projects.
    expect(list.body).not.toContain('Filter projects');
    expect(list.body).not.toContain('Start a project');

    expect((await partner.get(`/projects/${projectId}`)).statusCode).toBe(200);
    await partner.get(`/projects/${projectId}/edit`);
    const changed = await partner.post(`/projects/${projectId}`, { title: 'Fewer missed appointments', aim: 'Halve missed first appointments by June', stage: 'testing', involvementLevel: 'co_produced', note: 'We agreed this at the team meeting.' });
    expect(changed.statusCode).toBe(303);
    const history = await t.db.db.selectFrom('project_history').selectAll().where('project_id', '=', projectId).orderBy('id', 'desc').execute();
    expect(history[0]).toMatchObject({ field: 'involvement_level', value: 'co_produced', changed_by: s.partner, note: 'We agreed this at the team meeting.' });
    expect((await partner.get(`/projects/${projectId}/team`)).statusCode).toBe(200);

    for (const id of [otherId, southProjectId]) {
      expect((await partner.get(`/projects/${id}`)).statusCode).toBe(404);
      expect((await partner.get(`/projects/${id}/edit`)).statusCode).toBe(404);
      expect((await partner.post(`/projects/${id}`, projectForm(s.org.northTeam.id))).statusCode).toBe(404);
      expect((await partner.get(`/projects/${id}/team`)).statusCode).toBe(404);
    }
    // Partners cannot start projects.
    expect((await partner.get('/projects/new')).statusCode).toBe(403);

    // Once they leave the team, the project is gone from their view.
    const [membership] = await members();
    await staff.post(`/projects/${projectId}/team/${membership?.id}/remove`, {});
    expect((await partner.get(`/projects/${projectId}`)).statusCode).toBe(404);
    expect((await partner.get('/projects')).body).toContain('You are not in any project teams yet');
  });

  it('does not let a viewer or staff of another unit change the team', async () => {
    const viewer = await signedIn('viewer@example.org');
    expect((await viewer.get(`/projects/${projectId}/team`)).statusCode).toBe(404);
    expect((await viewer.post(`/projects/${projectId}/team`, { role: 'member', email: 'viewer@example.org' })).statusCode).toBe(404);
    const south = await signedIn('south@example.org');
    expect((await south.post(`/projects/${projectId}/team`, { role: 'carer_partner', displayName: 'Someone' })).statusCode).toBe(404);
    expect(await members()).toHaveLength(0);
  });
});
