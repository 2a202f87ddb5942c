import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createUser, type TestApp } from '../../../test/support/app.ts';
import { seedStories } from '../stories/test-support.ts';
import { digestKey, digestPeriod, sendStoryDigests } from './service.ts';
import { digests, follow, hoursBefore, jobContext, publishedStory, setFrequency } from './test-support.ts';

/** A Wednesday in winter (London is on GMT), mid-morning. */
const WED = new Date('2026-03-04T09:00:00.000Z');

describe('routing published stories to staff', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
    // Everyone hears daily, so one run on a Wednesday shows who gets what.
    for (const id of Object.values(s.users)) await setFrequency(t, id, 'daily');
  });
  afterEach(() => t.close());

  const run = (now = WED) => sendStoryDigests(jobContext(t), now);
  const bodyFor = async (email: string) => (await digests(t)).filter((d) => d.recipient === email);

  it('sends the team its own stories without following, and followers of the unit or a unit above it', async () => {
    const { org, users } = s;
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'North team story' });
    await publishedStory(t, org.southTeam.id, hoursBefore(WED, 2), { title: 'South team story' });
    // The trust-wide viewer follows North borough: the team below it is covered.
    await follow(t, users.viewer, { unitId: org.north.id });
    expect(await run()).toEqual({ digests: 3 });

    const [staff] = await bodyFor('staff@example.org');
    expect(staff?.body_text).toContain('North team story');
    expect(staff?.body_text).not.toContain('South team story');
    const [south] = await bodyFor('south@example.org');
    expect(south?.body_text).toContain('South team story');
    expect(south?.body_text).not.toContain('North team story');
    const [viewer] = await bodyFor('viewer@example.org');
    expect(viewer?.body_text).toContain('North team story');
    expect(viewer?.body_text).not.toContain('South team story');
    // The North lead holds their role on the borough, not on the team, and follows nothing.
    expect(await bodyFor('lead@example.org')).toEqual([]);
    // A partner may not read stories at all.
    expect(await bodyFor('partner@example.org')).toEqual([]);
  });

  it('routes by a tagged unit (to its team and to followers above it) and by a followed theme', async () => {
    const { org, users } = s;
    await publishedStory(t, org.southTeam.id, hoursBefore(WED, 3), { title: 'About both teams', units: [org.northTeam.id] });
    await publishedStory(t, org.southTeam.id, hoursBefore(WED, 2), { title: 'Kind words in the south', tags: ['kindness'] });
    await publishedStory(t, org.southTeam.id, hoursBefore(WED, 1), { title: 'Waiting in the south', tags: ['waiting times'] });
    await follow(t, users.lead, { unitId: org.north.id });
    await follow(t, users.viewer, { tag: 'kindness' });
    await run();

    const [staff] = await bodyFor('staff@example.org');
    expect(staff?.body_text).toContain('About both teams');
    expect(staff?.body_text).toContain('About South Community Team, North Community Team.');
    expect(staff?.body_text).not.toContain('Kind words');
    // The lead can see North's stories; the tagged North team brings this one to them.
    const [lead] = await bodyFor('lead@example.org');
    expect(lead?.body_text).toContain('About both teams');
    expect(lead?.body_text).not.toContain('Kind words');
    const [viewer] = await bodyFor('viewer@example.org');
    expect(viewer?.body_text).toContain('Kind words in the south');
    expect(viewer?.body_text).not.toContain('Waiting in the south');
    expect(viewer?.body_text).not.toContain('About both teams');
  });

  it('gives nothing for a follow outside the reader’s units, and a theme only within them', async () => {
    const { org, users } = s;
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'North kindness', tags: ['kindness'] });
    await publishedStory(t, org.southTeam.id, hoursBefore(WED, 2), { title: 'South kindness', tags: ['kindness'] });
    // South staff follow the North team (made directly: the page refuses it) and the theme.
    await follow(t, users.southStaff, { unitId: org.northTeam.id });
    await follow(t, users.southStaff, { tag: 'kindness' });
    await run();
    const [south] = await bodyFor('south@example.org');
    expect(south?.body_text).toContain('South kindness');
    expect(south?.body_text).not.toContain('North kindness');
  });

  it('never routes a story that is not published, and routes a published one without consent to the public site', async () => {
    const { org } = s;
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'Waiting for a moderator', status: 'new' });
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'Held for checks', status: 'held' });
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'Rejected story', status: 'rejected' });
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'Only for the team', consent: 0 });
    await run();
    const mails = await bodyFor('staff@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body_text).toContain('Only for the team');
    for (const title of ['Waiting for a moderator', 'Held for checks', 'Rejected story']) expect(mails[0]?.body_text).not.toContain(title);
  });

  it('sends one email for three stories, with titles, units, excerpts and links, and never the original or contact details', async () => {
    const { org } = s;
    const ids = [
      await publishedStory(t, org.northTeam.id, hoursBefore(WED, 5), { title: 'First story' }),
      await publishedStory(t, org.northTeam.id, hoursBefore(WED, 4), { title: 'Second story', body: `${'Long words about the ward and the care. '.repeat(20)}END` }),
      await publishedStory(t, org.northTeam.id, hoursBefore(WED, 3), { title: 'Third story' }),
    ];
    expect(await run()).toEqual({ digests: 1 });
    const mails = await bodyFor('staff@example.org');
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe('3 new stories for you');
    expect(mail.idempotency_key).toBe(digestKey(s.users.staff, '2026-03-04'));
    const text = mail.body_text;
    expect(text).toContain('Hello Sam Staff,');
    // Newest first.
    expect(text.indexOf('Third story')).toBeLessThan(text.indexOf('First story'));
    expect(text).toContain('About North Community Team. Published 4 Mar 2026.');
    for (const id of ids) expect(text).toContain(`Read it: http://localhost:3000/feedback/stories/${id}`);
    expect(text).toContain('The moderated story called First story.');
    // A long story is cut short.
    expect(text).toContain('Long words about the ward');
    expect(text).toContain('…');
    expect(text).not.toContain('END');
    expect(text).toContain('go to http://localhost:3000/feedback/following');
    expect(text).not.toContain('ORIGINAL');
    expect(text).not.toContain('Nurse Smith');
    expect(text).not.toContain('07700');
    expect(text).not.toContain('jo.bloggs@example.org');
  });

  it('sends nothing when there is nothing new, to disabled accounts, or to those who turned emails off', async () => {
    const { org, users } = s;
    expect(await run()).toEqual({ digests: 0 });
    expect(await digests(t)).toEqual([]);
    // Told up to now, all the same: a story published later is in the next day's email.
    const settings = await t.db.db.selectFrom('story_digest_settings').select('last_sent_at').where('user_id', '=', users.staff).executeTakeFirstOrThrow();
    expect(settings.last_sent_at).toBe(WED.toISOString());

    const disabled = await createUser(t.db, 'gone@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    await t.db.db.updateTable('users').set({ disabled_at: WED.toISOString() }).where('id', '=', disabled).execute();
    await setFrequency(t, disabled, 'daily');
    await setFrequency(t, users.staff, 'off');
    const thursday = new Date('2026-03-05T09:00:00.000Z');
    await publishedStory(t, org.northTeam.id, hoursBefore(thursday, 2), { title: 'Thursday story' });
    expect(await run(thursday)).toEqual({ digests: 0 });
    expect(await digests(t)).toEqual([]);
  });
});

