import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Browser, type TestApp } from '../../../test/support/app.ts';
import { seedInvolvement, signedIn } from '../groups/test-support.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries } from '../meetings/test-support.ts';
import { insertAction, insertRegisterPerson, invite } from './test-support.ts';

/** Anything a person could type, including odd Unicode, NUL, very long values and look-alikes of numbers and dates. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', '2147483648', '2025-02-30', '9999-99-99', 'none.9999999999', 'u0', 'p2147483648', '\u0000', 'a'.repeat(25_000)),
  fc.integer().map(String),
);
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input typed into the attendance, minutes and action forms produces a server error', () => {
  let t: TestApp;
  let lead: Browser;
  let meeting = 0;
  let series = 0;
  let action = 0;
  let keys: string[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedInvolvement(t);
    const forum = await insertSeries(t.db, s.org.northTeam.id);
    series = forum.id;
    meeting = (await insertMeeting(t.db, series, { starts_at: new Date(Date.now() - 14 * 86_400_000).toISOString() })).id;
    const item = await insertAgendaItem(t.db, meeting);
    const ann = await insertRegisterPerson(t.db, s.org.northTeam.id, 'Ann Archer');
    await addSeriesMember(t.db, series, { personId: ann });
    await invite(t.db, meeting, { userId: s.users.staff }, 'online');
    action = await insertAction(t.db, series, { meeting_id: meeting, owner_person_id: ann });
    keys = [`status-p${ann}`, `role-p${ann}`, `status-u${s.users.staff}`, `role-u${s.users.staff}`, `notes-${item}`, `decisions-${item}`];
    lead = await signedIn(t, 'lead@example.org');
  });
  afterAll(() => t.close());

  it('attendance, walk-ins and the minutes form', async () => {
    await fc.assert(
      fc.asyncProperty(form(keys), form(['walkInName', 'walkInRole', 'personId', 'q']), async (list, walkIn) => {
        expect((await lead.post(`/meetings/${meeting}/attendance`, list)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/meetings/${meeting}/attendance/walk-ins`, walkIn)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/meetings/${meeting}/minutes/edit`, list)).statusCode).toBeLessThan(500);
        expect((await lead.get(`/meetings/${meeting}/attendance?${new URLSearchParams(walkIn).toString()}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('approval, publication, actions and the action log filters', async () => {
    await fc.assert(
      fc.asyncProperty(form(['approvedIn', 'publication']), form(['description', 'owner', 'dueOn', 'agendaItemId', 'status']), form(['seriesId', 'unitId', 'status', 'show', 'after']), async (minutes, act, query) => {
        expect((await lead.post(`/meetings/${meeting}/minutes/approve`, minutes)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/meetings/${meeting}/minutes/publish`, minutes)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/meetings/${meeting}/actions`, act)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/meetings/actions/${action}`, act)).statusCode).toBeLessThan(500);
        const qs = new URLSearchParams(query).toString();
        expect((await lead.get(`/meetings/actions?${qs}`)).statusCode).toBeLessThan(500);
        expect((await lead.get(`/meetings/series/${series}/actions?${qs}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
