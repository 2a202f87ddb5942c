import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';

/** Anything a person could type: any text, odd Unicode, very long values and look-alikes of numbers. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', 'planned', 'made', 'none', '1', '<script>', '\u0000', 'a'.repeat(6000)),
  fc.integer().map(String),
);
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

/** No input a user can type on the response and discussion forms, or in the lists' filters, is a server error. */
describe('story responses and team discussions never fail with a server error', () => {
  let t: TestApp;
  let staff: Browser;
  let story: number;
  let unit: number;
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedStories(t);
    unit = s.org.northTeam.id;
    story = await insertStory(t.db, unit);
    staff = new Browser(t.app);
    await staff.signIn('staff@example.org');
    await staff.get('/feedback/stories');
  });
  afterAll(() => t.close());

  it('the response form', async () => {
    await fc.assert(
      fc.asyncProperty(form(['responderRole', 'body', 'change', 'changeDescription', 'projectId', 'changeIdeaId', 'show']), async (body) => {
        expect((await staff.post(`/feedback/stories/${story}/responses`, body)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('the discussion form and the lists’ filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        form(['heldOnDay', 'heldOnMonth', 'heldOnYear', 'attendees', 'attendeeCount', 'learning', 'actions', 'storyId', 'more', 'shown', 'unitId']),
        form(['unitId', 'answered', 'discussed', 'tag', 'q', 'after', 'unit']),
        async (body, query) => {
          expect((await staff.post(`/feedback/discussions/new?unit=${unit}`, body)).statusCode).toBeLessThan(500);
          const qs = new URLSearchParams(query).toString();
          expect((await staff.get(`/feedback/stories?${qs}`)).statusCode).toBeLessThan(500);
          expect((await staff.get(`/feedback/discussions?${qs}`)).statusCode).toBeLessThan(500);
          expect((await staff.get(`/feedback/discussions/coverage?${qs}`)).statusCode).toBeLessThan(500);
          expect((await staff.get(`/feedback/discussions/new?${qs}`)).statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 30 },
    );
  });
});
