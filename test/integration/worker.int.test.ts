import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/platform/auth/sessions.ts';
import { createMailer, enqueueEmail } from '../../src/platform/outbox/index.ts';
import { runBackgroundWork } from '../../src/platform/worker.ts';
import { createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';

describe('the background worker', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('delivers the outbox and deletes expired sessions, then stops when asked', async () => {
    const org = await seedOrg(t.db);
    const userId = await createUser(t.db, 'lead@example.org', [{ unitId: org.trust.id, role: 'lead' }]);
    await createSession(t.db.db, userId, null);
    const old = new Date(Date.now() - 2 * t.config.sessionAbsoluteMs).toISOString();
    await t.db.db.insertInto('sessions').values({ id_hash: 'stale', user_id: userId, created_at: old, last_seen_at: old, ip: null }).execute();
    await enqueueEmail(t.db.db, { idempotencyKey: 'w1', to: 'lead@example.org', subject: 'Hello', text: 'Hi' });

    const logged: string[] = [];
    const controller = new AbortController();
    const log = { info: (_o: object, m: string) => void logged.push(m), error: (_o: object, m: string) => void logged.push(m) };
    const running = runBackgroundWork({ db: t.db.db, dialect: t.db.dialect, config: t.config, mailer: createMailer({ dataDir: t.database.dataDir }), log }, controller.signal, 20);
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await running;

    const sessions = await t.db.db.selectFrom('sessions').select('id_hash').execute();
    expect(sessions.map((s) => s.id_hash)).not.toContain('stale');
    expect(sessions).toHaveLength(1);
    expect((await t.db.db.selectFrom('outbox').select('status').executeTakeFirstOrThrow()).status).toBe('sent');
    expect(logged).toContain('outbox delivery');
  });
});
