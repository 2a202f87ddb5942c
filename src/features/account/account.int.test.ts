import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, PASSWORD, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';

const NEW_PASSWORD = 'a much longer new password';

describe('your account', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let niaId: number;

  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    niaId = await createUser(t.db, 'nia@example.org', [
      { unitId: org.northTeam.id, role: 'qi_staff' },
      { unitId: org.south.id, role: 'partner' },
    ], 'Nia Nurse');
  });
  afterEach(() => t.close());

  it('shows your name, email and roles in plain English, with links to change your password and manage tokens', async () => {
    const b = new Browser(t.app);
    await b.signIn('nia@example.org');
    const res = await b.get('/account');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('<h1>Your account</h1>');
    expect(res.body).toContain('Nia Nurse');
    expect(res.body).toContain('nia@example.org');
    expect(res.body).toMatch(/North Community Team\s*<\/td>[\s\S]*?QI staff/);
    expect(res.body).toMatch(/South Borough\s*<\/td>[\s\S]*?Partner \(service user or carer\)/);
    expect(res.body).not.toContain('qi_staff');
    expect(res.body).toContain('href="/account/password"');
    expect(res.body).toContain('href="/account/tokens"');
  });

  it('sends you to sign in when you are not signed in', async () => {
    const res = await new Browser(t.app).get('/account');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?next=%2Faccount');
    expect((await new Browser(t.app).get('/account/password')).statusCode).toBe(302);
  });

  it('changes the password: other sessions end, this one stays, and only the new password works', async () => {
    const here = new Browser(t.app);
    const elsewhere = new Browser(t.app);
    await here.signIn('nia@example.org');
    await elsewhere.signIn('nia@example.org');
    await createUser(t.db, 'bob@example.org', [{ unitId: org.north.id, role: 'viewer' }]);
    const bobBrowser = new Browser(t.app);
    await bobBrowser.signIn('bob@example.org');
    expect((await elsewhere.get('/account')).statusCode).toBe(200);

    expect((await here.get('/account/password')).statusCode).toBe(200);
    const res = await here.post('/account/password', { current: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');

    const after = await here.get('/account');
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('Your password has been changed');

    const other = await elsewhere.get('/account');
    expect(other.statusCode).toBe(302);
    expect(other.headers.location).toMatch(/^\/sign-in/);
    // Someone else's sessions are untouched.
    expect((await bobBrowser.get('/account')).statusCode).toBe(200);

    expect((await new Browser(t.app).signIn('nia@example.org', PASSWORD)).statusCode).toBe(401);
    expect((await new Browser(t.app).signIn('nia@example.org', NEW_PASSWORD)).statusCode).toBe(303);

    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('subject_user_id', '=', niaId).where('action', '=', 'password.changed').execute();
    expect(audit).toEqual([{ action: 'password.changed', actor_user_id: niaId }]);
    const mail = await t.db.db.selectFrom('outbox').select(['subject', 'body_text']).where('recipient', '=', 'nia@example.org').execute();
    expect(mail.map((m) => m.subject)).toEqual(['Your Alongside password has been changed']);
  });

  it('refuses a wrong current password and changes nothing', async () => {
    const here = new Browser(t.app);
    const elsewhere = new Browser(t.app);
    await here.signIn('nia@example.org');
    await elsewhere.signIn('nia@example.org');
    const res = await here.post('/account/password', { current: 'not my password', password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#current"');
    expect(res.body).toContain('Your current password is not right');
    // Passwords are never echoed back into the page.
    expect(res.body).not.toContain(NEW_PASSWORD);
    expect((await elsewhere.get('/account')).statusCode).toBe(200);
    expect((await new Browser(t.app).signIn('nia@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('explains what is wrong with a new password that is too short or does not match', async () => {
    const b = new Browser(t.app);
    await b.signIn('nia@example.org');
    const short = await b.post('/account/password', { current: PASSWORD, password: 'too short', confirm: 'too short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Password must be 12 characters or more');

    const mismatch = await b.post('/account/password', { current: PASSWORD, password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('The passwords do not match');

    const empty = await b.post('/account/password', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter your current password');
    expect(empty.body).toContain('Enter a new password');

    expect((await new Browser(t.app).signIn('nia@example.org', PASSWORD)).statusCode).toBe(303);
  });

  it('lets someone who signs in by email link choose a first password without a current one', async () => {
    const { id } = await t.db.db
      .insertInto('users')
      .values({ email: 'pat@example.org', name: 'Pat Partner', password_hash: null, failed_sign_ins: 0, created_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.db.insertInto('role_grants').values({ user_id: id, unit_id: org.northTeam.id, role: 'partner', created_at: nowIso() }).execute();
    const b = new Browser(t.app);
    await b.get('/sign-in/link');
    await b.post('/sign-in/link', { email: 'pat@example.org' });
    const mail = await t.db.db.selectFrom('outbox').select('body_text').where('recipient', '=', 'pat@example.org').executeTakeFirstOrThrow();
    const link = /\/sign-in\/link\/[A-Za-z0-9_-]+/.exec(mail.body_text)?.[0] ?? '';
    await b.get(link);
    expect((await b.post(link, {})).statusCode).toBe(303);

    const account = await b.get('/account');
    expect(account.body).toContain('You sign in with a link sent to your email');
    const form = await b.get('/account/password');
    expect(form.body).not.toContain('name="current"');
    expect((await b.post('/account/password', { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).statusCode).toBe(303);
    expect((await new Browser(t.app).signIn('pat@example.org', NEW_PASSWORD)).statusCode).toBe(303);
  });
});
