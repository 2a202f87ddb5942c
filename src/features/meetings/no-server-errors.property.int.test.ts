import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Browser, type TestApp } from '../../../test/support/app.ts';
import { insertProject } from '../measures/test-support.ts';
import { insertAgendaItem, insertMeeting, insertSeries, insertVenue, seedMeetingPeople, signedIn } from './test-support.ts';

/** Anything a person could type: any text, odd Unicode, very long values, look-alikes of numbers, dates and times. */
const typed = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', '2147483648', '<script>', "' OR 1=1 --", '\u0000', 'a'.repeat(5000), '24:00', '23:59', '1:5', '29', '2', '99999', 'https://', 'https://x', 'project_slot', 'up'),
  fc.integer().map(String),
);

const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

/** Every meetings form and filter answers a page (a 303 or a 400 with the problems named), never a server error. */
describe('no input typed into a meetings form produces a server error', () => {
  let t: TestApp;
  let lead: Browser;
  let ids: { series: number; meeting: number; item: number; venue: number };
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedMeetingPeople(t);
    await insertProject(t, s.org.northTeam.id);
    const venue = await insertVenue(t.db, s.org.northTeam.id);
    const series = await insertSeries(t.db, s.org.northTeam.id);
    const meeting = await insertMeeting(t.db, series.id);
    ids = { series: series.id, meeting: meeting.id, item: await insertAgendaItem(t.db, meeting.id), venue: venue.id };
    lead = await signedIn(t, 'lead@example.org');
  });
  afterAll(() => t.close());

  const forms: [string, () => string, string[]][] = [
    ['the venue form', () => '/meetings/venues', ['unitId', 'name', 'address', 'features', 'notes']],
    ['the series form', () => `/meetings/series/${ids.series}`, ['unitId', 'name', 'kind', 'purpose', 'cadence', 'usualVenueId', 'projectId', 'projectQ']],
    ['the member form', () => `/meetings/series/${ids.series}/members`, ['userId', 'personId', 'role', 'q']],
    ['the meeting form', () => `/meetings/${ids.meeting}`, ['title', 'dateDay', 'dateMonth', 'dateYear', 'startTime', 'endTime', 'venueId', 'onlineUrl', 'capacity']],
    ['the agenda item form', () => `/meetings/${ids.meeting}/agenda/${ids.item}`, ['title', 'kind', 'presenter', 'durationMinutes', 'description', 'projectId', 'slotFocus', 'projectQ']],
    ['moving an item', () => `/meetings/${ids.meeting}/agenda/${ids.item}/move`, ['direction']],
  ];
  for (const [name, url, keys] of forms) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(form(keys), async (body) => {
          const res = await lead.post(url(), body);
          expect(res.statusCode, JSON.stringify(body).slice(0, 300)).toBeLessThan(500);
          expect([303, 400]).toContain(res.statusCode);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('the filters and searches in addresses', async () => {
    await fc.assert(
      fc.asyncProperty(form(['unitId', 'month', 'after', 'seriesBefore', 'archived', 'before', 'pastBefore', 'projectQ', 'q', 'projectId']), async (query) => {
        const qs = new URLSearchParams(query).toString();
        for (const path of ['/meetings', '/meetings/venues', `/meetings/series/${ids.series}`, '/meetings/series/new', `/meetings/${ids.meeting}/agenda/new`, `/meetings/series/${ids.series}/members/new`]) {
          const res = await lead.get(`${path}?${qs}`);
          expect(res.statusCode, `${path}?${qs}`.slice(0, 300)).toBe(200);
        }
      }),
      { numRuns: 30 },
    );
  });
});