describe('when digests are due', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  const run = (now: Date) => sendStoryDigests(jobContext(t), now);
  const staffMails = async () => (await digests(t)).filter((d) => d.recipient === 'staff@example.org');

  it('works out the London day and 07:00 in winter and in summer', () => {
    expect(digestPeriod(new Date('2026-03-04T06:59:59.000Z'))).toBeUndefined();
    expect(digestPeriod(new Date('2026-03-04T07:00:00.000Z'))).toEqual({ day: '2026-03-04', boundary: '2026-03-04T07:00:00.000Z', frequencies: ['daily'] });
    // British Summer Time: 07:00 in London is 06:00 UTC.
    expect(digestPeriod(new Date('2026-07-15T05:59:00.000Z'))).toBeUndefined();
    expect(digestPeriod(new Date('2026-07-15T06:00:00.000Z'))).toEqual({ day: '2026-07-15', boundary: '2026-07-15T06:00:00.000Z', frequencies: ['daily'] });
    // Just after midnight in London on Thursday 16 July, still Wednesday in UTC: Thursday, but too early.
    expect(digestPeriod(new Date('2026-07-15T23:30:00.000Z'))).toBeUndefined();
    // Mondays bring the weekly readers too.
    expect(digestPeriod(new Date('2026-07-13T06:00:00.000Z'))?.frequencies).toEqual(['daily', 'weekly']);
    // The clocks went forward on Sunday 29 March 2026; Monday 30 March's 07:00 is 06:00 UTC.
    expect(digestPeriod(new Date('2026-03-30T06:30:00.000Z'))).toEqual({ day: '2026-03-30', boundary: '2026-03-30T06:00:00.000Z', frequencies: ['daily', 'weekly'] });
  });

  it('daily: once per London day after 07:00, each email listing what is new since the last', async () => {
    const { org, users } = s;
    await setFrequency(t, users.staff, 'daily');
    // The first email covers the last day only.
    await publishedStory(t, org.northTeam.id, '2026-07-13T09:00:00.000Z', { title: 'Two days ago' });
    await publishedStory(t, org.northTeam.id, '2026-07-14T20:00:00.000Z', { title: 'Last night' });
    // 06:59 in London (BST): not yet.
    await run(new Date('2026-07-15T05:59:00.000Z'));
    expect(await staffMails()).toEqual([]);
    await run(new Date('2026-07-15T06:00:00.000Z'));
    let mails = await staffMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.idempotency_key).toBe(`story-digest:${users.staff}:2026-07-15`);
    expect(mails[0]?.body_text).toContain('Last night');
    expect(mails[0]?.body_text).not.toContain('Two days ago');
    // Later that day a new story: it waits for tomorrow.
    await publishedStory(t, org.northTeam.id, '2026-07-15T10:00:00.000Z', { title: 'Wednesday morning' });
    await run(new Date('2026-07-15T15:00:00.000Z'));
    // 00:30 on Thursday in London is before 07:00.
    await run(new Date('2026-07-15T23:30:00.000Z'));
    expect(await staffMails()).toHaveLength(1);
    await run(new Date('2026-07-16T06:10:00.000Z'));
    mails = await staffMails();
    expect(mails).toHaveLength(2);
    expect(mails[1]?.idempotency_key).toBe(`story-digest:${users.staff}:2026-07-16`);
    expect(mails[1]?.subject).toBe('1 new story for you');
    expect(mails[1]?.body_text).toContain('Wednesday morning');
    expect(mails[1]?.body_text).not.toContain('Last night');
  });

  it('weekly (the default): Mondays after 07:00 only, the first covering the last week', async () => {
    const { org, users } = s;
    await publishedStory(t, org.northTeam.id, '2026-07-04T09:00:00.000Z', { title: 'Nine days before' });
    await publishedStory(t, org.northTeam.id, '2026-07-08T09:00:00.000Z', { title: 'Last Wednesday' });
    await publishedStory(t, org.northTeam.id, '2026-07-12T09:00:00.000Z', { title: 'Sunday story' });
    // Sunday, and Monday 06:59 in London: nothing.
    await run(new Date('2026-07-12T10:00:00.000Z'));
    await run(new Date('2026-07-13T05:59:00.000Z'));
    expect(await staffMails()).toEqual([]);
    await run(new Date('2026-07-13T06:00:00.000Z'));
    let mails = await staffMails();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.idempotency_key).toBe(`story-digest:${users.staff}:2026-07-13`);
    expect(mails[0]?.subject).toBe('2 new stories for you');
    expect(mails[0]?.body_text).toContain('Last Wednesday');
    expect(mails[0]?.body_text).toContain('Sunday story');
    expect(mails[0]?.body_text).not.toContain('Nine days before');
    // A story on Tuesday waits for next Monday, whatever day the worker runs.
    await publishedStory(t, org.northTeam.id, '2026-07-14T09:00:00.000Z', { title: 'Tuesday story' });
    for (const at of ['2026-07-14T10:00:00.000Z', '2026-07-16T08:00:00.000Z', '2026-07-19T12:00:00.000Z', '2026-07-20T05:30:00.000Z']) await run(new Date(at));
    expect(await staffMails()).toHaveLength(1);
    await run(new Date('2026-07-20T07:30:00.000Z'));
    mails = await staffMails();
    expect(mails).toHaveLength(2);
    expect(mails[1]?.body_text).toContain('Tuesday story');
    expect(mails[1]?.body_text).not.toContain('Sunday story');
  });

  it('off: nothing, on any day', async () => {
    const { org, users } = s;
    await setFrequency(t, users.staff, 'off');
    await publishedStory(t, org.northTeam.id, '2026-07-12T09:00:00.000Z', { title: 'Sunday story' });
    await run(new Date('2026-07-13T08:00:00.000Z'));
    await run(new Date('2026-07-14T08:00:00.000Z'));
    expect(await staffMails()).toEqual([]);
  });

  it('is safe to run twice, on two workers at once, and again after being told up to now was lost', async () => {
    const { org, users } = s;
    await setFrequency(t, users.staff, 'daily');
    await publishedStory(t, org.northTeam.id, hoursBefore(WED, 2), { title: 'Only once' });
    const other = t.database.open();
    try {
      const otherCtx = { ...jobContext(t), db: other.db };
      const [a, b] = await Promise.all([sendStoryDigests(jobContext(t), WED), sendStoryDigests(otherCtx, WED)]);
      // Only staff are daily readers (the others are weekly, and this is a Wednesday).
      expect(a.digests + b.digests).toBe(1);
    } finally {
      await other.close();
    }
    expect(await staffMails()).toHaveLength(1);
    expect(await run(new Date(WED.getTime() + 600_000))).toEqual({ digests: 0 });
    // As if the worker stopped after queueing the email but before marking the reader told.
    await setFrequency(t, users.staff, 'daily', null);
    await run(new Date(WED.getTime() + 1_200_000));
    expect(await staffMails()).toHaveLength(1);
    const settings = await t.db.db.selectFrom('story_digest_settings').select('last_sent_at').where('user_id', '=', users.staff).executeTakeFirstOrThrow();
    expect(settings.last_sent_at).toBe(new Date(WED.getTime() + 1_200_000).toISOString());
  });
});
