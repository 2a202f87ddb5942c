import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

/** Anything a person could type, including odd Unicode, NUL, very long values and look-alikes of money, numbers and dates. */
const typed = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.constantFrom('', ' ', '0', '-1', '0.001', '1e309', 'NaN', '9999999999999999999999', '£99,999,999,999,999.99', '2027-02-30', '9999-99-99', '2027-04-06', 'mileage', 'meeting', 'hour', 'yes', '\u0000', 'a'.repeat(25_000)),
  fc.integer().map(String),
);
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input typed into the rates, settings and cost centre forms produces a server error', { timeout: 180_000 }, () => {
  let t: TestApp;
  let admin: Browser;
  let unit = 0;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    unit = org.northTeam.id;
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    admin = new Browser(t.app);
    await admin.signIn('admin@example.org');
  });
  afterAll(() => t.close());

  it('rates, settings and cost centres', async () => {
    await fc.assert(
      fc.asyncProperty(
        form(['activityKind', 'basis', 'amount', 'effectiveFrom']),
        form(['category', 'limit', 'perMile', 'needsApproval', 'effectiveFrom']),
        form(['targetDays', 'secondApproval', 'taxThreshold', 'warnAt']),
        form(['code']),
        typed,
        async (time, expense, settings, code, id) => {
          expect((await admin.post('/payments/rates/time/new', time)).statusCode).toBeLessThan(500);
          expect((await admin.post('/payments/rates/expenses/new', expense)).statusCode).toBeLessThan(500);
          expect((await admin.post('/payments/settings', settings)).statusCode).toBeLessThan(500);
          expect((await admin.post(`/payments/cost-centres/${unit}`, code)).statusCode).toBeLessThan(500);
          const path = encodeURIComponent(id.slice(0, 50));
          expect((await admin.post(`/payments/rates/time/${path}/delete`, {})).statusCode).toBeLessThan(500);
          expect((await admin.get(`/payments/cost-centres/${path}`)).statusCode).toBeLessThan(500);
          expect((await admin.get(`/payments/rates/time/new?${new URLSearchParams(time).toString()}`)).statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
    // What the forms accepted along the way is still shown without error.
    expect((await admin.get('/payments/rates')).statusCode).toBe(200);
    expect((await admin.get('/payments/settings')).statusCode).toBe(200);
  });
});
