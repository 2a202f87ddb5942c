import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

describe('organisation units', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    await createUser(t.db, 'north-admin@example.org', [{ unitId: org.north.id, role: 'admin' }]);
    await createUser(t.db, 'viewer@example.org', [{ unitId: org.northTeam.id, role: 'viewer' }]);
  });
  afterEach(() => t.close());

  it('shows the whole tree to a trust admin', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    const page = await b.get('/org');
    expect(page.statusCode).toBe(200);
    for (const name of ['Test NHS Trust', 'North Borough', 'South Borough', 'South Community Team']) expect(page.body).toContain(name);
  });

  it('shows a borough admin only their borough, and hides the other as not found', async () => {
    const b = new Browser(t.app);
    await b.signIn('north-admin@example.org');
    const page = await b.get('/org');
    expect(page.body).toContain('North Community Team');
    expect(page.body).not.toContain('South Borough');
    expect((await b.get(`/org/${org.south.id}`)).statusCode).toBe(404);
  });

  it('adds a team under a borough, audited', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    await b.get('/org/new');
    const res = await b.post('/org', { name: 'Isle of Dogs CMHT', kind: 'team', parentId: String(org.north.id) });
    expect(res.statusCode).toBe(303);
    const page = await b.get(res.headers.location as string);
    expect(page.body).toContain('Isle of Dogs CMHT');
    expect(page.body).toContain('has been added');
    const unit = await t.db.db.selectFrom('org_units').selectAll().where('name', '=', 'Isle of Dogs CMHT').executeTakeFirstOrThrow();
    expect(unit.path).toBe(`${org.north.path}${unit.id}/`);
    const auditRow = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'org_unit.created').executeTakeFirst();
    expect(auditRow?.entity_id).toBe(String(unit.id));
  });

  it('re-renders a bad form with the input kept and every problem named', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    await b.get('/org/new');
    const res = await b.post('/org', { name: 'X', parentId: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('The name must be 2 characters or more');
    expect(res.body).toContain('Choose the type of unit');
    expect(res.body).toContain('Choose the unit this one sits inside');
    expect(res.body).toContain('value="X"');
    expect(res.body).toContain('href="#kind"');
  });

  it('refuses to add a second trust', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    await b.get('/org/new');
    const res = await b.post('/org', { name: 'Another Trust', kind: 'trust', parentId: String(org.trust.id) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="Another Trust"');
  });

  it('does not let a borough admin add under another borough', async () => {
    const b = new Browser(t.app);
    await b.signIn('north-admin@example.org');
    await b.get('/org/new');
    const res = await b.post('/org', { name: 'Sneaky Team', kind: 'team', parentId: String(org.south.id) });
    expect(res.statusCode).toBe(404);
    expect(await t.db.db.selectFrom('org_units').select('id').where('name', '=', 'Sneaky Team').executeTakeFirst()).toBeUndefined();
  });

  it('lets a viewer look but not change', async () => {
    const b = new Browser(t.app);
    await b.signIn('viewer@example.org');
    expect((await b.get(`/org/${org.northTeam.id}`)).statusCode).toBe(200);
    expect((await b.get('/org/new')).statusCode).toBe(403);
    const res = await b.post(`/org/${org.northTeam.id}`, { name: 'Renamed' });
    expect(res.statusCode).toBe(404);
  });

  it('renames and archives a unit, but not one with units inside', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    await b.get(`/org/${org.north.id}`);
    expect((await b.post(`/org/${org.north.id}`, { name: 'North East Borough' })).statusCode).toBe(303);
    const blocked = await b.post(`/org/${org.north.id}/archive`, {});
    expect(blocked.statusCode).toBe(400);
    expect(blocked.body).toContain('Archive or move the units inside this one first');
    expect((await b.post(`/org/${org.northTeam.id}/archive`, {})).statusCode).toBe(303);
    expect((await b.get('/org')).body).not.toContain('North Community Team');
  });

  it('treats a non-numeric id as not found, not an error', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    expect((await b.get('/org/abc')).statusCode).toBe(404);
    // Beyond a 32-bit id (PostgreSQL's serial): still simply not found.
    expect((await b.get('/org/9007199254740991')).statusCode).toBe(404);
    expect((await b.get('/org/2147483648')).statusCode).toBe(404);
  });
});
