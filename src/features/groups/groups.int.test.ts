import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { idFrom, insertPerson, seedInvolvement, signedIn } from './test-support.ts';

describe('groups', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedInvolvement>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedInvolvement(t);
  });
  afterEach(() => t.close());

  const newGroup = async (unitId: number, name = 'North Working Together Group') => {
    const lead = await signedIn(t, unitId === s.org.northTeam.id || unitId === s.org.north.id ? 'lead@example.org' : 'south-lead@example.org');
    const res = await lead.post('/groups', { unitId: String(unitId), name, purpose: 'Shape community services', termsOfReference: 'We meet.\nWe decide together.', cadence: 'Monthly' });
    expect(res.statusCode).toBe(303);
    return idFrom(res.headers.location);
  };

  it('lets a lead set up a group, add members with roles, change a role and record leaving', async () => {
    const ann = await insertPerson(t, s.org.northTeam.id, 'Ann Archer');
    const bob = await insertPerson(t, s.org.north.id, 'Bob Baker');
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/groups/new')).statusCode).toBe(200);
    const created = await lead.post('/groups', { unitId: String(s.org.northTeam.id), name: 'North WTG', cadence: 'Monthly', termsOfReference: 'Line one\nLine two' });
    expect(created.statusCode).toBe(303);
    const id = idFrom(created.headers.location);

    const add = await lead.get(`/groups/${id}/members/new`);
    expect(add.statusCode).toBe(200);
    // Few people in scope: a plain select lists them.
    expect(add.body).toContain('<select');
    expect(add.body).toContain('Ann Archer');
    expect((await lead.post(`/groups/${id}/members`, { personId: String(ann), role: 'chair', joinedOn: '2025-01-10' })).statusCode).toBe(303);
    expect((await lead.post(`/groups/${id}/members`, { personId: String(bob), role: 'member', joinedOn: '2025-02-01' })).statusCode).toBe(303);
    const again = await lead.post(`/groups/${id}/members`, { personId: String(ann), role: 'member', joinedOn: '2025-03-01' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already a member');

    const rows = await t.db.db.selectFrom('group_members').selectAll().where('group_id', '=', id).orderBy('id').execute();
    expect(rows.map((r) => [r.person_id, r.role, r.joined_on, r.left_on])).toEqual([
      [ann, 'chair', '2025-01-10', null],
      [bob, 'member', '2025-02-01', null],
    ]);
    const bobMember = rows[1]?.id as number;
    expect((await lead.get(`/groups/${id}/members/${bobMember}`)).statusCode).toBe(200);
    expect((await lead.post(`/groups/${id}/members/${bobMember}`, { role: 'co_chair' })).statusCode).toBe(303);
    const early = await lead.post(`/groups/${id}/members/${bobMember}/leave`, { leftOn: '2024-12-31' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('on or after the date they joined');
    expect(early.body).toContain('value="2024-12-31"');
    expect((await lead.post(`/groups/${id}/members/${bobMember}/leave`, { leftOn: '2025-06-30' })).statusCode).toBe(303);

    const page = await lead.get(`/groups/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Current members (1)');
    expect(page.body).toContain('People who have left (1)');
    expect(page.body).toContain('Co-chair');
    expect(page.body).toContain('30 Jun 2025');
    expect(page.body).toContain('<p>Line two</p>');

    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'entity_type', 'entity_id']).where('action', 'like', 'group%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['group.created', 'group_member.added', 'group_member.added', 'group_member.updated', 'group_member.left']);
    expect(audit.filter((a) => a.entity_type === 'person').map((a) => Number(a.entity_id))).toEqual([ann, bob, bob, bob]);
  });

  it('shows groups only in scope: staff see their unit\'s groups, other staff get 404, partners are refused', async () => {
    const north = await newGroup(s.org.northTeam.id);
    const south = await newGroup(s.org.southTeam.id, 'South Group');
    const staff = await signedIn(t, 'staff@example.org');
    const list = await staff.get('/groups');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('North Working Together Group');
    expect(list.body).not.toContain('South Group');
    expect((await staff.get(`/groups/${north}`)).statusCode).toBe(200);
    expect((await staff.get(`/groups/${south}`)).statusCode).toBe(404);
    // Staff see but do not manage.
    expect((await staff.get(`/groups/${north}/edit`)).statusCode).toBe(404);
    expect((await staff.get('/groups/new')).statusCode).toBe(403);
    expect((await staff.post('/groups', { unitId: String(s.org.northTeam.id), name: 'Mine' })).statusCode).toBe(403);

    const other = await signedIn(t, 'south@example.org');
    expect((await other.get(`/groups/${north}`)).statusCode).toBe(404);
    expect((await other.get(`/groups/${north}/members/new`)).statusCode).toBe(404);
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/groups')).statusCode).toBe(403);
    expect((await partner.get(`/groups/${north}`)).statusCode).toBe(404);
    expect((await staff.get('/groups/99999999999')).statusCode).toBe(404);
  });

  it('refuses a person outside the lead\'s scope, and a unit they do not manage', async () => {
    const id = await newGroup(s.org.northTeam.id);
    const southPerson = await insertPerson(t, s.org.southTeam.id, 'Sid South');
    const lead = await signedIn(t, 'lead@example.org');
    const page = await lead.get(`/groups/${id}/members/new`);
    expect(page.body).not.toContain('Sid South');
    const res = await lead.post(`/groups/${id}/members`, { personId: String(southPerson), role: 'member', joinedOn: '2025-01-01' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose a person from the register');
    const wrongUnit = await lead.post('/groups', { unitId: String(s.org.southTeam.id), name: 'Not mine' });
    expect(wrongUnit.statusCode).toBe(400);
    expect(wrongUnit.body).toContain('Choose a team or service where you look after the register');
    expect(wrongUnit.body).toContain('value="Not mine"');
    const empty = await lead.post('/groups', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the group’s name');
    expect(empty.body).toContain('nhsuk-error-summary');
  });

  it('shows staff the register name of people they may see, and the chosen name of others', async () => {
    const id = await newGroup(s.org.northTeam.id);
    const inTeam = await insertPerson(t, s.org.northTeam.id, 'Ann Archer', { anonymity: 'initials' });
    const inBorough = await insertPerson(t, s.org.north.id, 'Bob Baker', { anonymity: 'initials' });
    const lead = await signedIn(t, 'lead@example.org');
    for (const p of [inTeam, inBorough]) expect((await lead.post(`/groups/${id}/members`, { personId: String(p), role: 'member', joinedOn: '2025-01-01' })).statusCode).toBe(303);
    const staff = await signedIn(t, 'staff@example.org');
    const page = await staff.get(`/groups/${id}`);
    expect(page.body).toContain('Ann Archer');
    expect(page.body).not.toContain('Bob Baker');
    expect(page.body).toContain('B. B.');
    // The name links to the register entry only for someone who may see it.
    expect(page.body).toContain(`<a href="/people/${inTeam}">Ann Archer</a>`);
    expect(page.body).not.toContain(`/people/${inBorough}`);
    const leadPage = await lead.get(`/groups/${id}`);
    expect(leadPage.body).toContain(`<a href="/people/${inBorough}">Bob Baker</a>`);
  });

  it('finds people by name when the register in scope is long', async () => {
    const id = await newGroup(s.org.northTeam.id);
    for (let i = 0; i < 35; i++) await insertPerson(t, s.org.northTeam.id, `Person ${String(i).padStart(2, '0')}`);
    const target = await insertPerson(t, s.org.northTeam.id, 'Zoë O’Neill');
    const lead = await signedIn(t, 'lead@example.org');
    const first = await lead.get(`/groups/${id}/members/new`);
    expect(first.body).toContain('Find a person by name');
    expect(first.body).not.toContain('Person 01');
    const found = await lead.get(`/groups/${id}/members/new?q=${encodeURIComponent('zoë')}`);
    expect(found.body).toContain(`value="${target}"`);
    expect(found.body).not.toContain('Person 01');
    const none = await lead.get(`/groups/${id}/members/new?q=${encodeURIComponent('50%')}`);
    expect(none.body).toContain('No one in the register you can see');
  });

  it('archives a group and brings it back', async () => {
    const id = await newGroup(s.org.northTeam.id);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.post(`/groups/${id}/archive`, {})).statusCode).toBe(303);
    expect((await lead.get('/groups')).body).not.toContain('North Working Together Group');
    expect((await lead.get('/groups?archived=yes')).body).toContain('North Working Together Group');
    expect((await lead.post(`/groups/${id}/archive`, { restore: 'yes' })).statusCode).toBe(303);
    expect((await lead.get('/groups')).body).toContain('North Working Together Group');
    const edit = await lead.post(`/groups/${id}`, { unitId: String(s.org.northTeam.id), name: 'Renamed group' });
    expect(edit.statusCode).toBe(303);
    expect((await lead.get(`/groups/${id}`)).body).toContain('Renamed group');
  });
});
