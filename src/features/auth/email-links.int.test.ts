import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, PASSWORD, seedOrg, type TestApp } from '../../../test/support/app.ts';

/** The path of the link in the newest queued email to this address. */
async function linkFromOutbox(t: TestApp, to: string): Promise<string> {
  const row = await t.db.db.selectFrom('outbox').selectAll().where('recipient', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const match = /http:\/\/localhost:3000(\/\S+)/.exec(row.body_text);
  if (!match?.[1]) throw new Error('no link in email');
  return match[1];
}

describe('sign-in and reset links sent by email', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    await createUser(t.db, 'carer@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Cara Carer');
  });
  afterEach(() => t.close());

  it('signs in with a magic link, which works only once', async () => {
    const b = new Browser(t.app);
    await b.get('/sign-in/link');
    const asked = await b.post('/sign-in/link', { email: 'carer@example.org' });
    expect(asked.body).toContain('Check your email');
    const link = await linkFromOutbox(t, 'carer@example.org');
    // Opening the link (as a mail scanner would) does not use it up.
    expect((await b.get(link)).statusCode).toBe(200);
    const used = await b.post(link, {});
    expect(used.statusCode).toBe(303);
    expect((await b.get('/')).body).toContain('Hello, Cara Carer');
    const again = await new Browser(t.app).post(link, {});
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('expired or has been used');
  });

  it('answers the same for an unknown email and sends nothing', async () => {
    const b = new Browser(t.app);
    await b.get('/sign-in/link');
    const res = await b.post('/sign-in/link', { email: 'stranger@example.org' });
    expect(res.body).toContain('Check your email');
    expect(await t.db.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
  });

  it('does not accept an expired magic link', async () => {
    const b = new Browser(t.app);
    await b.get('/sign-in/link');
    await b.post('/sign-in/link', { email: 'carer@example.org' });
    const link = await linkFromOutbox(t, 'carer@example.org');
    await t.db.db.updateTable('sign_in_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    expect((await b.post(link, {})).statusCode).toBe(400);
  });

  it('resets a forgotten password: the new one works, the old one and old sessions do not', async () => {
    const old = new Browser(t.app);
    await old.signIn('carer@example.org');
    const b = new Browser(t.app);
    await b.get('/forgot-password');
    await b.post('/forgot-password', { email: 'carer@example.org' });
    const link = await linkFromOutbox(t, 'carer@example.org');
    expect((await b.get(link)).body).toContain('carer@example.org');
    const short = await b.post(link, { password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('12 characters or more');
    const mismatch = await b.post(link, { password: 'a brand new passphrase', confirm: 'something else entirely' });
    expect(mismatch.body).toContain('The passwords do not match');
    const done = await b.post(link, { password: 'a brand new passphrase', confirm: 'a brand new passphrase' });
    expect(done.statusCode).toBe(303);
    expect((await old.get('/')).statusCode).toBe(302);
    expect((await new Browser(t.app).signIn('carer@example.org', PASSWORD)).statusCode).toBe(401);
    expect((await new Browser(t.app).signIn('carer@example.org', 'a brand new passphrase')).statusCode).toBe(303);
  });

  it('does not send links to a disabled account', async () => {
    await t.db.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).execute();
    const b = new Browser(t.app);
    await b.get('/forgot-password');
    await b.post('/forgot-password', { email: 'carer@example.org' });
    expect(await t.db.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
  });
});
