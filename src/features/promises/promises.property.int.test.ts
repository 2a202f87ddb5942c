import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Browser, type TestApp } from '../../../test/support/app.ts';
import { dateFromParts } from './schemas.ts';
import { insertPromise, seedPromises, signedIn } from './test-support.ts';

/** Anything a person could type, including odd Unicode, very long values and look-alikes of numbers. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', 'all', 'kept', 'group', 'person', '<script>', '\u0000', 'a'.repeat(3000)),
  fc.integer().map(String),
);
const form = (keys: string[]) =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('promise forms', () => {
  it('read a date from three boxes only when it is a real calendar date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const [y, m, day] = iso.split('-') as [string, string, string];
        expect(dateFromParts(String(Number(day)), String(Number(m)), y)).toBe(iso);
      }),
    );
    fc.assert(
      fc.property(typed, typed, typed, (d, m, y) => {
        const got = dateFromParts(d, m, y);
        if (got !== null) expect(new Date(`${got}T00:00:00Z`).toISOString().slice(0, 10)).toBe(got);
      }),
    );
  });

  describe('never answer a server error, whatever is typed', () => {
    let t: TestApp;
    let s: Awaited<ReturnType<typeof seedPromises>>;
    let alice: Browser;
    let staff: Browser;
    let sue: Browser;
    let promise: number;
    beforeAll(async () => {
      t = await createTestApp();
      s = await seedPromises(t);
      promise = await insertPromise(t.db, s.workshop, s.participants.alice);
      await t.db.db.insertInto('promise_supporters').values({ participant_id: s.participants.alice, user_id: s.users.sue, group_id: null, assigned_by: null, assigned_at: new Date().toISOString() }).execute();
      alice = await signedIn(t, 'alice@example.org');
      staff = await signedIn(t, 'staff@example.org');
      sue = await signedIn(t, 'sue@example.org');
    });
    afterAll(() => t.close());

    const cases: [string, () => Browser, () => string, string[]][] = [
      ['the promise form', () => alice, () => `/workshops/${s.workshop}/promise`, ['text', 'shared', 'checkInDay', 'checkInMonth', 'checkInYear']],
      ['a check-in', () => alice, () => `/my-promises/${promise}/check-ins`, ['progress', 'note', 'nextInWeeks']],
      ['encouragement', () => sue, () => `/my-promises/supporting/${promise}/encourage`, ['message']],
      ['assigning supporters', () => staff, () => `/workshops/${s.workshop}/promises/supporters`, ['kind', 'groupParticipant', 'groupId', 'personParticipant', 'email']],
    ];
    for (const [name, who, url, keys] of cases) {
      it(name, { timeout: 120_000 }, async () => {
        await fc.assert(
          fc.asyncProperty(form(keys), async (body) => {
            const res = await who().post(url(), body);
            expect(res.statusCode, JSON.stringify(body)).toBeLessThan(500);
          }),
          { numRuns: 40 },
        );
      });
    }

    it('the lists’ query strings', { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(typed, typed, async (a, b) => {
          const q = new URLSearchParams({ show: a, after: b, supportingAfter: a }).toString();
          expect((await staff.get(`/workshops/${s.workshop}/promises?${q}`)).statusCode).toBeLessThan(500);
          expect((await sue.get(`/my-promises?${q}`)).statusCode).toBeLessThan(500);
        }),
        { numRuns: 40 },
      );
    });
  });
});
