import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, PASSWORD, seedOrg, type TestApp } from '../../../test/support/app.ts';

describe('signing in and out', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    await createUser(t.db, 'nurse@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
  });
  afterEach(() => t.close());

  it('signs in with the right password and shows the home page', async () => {
    const b = new Browser(t.app);
    const res = await b.signIn('NURSE@example.org');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hello, Nia Nurse');
    expect(home.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong password, keeps the email typed, and shows an error summary', async () => {
    const b = new Browser(t.app);
    const res = await b.signIn('nurse@example.org', 'wrong password');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('value="nurse@example.org"');
    expect((await b.get('/')).statusCode).toBe(302);
  });

  it('locks the account after repeated failures, even for the right password', async () => {
    const b = new Browser(t.app);
    for (let i = 0; i < t.config.lockout.attempts; i++) await b.signIn('nurse@example.org', 'wrong password');
    const res = await b.signIn('nurse@example.org', PASSWORD);
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Too many tries');
  });

  it('rejects a form post without a CSRF token', async () => {
    const b = new Browser(t.app);
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { email: 'nurse@example.org', password: PASSWORD }, { csrf: false });
    expect(res.statusCode).toBe(403);
  });

  it('signs out on the server: the old cookie no longer works', async () => {
    const b = new Browser(t.app);
    await b.signIn('nurse@example.org');
    const stolen = b.cookie('alongside_session');
    await b.get('/');
    const out = await b.post('/sign-out', {});
    expect(out.statusCode).toBe(303);
    const replay = new Browser(t.app);
    replay.setCookie('alongside_session', stolen ?? '');
    expect((await replay.get('/')).statusCode).toBe(302);
  });

  it('only redirects to same-site paths after sign-in', async () => {
    const b = new Browser(t.app);
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { email: 'nurse@example.org', password: PASSWORD, next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });
});
