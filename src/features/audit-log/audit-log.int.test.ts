import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../../platform/audit/index.ts';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

describe('audit log', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let nurseId: number;
  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin');
    await createUser(t.db, 'north-admin@example.org', [{ unitId: org.north.id, role: 'admin' }]);
    nurseId = await createUser(t.db, 'nurse@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Nia Nurse');
  });
  afterEach(() => t.close());

  it('records sign-ins and shows them to a trust admin, filtered by person', async () => {
    await new Browser(t.app).signIn('nurse@example.org');
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    const table = (html: string) => html.split('<tbody')[1] ?? '';
    const all = await b.get('/admin/audit');
    expect(all.statusCode).toBe(200);
    expect(table(all.body)).toContain('Nia Nurse');
    expect(table(all.body)).toContain('Ada Admin');
    const nurseOnly = await b.get('/admin/audit?person=nia');
    expect(table(nurseOnly.body)).toContain('Nia Nurse');
    expect(table(nurseOnly.body)).not.toContain('Ada Admin');
  });

  it('filters by record and by date', async () => {
    await audit(t.db.db, { actorUserId: null, ip: null }, { action: 'test.thing', entityType: 'widget', entityId: 42 });
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    const byRecord = await b.get('/admin/audit?entityType=widget&entityId=42');
    expect(byRecord.body).toContain('test.thing');
    expect(byRecord.body).not.toContain('sign_in<');
    const past = await b.get('/admin/audit?from=2001-01-01&to=2001-01-02');
    expect(past.body).toContain('No entries match these filters.');
  });

  it('explains a bad date instead of failing', async () => {
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    const res = await b.get('/admin/audit?from=yesterday&to=2001-01-01');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a real date');
    expect(res.body).toContain('value="yesterday"');
  });

  it('pages through older entries without repeating any', async () => {
    for (let i = 0; i < 60; i++) await audit(t.db.db, { actorUserId: null, ip: null }, { action: `bulk.${i}`, entityType: 'bulk' });
    const b = new Browser(t.app);
    await b.signIn('admin@example.org');
    const first = await b.get('/admin/audit?entityType=bulk');
    const next = /href="(\/admin\/audit\?[^"]+)"/.exec(first.body.replaceAll('&amp;', '&'))?.[1];
    expect(next).toContain('before=');
    const second = await b.get(next as string);
    const actions = (html: string) => [...html.matchAll(/<code>(bulk\.\d+)<\/code>/g)].map((m) => m[1]);
    const a = actions(first.body);
    const c = actions(second.body);
    expect(a).toHaveLength(50);
    expect(c).toHaveLength(10);
    expect(new Set([...a, ...c]).size).toBe(60);
  });

  it('is only for admins of the whole trust', async () => {
    const nurse = new Browser(t.app);
    await nurse.signIn('nurse@example.org');
    expect((await nurse.get('/admin/audit')).statusCode).toBe(403);
    const borough = new Browser(t.app);
    await borough.signIn('north-admin@example.org');
    expect((await borough.get('/admin/audit')).statusCode).toBe(403);
  });

  it('is append-only in the database itself', async () => {
    await audit(t.db.db, { actorUserId: nurseId, ip: '127.0.0.1' }, { action: 'x', entityType: 'y' });
    await expect(sql`UPDATE audit_log SET action = 'changed'`.execute(t.db.db)).rejects.toThrow();
    await expect(sql`DELETE FROM audit_log`.execute(t.db.db)).rejects.toThrow();
    const rows = await t.db.db.selectFrom('audit_log').select('action').where('action', '=', 'x').execute();
    expect(rows).toHaveLength(1);
  });
});
