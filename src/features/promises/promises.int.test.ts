import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { isUniqueViolation } from '../../platform/db/index.ts';
import { londonDate } from '../projects/service.ts';
import { scheduledJobs } from '../jobs.ts';
import { addDays, erasePromisesOfUser, promiseRemindersJob, promisesExportForUser, sendCheckInReminders } from './service.ts';
import { addParticipant, ctxFor, dateFields, insertPromise, insertWorkshop, seedPromises, setWinner, signedIn } from './test-support.ts';

const today = () => londonDate();

describe('promises', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPromises>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPromises(t);
  });
  afterEach(() => t.close());

  const promiseOf = (participantId: number) => t.db.db.selectFrom('promises').selectAll().where('participant_id', '=', participantId).executeTakeFirst();
  const outbox = () => t.db.db.selectFrom('outbox').selectAll().orderBy('id').execute();
  const auditActions = async (action: string) => (await t.db.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', action).execute()).length;

  it('lets a participant make one promise, then change it; bad input is explained and kept', async () => {
    const alice = await signedIn(t, 'alice@example.org');
    const base = `/workshops/${s.workshop}/promise`;
    const form = await alice.get(base);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Make your promise');

    const empty = await alice.post(base, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write your promise');
    expect(empty.body).toContain('Choose whether to share your promise');
    expect(empty.body).toContain('Enter the date we should check in with you');

    const past = await alice.post(base, { text: 'Talk to my team about feedback', shared: 'no', ...dateFields(today()) });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('The check-in date must be in the future');
    expect(past.body).toContain('Talk to my team about feedback'); // what was typed is kept

    const notReal = await alice.post(base, { text: 'x', shared: 'no', checkInDay: '31', checkInMonth: '2', checkInYear: '2030' });
    expect(notReal.body).toContain('The check-in date must be a real date');
    const tooFar = await alice.post(base, { text: 'x', shared: 'no', ...dateFields(addDays(today(), 800)) });
    expect(tooFar.body).toContain('within the next 2 years');
    const tooLong = await alice.post(base, { text: 'a'.repeat(1001), shared: 'no', ...dateFields(addDays(today(), 7)) });
    expect(tooLong.body).toContain('1000 characters or fewer');
    expect(await promiseOf(s.participants.alice)).toBeUndefined();

    const checkIn = addDays(today(), 28);
    const made = await alice.post(base, { text: 'Talk to my team about feedback', shared: 'no', ...dateFields(checkIn) });
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe('/my-promises');
    // /my-promises is one step from the menu's Workshops page.
    expect((await alice.get('/workshops')).body).toContain('href="/my-promises"');
    expect(await promiseOf(s.participants.alice)).toMatchObject({ workshop_id: s.workshop, text: 'Talk to my team about feedback', shared: 0, check_in_on: checkIn, progress: 'not_yet' });

    // The form now shows the promise to change; a second post changes the same row.
    const again = await alice.get(base);
    expect(again.body).toContain('Change your promise');
    expect(again.body).toContain('Talk to my team about feedback');
    expect((await alice.post(base, { text: 'Share one story at each huddle', shared: 'yes', ...dateFields(checkIn) })).statusCode).toBe(303);
    const rows = await t.db.db.selectFrom('promises').selectAll().where('participant_id', '=', s.participants.alice).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ text: 'Share one story at each huddle', shared: 1 });
    // The database refuses a second promise for the participant, whatever the code does.
    await expect(insertPromise(t.db, s.workshop, s.participants.alice)).rejects.toSatisfy(isUniqueViolation);

    // Audited, without the words.
    const audits = await t.db.db.selectFrom('audit_log').select(['action', 'details']).where('entity_type', '=', 'promise').execute();
    expect(audits.map((a) => a.action)).toEqual(['promise.created', 'promise.updated']);
    expect(JSON.stringify(audits)).not.toContain('huddle');
    expect(JSON.parse(audits[1]?.details ?? '{}')).toMatchObject({ changed: ['text', 'shared'] });

    // Only participants write promises: the organiser (not a participant) and outsiders get a 404; nonsense ids too.
    for (const [email, url] of [['staff@example.org', base], ['olly@example.org', base], ['alice@example.org', '/workshops/99999/promise'], ['alice@example.org', '/workshops/abc/promise'], ['alice@example.org', '/workshops/99999999999/promise']] as const) {
      const b = await signedIn(t, email);
      expect((await b.get(url)).statusCode, `${email} ${url}`).toBe(404);
      expect((await b.post(url, { text: 'x', shared: 'no', ...dateFields(checkIn) })).statusCode, `${email} POST ${url}`).toBe(404);
    }
  });

  it('keeps a promise’s words to its participant and the organisers unless they share it, in every view', async () => {
    const alicePromise = await insertPromise(t.db, s.workshop, s.participants.alice, { text: 'ALICE-PRIVATE words', shared: 0, progress: 'in_progress' });
    await insertPromise(t.db, s.workshop, s.participants.bob, { text: 'BOB-SHARED words', shared: 1, progress: 'kept' });
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.post(`/workshops/${s.workshop}/promises/supporters`, { kind: 'person', personParticipant: 'all', email: 'sue@example.org' })).statusCode).toBe(303);
    expect((await lead.post(`/workshops/${s.workshop}/promises/supporters`, { kind: 'group', groupParticipant: String(s.participants.alice), groupId: String(s.group) })).statusCode).toBe(303);

    // Organisers see every promise's words.
    for (const email of ['staff@example.org', 'lead@example.org']) {
      const list = await (await signedIn(t, email)).get(`/workshops/${s.workshop}/promises`);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('ALICE-PRIVATE words');
      expect(list.body).toContain('BOB-SHARED words');
      expect(list.body).toContain('Cara Cole');
      expect(list.body).toContain('Not made yet');
    }
    // The participant sees their own.
    const mine = await (await signedIn(t, 'alice@example.org')).get('/my-promises');
    expect(mine.body).toContain('ALICE-PRIVATE words');
    expect(mine.body).toContain('Only you and the organisers');

    // A supporter (named, or through the group) sees the shared words and only the progress of the private one.
    for (const email of ['sue@example.org', 'gus@example.org']) {
      const page = await (await signedIn(t, email)).get('/my-promises');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Alice Ash');
      expect(page.body).toContain('A private promise');
      expect(page.body).not.toContain('ALICE-PRIVATE');
      if (email === 'sue@example.org') expect(page.body).toContain('BOB-SHARED words');
      expect(page.body).toContain(`/my-promises/supporting/${alicePromise}/encourage`);
    }

    // Another participant sees what was shared, never the private one.
    const cara = await (await signedIn(t, 'cara@example.org')).get(`/workshops/${s.workshop}/promise`);
    expect(cara.body).toContain('BOB-SHARED words');
    expect(cara.body).not.toContain('ALICE-PRIVATE');

    // Nobody else reaches the list: a participant is refused, other units' staff and outsiders see nothing.
    expect((await (await signedIn(t, 'alice@example.org')).get(`/workshops/${s.workshop}/promises`)).statusCode).toBe(403);
    expect((await (await signedIn(t, 'south@example.org')).get(`/workshops/${s.workshop}/promises`)).statusCode).toBe(404);
    expect((await (await signedIn(t, 'olly@example.org')).get(`/workshops/${s.workshop}/promises`)).statusCode).toBe(404);
    const olly = await (await signedIn(t, 'olly@example.org')).get('/my-promises');
    expect(olly.body).not.toContain('Alice Ash');
    expect(olly.body).toContain('You are not supporting anyone yet');

    // The public progress page: counts only, never words or names.
    await t.db.db.updateTable('workshops').set({ progress_public: 1 }).where('id', '=', s.workshop).execute();
    const progress = await t.app.inject({ method: 'GET', url: `/workshops/${s.workshop}/progress` });
    expect(progress.statusCode).toBe(200);
    for (const secret of ['ALICE-PRIVATE', 'BOB-SHARED', 'Alice Ash', 'Bob Birch', 'Cara Cole']) expect(progress.body).not.toContain(secret);

    // The reminder to a supporter quotes a shared promise, never a private one.
    await t.db.db.updateTable('promises').set({ check_in_on: today(), progress: 'in_progress' }).execute();
    await sendCheckInReminders(await ctxFor(t, null));
    const prompts = (await outbox()).filter((m) => m.idempotency_key.startsWith('promise-support-prompt:'));
    expect(prompts.some((m) => m.body_text.includes('BOB-SHARED'))).toBe(true);
    expect(prompts.some((m) => m.body_text.includes('ALICE-PRIVATE'))).toBe(false);
    expect(prompts.filter((m) => m.body_text.includes('made a private promise')).length).toBeGreaterThan(0);

    expect(await auditActions('promises.viewed')).toBe(2);
    expect(await auditActions('promises.supporting_viewed')).toBe(2);
  });

  it('assigns involvement groups (members with accounts) and named supporters, to one or everyone, and removes them', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    const url = `/workshops/${s.workshop}/promises/supporters`;
    const supporters = () => t.db.db.selectFrom('promise_supporters').selectAll().orderBy('id').execute();

    // Bad forms are explained, with what was typed kept.
    const bad = await staff.post(url, { kind: 'person', personParticipant: String(s.participants.alice), email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter an email address in the right format');
    expect(bad.body).toContain('not-an-email');
    expect((await staff.post(url, { kind: 'person', personParticipant: String(s.participants.alice), email: 'nobody@example.org' })).body).toContain('Nobody with an account has that email address');
    expect((await staff.post(url, { kind: 'person', personParticipant: String(s.participants.alice), email: 'alice@example.org' })).body).toContain('cannot support their own promise');
    expect((await staff.post(url, { kind: 'group', groupParticipant: String(s.participants.alice) })).body).toContain('Choose an involvement group');
    // A group in another unit's register is not one this organiser can choose.
    expect((await staff.post(url, { kind: 'group', groupParticipant: String(s.participants.alice), groupId: String(s.southGroup) })).statusCode).toBe(400);
    // A participant of another workshop cannot be chosen.
    const other = await insertWorkshop(t.db, s.org.northTeam.id, { title: 'Another workshop' });
    const otherParticipant = await addParticipant(t.db, other, s.users.outsider);
    expect((await staff.post(url, { kind: 'group', groupParticipant: String(otherParticipant), groupId: String(s.group) })).body).toContain('Choose who they will support');
    expect((await staff.post(url, { kind: 'group', groupParticipant: 'nonsense', groupId: String(s.group) })).statusCode).toBe(400);
    expect(await supporters()).toEqual([]);

    // The group to everyone at once; again changes nothing.
    const bulk = await staff.post(url, { kind: 'group', groupParticipant: 'all', groupId: String(s.group) });
    expect(bulk.statusCode).toBe(303);
    expect((await staff.get(`/workshops/${s.workshop}/promises`)).body).toContain('Supporter assigned to 3 participants');
    expect((await supporters()).map((r) => [r.participant_id, r.group_id, r.user_id, r.assigned_by])).toEqual(
      [s.participants.alice, s.participants.bob, s.participants.cara].map((p) => [p, s.group, null, s.users.staff]),
    );
    await staff.post(url, { kind: 'group', groupParticipant: 'all', groupId: String(s.group) });
    expect(await supporters()).toHaveLength(3);
    // A named supporter for Bob.
    expect((await staff.post(url, { kind: 'person', personParticipant: String(s.participants.bob), email: 'SUE@example.org' })).statusCode).toBe(303);
    expect((await supporters()).at(-1)).toMatchObject({ participant_id: s.participants.bob, user_id: s.users.sue, group_id: null });

    // The group's members are resolved through their accounts: Gus (current, with an account)
    // supports; the member without an account cannot; Fay (who left the group) no longer does.
    await insertPromise(t.db, s.workshop, s.participants.bob, { shared: 1, text: 'Bob promise' });
    const list = await staff.get(`/workshops/${s.workshop}/promises`);
    expect(list.body).toContain('Working Together Group (group, 1 member with an account)');
    expect((await (await signedIn(t, 'gus@example.org')).get('/my-promises')).body).toContain('Bob promise');
    expect((await (await signedIn(t, 'fay@example.org')).get('/my-promises')).body).not.toContain('Bob promise');

    // Removing: only a supporter of this workshop, by its organisers.
    const sueRow = (await supporters()).at(-1);
    const removeUrl = `/workshops/${s.workshop}/promises/supporters/${sueRow?.id}/remove`;
    expect((await (await signedIn(t, 'south@example.org')).post(removeUrl, {})).statusCode).toBe(404);
    expect((await (await signedIn(t, 'bob@example.org')).post(removeUrl, {})).statusCode).toBe(403);
    expect((await staff.post(`/workshops/${other}/promises/supporters/${sueRow?.id}/remove`, {})).statusCode).toBe(404);
    expect((await staff.post(removeUrl, {})).statusCode).toBe(303);
    expect(await supporters()).toHaveLength(3);
    expect((await staff.post(removeUrl, {})).statusCode).toBe(404);
    expect(await auditActions('promise.supporter_assigned')).toBe(4);
    expect(await auditActions('promise.supporter_removed')).toBe(1);
  });

  it('records check-ins: progress follows, the next check-in moves by the weeks chosen, and stops when kept', async () => {
    const promiseId = await insertPromise(t.db, s.workshop, s.participants.alice, { check_in_on: addDays(today(), -1) });
    const alice = await signedIn(t, 'alice@example.org');
    const url = `/my-promises/${promiseId}/check-ins`;

    const bad = await alice.post(url, { note: 'Busy month' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose how it is going');
    expect(bad.body).toContain(`href="#progress-${promiseId}"`);
    expect(bad.body).toContain('Busy month');
    expect((await alice.post(url, { progress: 'in_progress', nextInWeeks: '3' })).statusCode).toBe(400);

    // Someone else's promise does not exist for them.
    expect((await (await signedIn(t, 'bob@example.org')).post(url, { progress: 'kept' })).statusCode).toBe(404);
    expect((await (await signedIn(t, 'staff@example.org')).post(url, { progress: 'kept' })).statusCode).toBe(404);

    const first = await alice.post(url, { progress: 'in_progress', note: 'Shared two stories', nextInWeeks: '2' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/my-promises#promise-${promiseId}`);
    expect(await promiseOf(s.participants.alice)).toMatchObject({ progress: 'in_progress', check_in_on: addDays(today(), 14) });
    // Four weeks unless the participant says.
    await alice.post(url, { progress: 'not_yet' });
    expect(await promiseOf(s.participants.alice)).toMatchObject({ progress: 'not_yet', check_in_on: addDays(today(), 28) });
    await alice.post(url, { progress: 'kept', nextInWeeks: '1' });
    expect(await promiseOf(s.participants.alice)).toMatchObject({ progress: 'kept', check_in_on: addDays(today(), 28) });

    const checkIns = await t.db.db.selectFrom('promise_check_ins').select(['progress', 'note']).where('promise_id', '=', promiseId).orderBy('id').execute();
    expect(checkIns).toEqual([{ progress: 'in_progress', note: 'Shared two stories' }, { progress: 'not_yet', note: null }, { progress: 'kept', note: null }]);
    const page = await alice.get('/my-promises');
    expect(page.body).toContain('Well done for keeping your promise');
    expect(page.body).toContain('None: kept');
    expect(page.body).toContain('Shared two stories');
    expect(await auditActions('promise.checked_in')).toBe(3);
    const audit = await t.db.db.selectFrom('audit_log').select('details').where('action', '=', 'promise.checked_in').execute();
    expect(JSON.stringify(audit)).not.toContain('Shared two stories');
  });

  it('sends encouragement in the app and by email through the outbox, only from supporters', async () => {
    const promiseId = await insertPromise(t.db, s.workshop, s.participants.alice);
    await t.db.db.insertInto('promise_supporters').values({ participant_id: s.participants.alice, user_id: s.users.sue, group_id: null, assigned_by: s.users.staff, assigned_at: new Date().toISOString() }).execute();
    const url = `/my-promises/supporting/${promiseId}/encourage`;
    const sue = await signedIn(t, 'sue@example.org');

    const empty = await sue.post(url, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write a message');
    expect(empty.body).toContain(`href="#message-${promiseId}"`);
    for (const email of ['olly@example.org', 'bob@example.org', 'staff@example.org', 'alice@example.org']) {
      expect((await (await signedIn(t, email)).post(url, { message: 'Go on!' })).statusCode, email).toBe(404);
    }
    expect((await sue.post('/my-promises/supporting/99999999999/encourage', { message: 'x' })).statusCode).toBe(404);

    const sent = await sue.post(url, { message: 'You can do it, Alice!' });
    expect(sent.statusCode).toBe(303);
    const [encouragement] = await t.db.db.selectFrom('promise_encouragements').selectAll().execute();
    expect(encouragement).toMatchObject({ promise_id: promiseId, from_user_id: s.users.sue, message: 'You can do it, Alice!' });
    const mail = await outbox();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ idempotency_key: `promise-encouragement:${encouragement?.id}`, recipient: 'alice@example.org', channel: 'email', subject: 'Sue Supporter sent you encouragement' });
    expect(mail[0]?.body_text).toContain('You can do it, Alice!');
    expect(mail[0]?.body_text).toContain('http://localhost:3000/my-promises');

    const alicePage = await (await signedIn(t, 'alice@example.org')).get('/my-promises');
    expect(alicePage.body).toContain('You can do it, Alice!');
    expect(alicePage.body).toContain('From Sue Supporter');
    expect(await auditActions('promise.encouraged')).toBe(1);
  });

  it('reminds each participant once per check-in date (in London), prompts their supporters, and is safe to run twice', async () => {
    await t.db.db.insertInto('promise_supporters').values({ participant_id: s.participants.alice, user_id: null, group_id: s.group, assigned_by: null, assigned_at: new Date().toISOString() }).execute();
    await t.db.db.insertInto('promise_supporters').values({ participant_id: s.participants.alice, user_id: s.users.sue, group_id: null, assigned_by: null, assigned_at: new Date().toISOString() }).execute();
    // Gus supports Alice through the group, Sue by name; Bob and Cara have no supporters.
    const alice = await insertPromise(t.db, s.workshop, s.participants.alice, { check_in_on: '2030-06-02', progress: 'in_progress' });
    await insertPromise(t.db, s.workshop, s.participants.bob, { check_in_on: '2030-06-03' });
    await insertPromise(t.db, s.workshop, s.participants.cara, { check_in_on: '2030-05-01', progress: 'kept' });
    const ctx = await ctxFor(t, null);

    // 22:30 UTC on 1 June is 23:30 in London: not yet Alice's date.
    expect(await sendCheckInReminders(ctx, new Date('2030-06-01T22:30:00Z'))).toEqual({ reminders: 0, prompts: 0 });
    // 23:30 UTC is 00:30 on 2 June in London (BST): Alice's day. Cara kept hers; Bob's is tomorrow.
    expect(await sendCheckInReminders(ctx, new Date('2030-06-01T23:30:00Z'))).toEqual({ reminders: 1, prompts: 2 });
    const mail = await outbox();
    expect(mail.map((m) => [m.idempotency_key, m.recipient])).toEqual([
      [`promise-check-in:${alice}:2030-06-02`, 'alice@example.org'],
      [`promise-support-prompt:${alice}:2030-06-02:${s.users.sue}`, 'sue@example.org'],
      [`promise-support-prompt:${alice}:2030-06-02:${s.users.gus}`, 'gus@example.org'],
    ]);
    expect(mail[0]?.body_text).toContain('http://localhost:3000/my-promises');
    expect(mail[0]?.body_text).toContain('2 June 2030');

    // Again, later the same day or the day after: nothing new for Alice (Bob's date has now come).
    expect(await sendCheckInReminders(ctx, new Date('2030-06-02T09:00:00Z'))).toEqual({ reminders: 0, prompts: 0 });
    expect(await sendCheckInReminders(ctx, new Date('2030-06-03T09:00:00Z'))).toEqual({ reminders: 1, prompts: 0 });
    expect(await outbox()).toHaveLength(4);
    // The worker runs it through the jobs list, which reports the counts.
    expect(scheduledJobs).toContain(promiseRemindersJob);
    expect(await promiseRemindersJob.run(ctx, new Date('2030-06-03T10:00:00Z'))).toEqual({ reminders: 0, prompts: 0 });
    // Two workers at once still write each message once.
    await t.db.db.updateTable('promises').set({ check_in_on: '2030-07-01' }).where('id', '=', alice).execute();
    await Promise.all([sendCheckInReminders(ctx, new Date('2030-07-01T12:00:00Z')), sendCheckInReminders(ctx, new Date('2030-07-01T12:00:00Z'))]);
    const keys = (await outbox()).map((m) => m.idempotency_key);
    expect(keys.filter((k) => k.startsWith(`promise-check-in:${alice}:2030-07-01`))).toHaveLength(1);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(7);
  });

  it('shows aggregate progress publicly only when the organiser allows it, and 404s for everyone else', async () => {
    await insertPromise(t.db, s.workshop, s.participants.alice, { progress: 'kept' });
    await insertPromise(t.db, s.workshop, s.participants.bob, { progress: 'in_progress' });
    await setWinner(t.db, s.workshop, 'Each team shares and discusses its feedback');
    const url = `/workshops/${s.workshop}/progress`;
    const anonymous = () => t.app.inject({ method: 'GET', url });

    expect((await anonymous()).statusCode).toBe(404);
    expect((await (await signedIn(t, 'olly@example.org')).get(url)).statusCode).toBe(404);
    expect((await (await signedIn(t, 'south@example.org')).get(url)).statusCode).toBe(404);
    for (const email of ['alice@example.org', 'cara@example.org', 'staff@example.org', 'lead@example.org']) {
      expect((await (await signedIn(t, email)).get(url)).statusCode, email).toBe(200);
    }

    await t.db.db.updateTable('workshops').set({ progress_public: 1 }).where('id', '=', s.workshop).execute();
    const page = await anonymous();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 of 2 promises kept so far');
    expect(page.body).toContain('Each team shares and discusses its feedback');
    expect(page.body).toContain('Kept: 1. In progress: 1. Not yet: 0. Not made yet: 1.');
    expect(page.body).toContain('3 people took part.');
    expect(page.body).toContain('33.3%');
    expect(page.body).not.toContain('Back to the workshop');
    for (const bad of ['/workshops/abc/progress', '/workshops/0/progress', '/workshops/99999999999/progress', '/workshops/99999/progress']) {
      expect((await t.app.inject({ method: 'GET', url: bad })).statusCode, bad).toBe(404);
    }
    // A workshop with nobody yet says so.
    const empty = await insertWorkshop(t.db, s.org.northTeam.id, { progress_public: 1 });
    expect((await t.app.inject({ method: 'GET', url: `/workshops/${empty}/progress` })).body).toContain('Nobody has made a promise yet');
  });

  it('lists participants a page at a time, narrowed by progress in SQL', async () => {
    const big = await insertWorkshop(t.db, s.org.northTeam.id, { title: 'Big workshop' });
    for (let i = 0; i < 30; i++) {
      const { id: user } = await t.db.db.insertInto('users').values({ email: `p${i}@example.org`, name: `Person ${String(i).padStart(2, '0')}`, password_hash: null, failed_sign_ins: 0, created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
      const participant = await addParticipant(t.db, big, user);
      if (i % 3 === 0) await insertPromise(t.db, big, participant, { progress: 'kept', text: `Kept promise ${i}` });
    }
    const staff = await signedIn(t, 'staff@example.org');
    // The table, not the "assign to" choices (which list everyone).
    const table = (body: string) => body.slice(0, body.indexOf('id="assign"'));
    const first = await staff.get(`/workshops/${big}/promises`);
    expect(table(first.body)).toContain('Person 24');
    expect(table(first.body)).not.toContain('Person 25');
    const next = /href="([^"]*after=\d+[^"]*)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await staff.get(String(next));
    expect(table(second.body)).toContain('Person 29');
    expect(table(second.body)).not.toContain('Person 24');
    const kept = await staff.get(`/workshops/${big}/promises?show=kept`);
    expect((kept.body.match(/Kept promise \d+/g) ?? []).length).toBe(10);
    expect(kept.body).toContain('10 of 10 promises kept so far');
    const none = await staff.get(`/workshops/${big}/promises?show=none`);
    expect(none.body).not.toContain('Kept promise');
    expect(table(none.body)).toContain('Person 01');
    expect(table(none.body)).not.toContain('Person 00');
    // Nonsense filters are dropped, never an error.
    expect((await staff.get(`/workshops/${big}/promises?show=bogus&after=x`)).statusCode).toBe(200);
  });
});

describe('promises and a user’s personal data', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPromises>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPromises(t);
  });
  afterEach(() => t.close());

  it('exports what the promise tables hold about a user, and erases their words while keeping the counts', async () => {
    const alicePromise = await insertPromise(t.db, s.workshop, s.participants.alice, { text: 'ALICE words', shared: 1, progress: 'kept' });
    const bobPromise = await insertPromise(t.db, s.workshop, s.participants.bob, { text: 'BOB words' });
    await t.db.db.insertInto('promise_check_ins').values({ promise_id: alicePromise, progress: 'kept', note: 'ALICE note', recorded_at: new Date().toISOString() }).execute();
    await t.db.db.insertInto('promise_encouragements').values([
      { promise_id: alicePromise, from_user_id: s.users.bob, message: 'BOB to ALICE', created_at: new Date().toISOString() },
      { promise_id: bobPromise, from_user_id: s.users.alice, message: 'ALICE to BOB', created_at: new Date().toISOString() },
      { promise_id: bobPromise, from_user_id: s.users.cara, message: 'CARA to BOB', created_at: new Date().toISOString() },
    ]).execute();
    await t.db.db.insertInto('promise_supporters').values({ participant_id: s.participants.bob, user_id: s.users.alice, group_id: null, assigned_by: null, assigned_at: new Date().toISOString() }).execute();

    const exported = await promisesExportForUser(t.db.db, s.users.alice);
    expect(exported.promises).toMatchObject([{ text: 'ALICE words', shared: true, progress: 'kept' }]);
    expect(exported.check_ins.map((c) => c.note)).toEqual(['ALICE note']);
    expect(exported.encouragement_received.map((e) => e.message)).toEqual(['BOB to ALICE']);
    expect(exported.encouragement_sent.map((e) => e.message)).toEqual(['ALICE to BOB']);
    expect(exported.supporting_by_name).toHaveLength(1);

    await erasePromisesOfUser(t.db.db, s.users.alice);
    const dump = JSON.stringify([
      await t.db.db.selectFrom('promises').selectAll().execute(),
      await t.db.db.selectFrom('promise_check_ins').selectAll().execute(),
      await t.db.db.selectFrom('promise_encouragements').selectAll().execute(),
    ]);
    expect(dump).not.toContain('ALICE');
    expect(dump).toContain('BOB words');
    expect(dump).toContain('CARA to BOB');
    expect(await promiseOf(t, s.participants.alice)).toMatchObject({ text: '(erased)', shared: 0, progress: 'kept' });
    expect(await t.db.db.selectFrom('promise_supporters').selectAll().where('user_id', '=', s.users.alice).execute()).toEqual([]);
  });
});

const promiseOf = (t: TestApp, participantId: number) => t.db.db.selectFrom('promises').selectAll().where('participant_id', '=', participantId).executeTakeFirst();
