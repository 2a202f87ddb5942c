import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';

describe('user administration', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let admin: Browser;

  const outboxFor = (email: string) => t.db.db.selectFrom('outbox').selectAll().where('recipient', '=', email).orderBy('id').execute();
  const inviteLink = (body: string): string => {
    const m = /\/invitation\/([A-Za-z0-9_-]+)/.exec(body);
    if (!m?.[1]) throw new Error(`no invitation link in: ${body}`);
    return `/invitation/${m[1]}`;
  };
  const userIdFromLocation = (location: unknown): number => {
    const m = /^\/admin\/users\/(\d+)$/.exec(String(location));
    if (!m?.[1]) throw new Error(`unexpected redirect: ${String(location)}`);
    return Number(m[1]);
  };

  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin');
    admin = new Browser(t.app);
    await admin.signIn('admin@example.org');
  });
  afterEach(() => t.close());

  it('invites someone: the invitee follows the emailed link, chooses a password and can sign in', async () => {
    const form = await admin.get('/admin/users/invite');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('North Community Team');
    expect(form.body).toContain('Partner (service user or carer)');

    const res = await admin.post('/admin/users/invite', { name: 'Sam Carer', email: 'Sam@Example.org', unitId: String(org.northTeam.id), role: 'partner' });
    expect(res.statusCode).toBe(303);
    const id = userIdFromLocation(res.headers.location);

    const page = await admin.get(`/admin/users/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Invitation sent to sam@example.org');
    expect(page.body).toContain('Sam Carer');
    expect(page.body).toContain('Invited');
    expect(page.body).toContain('Send invitation again');

    const grants = await t.db.db.selectFrom('role_grants').selectAll().where('user_id', '=', id).execute();
    expect(grants.map((g) => [g.unit_id, g.role])).toEqual([[org.northTeam.id, 'partner']]);

    const mail = await outboxFor('sam@example.org');
    expect(mail).toHaveLength(1);
    const link = inviteLink(mail[0]?.body_text ?? '');
    expect(mail[0]?.body_text).toContain(`${t.config.baseUrl}${link}`);

    const invitee = new Browser(t.app);
    const setForm = await invitee.get(link);
    expect(setForm.statusCode).toBe(200);
    expect(setForm.body).toContain('sam@example.org');
    const set = await invitee.post(link, { password: 'a brand new password', confirm: 'a brand new password' });
    expect(set.statusCode).toBe(303);

    const later = new Browser(t.app);
    const signIn = await later.signIn('sam@example.org', 'a brand new password');
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/');

    // Now they have a password, the admin sees them as active.
    const after = await admin.get(`/admin/users/${id}`);
    expect(after.body).toContain('Active');
    expect(after.body).not.toContain('Send invitation again');
  });

  it('keeps what was typed and shows an error summary when the invitation form is wrong', async () => {
    const before = await t.db.db.selectFrom('users').select('id').execute();
    const res = await admin.post('/admin/users/invite', { name: 'Sam Carer', email: 'not-an-email', unitId: String(org.northTeam.id) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#email"');
    expect(res.body).toContain('Enter an email address in the correct format');
    expect(res.body).toContain('href="#role"');
    expect(res.body).toContain('Choose a role');
    expect(res.body).toContain('value="Sam Carer"');
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toMatch(new RegExp(`<option value="${org.northTeam.id}"[^>]*selected`));
    expect(await t.db.db.selectFrom('users').select('id').execute()).toHaveLength(before.length);
  });

  it('refuses an email address that already has an account', async () => {
    await createUser(t.db, 'nia@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
    const res = await admin.post('/admin/users/invite', { name: 'Another Nia', email: 'NIA@example.org', unitId: String(org.north.id), role: 'viewer' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Someone already has an account with this email address');
    expect(res.body).toContain('value="Another Nia"');
    expect(await t.db.db.selectFrom('users').select('id').where('name', '=', 'Another Nia').execute()).toHaveLength(0);
    expect(await outboxFor('nia@example.org')).toHaveLength(0);
  });

  it('lets an admin of one borough neither see nor change someone who only has a role in another', async () => {
    await createUser(t.db, 'north.admin@example.org', [{ unitId: org.north.id, role: 'admin' }], 'Nora North');
    const southId = await createUser(t.db, 'sid@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sid South');
    const northId = await createUser(t.db, 'nell@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nell North');
    const b = new Browser(t.app);
    await b.signIn('north.admin@example.org');

    const list = await b.get('/admin/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Nell North');
    expect(list.body).not.toContain('Sid South');

    expect((await b.get(`/admin/users/${southId}`)).statusCode).toBe(404);
    expect((await b.get(`/admin/users/${northId}`)).statusCode).toBe(200);
    expect((await b.post(`/admin/users/${southId}/disable`, {})).statusCode).toBe(404);
    expect((await b.get('/admin/users/999999')).statusCode).toBe(404);
    const sid = await t.db.db.selectFrom('users').select('disabled_at').where('id', '=', southId).executeTakeFirstOrThrow();
    expect(sid.disabled_at).toBeNull();

    // Nor can they give someone a role in the other borough.
    const grant = await b.post(`/admin/users/${northId}/roles`, { unitId: String(org.south.id), role: 'viewer' });
    expect(grant.statusCode).toBe(400);
    expect(grant.body).toContain('Choose an organisation unit');
    const invite = await b.get('/admin/users/invite');
    expect(invite.body).toContain('North Community Team');
    expect(invite.body).not.toContain('South Community Team');
  });

  it('disabling an account signs the person out at once, and enabling lets them back in', async () => {
    const id = await createUser(t.db, 'nia@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
    const nia = new Browser(t.app);
    await nia.signIn('nia@example.org');
    expect((await nia.get('/')).statusCode).toBe(200);
    const niaOnHerPhone = new Browser(t.app);
    await niaOnHerPhone.signIn('nia@example.org');

    const res = await admin.post(`/admin/users/${id}/disable`, {});
    expect(res.statusCode).toBe(303);
    const page = await admin.get(`/admin/users/${id}`);
    expect(page.body).toContain('The account is disabled');
    expect(page.body).toContain('Enable account');

    const kicked = await nia.get('/');
    expect(kicked.statusCode).toBe(302);
    expect(kicked.headers.location).toMatch(/^\/sign-in/);
    expect((await new Browser(t.app).signIn('nia@example.org')).statusCode).toBe(401);

    expect((await admin.post(`/admin/users/${id}/enable`, {})).statusCode).toBe(303);
    // Enabling does not bring back a session from before: it ended when the account was disabled.
    expect((await niaOnHerPhone.get('/')).statusCode).toBe(302);
    expect((await new Browser(t.app).signIn('nia@example.org')).statusCode).toBe(303);
  });

  it('does not let an admin disable their own account', async () => {
    const me = await t.db.db.selectFrom('users').select('id').where('email', '=', 'admin@example.org').executeTakeFirstOrThrow();
    const page = await admin.get(`/admin/users/${me.id}`);
    expect(page.body).not.toContain('Disable account');
    const res = await admin.post(`/admin/users/${me.id}/disable`, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot disable your own account');
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
  });

  it('adds and removes roles', async () => {
    const id = await createUser(t.db, 'nia@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
    const added = await admin.post(`/admin/users/${id}/roles`, { unitId: String(org.south.id), role: 'lead' });
    expect(added.statusCode).toBe(303);
    const page = await admin.get(`/admin/users/${id}`);
    expect(page.body).toContain('The role has been added');
    expect(page.body).toContain('Remove Involvement lead role in South Borough');
    expect(page.body).toContain('Remove QI staff role in North Community Team');

    const again = await admin.post(`/admin/users/${id}/roles`, { unitId: String(org.south.id), role: 'lead' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('They already have this role in this unit');

    const missing = await admin.post(`/admin/users/${id}/roles`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Choose a role');

    const grant = await t.db.db.selectFrom('role_grants').select('id').where('user_id', '=', id).where('role', '=', 'qi_staff').executeTakeFirstOrThrow();
    const removed = await admin.post(`/admin/users/${id}/roles/${grant.id}/delete`, {});
    expect(removed.statusCode).toBe(303);
    const after = await admin.get(`/admin/users/${id}`);
    expect(after.body).toContain('The role has been removed');
    expect(after.body).not.toContain('Remove QI staff role in North Community Team');
    expect(after.body).toContain('Remove Involvement lead role in South Borough');

    const roles = await t.db.db.selectFrom('role_grants').select(['unit_id', 'role']).where('user_id', '=', id).execute();
    expect(roles).toEqual([{ unit_id: org.south.id, role: 'lead' }]);
  });

  it('does not let an admin remove their own admin role', async () => {
    const me = await t.db.db.selectFrom('users').select('id').where('email', '=', 'admin@example.org').executeTakeFirstOrThrow();
    const grant = await t.db.db.selectFrom('role_grants').select('id').where('user_id', '=', me.id).executeTakeFirstOrThrow();
    const res = await admin.post(`/admin/users/${me.id}/roles/${grant.id}/delete`, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot remove your own administrator role');
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
  });

  it('sends the invitation again to someone who has not chosen a password yet', async () => {
    const res = await admin.post('/admin/users/invite', { name: 'Sam Carer', email: 'sam@example.org', unitId: String(org.northTeam.id), role: 'partner' });
    const id = userIdFromLocation(res.headers.location);
    const again = await admin.post(`/admin/users/${id}/invite`, {});
    expect(again.statusCode).toBe(303);
    expect((await admin.get(`/admin/users/${id}`)).body).toContain('The invitation has been sent again');
    const mail = await outboxFor('sam@example.org');
    expect(mail).toHaveLength(2);
    const second = inviteLink(mail[1]?.body_text ?? '');
    expect(second).not.toBe(inviteLink(mail[0]?.body_text ?? ''));
    expect((await new Browser(t.app).get(second)).statusCode).toBe(200);

    // Someone with a password is not sent one.
    const nia = await createUser(t.db, 'nia@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    expect((await admin.post(`/admin/users/${nia}/invite`, {})).statusCode).toBe(400);
    expect(await outboxFor('nia@example.org')).toHaveLength(0);
  });

  it('searches, and pages through a long list with a Next link', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      email: `person${String(i).padStart(2, '0')}@example.org`,
      name: `Person ${String(i).padStart(2, '0')}`,
      password_hash: null,
      failed_sign_ins: 0,
      created_at: nowIso(),
    }));
    await t.db.db.insertInto('users').values(rows).execute();
    const ids = await t.db.db.selectFrom('users').select('id').where('email', 'like', 'person%').orderBy('id').execute();
    await t.db.db.insertInto('role_grants').values(ids.map(({ id }) => ({ user_id: id, unit_id: org.north.id, role: 'viewer' as const, created_at: nowIso() }))).execute();

    const first = await admin.get('/admin/users');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('admin@example.org');
    expect(first.body).toContain('Person 23');
    expect(first.body).not.toContain('Person 24');
    const next = /href="(\/admin\/users\?after=\d+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();

    const second = await admin.get(next?.replace(/&amp;/g, '&') ?? '');
    expect(second.body).toContain('Person 24');
    expect(second.body).toContain('Person 29');
    expect(second.body).not.toContain('Person 23');
    expect(second.body).not.toMatch(/href="\/admin\/users\?after=/);

    const found = await admin.get('/admin/users?q=person%2017');
    expect(found.body).toContain('Person 17');
    expect(found.body).not.toContain('Person 16');
    expect(found.body).not.toContain('admin@example.org');
    expect(found.body).toContain('value="person 17"');

    const byEmail = await admin.get('/admin/users?q=PERSON05%40');
    expect(byEmail.body).toContain('Person 05');
    expect(byEmail.body).not.toContain('Person 06');

    const none = await admin.get('/admin/users?q=nobody-at-all');
    expect(none.body).toContain('Nobody matches your search');
  });

  it('refuses people without the permission, and sends people who are not signed in to sign in', async () => {
    await createUser(t.db, 'nia@example.org', [{ unitId: org.trust.id, role: 'qi_staff' }], 'Nia Nurse');
    const nia = new Browser(t.app);
    await nia.signIn('nia@example.org');
    expect((await nia.get('/admin/users')).statusCode).toBe(403);
    expect((await nia.get('/admin/users/invite')).statusCode).toBe(403);
    expect((await nia.post('/admin/users/invite', { name: 'X', email: 'x@example.org', unitId: String(org.trust.id), role: 'admin' })).statusCode).toBe(403);
    expect(await t.db.db.selectFrom('users').select('id').where('email', '=', 'x@example.org').execute()).toHaveLength(0);
    expect((await nia.get('/')).body).not.toContain('href="/admin/users"');

    const anon = await new Browser(t.app).get('/admin/users');
    expect(anon.statusCode).toBe(302);
    expect(anon.headers.location).toBe('/sign-in?next=%2Fadmin%2Fusers');
  });

  it('records who looked at and changed a person', async () => {
    const id = await createUser(t.db, 'nia@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    await admin.get(`/admin/users/${id}`);
    await admin.post(`/admin/users/${id}/disable`, {});
    const actions = await t.db.db.selectFrom('audit_log').select('action').where('subject_user_id', '=', id).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['user.viewed', 'user.disabled']));
  });

  it('invites an email only once even when two invitations race', async () => {
    const other = new Browser(t.app);
    await other.signIn('admin@example.org');
    await admin.get('/admin/users/invite');
    await other.get('/admin/users/invite');
    const form = { name: 'Rae Racer', email: 'rae@example.org', unitId: String(org.northTeam.id), role: 'viewer' };
    const results = await Promise.all([admin.post('/admin/users/invite', form), other.post('/admin/users/invite', form)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([303, 400]);
    expect(results.find((r) => r.statusCode === 400)?.body).toContain('value="rae@example.org"');
    expect(await outboxFor('rae@example.org')).toHaveLength(1);
    const users = await t.db.db.selectFrom('users').select('id').where('email', '=', 'rae@example.org').execute();
    expect(users).toHaveLength(1);
  });
});
