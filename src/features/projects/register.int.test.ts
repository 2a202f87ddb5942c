import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { addPerson, opportunityForm } from '../opportunities/testing.ts';
import { createProject } from './service.ts';
import { contextFor, projectForm, seedPeople } from './test-support.ts';

/** The project page's "partners wanted" and the team's partners from the involvement register. */
let t: TestApp;
let s: Awaited<ReturnType<typeof seedPeople>>;
let projectId: number;
let otherProjectId: number;
const browsers = new Map<string, Browser>();

beforeAll(async () => {
  t = await createTestApp();
  s = await seedPeople(t);
  projectId = (await createProject(await contextFor(t, s.staff), projectForm(s.org.northTeam.id))).id;
  otherProjectId = (await createProject(await contextFor(t, s.staff), projectForm(s.org.northTeam.id, { title: 'Another project' }))).id;
  // The partner is in the team (so may edit the project) but sees no register.
  await t.db.db
    .insertInto('project_members')
    .values({ project_id: projectId, user_id: s.partner, display_name: null, role: 'service_user_partner', joined_on: '2025-01-01', left_on: null })
    .execute();
});
afterAll(() => t.close());

async function as(email: string): Promise<Browser> {
  let b = browsers.get(email);
  if (!b) {
    b = new Browser(t.app);
    await b.signIn(email);
    await b.get('/');
    browsers.set(email, b);
  }
  return b;
}

const db = () => t.db.db;

