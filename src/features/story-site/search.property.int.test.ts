import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { insertStory, seedStories } from '../stories/test-support.ts';
import { matchingStories } from './queries.ts';
import { CHUNKS_MAX, parseSearch, searchFor } from './search.ts';
import { storiesList } from './service.ts';

/** Pieces of query syntax on either database, and text that has tripped search engines before. */
const SYNTAX = [
  '"', '""', "'", '*', '-', '+', '^', ':', '(', ')', '{', '}', '[', ']', '!', '&', '|', '<->', '<2>', '\\', '/', '%', '_', ',', '.',
  'NEAR', 'NEAR(', 'NEAR/2', 'AND', 'OR', 'NOT', 'or', 'and', '-not', 'public_title:', 'stories_fts', 'rank', 'bm25(',
  '🙂', '👩🏽‍⚕️', '\u0301', 'é', 'ß', 'İ', 'ﬁ', '\u200b', '\u202e', '\ufeff', '\u0000', '\u0007', '\ud800', '中文', 'العربية', 'the', 'a',
];

const input = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom(...SYNTAX), fc.constantFrom('waiting', 'nurse', 'room', 'kind'), fc.constant(' ')), { maxLength: 25 }).map((a) => a.join('')),
);

/** Whatever a person types in the search box, neither database raises an error and the page is never a 500. */
describe('searching with any text', () => {
  let t: TestApp;
  let ctx: ServiceContext;
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedStories(t);
    await insertStory(t.db, s.org.northTeam.id, { public_title: 'Waiting room', public_body: 'A kind nurse "helped" me – NEAR the door (ward 3*).' });
    ctx = { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: null, ip: null };
  });
  afterAll(() => t.close());

  it('parses any text into a few chunks with a letter or digit each', () => {
    fc.assert(
      fc.property(input, (text) => {
        const chunks = parseSearch(text);
        expect(chunks.length).toBeLessThanOrEqual(CHUNKS_MAX);
        for (const c of chunks) {
          expect(c).toMatch(/[\p{L}\p{N}]/u);
          expect(c.includes('"') || c.includes('\u0000')).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('runs the database search for any text without an error', async () => {
    const search = searchFor(t.db.dialect);
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        const chunks = parseSearch(text);
        if (chunks.length > 0) await matchingStories(t.db.db, search.matching(chunks), {}, 0, 20);
        const list = await storiesList(ctx, { q: text });
        expect(Array.isArray(list.stories)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('answers the page for any text in any field with a 200 or a 400, never a 500', async () => {
    const visitor = new Browser(t.app);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('q', 'tag', 'unit', 'fromDay', 'toYear', 'page', 'after'), input, async (field, text) => {
        const res = await visitor.get(`/stories?${new URLSearchParams({ [field]: text })}`);
        expect([200, 400], `${field}=${JSON.stringify(text)}`).toContain(res.statusCode);
      }),
      { numRuns: 80 },
    );
    expect((await visitor.get('/stories?q=nurse')).body).toContain('Waiting room');
  });
});
