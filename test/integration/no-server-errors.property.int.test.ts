import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';

/** Anything a person could type: any text, including odd Unicode, very long values and look-alikes of numbers. */
const typed = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', 'null', '<script>', "' OR 1=1 --", '\u0000', 'a'.repeat(5000)),
  fc.integer().map(String),
);

function decodeEntities(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A form with any subset of its fields filled in. */
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input a user can type produces a server error', () => {
  let t: TestApp;
  let admin: Browser;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    admin = new Browser(t.app);
    await admin.signIn('admin@example.org');
    await admin.get('/org/new');
  });
  afterAll(() => t.close());

  it('the sign-in form', async () => {
    const anonymous = new Browser(t.app);
    await anonymous.get('/sign-in');
    await fc.assert(
      fc.asyncProperty(form(['email', 'password', 'next']), async (body) => {
        const res = await anonymous.post('/sign-in', body);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('the add-a-unit form', async () => {
    await fc.assert(
      fc.asyncProperty(form(['name', 'kind', 'parentId']), async (body) => {
        const res = await admin.post('/org', body);
        expect(res.statusCode).toBeLessThan(500);
        // Whatever was typed as a name is shown back, not lost (when the form is re-rendered).
        if (res.statusCode === 400 && body.name?.trim()) {
          const shown = /id="name" name="name" type="text" value="([^"]*)"/.exec(res.body)?.[1];
          expect(decodeEntities(shown ?? '')).toBe(body.name.trim());
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the rename form and the audit filters', async () => {
    await fc.assert(
      fc.asyncProperty(typed, form(['person', 'entityType', 'entityId', 'from', 'to', 'before']), async (name, query) => {
        expect((await admin.post('/org/1', { name })).statusCode).toBeLessThan(500);
        const qs = new URLSearchParams(query).toString();
        expect((await admin.get(`/admin/audit?${qs}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
