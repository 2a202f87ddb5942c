import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nowIso } from '../../platform/db/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';
import { addParticipant, insertPromise, insertWorkshop } from '../promises/test-support.ts';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

describe("a person's account data: export and erasure", () => {
  let t: TestApp;
  let admin: Browser;
  let adminId: number;
  let carerId: number;
  beforeEach(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    adminId = await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin');
    carerId = await createUser(t.db, 'cara@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Cara Carer');
    admin = new Browser(t.app);
    await admin.signIn('admin@example.org');
  });
  afterEach(() => t.close());

  it('exports everything held about the account, without the password hash, and audits it', async () => {
    await new Browser(t.app).signIn('cara@example.org');
    const res = await admin.get(`/admin/users/${carerId}/export`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const data = res.json<{ account: Record<string, unknown>; roles: { role: string }[]; audit_about_them: { action: string }[] }>();
    expect(data.account.email).toBe('cara@example.org');
    expect(data.account).not.toHaveProperty('password_hash');
    expect(data.roles).toEqual([{ unit: 'North Community Team', role: 'partner' }]);
    expect(data.audit_about_them.map((a) => a.action)).toContain('sign_in');
    const logged = await t.db.db.selectFrom('audit_log').select('action').where('subject_user_id', '=', carerId).where('action', '=', 'user.exported').execute();
    expect(logged).toHaveLength(1);
  });

  it('erases an account: nothing identifies them, they are signed out, and counts survive', async () => {
    const carer = new Browser(t.app);
    await carer.signIn('cara@example.org');
    await enqueueEmail(t.db.db, { idempotencyKey: 'pending-to-cara', to: 'cara@example.org', subject: 'Papers', text: 'x' });
    expect((await admin.get(`/admin/users/${carerId}/erase`)).body).toContain('This cannot be undone');
    const res = await admin.post(`/admin/users/${carerId}/erase`, {});
    expect(res.statusCode).toBe(303);
    const row = await t.db.db.selectFrom('users').selectAll().where('id', '=', carerId).executeTakeFirstOrThrow();
    expect(row.email).not.toContain('cara');
    expect(row.name).not.toContain('Cara');
    expect(row.password_hash).toBeNull();
    expect((await carer.get('/')).statusCode).toBe(302);
    expect((await new Browser(t.app).signIn('cara@example.org')).statusCode).toBe(401);
    expect(await t.db.db.selectFrom('outbox').select('id').where('recipient', '=', 'cara@example.org').execute()).toHaveLength(0);
    // The audit trail keeps its rows (append-only); the user row they point at is anonymous.
    const trail = await t.db.db.selectFrom('audit_log').select('action').where('subject_user_id', '=', carerId).execute();
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['sign_in', 'user.erased']));
  });

  it('erases what they wrote in workshops and what they followed, and exports their promises first', async () => {
    const org = await t.db.db.selectFrom('org_units').select('id').where('name', '=', 'North Community Team').executeTakeFirstOrThrow();
    const workshop = await insertWorkshop(t.db, org.id);
    const promise = await insertPromise(t.db, workshop, await addParticipant(t.db, workshop, carerId), { text: 'Ask every carer how their week went' });
    await t.db.db.insertInto('story_follows').values({ user_id: carerId, unit_id: org.id, tag: null, created_at: nowIso() }).execute();
    await t.db.db.insertInto('story_digest_settings').values({ user_id: carerId, frequency: 'daily', last_sent_at: null, last_seen_at: null, updated_at: nowIso() }).execute();
    expect(JSON.stringify((await admin.get(`/admin/users/${carerId}/export`)).json())).toContain('Ask every carer how their week went');
    expect((await admin.post(`/admin/users/${carerId}/erase`, {})).statusCode).toBe(303);
    const kept = await t.db.db.selectFrom('promises').select(['text', 'progress']).where('id', '=', promise).executeTakeFirstOrThrow();
    expect(kept.text).not.toContain('carer');
    expect(await t.db.db.selectFrom('story_follows').select('id').where('user_id', '=', carerId).execute()).toHaveLength(0);
    expect(await t.db.db.selectFrom('story_digest_settings').select('user_id').where('user_id', '=', carerId).execute()).toHaveLength(0);
  });

  it('will not let an admin erase their own account', async () => {
    const res = await admin.post(`/admin/users/${adminId}/erase`, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot erase your own account');
  });
});
