import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { londonDate } from '../projects/service.ts';
import * as payments from './service.ts';
import { insertClaim, insertExpenseRate, insertTimeRate } from './test-support.ts';

const DAY = 86_400_000;
/** A London date n days from today (negative: in the past). */
const day = (n: number): string => londonDate(new Date(Date.now() + n * DAY));
const text = (html: string): string => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

/** The words of the table with this caption, row by row. */
function tableRows(html: string, caption: string): string[] {
  const start = html.indexOf(caption);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((r) =>
    text((r[1] ?? '').replace(/<span class="nhsuk-u-visually-hidden">[\s\S]*?<\/span>/g, '').replace(/<span class="nhsuk-table__heading"[^>]*>[\s\S]*?<\/span>/g, '')).trim(),
  );
}

describe('payments hub, rates, settings and cost centres', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let users: Record<'admin' | 'northAdmin' | 'lead' | 'staff' | 'finance' | 'budget' | 'partner', number>;
  const browsers = {} as Record<keyof typeof users | 'anonymous', Browser>;
  const ctxFor = async (userId: number): Promise<ServiceContext> => ({ db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null });
  const auditRows = (action: string) => t.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users = {
      admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]),
      northAdmin: await createUser(t.db, 'north-admin@example.org', [{ unitId: org.north.id, role: 'admin' }]),
      lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]),
      staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]),
      finance: await createUser(t.db, 'finance@example.org', [{ unitId: org.trust.id, role: 'finance' }]),
      budget: await createUser(t.db, 'budget@example.org', [{ unitId: org.north.id, role: 'budget_holder' }]),
      partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]),
    };
    for (const [role, id] of Object.entries(users)) {
      const email = (await t.db.db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;
      const b = new Browser(t.app);
      await b.signIn(email);
      browsers[role as keyof typeof users] = b;
    }
    browsers.anonymous = new Browser(t.app);
  });
  afterAll(() => t.close());

  describe('the hub', () => {
    const links = (html: string): string[] => [...html.matchAll(/class="nhsuk-card__link" href="([^"]+)"/g)].map((m) => m[1]!);

    it('links each user to what they may do, under headings, with the target in a sentence', async () => {
      const admin = await browsers.admin.get('/payments');
      expect(admin.statusCode).toBe(200);
      expect(links(admin.body)).toEqual(['/claims', '/approvals', '/payments/overdue', '/finance', '/payments/rates', '/payments/settings', '/payments/cost-centres']);
      expect(text(admin.body)).toContain('The trust aims to pay people within 14 days of the activity.');
      expect(admin.body).toMatch(/<h2[^>]*>Rates and rules<\/h2>/);

      expect(links((await browsers.lead.get('/payments')).body)).toEqual(['/claims', '/approvals', '/payments/overdue']);
      const finance = await browsers.finance.get('/payments');
      expect(links(finance.body)).toEqual(['/payments/overdue', '/finance']);
      expect(finance.body).toMatch(/<h2[^>]*>Finance<\/h2>/);
      expect(finance.body).not.toMatch(/<h2[^>]*>Rates and rules<\/h2>/);
      expect(links((await browsers.budget.get('/payments')).body)).toEqual(['/approvals']);
      // A borough's admin keeps its cost centres, but the rates and settings are the trust's.
      expect(links((await browsers.northAdmin.get('/payments')).body)).toEqual(['/claims', '/approvals', '/payments/overdue', '/finance', '/payments/cost-centres']);
    });

    it('is refused to staff and partners without a payment permission, and sends the signed-out to sign in', async () => {
      expect((await browsers.staff.get('/payments')).statusCode).toBe(403);
      expect((await browsers.partner.get('/payments')).statusCode).toBe(403);
      const anonymous = await browsers.anonymous.get('/payments');
      expect(anonymous.statusCode).toBe(302);
      expect(anonymous.headers.location).toBe('/sign-in?next=%2Fpayments');
    });
  });

  describe('rates', () => {
    beforeEach(async () => {
      await t.db.db.deleteFrom('claim_lines').execute();
      await t.db.db.deleteFrom('claims').execute();
      await t.db.db.deleteFrom('time_rates').execute();
      await t.db.db.deleteFrom('expense_rates').execute();
    });

    it('adds a time rate typed in pounds and shows it in force today, with the next change and the history', async () => {
      const b = browsers.admin;
      expect((await b.get('/payments/rates/time/new?activityKind=workshop&basis=half_day')).body).toMatch(/value="workshop" checked/);
      const res = await b.post('/payments/rates/time/new', { activityKind: 'meeting', basis: 'hour', amount: '£20.50', effectiveFrom: day(-30) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/payments/rates');
      const future = await b.post('/payments/rates/time/new', { activityKind: 'meeting', basis: 'hour', amount: '22', effectiveFrom: day(40) });
      expect(future.statusCode).toBe(303);
      const page = await b.get('/payments/rates');
      expect(text(page.body)).toContain('Rate added: Meeting, per hour, £22.00 from');
      const inForce = tableRows(page.body, 'Involvement payment rates in force today');
      expect(inForce).toHaveLength(15);
      expect(inForce[0]).toContain('Meeting Per hour £20.50');
      expect(inForce[0]).toContain(`£22.00 from ${payments.shownDay(day(40))}`);
      expect(inForce[1]).toBe('Meeting Half day Not set Add a rate');
      const history = tableRows(page.body, 'Every involvement payment rate, past and future');
      expect(history).toEqual([`Meeting Per hour £22.00 ${payments.shownDay(day(40))} Not yet in force Delete`, `Meeting Per hour £20.50 ${payments.shownDay(day(-30))} In force`]);
      const stored = await t.db.db.selectFrom('time_rates').selectAll().orderBy('effective_from').execute();
      expect(stored.map((r) => r.amount_pence)).toEqual([2050, 2200]);
      expect(stored[0]?.created_by).toBe(users.admin);
      const audits = await auditRows('time_rate.created');
      expect(audits.at(-1)?.actor_user_id).toBe(users.admin);
      expect(JSON.parse(audits.at(-1)?.details ?? '{}')).toMatchObject({ activityKind: 'meeting', basis: 'hour', amountPence: 2200 });
    });

    it('keeps what was typed and explains each problem, with a 400 and never a 500', async () => {
      const b = browsers.admin;
      const cases: [Record<string, string>, string, string][] = [
        [{ activityKind: 'meeting', basis: 'hour', amount: '12.345', effectiveFrom: day(1) }, 'amount', 'Enter the rate in pounds, for example 25 or 12.50'],
        [{ activityKind: 'meeting', basis: 'hour', amount: '0', effectiveFrom: day(1) }, 'amount', 'The rate must be more than £0'],
        [{ activityKind: 'meeting', basis: 'hour', amount: '1000.01', effectiveFrom: day(1) }, 'amount', 'The rate must be £1,000 or less'],
        [{ activityKind: 'meeting', basis: 'hour', amount: '-5', effectiveFrom: day(1) }, 'amount', 'Enter the rate in pounds'],
        [{ activityKind: 'meeting', basis: 'hour', amount: '10', effectiveFrom: '2027-02-30' }, 'effectiveFrom', 'Enter a real date the rate takes effect'],
        [{ activityKind: 'meeting', basis: 'hour', amount: '10' }, 'effectiveFrom', 'Enter the date the rate takes effect'],
        [{ activityKind: 'dancing', basis: 'hour', amount: '10', effectiveFrom: day(1) }, 'activityKind', 'Choose the activity the rate is for'],
        [{ activityKind: 'meeting', amount: '10', effectiveFrom: day(1) }, 'basis', 'Choose how the time is paid'],
      ];
      for (const [form, field, message] of cases) {
        const res = await b.post('/payments/rates/time/new', form);
        expect(res.statusCode, JSON.stringify(form)).toBe(400);
        expect(res.body).toContain(`href="#${field}"`);
        expect(text(res.body)).toContain(message);
        if (form.amount) expect(res.body).toContain(`value="${form.amount}"`);
      }
      const expenseCases: [Record<string, string>, string, string][] = [
        [{ category: 'mileage', effectiveFrom: day(1) }, 'perMile', 'Enter the rate per mile in pounds'],
        [{ category: 'taxi', perMile: '0.45', effectiveFrom: day(1) }, 'perMile', 'it is only for mileage'],
        [{ category: 'mileage', perMile: '5.01', effectiveFrom: day(1) }, 'perMile', 'The rate per mile must be £5 or less'],
        [{ category: 'parking', limit: 'ten pounds', effectiveFrom: day(1) }, 'limit', 'Enter the limit in pounds'],
        [{ category: 'parking', limit: '10000.01', effectiveFrom: day(1) }, 'limit', 'The limit must be £10,000 or less'],
        [{ category: 'parking', limit: '5', needsApproval: 'maybe', effectiveFrom: day(1) }, 'needsApproval', 'Choose whether the expense needs approval beforehand'],
        [{ limit: '5', effectiveFrom: day(1) }, 'category', 'Choose the expense the rate is for'],
      ];
      for (const [form, field, message] of expenseCases) {
        const res = await b.post('/payments/rates/expenses/new', form);
        expect(res.statusCode, JSON.stringify(form)).toBe(400);
        expect(res.body).toContain(`href="#${field}"`);
        expect(text(res.body)).toContain(message);
      }
      expect(await t.db.db.selectFrom('time_rates').select('id').execute()).toEqual([]);
      expect(await t.db.db.selectFrom('expense_rates').select('id').execute()).toEqual([]);
    });

    it('adds expense rates: a limit, pence per mile for mileage, and taxis needing approval beforehand', async () => {
      const b = browsers.admin;
      expect((await b.post('/payments/rates/expenses/new', { category: 'mileage', perMile: '0.45', effectiveFrom: day(-10) })).statusCode).toBe(303);
      expect((await b.post('/payments/rates/expenses/new', { category: 'taxi', limit: '30', needsApproval: 'yes', effectiveFrom: day(-10) })).statusCode).toBe(303);
      expect((await b.post('/payments/rates/expenses/new', { category: 'parking', limit: '1,000', effectiveFrom: day(-10) })).statusCode).toBe(303);
      const rows = await t.db.db.selectFrom('expense_rates').selectAll().orderBy('category').execute();
      expect(rows.map((r) => [r.category, r.limit_pence, r.pence_per_mile, r.needs_approval])).toEqual([
        ['mileage', null, 45, 0],
        ['parking', 100_000, null, 0],
        ['taxi', 3000, null, 1],
      ]);
      const inForce = tableRows((await b.get('/payments/rates')).body, 'Expense rates and limits in force today');
      expect(inForce).toContain(`Mileage No limit £0.45 No ${payments.shownDay(day(-10))} Add a rate`);
      expect(inForce).toContain(`Taxi £30.00 Yes ${payments.shownDay(day(-10))} Add a rate`);
      expect(inForce).toContain('Carer costs Not set Add a rate');
      expect((await b.get('/payments/rates')).body).toContain('href="/payments/rates/expenses/new?category=carer_costs"');
      // The rate in force on an activity's date is the one claims are priced at.
      expect((await payments.expenseRateOn(t.db.db, 'mileage', day(0)))?.pence_per_mile).toBe(45);
      expect(await payments.expenseRateOn(t.db.db, 'mileage', day(-11))).toBeUndefined();
    });

    it('refuses a second rate for the same kind from the same day with a clear message, even when two arrive at once', async () => {
      const b = browsers.admin;
      const form = { activityKind: 'workshop', basis: 'full_day', amount: '80', effectiveFrom: day(5) };
      expect((await b.post('/payments/rates/time/new', form)).statusCode).toBe(303);
      const again = await b.post('/payments/rates/time/new', { ...form, amount: '90' });
      expect(again.statusCode).toBe(400);
      expect(text(again.body)).toContain('There is already a rate for this activity and way of paying from that date.');
      expect(again.body).toContain('value="90"');
      // Another basis or day is a different rate.
      expect((await b.post('/payments/rates/time/new', { ...form, basis: 'half_day' })).statusCode).toBe(303);

      // Two at the same moment: the database's unique constraint decides, and the loser gets the same message.
      const ctx = await ctxFor(users.admin);
      const results = await Promise.allSettled([
        payments.addExpenseRate(ctx, { category: 'subsistence', limit: '10', effectiveFrom: day(3) }),
        payments.addExpenseRate(ctx, { category: 'subsistence', limit: '12', effectiveFrom: day(3) }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(ValidationError);
      expect((refused?.reason as ValidationError).fields).toEqual([{ field: 'effectiveFrom', message: 'errors.payments.duplicateExpenseRate' }]);
      const dup = await b.post('/payments/rates/expenses/new', { category: 'subsistence', limit: '11', effectiveFrom: day(3) });
      expect(text(dup.body)).toContain('There is already a rate for this expense from that date.');
    });

    it('deletes only a rate not yet in force that no claim uses; past rates never change', async () => {
      const b = browsers.admin;
      const person = await insertPerson(t.db, org.northTeam.id);
      const past = await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', effective_from: day(-100) });
      const future = await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', effective_from: day(20) });
      const usedFuture = await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', effective_from: day(30) });
      await insertClaim(t.db, person.id, org.northTeam.id, { activity_date: day(31), status: 'draft' }, [{ amount_pence: 2000, kind: 'time', category: 'hour', quantity: 60, time_rate_id: usedFuture }]);

      const inForce = await b.post(`/payments/rates/time/${past}/delete`, {});
      expect(inForce.statusCode).toBe(400);
      expect(text(inForce.body)).toContain('Only a rate that has not yet taken effect can be deleted');
      expect(inForce.body).toContain('href="#rates"');
      const used = await b.post(`/payments/rates/time/${usedFuture}/delete`, {});
      expect(used.statusCode).toBe(400);
      expect(text(used.body)).toContain('Claims use this rate, so it cannot be deleted');
      const missing = await b.post('/payments/rates/time/99999/delete', {});
      expect(missing.statusCode).toBe(400);
      expect(text(missing.body)).toContain('That rate no longer exists');
      expect((await b.post('/payments/rates/time/not-a-number/delete', {})).statusCode).toBe(400);

      // Only the deletable rate has a delete button.
      const page = await b.get('/payments/rates');
      expect(page.body).toContain(`/payments/rates/time/${future}/delete`);
      expect(page.body).not.toContain(`/payments/rates/time/${past}/delete`);
      expect(page.body).not.toContain(`/payments/rates/time/${usedFuture}/delete`);

      const ok = await b.post(`/payments/rates/time/${future}/delete`, {});
      expect(ok.statusCode).toBe(303);
      const left = await t.db.db.selectFrom('time_rates').select('id').orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual([past, usedFuture]);
      expect((await auditRows('time_rate.deleted')).at(-1)?.entity_id).toBe(String(future));

      const expense = await insertExpenseRate(t.db, { category: 'parking', limit_pence: 500, effective_from: day(2) });
      expect((await b.post(`/payments/rates/expenses/${expense}/delete`, {})).statusCode).toBe(303);
      expect(await t.db.db.selectFrom('expense_rates').select('id').execute()).toEqual([]);
    });

    it('refuses a new rate from a day on or before a claim already priced at this kind of rate', async () => {
      const person = await insertPerson(t.db, org.northTeam.id);
      const rate = await insertTimeRate(t.db, { activity_kind: 'outreach', basis: 'full_day', effective_from: day(-200) });
      await insertClaim(t.db, person.id, org.northTeam.id, { activity_date: day(-50) }, [{ amount_pence: 8000, kind: 'time', category: 'full_day', quantity: 1, time_rate_id: rate }]);
      const b = browsers.admin;
      const res = await b.post('/payments/rates/time/new', { activityKind: 'outreach', basis: 'full_day', amount: '90', effectiveFrom: day(-60) });
      expect(res.statusCode).toBe(400);
      expect(text(res.body)).toContain(`Claims for activities on or after that date were already priced at an earlier rate. Choose a date after ${payments.shownDay(day(-50))}.`);
      // After the last priced claim, a backdated rise is allowed; other kinds are unaffected.
      expect((await b.post('/payments/rates/time/new', { activityKind: 'outreach', basis: 'full_day', amount: '90', effectiveFrom: day(-49) })).statusCode).toBe(303);
      expect((await b.post('/payments/rates/time/new', { activityKind: 'outreach', basis: 'hour', amount: '15', effectiveFrom: day(-60) })).statusCode).toBe(303);
      // The claim keeps the rate it was made under.
      const line = await t.db.db.selectFrom('claim_lines').selectAll().executeTakeFirstOrThrow();
      expect([line.time_rate_id, line.amount_pence]).toEqual([rate, 8000]);
      expect((await payments.timeRateOn(t.db.db, 'outreach', 'full_day', day(-50)))?.id).toBe(rate);
    });

    it('is only for the trust admin: a lead, finance or a borough admin is refused', async () => {
      for (const who of ['lead', 'finance', 'budget', 'northAdmin', 'staff', 'partner'] as const) {
        expect((await browsers[who].get('/payments/rates')).statusCode, who).toBe(403);
        expect((await browsers[who].get('/payments/rates/time/new')).statusCode, who).toBe(403);
        expect((await browsers[who].post('/payments/rates/time/new', { activityKind: 'meeting', basis: 'hour', amount: '1', effectiveFrom: day(1) })).statusCode, who).toBe(403);
        expect((await browsers[who].get('/payments/settings')).statusCode, who).toBe(403);
        expect((await browsers[who].post('/payments/settings', { targetDays: '1', secondApproval: '1', taxThreshold: '1', warnAt: '1' })).statusCode, who).toBe(403);
      }
      expect(await t.db.db.selectFrom('time_rates').select('id').execute()).toEqual([]);
    });
  });

  describe('settings', () => {
    it('shows the settings in pounds, saves them validated, and audits what changed', async () => {
      const b = browsers.admin;
      const page = await b.get('/payments/settings');
      expect(page.body).toContain('value="14"');
      expect(page.body).toContain('value="100.00"');
      expect(page.body).toContain('value="1000.00"');
      expect(page.body).toContain('value="80"');

      const bad = await b.post('/payments/settings', { targetDays: '0', secondApproval: '100', taxThreshold: '£1,000.5', warnAt: '101' });
      expect(bad.statusCode).toBe(400);
      const words = text(bad.body);
      expect(words).toContain('The target must be between 1 and 365 days');
      expect(words).toContain('The warning level must be between 1 and 100 per cent');
      expect(bad.body).toContain('value="£1,000.5"');
      for (const targetDays of ['1.5', '-3', '1e2', ' ']) {
        expect((await b.post('/payments/settings', { targetDays, secondApproval: '100', taxThreshold: '1000', warnAt: '80' })).statusCode, targetDays).toBe(400);
      }

      const ok = await b.post('/payments/settings', { targetDays: '10', secondApproval: '250', taxThreshold: '£1,200.50', warnAt: '75' });
      expect(ok.statusCode).toBe(303);
      const s = await payments.paymentSettings(t.db.db);
      expect([s.target_days, s.second_approval_over_pence, s.tax_year_threshold_pence, s.warn_at_percent, s.updated_by]).toEqual([10, 25_000, 120_050, 75, users.admin]);
      const audit = (await auditRows('payment_settings.updated')).at(-1);
      expect(JSON.parse(audit?.details ?? '{}')).toEqual({
        changed: { target_days: { from: 14, to: 10 }, second_approval_over_pence: { from: 10_000, to: 25_000 }, tax_year_threshold_pence: { from: 100_000, to: 120_050 }, warn_at_percent: { from: 80, to: 75 } },
      });
      expect(text((await browsers.lead.get('/payments')).body)).toContain('within 10 days');
      // A zero second-approval amount means every claim needs a second approval.
      expect((await b.post('/payments/settings', { targetDays: '1', secondApproval: '0', taxThreshold: '1', warnAt: '100' })).statusCode).toBe(303);
      expect(text((await browsers.lead.get('/payments')).body)).toContain('within 1 day of the activity');
    });
  });

  describe('cost centres', () => {
    it('resolves each unit to its own code or its nearest ancestor’s, in bulk', async () => {
      await t.db.db.deleteFrom('cost_centres').execute();
      const all = [org.trust.id, org.north.id, org.northTeam.id, org.south.id, org.southTeam.id];
      expect([...(await payments.costCentresFor(t.db.db, all)).values()]).toEqual([null, null, null, null, null]);
      await t.db.db.insertInto('cost_centres').values([
        { unit_id: org.trust.id, code: 'TRUST-01', updated_at: '2026-01-01' },
        { unit_id: org.north.id, code: 'NB-200', updated_at: '2026-01-01' },
      ]).execute();
      const resolved = await payments.costCentresFor(t.db.db, [...all, org.northTeam.id, 999_999]);
      expect(Object.fromEntries(resolved)).toEqual({
        [org.trust.id]: 'TRUST-01', [org.north.id]: 'NB-200', [org.northTeam.id]: 'NB-200', [org.south.id]: 'TRUST-01', [org.southTeam.id]: 'TRUST-01', 999999: null,
      });
      expect(await payments.costCentresFor(t.db.db, [])).toEqual(new Map());
      expect(await payments.costCentreFor(t.db.db, org.northTeam.path)).toBe('NB-200');
      expect(await payments.costCentreFor(t.db.db, org.southTeam.path)).toBe('TRUST-01');
    });

    it('lets an admin set and clear a unit’s code, shows where each code comes from, and audits it', async () => {
      await t.db.db.deleteFrom('cost_centres').execute();
      const b = browsers.admin;
      expect(text((await b.get(`/payments/cost-centres/${org.north.id}`)).body)).toContain('It has no code of its own and none from a unit above it.');
      const bad = await b.post(`/payments/cost-centres/${org.north.id}`, { code: '<script>' });
      expect(bad.statusCode).toBe(400);
      expect(text(bad.body)).toContain('Use only letters, numbers, spaces, dashes, dots and slashes');
      expect((await b.post(`/payments/cost-centres/${org.north.id}`, { code: 'x'.repeat(41) })).statusCode).toBe(400);
      expect((await b.post(`/payments/cost-centres/${org.trust.id}`, { code: 'TRUST-01' })).statusCode).toBe(303);
      expect((await b.post(`/payments/cost-centres/${org.north.id}`, { code: 'NB/200.1' })).statusCode).toBe(303);
      const list = tableRows((await b.get('/payments/cost-centres')).body, 'Cost centre of each unit');
      expect(list).toEqual([
        'Test NHS Trust TRUST-01 Set for this unit Change',
        '– North Borough NB/200.1 Set for this unit Change',
        '– – North Community Team NB/200.1 From North Borough Change',
        '– South Borough TRUST-01 From Test NHS Trust Change',
        '– – South Community Team TRUST-01 From Test NHS Trust Change',
      ]);
      expect(text((await b.get(`/payments/cost-centres/${org.north.id}`)).body)).toContain('Without its own code it uses TRUST-01, from Test NHS Trust.');
      // Changing the code updates it in place; an empty code goes back to the unit above's.
      expect((await b.post(`/payments/cost-centres/${org.north.id}`, { code: 'NB-300' })).statusCode).toBe(303);
      expect((await payments.costCentresFor(t.db.db, [org.northTeam.id])).get(org.northTeam.id)).toBe('NB-300');
      const cleared = await b.post(`/payments/cost-centres/${org.north.id}`, { code: '' });
      expect(cleared.statusCode).toBe(303);
      expect(text((await b.get('/payments/cost-centres')).body)).toContain('North Borough now uses the cost centre of the unit above it');
      expect((await payments.costCentresFor(t.db.db, [org.northTeam.id])).get(org.northTeam.id)).toBe('TRUST-01');
      expect((await auditRows('cost_centre.set')).map((a) => JSON.parse(a.details ?? '{}') as unknown)).toContainEqual({ from: 'NB/200.1', to: 'NB-300' });
      expect((await auditRows('cost_centre.cleared')).at(-1)?.entity_id).toBe(String(org.north.id));
    });

    it('lets a borough admin keep only its own units’ cost centres; others get a 404 or 403', async () => {
      const north = browsers.northAdmin;
      const list = tableRows((await north.get('/payments/cost-centres')).body, 'Cost centre of each unit');
      expect(list).toHaveLength(2);
      expect(list.join('|')).toContain('North Borough');
      expect(list.join('|')).not.toContain('South');
      expect((await north.get(`/payments/cost-centres/${org.south.id}`)).statusCode).toBe(404);
      expect((await north.post(`/payments/cost-centres/${org.southTeam.id}`, { code: 'STEAL' })).statusCode).toBe(404);
      expect((await north.post(`/payments/cost-centres/${org.northTeam.id}`, { code: 'NT-1' })).statusCode).toBe(303);
      for (const who of ['lead', 'finance', 'staff', 'partner'] as const) {
        expect((await browsers[who].get('/payments/cost-centres')).statusCode, who).toBe(403);
        expect((await browsers[who].post(`/payments/cost-centres/${org.northTeam.id}`, { code: 'X' })).statusCode, who).toBe(403);
      }
      expect((await browsers.admin.get('/payments/cost-centres/abc')).statusCode).toBe(404);
    });
  });
});
