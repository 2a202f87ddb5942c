import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';
import { storyMeasures, type MeasureMonth } from './service.ts';
import { DAY, after, insertDiscussion, insertResponse } from './test-support.ts';

/** The rows of the table inside the element with this id, each a list of its cells' words. */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
      (cell[1] ?? '').replace(/<span class="nhsuk-table-responsive__heading"[^>]*>[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim(),
    ),
  );
}

const figures = (m: MeasureMonth) => ({
  month: m.month,
  received: m.received,
  published: m.published,
  within7: m.within7,
  due7: m.due7,
  within28: m.within28,
  due28: m.due28,
  answered: m.answered,
  waiting: m.waiting,
  medianDays: m.medianDays,
  shared: m.shared,
  changesMade: m.changesMade,
});

/**
 * Hand-built stories, responses and discussions from January to June 2024 about the North team
 * (and one about North borough, one about South tagged with the North team, and South's own),
 * with the edges that matter: exactly 7 and 28 days to the first response and a millisecond or
 * a second over, and stories either side of London's month boundaries in winter and summer time.
 */
describe('story measures', { timeout: 60_000 }, () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedStories>>;
  const PAST = new Date('2026-01-15T12:00:00Z');

  const ctxFor = async (userId: number): Promise<ServiceContext> => ({ db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null });
  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };

  beforeAll(async () => {
    t = await createTestApp();
    seeded = await seedStories(t);
    const { org } = seeded;
    const team = org.northTeam.id;
    const db = t.db;
    const story = (unitId: number, received: string, status: 'published' | 'rejected' | 'new' | 'held' = 'published') =>
      insertStory(db, unitId, { received_at: received, updated_at: received, status, published_at: status === 'published' ? received : null });

    // Outside the months asked for: the last minute of January, and 1 June in London (31 May 23:00Z, summer time).
    await story(team, '2024-01-31T23:59:00.000Z');
    await story(team, '2024-05-31T23:00:00.000Z');

    // February (winter time: London is UTC).
    const s1 = await story(team, '2024-02-05T10:00:00.000Z');
    await insertResponse(db, s1, after('2024-02-05T10:00:00.000Z', 7 * DAY)); // exactly 7 days: within 7
    await insertResponse(db, s1, '2024-03-06T10:00:00.000Z', 'made'); // a change made in March
    await insertResponse(db, s1, '2024-04-30T23:30:00.000Z', 'made'); // 1 May in London: a change made in May
    const s2 = await story(team, '2024-02-10T10:00:00.000Z');
    await insertResponse(db, s2, after('2024-02-10T10:00:00.000Z', 7 * DAY + 1)); // a millisecond over 7 days
    const s3 = await story(team, '2024-02-15T12:00:00.000Z');
    await insertResponse(db, s3, after('2024-02-15T12:00:00.000Z', 28 * DAY)); // exactly 28 days
    const s4 = await story(team, '2024-02-20T12:00:00.000Z');
    await insertResponse(db, s4, after('2024-02-20T12:00:00.000Z', 28 * DAY + 1000)); // a second over 28 days
    await story(team, '2024-02-29T23:30:00.000Z', 'rejected'); // still received, in February
    const s6 = await story(team, '2024-02-25T09:00:00.000Z'); // never answered: waiting
    // South's story: never counted for the North.
    const south = await story(org.southTeam.id, '2024-02-10T10:00:00.000Z');
    await insertResponse(db, south, '2024-02-11T10:00:00.000Z');
    await insertResponse(db, south, '2024-03-20T10:00:00.000Z', 'made');

    // March: the last instant of March in London is 22:59:59.999Z on the 31st (summer time began that morning).
    const s8 = await story(team, '2024-03-31T22:59:59.999Z');
    await insertResponse(db, s8, after('2024-03-31T22:59:59.999Z', 2 * 3_600_000), 'planned'); // 2 hours: 0 days; a plan is not a change made
    const s9 = await story(org.north.id, '2024-03-10T10:00:00.000Z'); // about North borough itself
    await insertResponse(db, s9, '2024-03-13T10:00:00.000Z'); // 3 days
    await story(team, '2024-03-12T10:00:00.000Z', 'new'); // received, not published
    const s11 = await story(org.southTeam.id, '2024-03-15T10:00:00.000Z'); // South's, tagged with the North team
    await t.db.db.insertInto('story_units').values({ story_id: s11, unit_id: team }).execute();
    await insertResponse(db, s11, '2024-03-25T10:00:00.000Z'); // 10 days

    // April: 23:30Z on 31 March is 00:30 on 1 April in London.
    const s12 = await story(team, '2024-03-31T23:30:00.000Z');
    await insertResponse(db, s12, '2024-04-01T23:30:00.000Z', 'made'); // 1 day; a change made in April (2 April in London)
    await story(team, '2024-04-15T10:00:00.000Z', 'held');

    // May: 23:00Z on 30 April is midnight on 1 May in London. Never answered.
    await story(team, '2024-04-30T23:00:00.000Z');

    // Shared and discussed: two of February's and one of March's (a story in two meetings counts once).
    await insertDiscussion(db, team, '2024-03-01', [s1, s6]);
    await insertDiscussion(db, team, '2024-03-20', [s1, s9]);
    await insertDiscussion(db, org.southTeam.id, '2024-03-20', [south]);
  });
  afterAll(async () => t?.close());

  it('counts each measure month by month, with the 7- and 28-day edges and London month boundaries', async () => {
    const m = await storyMeasures(await ctxFor(seeded.users.lead), { unit: String(seeded.org.north.id), from: '2024-02', to: '2024-05' }, PAST);
    expect(m.unit.id).toBe(seeded.org.north.id);
    expect(m.months.map(figures)).toEqual([
      { month: '2024-02', received: 6, published: 5, within7: 1, due7: 5, within28: 3, due28: 5, answered: 4, waiting: 1, medianDays: 17.5, shared: 2, changesMade: 0 },
      { month: '2024-03', received: 4, published: 3, within7: 2, due7: 3, within28: 3, due28: 3, answered: 3, waiting: 0, medianDays: 3, shared: 1, changesMade: 1 },
      { month: '2024-04', received: 2, published: 1, within7: 1, due7: 1, within28: 1, due28: 1, answered: 1, waiting: 0, medianDays: 1, shared: 0, changesMade: 1 },
      { month: '2024-05', received: 1, published: 1, within7: 0, due7: 1, within28: 0, due28: 1, answered: 0, waiting: 1, medianDays: null, shared: 0, changesMade: 1 },
    ]);
  });

  it('counts a story as due an answer only once it has had the days, or was answered within them', async () => {
    // On 20 April: April's story (received 31 March 23:30Z) has had 19 days but was answered within 1, so it is due for both.
    const april = await storyMeasures(await ctxFor(seeded.users.lead), { unit: String(seeded.org.north.id), from: '2024-04', to: '2024-04' }, new Date('2024-04-20T00:00:00Z'));
    expect(april.months.map(figures)[0]).toMatchObject({ within7: 1, due7: 1, within28: 1, due28: 1 });
    // On 10 May: May's unanswered story (1 May in London) has had 9 days: due for 7, not yet for 28.
    const may = await storyMeasures(await ctxFor(seeded.users.lead), { unit: String(seeded.org.north.id), from: '2024-05', to: '2024-05' }, new Date('2024-05-10T00:00:00Z'));
    expect(may.months.map(figures)[0]).toMatchObject({ published: 1, within7: 0, due7: 1, within28: 0, due28: 0, waiting: 1 });
  });

  it('counts a unit and the units below it only: the team leaves out North borough’s own story, South sees only South’s', async () => {
    const team = await storyMeasures(await ctxFor(seeded.users.staff), { from: '2024-02', to: '2024-05' }, PAST);
    expect(team.unit.id).toBe(seeded.org.northTeam.id); // the staff member's top unit by default
    expect(team.units.map((u) => u.id)).toEqual([seeded.org.northTeam.id]);
    expect(team.months.map((m) => m.received)).toEqual([6, 3, 2, 1]);
    expect(team.months[1]).toMatchObject({ answered: 2, medianDays: 5, shared: 0 }); // 0 and 10 days; the borough's story (3 days, discussed) is not the team's

    const south = await storyMeasures(await ctxFor(seeded.users.southStaff), { from: '2024-02', to: '2024-05' }, PAST);
    expect(south.unit.id).toBe(seeded.org.southTeam.id);
    // February: South's own story; March: the story about South that was tagged with the North team; South's change made in March.
    expect(south.months.map((m) => [m.received, m.within7, m.shared, m.changesMade])).toEqual([[1, 1, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]]);
  });

  it('shows each chart with its sentence, SVG and table; the CSV holds the same figures as the tables', async () => {
    const b = await signedIn('lead@example.org');
    const url = `/feedback/measures?unit=${seeded.org.north.id}&from=2024-02&to=2024-05`;
    const page = await b.get(url);
    expect(page.statusCode).toBe(200);
    const html = page.body;
    for (const key of ['received', 'within7', 'within28', 'median', 'shared', 'changes']) expect(html).toContain(`data-measure="${key}"`);
    expect(html).toContain('role="img"');
    expect(html).toContain('<title id="story-measures-received-title">Stories received, month by month (XmR chart)</title>');
    expect(html).toContain('In May 2024, 1 story was received.');
    expect(html).toContain('Of the published story received in May 2024 that has had 28 days, 0 (0%) was answered within 28 days.');
    expect(html).toContain('Of the stories received in April 2024, 1 has been answered, after 1 days. 0 still waiting.');
    expect(html).toMatch(/No sign of change: from February 2024 to May 2024 the months vary around the centre line of [\d.]+\./);

    const received = tableRows(html, 'received-data');
    expect(received.map((r) => r.slice(0, 2))).toEqual([['February 2024', '6'], ['March 2024', '4'], ['April 2024', '2'], ['May 2024', '1']]);
    const within7 = tableRows(html, 'within7-data');
    expect(within7.map((r) => r.slice(0, 4))).toEqual([
      ['February 2024', '1', '5', '20%'],
      ['March 2024', '2', '3', '66.7%'],
      ['April 2024', '1', '1', '100%'],
      ['May 2024', '0', '1', '0%'],
    ]);
    const median = tableRows(html, 'median-data');
    expect(median.map((r) => r.slice(0, 4))).toEqual([
      ['February 2024', '4', '1', '17.5'],
      ['March 2024', '3', '0', '3'],
      ['April 2024', '1', '0', '1'],
      ['May 2024', '0', '1', '–'],
    ]);
    expect(tableRows(html, 'shared-data').map((r) => r.slice(0, 4))).toEqual([
      ['February 2024', '2', '5', '40%'],
      ['March 2024', '1', '3', '33.3%'],
      ['April 2024', '0', '1', '0%'],
      ['May 2024', '0', '1', '0%'],
    ]);
    expect(tableRows(html, 'changes-data').map((r) => r.slice(0, 2))).toEqual([['February 2024', '0'], ['March 2024', '1'], ['April 2024', '1'], ['May 2024', '1']]);

    const csvHref = /href="(\/feedback\/measures\.csv\?[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(csvHref).toBe(`/feedback/measures.csv?unit=${seeded.org.north.id}&from=2024-02&to=2024-05`);
    const csv = await b.get(csvHref as string);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain(`story-measures-unit-${seeded.org.north.id}-2024-02-to-2024-05.csv`);
    const [header, ...rows] = parse(csv.body) as string[][];
    expect(header?.slice(0, 3)).toEqual(['Month', 'Stories received', 'Published']);
    expect(rows).toHaveLength(4);
    const col = (name: string) => (header as string[]).indexOf(name);
    const pct = (s: string) => (s === '–' ? '' : s.replace('%', ''));
    rows.forEach((row, i) => {
      expect(row[col('Stories received')]).toBe(received[i]?.[1]);
      expect([row[col('Answered within 7 days')], row[col('Published stories that have had 7 days')], row[col('Percentage answered within 7 days')]]).toEqual([within7[i]?.[1], within7[i]?.[2], pct(within7[i]?.[3] ?? '')]);
      expect([row[col('Answered')], row[col('Waiting')], row[col('Median days to first response')]]).toEqual([median[i]?.[1], median[i]?.[2], pct(median[i]?.[3] ?? '')]);
      expect(row[col('Changes made')]).toBe(tableRows(html, 'changes-data')[i]?.[1]);
    });
    expect(rows[0]?.[0]).toBe('2024-02');
  });

  it('answers 400 naming the month field for bad months, keeping what was typed', async () => {
    const b = await signedIn('lead@example.org');
    const bad = await b.get('/feedback/measures?from=2024-13&to=2024-05');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#from"');
    expect(bad.body).toContain('Enter a month as year and month, for example 2025-01');
    expect(bad.body).toContain('value="2024-13"');
    expect(bad.body).not.toContain('data-measure=');

    const backwards = await b.get('/feedback/measures?from=2024-05&to=2024-02');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('href="#to"');
    expect(backwards.body).toContain('The last month must be the same as or after the first month');

    expect((await b.get('/feedback/measures?to=2999-01')).statusCode).toBe(400);
    const tooMany = await b.get('/feedback/measures?from=2010-01&to=2024-12');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toContain('Choose 60 months or fewer');

    const csv = await b.get('/feedback/measures.csv?to=May%202024');
    expect(csv.statusCode).toBe(400);
    expect(csv.body).toBe('to: Enter a month as year and month, for example 2025-01\n');
  });

  it('is a 404 for a unit outside the user’s units or not a unit at all, and a 403 without stories:view', async () => {
    const south = await signedIn('south@example.org');
    expect((await south.get(`/feedback/measures?unit=${seeded.org.north.id}`)).statusCode).toBe(404);
    expect((await south.get(`/feedback/measures.csv?unit=${seeded.org.northTeam.id}`)).statusCode).toBe(404);
    expect((await south.get('/feedback/measures?unit=abc')).statusCode).toBe(404);
    expect((await south.get('/feedback/measures?unit=99999999999')).statusCode).toBe(404);
    const ok = await south.get(`/feedback/measures?unit=${seeded.org.southTeam.id}&from=2024-02&to=2024-03`);
    expect(ok.statusCode).toBe(200);
    // The unit filter offers only South's team.
    expect(ok.body).toContain('South Community Team');
    expect(ok.body).not.toContain('North Community Team');

    const partner = await signedIn('partner@example.org');
    expect((await partner.get('/feedback/measures')).statusCode).toBe(403);
    expect((await partner.get('/feedback/measures?from=nonsense')).statusCode).toBe(403);

    const anonymous = await t.app.inject({ method: 'GET', url: '/feedback/measures' });
    expect([302, 303, 401]).toContain(anonymous.statusCode);
  });
});
