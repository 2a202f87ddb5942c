import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Browser, type TestApp } from '../../../test/support/app.ts';
import { seedStories } from '../stories/test-support.ts';
import { publishedStory, signedIn } from './test-support.ts';

/** Anything a person could type, or put in the address bar. */
const typed = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', 'unit', 'tag', 'daily', '\u0000', 'a'.repeat(5000), '2026-01-01T00:00:00.000Z_1'),
  fc.integer().map(String),
);
const form = (keys: string[]) =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input to following or "for you" produces a server error', () => {
  let t: TestApp;
  let lead: Browser;
  beforeAll(async () => {
    t = await createTestApp();
    const { org } = await seedStories(t);
    await publishedStory(t, org.northTeam.id, new Date().toISOString(), { tags: ['kindness'] });
    lead = await signedIn(t, 'lead@example.org');
  });
  afterAll(() => t.close());

  it('the follow, stop-following and frequency forms, and the page addresses', async () => {
    await fc.assert(
      fc.asyncProperty(form(['kind', 'unitId', 'tag', 'frequency']), typed, form(['after', 'seen']), async (body, id, query) => {
        const follow = await lead.post('/feedback/following', body);
        expect(follow.statusCode).toBeLessThan(500);
        expect([303, 400, 404]).toContain(follow.statusCode);
        expect((await lead.post('/feedback/following/digest', body)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/feedback/following/${encodeURIComponent(id)}/remove`, {})).statusCode).toBeLessThan(500);
        expect((await lead.get(`/feedback/for-you?${new URLSearchParams(query).toString()}`)).statusCode).toBe(200);
      }),
      { numRuns: 40 },
    );
  });
});
