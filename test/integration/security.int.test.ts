import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { Browser, createTestApp, createUser, seedOrg, testConfig, type TestApp } from '../support/app.ts';
import { createTestDatabase } from '../support/db.ts';

describe('security basics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('sends a strict Content Security Policy with a fresh nonce on each page', async () => {
    t = await createTestApp();
    const a = await t.app.inject({ url: '/sign-in' });
    const b = await t.app.inject({ url: '/sign-in' });
    const csp = String(a.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toBe(String(b.headers['content-security-policy']));
    expect(a.headers['x-content-type-options']).toBe('nosniff');
  });

  it('uses a __Host- prefixed, Secure session cookie behind TLS', async () => {
    t = await createTestApp({ env: { BASE_URL: 'https://alongside.example.org' } });
    const org = await seedOrg(t.db);
    await createUser(t.db, 'lead@example.org', [{ unitId: org.trust.id, role: 'lead' }]);
    const b = new Browser(t.app);
    const res = await b.signIn('lead@example.org');
    const setCookie = [res.headers['set-cookie']].flat().join('\n');
    expect(setCookie).toMatch(/__Host-alongside_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('limits sign-in attempts per minute', async () => {
    t = await createTestApp({ config: { rateLimitPerMinute: 3 } });
    const b = new Browser(t.app);
    await b.get('/sign-in');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await b.post('/sign-in', { email: 'x@example.org', password: 'nope' })).statusCode);
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes[3]).toBe(429);
  });

  it('counts sign-in attempts across instances sharing a database', async () => {
    const database = await createTestDatabase();
    const a = await createTestApp({ database, config: { rateLimitPerMinute: 3 } });
    const b = await createTestApp({ database, config: { rateLimitPerMinute: 3 } });
    try {
      const onA = new Browser(a.app);
      const onB = new Browser(b.app);
      await onA.get('/sign-in');
      await onB.get('/sign-in');
      const attempt = (x: Browser) => x.post('/sign-in', { email: 'x@example.org', password: 'nope' }).then((r) => r.statusCode);
      expect([await attempt(onA), await attempt(onB), await attempt(onA)]).toEqual([401, 401, 401]);
      expect(await attempt(onB)).toBe(429);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });

  it('refuses an oversized form with a 4xx, not a crash', async () => {
    t = await createTestApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: `email=${'a'.repeat(400 * 1024)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(413);
  });

  it('answers health and readiness checks', async () => {
    t = await createTestApp();
    expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/ready' })).json()).toEqual({ status: 'ready' });
  });

  it('shows a plain error page with a reference that is in the log, never a stack trace', async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const db = database.open();
    const app = await buildApp(testConfig(database), db, { logger: { level: 'error', stream } });
    const org = await seedOrg(db);
    await createUser(db, 'lead@example.org', [{ unitId: org.trust.id, role: 'lead' }]);
    const b = new Browser(app);
    await b.signIn('lead@example.org');
    // Break the database underneath a signed-in page.
    await db.db.schema.dropTable('org_units').cascade().execute().catch(async () => {
      await db.db.schema.alterTable('org_units').renameTo('org_units_gone').execute();
    });
    const res = await b.get('/org');
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('Sorry, there is a problem with the service');
    expect(res.body).not.toMatch(/at .+\.ts:\d+/);
    const reference = /give them this reference: (\w+)/.exec(res.body)?.[1];
    expect(reference).toBeTruthy();
    expect(lines.some((l) => l.includes(`"reference":"${reference}"`))).toBe(true);
    await app.close();
    await db.close();
    await database.drop();
  });
});
