import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, resolveSession } from '../../src/platform/auth/sessions.ts';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const limits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

describe('sessions stored in the database', () => {
  let t: TestApp;
  let userId: number;
  beforeEach(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    userId = await createUser(t.db, 'lead@example.org', [{ unitId: org.trust.id, role: 'lead' }]);
  });
  afterEach(() => t.close());

  it('ends after the idle time with no activity', async () => {
    const secret = await createSession(t.db.db, userId, null);
    expect(await resolveSession(t.db.db, secret, limits, Date.now() + 29 * 60_000)).not.toBeNull();
    // Activity at 29 minutes moved last_seen forward, so 50 minutes in is still within 30 idle minutes.
    expect(await resolveSession(t.db.db, secret, limits, Date.now() + 50 * 60_000)).not.toBeNull();
    expect(await resolveSession(t.db.db, secret, limits, Date.now() + 90 * 60_000)).toBeNull();
    // Once ended, it stays ended.
    expect(await resolveSession(t.db.db, secret, limits)).toBeNull();
  });

  it('ends after the absolute lifetime even when active', async () => {
    const secret = await createSession(t.db.db, userId, null);
    let now = Date.now();
    for (let i = 0; i < 24; i++) {
      now += 25 * 60_000;
      const alive = await resolveSession(t.db.db, secret, limits, now);
      if (now - Date.now() > limits.absoluteMs) expect(alive).toBeNull();
    }
    expect(await resolveSession(t.db.db, secret, limits, Date.now() + 13 * 3_600_000)).toBeNull();
  });

  it('gives a new session id at every sign-in', async () => {
    const b = new Browser(t.app);
    await b.signIn('lead@example.org');
    const first = b.cookie('alongside_session');
    await b.post('/sign-out', {});
    await b.signIn('lead@example.org');
    expect(b.cookie('alongside_session')).toBeDefined();
    expect(b.cookie('alongside_session')).not.toBe(first);
  });
});

describe('two app instances on one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeEach(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
    const org = await seedOrg(a.db);
    await createUser(a.db, 'nurse@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await database.drop();
  });

  it('shares sessions: signed in on one, recognised on the other; signed out on one, ended on both', async () => {
    const onA = new Browser(a.app);
    await onA.signIn('nurse@example.org');
    const onB = new Browser(b.app);
    onB.setCookie('alongside_session', onA.cookie('alongside_session') ?? '');
    const page = await onB.get('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Hello, Nia Nurse');
    expect((await onB.post('/sign-out', {})).statusCode).toBe(303);
    expect((await onA.get('/')).statusCode).toBe(302);
  });

  it('ends sessions on every instance when an account is disabled', async () => {
    const onA = new Browser(a.app);
    await onA.signIn('nurse@example.org');
    await b.db.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).execute();
    expect((await onA.get('/')).statusCode).toBe(302);
  });
});
