import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { addDays } from '../minutes/test-support.ts';
import { londonDate } from '../projects/service.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';

async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

const daysAgoIso = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
const dateParts = (day: string) => {
  const [y, m, d] = day.split('-') as [string, string, string];
  return { heldOnDay: String(Number(d)), heldOnMonth: String(Number(m)), heldOnYear: y };
};

describe('team discussions of stories', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
  });
  afterEach(() => t.close());

  const form = (storyIds: number[], extra: Record<string, string> = {}) => {
    const body = new URLSearchParams({
      ...dateParts(addDays(londonDate(), -2)),
      attendees: 'Ward manager, four nurses, two healthcare assistants',
      attendeeCount: '7',
      learning: 'People notice when we explain their medicines.',
      actions: 'Pharmacist to join the next huddle',
      ...extra,
    });
    for (const id of storyIds) body.append('storyId', String(id));
    return body;
  };
  /** Posts a form with repeated fields (the Browser helper takes one value per name). */
  async function postForm(b: Browser, url: string, body: URLSearchParams) {
    await b.get('/feedback/discussions');
    body.set('_csrf', b.csrf);
    const res = await t.app.inject({ method: 'POST', url, payload: body.toString(), headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    for (const c of res.cookies as { name: string; value: string }[]) b.setCookie(c.name, c.value);
    return res;
  }

  it('records that a team discussed its stories, with the form kept on mistakes, and shows it on the list, the record and the story', async () => {
    const oldest = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Oldest story', published_at: daysAgoIso(30) });
    const middle = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Middle story', published_at: daysAgoIso(20) });
    const newest = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Newest story', published_at: daysAgoIso(10) });
    const south = await insertStory(t.db, s.org.southTeam.id, { public_title: 'South story' });
    const staff = await signedIn(t, 'staff@example.org');

    const chooser = await staff.get('/feedback/discussions/new');
    expect(chooser.statusCode).toBe(200);
    expect(chooser.body).toContain('Which team held the discussion?');
    expect(chooser.body).toContain('North Community Team');
    expect(chooser.body).not.toContain('South Community Team');

    const url = `/feedback/discussions/new?unit=${s.org.northTeam.id}`;
    const page = await staff.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Showing 3 of 3 published stories');
    expect(page.body).not.toContain('South story');

    const empty = await staff.post(url, {});
    expect(empty.statusCode).toBe(400);
    for (const text of ['Enter the date of the meeting', 'Enter who was there', 'Enter how many people were there', 'Enter what the team took from the stories', 'Choose at least one story the team discussed']) {
      expect(empty.body).toContain(text);
    }
    const future = await postForm(staff, url, form([middle], { ...dateParts(addDays(londonDate(), 1)), attendeeCount: 'seven' }));
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('The date of the meeting cannot be in the future');
    expect(future.body).toContain('as a whole number from 1 to 500');
    expect(future.body).toContain('People notice when we explain their medicines.');
    expect(future.body).toMatch(new RegExp(`value="${middle}" checked`));
    const notReal = await postForm(staff, url, form([middle], { heldOnDay: '31', heldOnMonth: '2', heldOnYear: '2025' }));
    expect(notReal.body).toContain('Enter a real date');
    const southStory = await postForm(staff, url, form([middle, south]));
    expect(southStory.statusCode).toBe(400);
    expect(southStory.body).toContain('Choose stories from the list');
    expect(await t.db.db.selectFrom('story_discussions').selectAll().execute()).toEqual([]);

    const saved = await postForm(staff, url, form([middle, newest]));
    expect(saved.statusCode).toBe(303);
    const id = Number(/\/feedback\/discussions\/(\d+)$/.exec(String(saved.headers.location))?.[1]);
    const record = await staff.get(`/feedback/discussions/${id}`);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('Team discussion recorded.');
    expect(record.body).toContain('Ward manager, four nurses, two healthcare assistants');
    expect(record.body).toContain('Pharmacist to join the next huddle');
    expect(record.body).toContain(`href="/feedback/stories/${middle}"`);
    expect(record.body).toContain(`href="/feedback/stories/${newest}"`);
    expect(record.body).not.toContain('Oldest story');
    expect(await t.db.db.selectFrom('story_discussions').select(['unit_id', 'attendee_count', 'recorded_by']).execute()).toEqual([{ unit_id: s.org.northTeam.id, attendee_count: 7, recorded_by: s.users.staff }]);

    const list = await staff.get('/feedback/discussions');
    expect(list.body).toContain(`href="/feedback/discussions/${id}"`);
    expect((await staff.get(`/feedback/discussions?unitId=${s.org.southTeam.id}`)).body).not.toContain(`href="/feedback/discussions/${id}"`);
    // The story shows the discussion; the stories list can tell discussed from not.
    expect((await staff.get(`/feedback/stories/${middle}`)).body).toContain(`href="/feedback/discussions/${id}"`);
    const undiscussed = await staff.get('/feedback/stories?discussed=no');
    expect(undiscussed.body).toContain('1 story');
    expect(undiscussed.body).toContain(`href="/feedback/stories/${oldest}"`);
    // On the form the story not yet discussed comes first.
    const again = await staff.get(url);
    expect(again.body.indexOf('Oldest story')).toBeLessThan(again.body.indexOf('Newest story'));

    const actions = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'story_discussion').execute();
    expect(actions.map((a) => a.action).sort()).toEqual(['story_discussion.created', 'story_discussion.viewed']);
  });

  it('keeps discussions to the teams in scope: 404 elsewhere, 403 for viewers and partners writing', async () => {
    const story = await insertStory(t.db, s.org.northTeam.id);
    const staff = await signedIn(t, 'staff@example.org');
    const url = `/feedback/discussions/new?unit=${s.org.northTeam.id}`;
    const saved = await postForm(staff, url, form([story]));
    const id = Number(/(\d+)$/.exec(String(saved.headers.location))?.[1]);

    const south = await signedIn(t, 'south@example.org');
    expect((await south.get(`/feedback/discussions/${id}`)).statusCode).toBe(404);
    expect((await south.get(url)).statusCode).toBe(404);
    expect((await postForm(south, url, form([story]))).statusCode).toBe(404);
    expect((await south.get('/feedback/discussions')).body).not.toContain(`/feedback/discussions/${id}"`);
    expect((await staff.get('/feedback/discussions/new?unit=99999999999')).statusCode).toBe(404);
    expect((await staff.get('/feedback/discussions/new?unit=abc')).statusCode).toBe(404);
    expect((await staff.get('/feedback/discussions/99999999999')).statusCode).toBe(404);

    const viewer = await signedIn(t, 'viewer@example.org');
    expect((await viewer.get(`/feedback/discussions/${id}`)).statusCode).toBe(200);
    expect((await viewer.get(url)).statusCode).toBe(403);
    expect((await postForm(viewer, url, form([story]))).statusCode).toBe(403);
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/feedback/discussions')).statusCode).toBe(403);
    expect((await postForm(partner, url, form([story]))).statusCode).toBe(403);
    expect(await t.db.db.selectFrom('story_discussions').select('id').execute()).toHaveLength(1);
  });

  it('measures each unit: stories published, discussed, the share discussed and the oldest waiting', async () => {
    const oldest = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Waiting longest', published_at: daysAgoIso(40) });
    const discussed = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Talked about', published_at: daysAgoIso(30) });
    await insertStory(t.db, s.org.northTeam.id, { public_title: 'Also waiting', published_at: daysAgoIso(5) });
    // Tagged with the South team too: it counts there, but North's discussion does not count for South.
    await t.db.db.insertInto('story_units').values({ story_id: discussed, unit_id: s.org.southTeam.id }).execute();
    const staff = await signedIn(t, 'staff@example.org');
    expect((await postForm(staff, `/feedback/discussions/new?unit=${s.org.northTeam.id}`, form([discussed]))).statusCode).toBe(303);

    const lead = await signedIn(t, 'viewer@example.org');
    const page = await lead.get('/feedback/discussions/coverage');
    expect(page.statusCode).toBe(200);
    const row = (name: string) => {
      const m = new RegExp(`${name}\\s*</th>([\\s\\S]*?)</tr>`).exec(page.body);
      return (m?.[1] ?? '').replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    };
    expect(row('North Community Team')).toMatch(/^3 1 2 stories about North Community Team not yet discussed 33% Waiting longest/);
    expect(row('North Borough')).toMatch(/^3 1 2 .* 33% Waiting longest/);
    expect(row('South Community Team')).toMatch(/^1 0 1 .* 0% Talked about/);
    expect(row('Test NHS Trust')).toMatch(/^3 1 2 .* 33%/);
    expect(page.body).toContain(`href="/feedback/stories/${oldest}"`);
    expect(page.body).toContain(`href="/feedback/stories?unitId=${s.org.northTeam.id}&amp;discussed=no"`);

    // Staff of one team see their own units only.
    const south = await (await signedIn(t, 'south@example.org')).get('/feedback/discussions/coverage');
    expect(south.body).toContain('South Community Team');
    expect(south.body).not.toContain('North Community Team');
    expect((await (await signedIn(t, 'partner@example.org')).get('/feedback/discussions/coverage')).statusCode).toBe(403);
  });

  it('lists more stories on request without losing what was typed', async () => {
    for (let i = 0; i < 22; i++) await insertStory(t.db, s.org.northTeam.id, { public_title: `Story number ${i}`, published_at: daysAgoIso(i + 1) });
    const staff = await signedIn(t, 'staff@example.org');
    const url = `/feedback/discussions/new?unit=${s.org.northTeam.id}`;
    const first = await staff.get(url);
    expect(first.body).toContain('Showing 20 of 22 published stories');
    expect(first.body).not.toContain('Story number 21');
    const more = await staff.post(url, { more: '40', attendees: 'The whole team', unitId: String(s.org.northTeam.id) });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('Showing 22 of 22 published stories');
    expect(more.body).toContain('Story number 21');
    expect(more.body).toContain('The whole team');
    expect(more.body).not.toContain('Show more stories');
  });
});
