import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { insertMeasure, insertPoints, insertProject } from '../measures/test-support.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';
import { daysAgo, insertIdea, insertResponse } from './test-support.ts';

/** The story ids in a list page, in the order shown. */
const idsIn = (body: string): number[] => [...body.matchAll(/<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-1"><a href="\/stories\/(\d+)"/g)].map((m) => Number(m[1]));

describe('the public stories site', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedStories>>;
  let visitor: Browser;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedStories(t);
    visitor = new Browser(t.app);
  });
  afterEach(() => t.close());

  const list = async (query = ''): Promise<number[]> => {
    const res = await visitor.get(`/stories${query}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return idsIn(res.body);
  };

  it('finds stories by the words in their title and body, with stemming, the title counting most', async () => {
    // insertStory's default "what could be better" is "Waiting times": none here, so only title and body count.
    const body = await insertStory(t.db, s.org.northTeam.id, { public_better: null, public_title: 'A long night', public_body: 'We were waiting for hours in the corridor before a nurse came.' });
    const title = await insertStory(t.db, s.org.northTeam.id, { public_better: null, public_title: 'Waiting room too cold', public_body: 'The heating was off all winter.' });
    const other = await insertStory(t.db, s.org.northTeam.id, { public_better: null, public_title: 'Lovely food', public_body: 'The meals were hot and tasty.' });
    // Porter (SQLite) and the english Snowball stemmer (PostgreSQL) both take "waited" to "wait".
    expect(await list('?q=waited')).toEqual([title, body]);
    expect(await list('?q=corridor')).toEqual([body]);
    expect(await list('?q=MEALS')).toEqual([other]);
    // Every word must match; a quoted phrase must match as a phrase.
    expect(await list('?q=waiting+heating')).toEqual([title]);
    expect(await list('?q=%22hot+and+tasty%22')).toEqual([other]);
    expect(await list('?q=%22tasty+hot%22')).toEqual([]);
    // What was good and what could be better are searched too.
    const good = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Clinic visit', public_body: 'It was fine.', public_good: 'The receptionist smiled', public_better: null });
    expect(await list('?q=receptionist')).toEqual([good]);
    // Without a search: newest first, and the page says which it shows.
    const page = await visitor.get('/stories?q=waiting');
    expect(page.body).toContain('Stories with the words: waiting');
    expect(page.body).toContain('value="waiting"');
  });

  it('never shows a story that is not on the public site, in the list, a search, its own page or You said, we did', async () => {
    const project = await insertProject(t, s.org.northTeam.id, 'Warmer waiting rooms');
    const shown = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Freezing clinic', public_body: 'Shown freezing story' });
    const hidden: number[] = [];
    for (const over of [{ status: 'new' as const }, { status: 'held' as const }, { status: 'rejected' as const }, { status: 'published' as const, consent_publish: 0 }]) {
      hidden.push(await insertStory(t.db, s.org.northTeam.id, { public_title: 'Freezing clinic', public_body: 'Hidden freezing story', ...over }));
    }
    for (const id of [shown, ...hidden]) await insertResponse(t.db, id, { change: 'made', change_description: `Bought heaters ${id}`, project_id: project });
    expect(await list()).toEqual([shown]);
    expect(await list('?q=freezing')).toEqual([shown]);
    expect((await visitor.get(`/stories/${shown}`)).statusCode).toBe(200);
    for (const id of hidden) expect((await visitor.get(`/stories/${id}`)).statusCode).toBe(404);
    const yswd = await visitor.get('/you-said-we-did');
    expect(yswd.body).toContain(`Bought heaters ${shown}`);
    for (const id of hidden) expect(yswd.body).not.toContain(`Bought heaters ${id}`);
    // Staff signed in see the same public site.
    const lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    for (const id of hidden) expect((await lead.get(`/stories/${id}`)).statusCode).toBe(404);
    expect(idsIn((await lead.get('/stories?q=freezing')).body)).toEqual([shown]);
  });

  it('keeps the index in step with changes, withdrawal, erasure and deletion', async () => {
    const id = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Parking', public_body: 'The car park was full.' });
    const other = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Parking again', public_body: 'No spaces at all.' });
    expect(await list('?q=car')).toEqual([id]);
    // The moderator edits the public version: the old words go, the new ones are found.
    await t.db.db.updateTable('stories').set({ public_body: 'The bus stop was moved.' }).where('id', '=', id).execute();
    expect(await list('?q=car')).toEqual([]);
    expect(await list('?q=bus')).toEqual([id]);
    // A change to a column that is not indexed keeps the story found.
    await t.db.db.updateTable('stories').set({ updated_at: daysAgo(0) }).where('id', '=', id).execute();
    expect(await list('?q=bus')).toEqual([id]);
    // Held after publishing: gone; published again: back.
    await t.db.db.updateTable('stories').set({ status: 'held' }).where('id', '=', id).execute();
    expect(await list('?q=bus')).toEqual([]);
    await t.db.db.updateTable('stories').set({ status: 'published' }).where('id', '=', id).execute();
    expect(await list('?q=bus')).toEqual([id]);
    // Erasure withdraws consent and empties the original: gone from the site.
    await t.db.db.updateTable('stories').set({ consent_publish: 0, erased_at: daysAgo(0), title: null, body: null, teller_name: null, contact_email: null }).where('id', '=', id).execute();
    expect(await list('?q=bus')).toEqual([]);
    expect((await visitor.get(`/stories/${id}`)).statusCode).toBe(404);
    // Deleted: gone, and the rest still found.
    await t.db.db.deleteFrom('stories').where('id', '=', other).execute();
    expect(await list('?q=parking')).toEqual([]);
    const third = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Parking once more', public_body: 'Still no spaces.' });
    expect(await list('?q=parking')).toEqual([third]);
  });

  it('filters by service (and the services below it), topic and date, keeping the filters in the address', async () => {
    const north = await insertStory(t.db, s.org.northTeam.id, { public_title: 'North one', published_at: '2025-03-10T10:00:00.000Z' });
    const south = await insertStory(t.db, s.org.southTeam.id, { public_title: 'South one', published_at: '2025-04-10T10:00:00.000Z' });
    const tagged = await insertStory(t.db, s.org.southTeam.id, { public_title: 'South about North too', published_at: '2025-05-01T10:00:00.000Z' });
    await t.db.db.insertInto('story_units').values({ story_id: tagged, unit_id: s.org.northTeam.id }).execute();
    await t.db.db.insertInto('story_tags').values([{ story_id: north, tag: 'waiting times' }, { story_id: south, tag: 'kindness' }]).execute();

    expect(await list(`?unit=${s.org.north.id}`)).toEqual([tagged, north]);
    expect(await list(`?unit=${s.org.southTeam.id}`)).toEqual([tagged, south]);
    expect(await list('?tag=Waiting+times')).toEqual([north]);
    // 31 March 2025 is BST from the 30th: the day's end in London, not UTC.
    expect(await list('?fromDay=1&fromMonth=4&fromYear=2025')).toEqual([tagged, south]);
    expect(await list('?toDay=10&toMonth=4&toYear=2025')).toEqual([south, north]);
    expect(await list('?fromDay=10&fromMonth=3&fromYear=2025&toDay=9&toMonth=4&toYear=2025')).toEqual([north]);
    expect(await list(`?q=one&unit=${s.org.south.id}`)).toEqual([south]);

    // The filters stay in the form and in the paging links.
    const page = await visitor.get(`/stories?tag=kindness&unit=${s.org.southTeam.id}`);
    expect(page.body).toContain('value="kindness"');
    expect(page.body).toMatch(new RegExp(`<option value="${s.org.southTeam.id}" selected`));
    expect(page.body).toContain('Clear search and filters');
  });

  it('pages newest first by keyset, and search results by page up to a cap', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 45; i++) ids.push(await insertStory(t.db, s.org.northTeam.id, { public_title: `Story ${i} about parking`, published_at: daysAgo(45 - i) }));
    const newest = [...ids].reverse();
    const first = await visitor.get('/stories');
    expect(idsIn(first.body)).toEqual(newest.slice(0, 20));
    const next = /href="(\/stories\?after=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await visitor.get(next as string);
    expect(idsIn(second.body)).toEqual(newest.slice(20, 40));
    const third = await visitor.get((/href="(\/stories\?after=[^"]+)"/.exec(second.body)?.[1] as string).replace(/&amp;/g, '&'));
    expect(idsIn(third.body)).toEqual(newest.slice(40));
    expect(third.body).not.toContain('after=');
    expect(third.body).toContain('Newest stories');

    // Ranked pages: equal matches come newest first; page 3 is the last.
    const p1 = idsIn((await visitor.get('/stories?q=parking')).body);
    const p2 = idsIn((await visitor.get('/stories?q=parking&page=2')).body);
    const p3 = await visitor.get('/stories?q=parking&page=3');
    expect([...p1, ...p2, ...idsIn(p3.body)].sort((a, b) => a - b)).toEqual(ids);
    expect(p3.body).toContain('href="/stories?q=parking&amp;page=2"');
    expect(p3.body).not.toContain('page=4');
    // A page that makes no sense is the first page; so is a cursor that is not one.
    expect(await list('?q=parking&page=abc')).toEqual(p1);
    expect(await list('?q=parking&page=99')).toEqual(p1);
    expect(await list('?after=nonsense')).toEqual(newest.slice(0, 20));
    expect(await list('?after=2025-01-01T00:00:00.000Z~99999999999')).toEqual(newest.slice(0, 20));
  });

  it('pages through stories published at the same moment without losing or repeating one', async () => {
    const at = daysAgo(1);
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push(await insertStory(t.db, s.org.northTeam.id, { public_title: `Same time ${i}`, published_at: at }));
    const first = await visitor.get('/stories');
    const next = (/href="(\/stories\?after=[^"]+)"/.exec(first.body)?.[1] as string).replace(/&amp;/g, '&');
    expect([...idsIn(first.body), ...idsIn((await visitor.get(next)).body)]).toEqual([...ids].reverse());
  });

  it('names a filter that makes no sense, with the rest of the page still working', async () => {
    await insertStory(t.db, s.org.northTeam.id, { public_title: 'Parking' });
    const cases: [string, string][] = [
      [`?q=${'a'.repeat(201)}`, 'Search words must be 200 characters or fewer'],
      ['?unit=abc', 'Choose a service from the list'],
      ['?unit=99999999', 'Choose a service from the list'],
      ['?unit=99999999999999', 'Choose a service from the list'],
      [`?tag=${'x'.repeat(61)}`, 'A topic must be 60 characters or fewer'],
      ['?fromDay=31&fromMonth=2&fromYear=2025', 'Enter a real date for &#39;shared on or after&#39;'],
      ['?toDay=1&toMonth=&toYear=2025', 'Enter a real date for &#39;shared on or before&#39;'],
      ['?fromDay=2&fromMonth=3&fromYear=2025&toDay=1&toMonth=3&toYear=2025', 'must be the same as or after'],
      ['?q=%00parking', 'Remove the unusual character'],
    ];
    for (const [query, message] of cases) {
      const res = await visitor.get(`/stories${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body, query).toContain('nhsuk-error-summary');
      expect(res.body, query).toContain(message);
    }
    // What was typed is kept.
    expect((await visitor.get('/stories?fromDay=31&fromMonth=2&fromYear=2025&q=parking')).body).toContain('value="31"');
    // Repeated fields use the first; odd search syntax is just words.
    expect((await visitor.get('/stories?q=parking&q=other')).statusCode).toBe(200);
    for (const q of ['"', '*', '-', 'NEAR(a b)', 'a OR b', 'title:parking', '(', '🙂', '   ', 'AND', 'parking*', '-parking', '""""']) {
      expect((await visitor.get(`/stories?q=${encodeURIComponent(q)}`)).statusCode, q).toBe(200);
    }
  });

  it('shows one story: the public version only, its responses and what happened next', async () => {
    const project = await insertProject(t, s.org.northTeam.id, 'Warmer waiting rooms');
    const idea = await insertIdea(t.db, project, 'Heaters in every waiting room', 'adopted');
    const id = await insertStory(t.db, s.org.northTeam.id, {
      title: 'Original title with Jo Bloggs', body: 'Original body: call me on 07700 900123', public_title: 'Cold waiting room', public_body: 'The waiting room was very cold.',
      public_name: 'J. B.', teller_role: 'carer', published_at: '2025-06-02T09:00:00.000Z',
    });
    await t.db.db.insertInto('story_tags').values({ story_id: id, tag: 'comfort' }).execute();
    await t.db.db.insertInto('story_units').values({ story_id: id, unit_id: s.org.southTeam.id }).execute();
    await insertResponse(t.db, id, { responder_role: 'Ward manager', body: 'Sorry it was cold. We are looking into it.', created_at: '2025-06-03T09:00:00.000Z' });
    await insertResponse(t.db, id, { responder_role: 'Estates lead', body: 'We fitted heaters.', change: 'made', change_description: 'New heaters in the waiting room', project_id: project, change_idea_id: idea, created_at: '2025-07-01T09:00:00.000Z' });

    const page = await visitor.get(`/stories/${id}`);
    expect(page.statusCode).toBe(200);
    for (const text of [
      'Cold waiting room', 'The waiting room was very cold.', 'J. B., a carer', 'North Community Team', 'South Community Team', '2 June 2025', 'href="/stories?tag=comfort"',
      'Reply from Ward manager', 'Sorry it was cold.', 'Reply from Estates lead', 'What happened next', 'New heaters in the waiting room',
      'Warmer waiting rooms', 'this work is being tested', 'Cut the wait for a first appointment', 'Heaters in every waiting room', 'we are keeping it', 'Change made',
    ]) expect(page.body, text).toContain(text);
    for (const text of ['Original title', 'Original body', '07700 900123', 'jo.bloggs@example.org', 'Jo Bloggs', `/projects/${project}`]) expect(page.body, text).not.toContain(text);

    // The list marks it as answered with a change made.
    const listed = await visitor.get('/stories');
    expect(listed.body).toContain('Staff replied');
    expect(listed.body).toContain('Change made');

    // Not an id: a 404, and /stories/new is not this route.
    for (const url of ['/stories/abc', '/stories/1e3', '/stories/99999999999', '/stories/0', `/stories/${id}x`]) expect((await visitor.get(url)).statusCode, url).toBe(404);
    expect((await visitor.get('/stories/new')).statusCode).not.toBe(500);
  });

  it('lists changes made because of stories, grouped by project, with the project outcome chart and its data table', async () => {
    const project = await insertProject(t, s.org.northTeam.id, 'Warmer waiting rooms');
    const measure = await insertMeasure(t, project, { name: 'Complaints about the cold' });
    await insertPoints(t, measure, [9, 8, 9, 7, 8, 9, 8, 3, 2, 3, 2, 2]);
    const a = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Cold in March', public_body: 'It was so cold in the waiting room that my hands hurt.' });
    const b = await insertStory(t.db, s.org.northTeam.id, { public_title: 'Cold again', public_body: 'Still cold in April.' });
    const c = await insertStory(t.db, s.org.southTeam.id, { public_title: 'No signs', public_body: 'I could not find the clinic.' });
    const planned = await insertStory(t.db, s.org.southTeam.id, { public_title: 'Loud radio', public_body: 'The radio was loud.' });
    await insertResponse(t.db, a, { change: 'made', change_description: 'Heaters fitted', project_id: project, created_at: daysAgo(10) });
    await insertResponse(t.db, b, { change: 'made', change_description: 'Doors fixed', project_id: project, created_at: daysAgo(5) });
    await insertResponse(t.db, c, { change: 'made', change_description: 'New signs put up', created_at: daysAgo(7) });
    await insertResponse(t.db, planned, { change: 'planned', change_description: 'Turn the radio down', created_at: daysAgo(1) });

    const page = await visitor.get('/you-said-we-did');
    expect(page.statusCode).toBe(200);
    const body = page.body;
    // The project first (its newest change is newest), both its changes under it, then the lone change.
    expect(body.indexOf('Warmer waiting rooms')).toBeLessThan(body.indexOf('Doors fixed'));
    expect(body.indexOf('Doors fixed')).toBeLessThan(body.indexOf('Heaters fitted'));
    expect(body.indexOf('Heaters fitted')).toBeLessThan(body.indexOf('New signs put up'));
    expect(body.match(/Warmer waiting rooms<\/h2>/g)?.length).toBe(1);
    expect(body).toContain('2 stories led to this work.');
    expect(body).toContain(`href="/stories/${a}"`);
    expect(body).toContain('It was so cold in the waiting room');
    expect(body).not.toContain('Turn the radio down');
    // The chart, drawn on the server, with its data table.
    expect(body).toContain('<svg');
    expect(body).toContain('Complaints about the cold');
    expect(body).toMatch(/<table[^>]*>[\s\S]*1 Jan 2024/);
  });

  it('pages You said, we did by keyset', async () => {
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await insertStory(t.db, s.org.northTeam.id, { public_title: `Story ${i}` });
      await insertResponse(t.db, id, { change: 'made', change_description: `Change number ${i}.`, created_at: daysAgo(20 - i) });
      made.push(`Change number ${i}.`);
    }
    const first = await visitor.get('/you-said-we-did');
    for (const m of made.slice(2)) expect(first.body).toContain(m);
    for (const m of made.slice(0, 2)) expect(first.body).not.toContain(m);
    const next = (/href="(\/you-said-we-did\?after=[^"]+)"/.exec(first.body)?.[1] as string).replace(/&amp;/g, '&');
    const second = await visitor.get(next);
    for (const m of made.slice(0, 2)) expect(second.body).toContain(m);
    expect(second.body).toContain('Newest changes');
    expect((await visitor.get('/you-said-we-did?after=rubbish')).statusCode).toBe(200);
  });
});
