import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { insertStory, seedStories } from './test-support.ts';

/** Anything a person could type, including odd Unicode, very long values and look-alikes of numbers. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', '9999999999999999999999', '<script>', '\u0000', 'a'.repeat(6000), 'name|Dr Patel', 'phone|'),
  fc.integer().map(String),
);

/** A form with any subset of these fields filled in (the choice fields also with their real values). */
const form = (keys: string[], real: Record<string, string[]> = {}): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, real[k] ? fc.oneof(fc.constantFrom(...(real[k] as string[])), typed) : typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

const STORY_FIELDS = ['unitId', 'unitSearch', 'title', 'body', 'tellerRole', 'good', 'better', 'contactEmail', 'contactPhone', 'consentPublish', 'naming', 'tellerName', 'source', 'action'];
const CHOICES = {
  tellerRole: ['patient', 'carer', 'relative', 'other'], consentPublish: ['yes', 'no'], naming: ['full_name', 'first_name', 'initials', 'anonymous'],
  source: ['paper', 'phone'], action: ['search', 'send', 'redact', 'findUnits', 'publish', 'save', 'hold', 'reject', 'clear'],
};

/** No input anyone can type into the story forms, or into the addresses of their pages, is a server error. */
describe('the story forms, for anything typed', () => {
  let t: TestApp;
  let lead: Browser;
  let visitor: Browser;
  let story: number;
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedStories(t);
    story = await insertStory(t.db, s.org.northTeam.id, { status: 'new', published_at: null });
    lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    await lead.get('/');
    visitor = new Browser(t.app);
    await visitor.get('/stories/new');
  });
  afterAll(() => t.close());

  it('the public form and the staff form', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(form(STORY_FIELDS, CHOICES), fc.boolean(), async (body, asStaff) => {
        const res = asStaff ? await lead.post('/feedback/stories/new', body) : await visitor.post('/stories/new', body);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('the moderation, safeguarding and contacts forms, and the queue’s address', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        form(['publicTitle', 'publicBody', 'publicGood', 'publicBetter', 'publicName', 'tags', 'units', 'reason', 'redact', 'unitSearch', 'action', 'note', 'unitId', 'name', 'email'], CHOICES),
        typed,
        async (body, query) => {
          for (const url of [`/feedback/moderation/${story}`, '/feedback/safeguarding-contacts']) {
            expect((await lead.post(url, body)).statusCode).toBeLessThan(500);
          }
          for (const url of [`/feedback/moderation?status=${encodeURIComponent(query)}&after=${encodeURIComponent(query)}`, `/feedback/safeguarding-contacts?unit=${encodeURIComponent(query)}&after=${encodeURIComponent(query)}`, `/stories/new?unitSearch=${encodeURIComponent(query)}&unitId=${encodeURIComponent(query)}`]) {
            expect((await lead.get(url)).statusCode).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