describe('the project page: service user and carer partners wanted', () => {
  it('says none has been asked for yet, and offers the team a way to ask', async () => {
    const page = await (await as('staff@example.org')).get(`/projects/${projectId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Service user and carer partners wanted');
    expect(page.body).toContain('The team has not asked for a partner yet.');
    expect(page.body).toContain(`href="/opportunities/new?projectId=${projectId}"`);
    expect(page.body).toContain('Ask for a service user or carer partner');
  });

  it("lists the project's opportunities with status, places and closing date, each linked", async () => {
    const staff = await as('staff@example.org');
    const post = async (extra: Record<string, string>) => {
      const res = await staff.post('/opportunities', opportunityForm({ projectId: String(projectId), ...extra }));
      expect(res.statusCode, res.body.slice(0, 1000)).toBe(303);
      return Number(/\/opportunities\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    };
    const open = await post({ title: 'Join our steering group', places: '3', closesOn: '2099-06-30' });
    const closed = await post({ title: 'A finished request' });
    expect((await staff.post(`/opportunities/${closed}/close`, {})).statusCode).toBe(303);
    const lapsed = await post({ title: 'A request past its date' });
    await db().updateTable('opportunities').set({ closes_on: '2020-01-31' }).where('id', '=', lapsed).execute();
    const elsewhere = await staff.post('/opportunities', opportunityForm({ projectId: String(otherProjectId), title: 'For another project' }));
    expect(elsewhere.statusCode).toBe(303);
    const elsewhereId = Number(/\/opportunities\/(\d+)$/.exec(String(elsewhere.headers.location))?.[1]);
    await staff.get('/opportunities');

    const body = (await staff.get(`/projects/${projectId}`)).body;
    expect(body).not.toContain('The team has not asked for a partner yet.');
    expect(body).toContain(`<a href="/opportunities/${open}">Join our steering group</a>`);
    expect(body).toContain(`<a href="/opportunities/${closed}">A finished request</a>`);
    expect(body).toContain(`<a href="/opportunities/${lapsed}">A request past its date</a>`);
    expect(body).not.toContain('For another project');
    expect(body).not.toContain(`/opportunities/${elsewhereId}"`);
    expect(body).toContain('30 Jun 2099');
    expect(body).toContain('31 Jan 2020');
    expect(body).toContain('Past its closing date');
    expect(body).toContain('Closed');
    expect(body).toMatch(/Places\s*<\/span>\s*3/);
    // Newest first.
    expect(body.indexOf('A request past its date')).toBeLessThan(body.indexOf('Join our steering group'));
  });

  it('shows the list to those who only see the project, without the way to ask', async () => {
    const page = await (await as('viewer@example.org')).get(`/projects/${projectId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Join our steering group');
    expect(page.body).not.toContain('Ask for a service user or carer partner');
    // A partner in the team may edit the project, so may ask.
    expect((await (await as('partner@example.org')).get(`/projects/${projectId}`)).body).toContain('Ask for a service user or carer partner');
  });
});

describe('the team: partners from the involvement register', () => {
  let annie: number;
  let angus: number;
  let anna: number;
  let ann: number;
  let erased: number;
  beforeAll(async () => {
    const north = s.org.northTeam.id;
    // Annie has a partner account (the other partner's) and wants only her initials shown.
    annie = await addPerson(t, { unitId: north, name: 'Annie Example', anonymity: 'initials', userId: s.otherPartner, relationship: 'carer' });
    angus = await addPerson(t, { unitId: north, name: 'Angus Brown', anonymity: 'first_name', status: 'enquiry' });
    anna = await addPerson(t, { unitId: s.org.southTeam.id, name: 'Anna South' });
    ann = await addPerson(t, { unitId: north, name: 'Ann Left', status: 'left' });
    erased = await addPerson(t, { unitId: north, name: 'Anneka Erased' });
    await db().updateTable('people').set({ erased_at: nowIso() }).where('id', '=', erased).execute();
  });

  it('finds people in the registers the user may see by name: not those who have left, not erased, not other units', async () => {
    const staff = await as('staff@example.org');
    const before = await staff.get(`/projects/${projectId}/team`);
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('Add a partner from the involvement register');
    expect(before.body).toContain('name="registerQ"');
    const res = await staff.get(`/projects/${projectId}/team?registerQ=AN`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Annie Example');
    expect(res.body).toContain(`value="${annie}"`);
    expect(res.body).toContain('Angus Brown');
    expect(res.body).not.toContain('Anna South');
    expect(res.body).not.toContain('Ann Left');
    expect(res.body).not.toContain('Anneka Erased');
    expect(res.body).toContain('value="AN"');
    const none = await staff.get(`/projects/${projectId}/team?registerQ=${encodeURIComponent('%_')}`);
    expect(none.body).toContain('Nobody in the register you can see matches');
    const long = await staff.get(`/projects/${projectId}/team?registerQ=${'a'.repeat(101)}`);
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Search for 100 characters or fewer');
    // The lead sees the North registers, not the South one.
    expect((await (await as('lead@example.org')).get(`/projects/${projectId}/team?registerQ=an`)).body).not.toContain('Anna South');
  });

  it('adds the person chosen, with their account and the name they chose to be shown by, and audits it', async () => {
    const staff = await as('staff@example.org');
    const res = await staff.post(`/projects/${projectId}/team/from-register`, { registerQ: 'an', personId: String(annie), partnerRole: 'carer_partner' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    expect(res.headers.location).toBe(`/projects/${projectId}/team`);
    const row = await db().selectFrom('project_members').selectAll().where('project_id', '=', projectId).where('person_id', '=', annie).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: s.otherPartner, display_name: 'A. E.', role: 'carer_partner', left_on: null });
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'project_member.added').where('entity_id', '=', String(row.id)).executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(s.staff);
    expect(audit.subject_user_id).toBe(s.otherPartner);
    expect(JSON.parse(String(audit.details))).toMatchObject({ projectId, role: 'carer_partner', personId: annie, via: 'register', account: true });

    // Someone without an account: no user, their shown name kept.
    expect((await staff.post(`/projects/${projectId}/team/from-register`, { personId: String(angus), partnerRole: 'service_user_partner' })).statusCode).toBe(303);
    const angusRow = await db().selectFrom('project_members').selectAll().where('project_id', '=', projectId).where('person_id', '=', angus).executeTakeFirstOrThrow();
    expect(angusRow).toMatchObject({ user_id: null, display_name: 'Angus', role: 'service_user_partner' });
  });

  it("shows register members by their shown name, not their account's name, on the team and the project page", async () => {
    const staff = await as('staff@example.org');
    for (const url of [`/projects/${projectId}/team`, `/projects/${projectId}`]) {
      const body = (await staff.get(url)).body;
      expect(body).toContain('A. E.');
      expect(body).not.toContain('Olu Other');
      expect(body).toContain('Angus (no account)');
      // The partner added by account keeps their account name.
      expect(body).toContain('Pat Partner');
    }
    // The name follows the person's preference when it changes.
    await db().updateTable('people').set({ anonymity: 'anonymous' }).where('id', '=', annie).execute();
    const body = (await staff.get(`/projects/${projectId}/team`)).body;
    expect(body).not.toContain('A. E.');
    expect(body).not.toContain('Annie');
    const api = await db().selectFrom('project_members').select('display_name').where('person_id', '=', annie).executeTakeFirstOrThrow();
    expect(api.display_name).toBe('A. E.');
  });

  it('names every problem, keeps what was chosen, and refuses people out of reach, who have left, or already in the team', async () => {
    const staff = await as('staff@example.org');
    const none = await staff.post(`/projects/${projectId}/team/from-register`, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Choose a person from the search results');
    expect(none.body).toContain('Choose service-user partner or carer partner');

    const kept = await staff.post(`/projects/${projectId}/team/from-register`, { registerQ: 'angus', partnerRole: 'carer_partner' });
    expect(kept.statusCode).toBe(400);
    expect(kept.body).toContain('Angus Brown');
    expect(kept.body).toContain('value="angus"');
    expect(kept.body).toMatch(/value="carer_partner"\s+checked/);

    const wrongRole = await staff.post(`/projects/${projectId}/team/from-register`, { registerQ: 'an', personId: String(annie), partnerRole: 'lead' });
    expect(wrongRole.statusCode).toBe(400);
    expect(wrongRole.body).toContain('Choose service-user partner or carer partner');
    expect(wrongRole.body).toMatch(new RegExp(`value="${annie}"\\s+checked`));

    for (const [personId, message] of [
      [anna, 'Choose a person from the search results'],
      [erased, 'Choose a person from the search results'],
      [99999999999, 'Choose a person from the search results'],
      [ann, 'This person has left the involvement register'],
      [annie, 'This person is already in the team'],
    ] as const) {
      const res = await staff.post(`/projects/${projectId}/team/from-register`, { personId: String(personId), partnerRole: 'carer_partner' });
      expect(res.statusCode, String(personId)).toBe(400);
      expect(res.body).toContain(message);
    }
    // Someone already in the team by their account counts as in the team.
    const patPerson = await addPerson(t, { unitId: s.org.northTeam.id, name: 'Pat Partner', userId: s.partner });
    const dup = await staff.post(`/projects/${projectId}/team/from-register`, { personId: String(patPerson), partnerRole: 'carer_partner' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('This person is already in the team');
    const added = await db().selectFrom('project_members').select('id').where('project_id', '=', projectId).where('person_id', 'in', [anna, erased, ann, patPerson]).execute();
    expect(added).toEqual([]);
  });

  it('is only for staff who may see the register: partners get no search and a 403; other units a 404', async () => {
    const partner = await as('partner@example.org');
    const team = await partner.get(`/projects/${projectId}/team?registerQ=an`);
    expect(team.statusCode).toBe(200);
    expect(team.body).not.toContain('Add a partner from the involvement register');
    expect(team.body).not.toContain('Angus Brown');
    expect((await partner.post(`/projects/${projectId}/team/from-register`, { personId: String(angus), partnerRole: 'carer_partner' })).statusCode).toBe(403);
    const south = await as('south@example.org');
    expect((await south.post(`/projects/${projectId}/team/from-register`, { personId: String(angus), partnerRole: 'carer_partner' })).statusCode).toBe(404);
    expect((await south.get(`/projects/${projectId}/team?registerQ=an`)).statusCode).toBe(404);
  });

  it('keeps the other ways of adding someone working', async () => {
    const staff = await as('staff@example.org');
    expect((await staff.post(`/projects/${projectId}/team`, { role: 'lead', email: 'staff@example.org' })).statusCode).toBe(303);
    expect((await staff.post(`/projects/${projectId}/team`, { role: 'carer_partner', displayName: 'Jean (carer)' })).statusCode).toBe(303);
    const body = (await staff.get(`/projects/${projectId}/team`)).body;
    expect(body).toContain('Sam Staff');
    expect(body).toContain('Jean (carer) (no account)');
  });
});
