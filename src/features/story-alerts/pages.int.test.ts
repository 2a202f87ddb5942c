import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedStories } from '../stories/test-support.ts';
import { FOLLOW_MAX, PAGE_SIZE } from './service.ts';
import { follow, hoursBefore, publishedStory, signedIn } from './test-support.ts';

const follows = (t: TestApp, userId: number) => t.db.db.selectFrom('story_follows').selectAll().where('user_id', '=', userId).orderBy('id').execute();

describe('following units and themes', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  it('offers the units in the reader’s scope and recent themes, follows one of each and stops following', async () => {
    const { org, users } = s;
    await publishedStory(t, org.northTeam.id, new Date().toISOString(), { tags: ['kindness', 'waiting times'] });
    await publishedStory(t, org.southTeam.id, new Date().toISOString(), { tags: ['parking'] });
    const lead = await signedIn(t, 'lead@example.org');
    const page = await lead.get('/feedback/following');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>What you follow</h1>');
    expect(page.body).toContain(`<option value="${org.north.id}">North Borough</option>`);
    expect(page.body).toContain(`<option value="${org.northTeam.id}">— North Community Team</option>`);
    expect(page.body).not.toContain('South Community Team');
    // Themes on the trust's recent stories are suggested, most used first (themes are not personal,
    // and a followed theme brings only stories the lead may see).
    expect(page.body).toContain('<option value="kindness"></option><option value="parking"></option><option value="waiting times"></option>');
    expect(page.body).toContain('Themes used on recent stories: kindness, parking, waiting times');
    expect(page.body).toContain('You do not follow any services, teams or themes yet.');
    expect(page.body).toContain('value="weekly" checked');

    let res = await lead.post('/feedback/following', { kind: 'unit', unitId: String(org.northTeam.id) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/feedback/following');
    res = await lead.post('/feedback/following', { kind: 'tag', tag: '  Waiting   TIMES ' });
    expect(res.statusCode).toBe(303);
    expect((await lead.get('/feedback/following')).body).toContain('You now follow waiting times.');
    // Following again changes nothing.
    await lead.post('/feedback/following', { kind: 'unit', unitId: String(org.northTeam.id) });
    expect((await lead.get('/feedback/following')).body).toContain('You already follow North Community Team.');
    const rows = await follows(t, users.lead);
    expect(rows.map((r) => [r.unit_id, r.tag])).toEqual([[org.northTeam.id, null], [null, 'waiting times']]);
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'subject_user_id']).where('entity_type', '=', 'story_follow').execute();
    expect(audit).toEqual([{ action: 'story_follow.created', subject_user_id: users.lead }, { action: 'story_follow.created', subject_user_id: users.lead }]);

    res = await lead.post(`/feedback/following/${rows[0]!.id}/remove`, {});
    expect(res.statusCode).toBe(303);
    const after = await lead.get('/feedback/following');
    expect(after.body).toContain('You no longer follow North Community Team.');
    expect((await follows(t, users.lead)).map((r) => r.tag)).toEqual(['waiting times']);
  });

  it('sets how often the digest comes', async () => {
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.post('/feedback/following/digest', { frequency: 'daily' })).statusCode).toBe(303);
    const page = await staff.get('/feedback/following');
    expect(page.body).toContain('We will email you once a day when there are new stories.');
    expect(page.body).toContain('value="daily" checked');
    await staff.post('/feedback/following/digest', { frequency: 'off' });
    const row = await t.db.db.selectFrom('story_digest_settings').selectAll().where('user_id', '=', s.users.staff).executeTakeFirstOrThrow();
    expect(row.frequency).toBe('off');
    // The team the staff member works in comes without following.
    expect(page.body).toContain('You also hear about stories about the teams you work in: North Community Team.');
  });

  it('refuses bad input with 400 (input kept) and units outside the reader’s scope with 404, never a 500', async () => {
    const { org, users } = s;
    const staff = await signedIn(t, 'staff@example.org');
    for (const unitId of ['', 'abc', '-1', '1.5', '99999999999']) {
      const res = await staff.post('/feedback/following', { kind: 'unit', unitId });
      expect(res.statusCode, unitId).toBe(400);
      expect(res.body).toContain('Choose a service or team to follow');
      expect(res.body).toContain('nhsuk-error-summary');
    }
    // A unit that is not there, one in another borough, one above the staff member's team, and an archived one.
    await t.db.db.updateTable('org_units').set({ archived_at: new Date().toISOString() }).where('id', '=', org.southTeam.id).execute();
    for (const unitId of [999999, org.south.id, org.north.id, org.southTeam.id]) {
      expect((await staff.post('/feedback/following', { kind: 'unit', unitId: String(unitId) })).statusCode, String(unitId)).toBe(404);
    }
    let res = await staff.post('/feedback/following', { kind: 'tag', tag: '   ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a theme to follow');
    res = await staff.post('/feedback/following', { kind: 'tag', tag: 'x'.repeat(61) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('A theme must be 60 characters or fewer');
    expect(res.body).toContain(`value="${'x'.repeat(61)}"`);
    res = await staff.post('/feedback/following', { kind: 'tag', tag: 'bad\u0000tag' });
    expect(res.statusCode).toBe(400);
    res = await staff.post('/feedback/following/digest', { frequency: 'hourly' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose how often we should email you');
    expect(await follows(t, users.staff)).toEqual([]);

    // Someone else's follow, or no follow at all, is not found.
    const leads = await follow(t, users.lead, { tag: 'kindness' });
    for (const id of [String(leads), '0', 'abc', '99999999999']) expect((await staff.post(`/feedback/following/${id}/remove`, {})).statusCode, id).toBe(404);
    expect(await follows(t, users.lead)).toHaveLength(1);

    // There is a limit to what one person follows.
    for (let i = 0; i < FOLLOW_MAX; i++) await follow(t, users.staff, { tag: `theme ${i}` });
    res = await staff.post('/feedback/following', { kind: 'tag', tag: 'one more' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`You can follow up to ${FOLLOW_MAX} services`);
  });

  it('is only for staff who read stories', async () => {
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/feedback/following')).statusCode).toBe(403);
    expect((await partner.get('/feedback/for-you')).statusCode).toBe(403);
    expect((await partner.post('/feedback/following', { kind: 'tag', tag: 'kindness' })).statusCode).toBe(403);
    expect((await partner.post('/feedback/following/digest', { frequency: 'daily' })).statusCode).toBe(403);
  });
});

describe('stories for you, in the app', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  it('marks what was published since the reader last looked as new, counts it in the heading, then remembers they looked', async () => {
    const { org, users } = s;
    const now = new Date();
    const old = await publishedStory(t, org.northTeam.id, hoursBefore(now, 24 * 10), { title: 'Ten days old' });
    const recent = await publishedStory(t, org.northTeam.id, hoursBefore(now, 2), { title: 'This morning', consent: 0 });
    await publishedStory(t, org.southTeam.id, hoursBefore(now, 1), { title: 'South only' });
    await publishedStory(t, org.northTeam.id, hoursBefore(now, 1), { title: 'Not yet moderated', status: 'new' });
    const staff = await signedIn(t, 'staff@example.org');
    let page = await staff.get('/feedback/for-you');
    expect(page.statusCode).toBe(200);
    // First look: the last week is new.
    expect(page.body).toMatch(/<h1>Stories for you <span[^>]*>\(1 new\)<\/span><\/h1>/);
    expect(page.body).toContain(`<a href="/feedback/stories/${recent}">This morning</a>`);
    expect(page.body).toContain(`<a href="/feedback/stories/${old}">Ten days old</a>`);
    expect(page.body.indexOf('New since you last looked')).toBeLessThan(page.body.indexOf('This morning'));
    expect(page.body.indexOf('Earlier stories')).toBeLessThan(page.body.indexOf('Ten days old'));
    expect(page.body.indexOf('This morning')).toBeLessThan(page.body.indexOf('Earlier stories'));
    expect(page.body).toContain('About North Community Team.');
    expect(page.body).toContain('The moderated story called This morning.');
    expect(page.body).not.toContain('South only');
    expect(page.body).not.toContain('Not yet moderated');
    expect(page.body).not.toContain('ORIGINAL');
    expect(page.body).not.toContain('07700');
    const seen = await t.db.db.selectFrom('story_digest_settings').select(['last_seen_at', 'frequency']).where('user_id', '=', users.staff).executeTakeFirstOrThrow();
    expect(seen.frequency).toBe('weekly');
    expect(Date.parse(seen.last_seen_at ?? '')).toBeGreaterThanOrEqual(now.getTime());

    // Looked again: nothing new, until a story is published.
    page = await staff.get('/feedback/for-you');
    expect(page.body).toMatch(/<h1>Stories for you<\/h1>/);
    expect(page.body).not.toContain('New since you last looked');
    await publishedStory(t, org.northTeam.id, new Date(Date.now() + 1000).toISOString(), { title: 'Just now' });
    page = await staff.get('/feedback/for-you');
    expect(page.body).toContain('(1 new)');
    expect(page.body.indexOf('Just now')).toBeLessThan(page.body.indexOf('Earlier stories'));
  });

  it('pages through older stories, keeping the new ones marked, and ignores a cursor it cannot read', async () => {
    const { org } = s;
    const now = new Date();
    for (let i = 0; i < PAGE_SIZE + 3; i++) await publishedStory(t, org.northTeam.id, hoursBefore(now, i + 1), { title: `Story number ${i + 1}.` });
    const staff = await signedIn(t, 'staff@example.org');
    const first = await staff.get('/feedback/for-you');
    expect(first.body).toContain(`(${PAGE_SIZE + 3} new)`);
    expect(first.body).toContain('Story number 1.');
    expect(first.body).not.toContain(`Story number ${PAGE_SIZE + 1}.`);
    const next = /href="(\/feedback\/for-you\?after=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toContain('seen=');
    const second = await staff.get(next!);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain(`Story number ${PAGE_SIZE + 1}.`);
    expect(second.body).toContain(`Story number ${PAGE_SIZE + 3}.`);
    expect(second.body).not.toContain('Story number 1.');
    // Still new on the second page: marked against when the reader looked before the first page.
    expect(second.body).toContain('New since you last looked');
    expect(second.body).toContain('href="/feedback/for-you"');
    for (const q of ['after=nonsense', 'after=2026-01-01T00:00:00.000Z_99999999999', 'after=2026-13-45T00:00:00.000Z_1&seen=x', 'seen=2026-01-01T00:00:00Z']) {
      const res = await staff.get(`/feedback/for-you?${q}`);
      expect(res.statusCode, q).toBe(200);
      expect(res.body, q).toContain('Story number 1.');
    }
  });
});
