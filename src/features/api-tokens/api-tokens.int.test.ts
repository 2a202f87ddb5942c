import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

const TOKEN_RE = /value="(alg_[A-Za-z0-9_-]+)"/;

describe('personal access tokens page', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let nurseId: number;
  let b: Browser;

  const api = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  /** Posts the create form with repeated "scopes" fields, as a browser does for ticked checkboxes. */
  const createToken = async (name: string, scopes: string[]): Promise<LightMyRequestResponse> => {
    await b.get('/account/tokens');
    const body = new URLSearchParams([['_csrf', b.csrf], ['name', name], ...scopes.map((s) => ['scopes', s])]).toString();
    return t.app.inject({
      method: 'POST',
      url: '/account/tokens',
      payload: body,
      headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
  };
  const tokenValue = (res: LightMyRequestResponse): string => {
    const m = TOKEN_RE.exec(res.body);
    if (!m?.[1]) throw new Error('no token on the page');
    return m[1];
  };

  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    nurseId = await createUser(t.db, 'nurse@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
    await createUser(t.db, 'other@example.org', [{ unitId: org.south.id, role: 'viewer' }], 'Olu Other');
    b = new Browser(t.app);
    await b.signIn('nurse@example.org');
  });
  afterEach(() => t.close());

  it('needs you to be signed in', async () => {
    const res = await new Browser(t.app).get('/account/tokens');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/sign-in/);
  });

  it('shows an empty list and a labelled form with a hint for each scope', async () => {
    const res = await b.get('/account/tokens');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You have no API tokens.');
    expect(res.body).toMatch(/<label[^>]*for="name"[^>]*>\s*Name for this token/);
    expect(res.body).toContain('<legend');
    for (const scope of ['me:read', 'org:read', 'org:write']) expect(res.body).toContain(`value="${scope}"`);
    expect(res.body).toContain('Your name, email address and roles.');
    expect(res.body).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('creates a token, shows it once, and the token works on /api/v1/me', async () => {
    const res = await createToken('Monthly report', ['me:read']);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Copy your token now');
    expect(res.body).toContain('This is the only time you will see it');
    const token = tokenValue(res);

    const me = await api('/api/v1/me', token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: nurseId, email: 'nurse@example.org', name: 'Nia Nurse', roles: [{ unitId: org.northTeam.id, unitName: 'North Community Team', role: 'qi_staff' }] });
    // Only the scopes ticked: this one cannot read units.
    expect((await api('/api/v1/org-units', token)).statusCode).toBe(403);

    const list = await b.get('/account/tokens');
    expect(list.body).toContain('Monthly report');
    expect(list.body).toContain('See your account (me:read)');
    expect(list.body).not.toContain('Never'); // it has just been used
    expect(list.body).not.toContain(token); // never shown again
    const stored = await t.db.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token.slice(4));
  });

  it('gives a token every scope ticked', async () => {
    const token = tokenValue(await createToken('Sync', ['me:read', 'org:read']));
    expect((await api('/api/v1/me', token)).statusCode).toBe(200);
    const units = await api('/api/v1/org-units', token);
    expect(units.statusCode).toBe(200);
    expect(units.json<{ items: { name: string }[] }>().items.map((u) => u.name)).toEqual(['North Community Team']);
  });

  it('refuses a form with no name and no scopes, naming both, and creates nothing', async () => {
    const res = await createToken('  ', []);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('Enter a name for the token');
    expect(res.body).toContain('Select at least one thing the token may do');
    expect(res.body).toContain('href="#scopes"');
    expect(await t.db.db.selectFrom('api_tokens').selectAll().execute()).toEqual([]);
  });

  it('keeps what was typed and refuses a scope that does not exist', async () => {
    const res = await createToken('Reporting', ['org:read', 'admin:everything']);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="Reporting"');
    expect(res.body).toMatch(/value="org:read" checked/);
    expect(res.body).toContain('Select only from the list of things a token may do');
    expect(await t.db.db.selectFrom('api_tokens').selectAll().execute()).toEqual([]);
  });

  it('revokes a token: it stops working at once and shows as revoked', async () => {
    const token = tokenValue(await createToken('Old laptop', ['me:read']));
    const { id } = await t.db.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow();
    await b.get('/account/tokens');
    const res = await b.post(`/account/tokens/${id}/revoke`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/tokens');
    const list = await b.get('/account/tokens');
    expect(list.body).toContain('The token “Old laptop” has been revoked');
    expect(list.body).toContain('Revoked');
    expect(list.body).not.toContain(`/account/tokens/${id}/revoke`);
    const refused = await api('/api/v1/me', token);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it("cannot revoke someone else's token: 404, and their token keeps working", async () => {
    const other = new Browser(t.app);
    await other.signIn('other@example.org');
    await other.get('/account/tokens');
    const created = await t.app.inject({
      method: 'POST',
      url: '/account/tokens',
      payload: new URLSearchParams({ _csrf: other.csrf, name: 'Theirs', scopes: 'me:read' }).toString(),
      headers: { cookie: other.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    const theirs = tokenValue(created);
    const { id } = await t.db.db.selectFrom('api_tokens').select('id').where('name', '=', 'Theirs').executeTakeFirstOrThrow();

    await b.get('/account/tokens');
    const res = await b.post(`/account/tokens/${id}/revoke`, {});
    expect(res.statusCode).toBe(404);
    expect((await api('/api/v1/me', theirs)).statusCode).toBe(200);
    expect((await b.get('/account/tokens')).body).not.toContain('Theirs');
  });

  it('refuses a revoke without a CSRF token', async () => {
    await createToken('Kept', ['me:read']);
    const { id } = await t.db.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow();
    const res = await b.post(`/account/tokens/${id}/revoke`, {}, { csrf: false });
    expect(res.statusCode).toBe(403);
    const row = await t.db.db.selectFrom('api_tokens').select('revoked_at').executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it('audits creating and revoking, without the token value', async () => {
    const token = tokenValue(await createToken('Audited', ['org:read']));
    const { id } = await t.db.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow();
    await b.get('/account/tokens');
    await b.post(`/account/tokens/${id}/revoke`, {});
    const rows = await t.db.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'api_token').orderBy('id').execute();
    expect(rows.map((r) => [r.action, r.actor_user_id, r.entity_id])).toEqual([
      ['api_token.created', nurseId, String(id)],
      ['api_token.revoked', nurseId, String(id)],
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});
