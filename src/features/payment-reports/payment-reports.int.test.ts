import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import type { ClaimTable } from '../../platform/db/types.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { postPaid, postReversal, taxYearOf, taxYearStatus } from '../payments/service.ts';
import { approveClaim, insertClaim, type LineSpec } from '../payments/test-support.ts';
import { currentMonth, londonDate } from '../projects/service.ts';
import { OVERDUE_PAGE_SIZE, daysBefore, promptnessByMonth } from './service.ts';

/** The rows of the table inside the element with this id, each a list of its cells' words (hidden words left out). */
export function tableRows(html: string, id: string, part: 'tbody' | 'tfoot' = 'tbody'): string[][] {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const from = table.indexOf(`<${part}`);
  if (from < 0) return [];
  const body = table.slice(from, table.indexOf(`</${part}>`, from));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) =>
      (cell[1] ?? '')
        .replace(/<span class="nhsuk-u-visually-hidden">[\s\S]*?<\/span>/g, '')
        .replace(/<br>/g, ' ')
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&#39;/g, "'")
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

const monthName = (month: string): string => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

/** A month counted back from this London month. */
function monthsAgo(n: number): string {
  const [y, m] = currentMonth().split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Pence in the words a page shows, e.g. "£12.34" and "−£50.00". */
const pounds = (text: string): number => {
  if (text === '') return 0;
  const m = /^(−?)£([\d,]+)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not money: ${text}`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replaceAll(',', '')) * 100 + Number(m[3]));
};

describe('payment reports', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  const users = {} as Record<'admin' | 'lead' | 'southLead' | 'finance' | 'staff' | 'viewer' | 'partner' | 'otherPartner', number>;
  const ids = {} as Record<'ann' | 'bob' | 'sue' | 'a' | 'b' | 'c' | 'd', number>;
  const today = londonDate();

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };

  /** A claim (with these lines) in a state: approved ones have their owed entries posted. */
  async function claim(personId: number, unitId: number, over: Partial<Insertable<ClaimTable>>, lines?: LineSpec[]) {
    const status = over.status ?? 'submitted';
    const made = await insertClaim(t.db, personId, unitId, { ...over, status: status === 'approved' ? 'submitted' : status }, lines);
    if (status === 'approved') await approveClaim(t.db, made.claim.id, users.lead);
    return made;
  }

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users.admin = await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    users.lead = await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]);
    users.southLead = await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }]);
    users.finance = await createUser(t.db, 'finance@example.org', [{ unitId: org.north.id, role: 'finance' }]);
    users.staff = await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    users.viewer = await createUser(t.db, 'viewer@example.org', [{ unitId: org.trust.id, role: 'viewer' }]);
    users.partner = await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]);
    users.otherPartner = await createUser(t.db, 'other-partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]);

    // Ann: a carer with access needs and notes the lead keeps (health details finance must never see).
    ids.ann = (
      await insertPerson(t.db, org.northTeam.id, {
        full_name: 'Ann Ashworth',
        relationship: 'carer',
        access_needs_other: 'Needs a hearing loop',
        notes: 'Recovering from a hospital stay',
        user_id: users.partner,
        payee_reference: 'PAY-0042',
      })
    ).id;
    ids.bob = (await insertPerson(t.db, org.northTeam.id, { full_name: 'Bob Barker' })).id;
    ids.sue = (await insertPerson(t.db, org.southTeam.id, { full_name: 'Sue South' })).id;

    // The overdue list (target 14 days): three North claims past it, one exactly at it, and those that never count.
    ids.a = (await claim(ids.ann, org.northTeam.id, { activity_date: daysBefore(today, 30), description: 'Forum in the spring' })).claim.id;
    ids.b = (await claim(ids.bob, org.northTeam.id, { activity_date: daysBefore(today, 20), description: 'Workshop day', status: 'second_approval', activity_kind: 'workshop' }, [{ amount_pence: 12_000, kind: 'time', category: 'full_day' }])).claim.id;
    ids.c = (await claim(ids.ann, org.northTeam.id, { activity_date: daysBefore(today, 15), description: 'Project meeting', status: 'approved', activity_kind: 'project_work' })).claim.id;
    ids.d = (await claim(ids.bob, org.northTeam.id, { activity_date: daysBefore(today, 14), description: 'Just in time' })).claim.id;
    await claim(ids.bob, org.northTeam.id, { activity_date: daysBefore(today, 40), description: 'Still a draft', status: 'draft' });
    await claim(ids.bob, org.northTeam.id, { activity_date: daysBefore(today, 40), description: 'Turned down', status: 'rejected' });
    await claim(ids.bob, org.northTeam.id, { activity_date: daysBefore(today, 40), description: 'Paid already', status: 'approved', paid_at: new Date().toISOString() });
    await claim(ids.sue, org.southTeam.id, { activity_date: daysBefore(today, 50), description: 'South forum' });
  });
  afterAll(() => t.close());

  it('lists claims waiting longer than the target, oldest first, with days over and who they wait on', async () => {
    const lead = await signedIn('lead@example.org');
    const res = await lead.get('/payments/overdue');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('3 claims have waited more than 14 days to be paid.');
    // Person and unit, what for, activity date, days since, days over, amount, status, waiting on.
    const rows = tableRows(res.body, 'overdue-data');
    expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7]])).toEqual([
      ['Ann Ashworth North Community Team', 'Meeting: Forum in the spring', '30', '16', '£4.50', 'Waiting for approval', 'The involvement lead, to approve it'],
      ['Bob Barker North Community Team', 'Workshop: Workshop day', '20', '6', '£120.00', 'Waiting for second approval', 'A budget holder, to give the second approval'],
      ['Ann Ashworth North Community Team', 'Project work: Project meeting', '15', '1', '£4.50', 'Approved, not paid yet', 'Finance, to pay it'],
    ]);
    expect(res.body).toContain(`href="/payments/people/${ids.ann}"`);
    expect(res.body).not.toContain('Just in time');
    expect(res.body).not.toContain('South forum');

    // The admin sees the trust, South included, and can narrow it to a unit.
    const admin = await signedIn('admin@example.org');
    const all = tableRows((await admin.get('/payments/overdue')).body, 'overdue-data');
    expect(all.map((r) => r[1])).toEqual(['Meeting: South forum', 'Meeting: Forum in the spring', 'Workshop: Workshop day', 'Project work: Project meeting']);
    const south = tableRows((await admin.get(`/payments/overdue?unitId=${org.south.id}`)).body, 'overdue-data');
    expect(south.map((r) => r[1])).toEqual(['Meeting: South forum']);
    // A unit outside the lead's is not found; a made-up filter is dropped.
    expect((await lead.get(`/payments/overdue?unitId=${org.south.id}`)).statusCode).toBe(404);
    expect((await lead.get('/payments/overdue?unitId=abc&after=nonsense')).statusCode).toBe(200);
  });

  it('is for leads and finance: QI staff, viewers and partners may not open the payment lists', async () => {
    for (const email of ['staff@example.org', 'viewer@example.org', 'partner@example.org']) {
      const b = await signedIn(email);
      for (const url of ['/payments/overdue', '/payments/paid', `/payments/people/${ids.ann}`, `/payments/people/${ids.ann}/statement/${taxYearOf(today).startYear}`]) {
        expect((await b.get(url)).statusCode, `${email} ${url}`).toBe(403);
      }
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/payments/overdue' });
    expect([302, 303]).toContain(anonymous.statusCode);
    // South's lead does not find North's people.
    const south = await signedIn('south-lead@example.org');
    expect((await south.get(`/payments/people/${ids.ann}`)).statusCode).toBe(404);
    expect((await south.get(`/payments/people/${ids.ann}/statement/${taxYearOf(today).startYear}`)).statusCode).toBe(404);
    expect((await south.get(`/payments/people/${ids.sue}`)).statusCode).toBe(200);
    for (const url of ['/payments/people/0', '/payments/people/99999999', '/payments/people/abc', `/payments/people/${ids.sue}/statement/1999`, `/payments/people/${ids.sue}/statement/3000`, `/payments/people/${ids.sue}/statement/20x6`]) {
      expect((await south.get(url)).statusCode, url).toBe(404);
    }
  });

  it('lets finance reach the overdue list, a person\'s payments and statements in their units, without health details', async () => {
    const finance = await signedIn('finance@example.org');
    const overdue = await finance.get('/payments/overdue');
    expect(overdue.statusCode).toBe(200);
    expect(tableRows(overdue.body, 'overdue-data')).toHaveLength(3);
    const person = await finance.get(`/payments/people/${ids.ann}`);
    expect(person.statusCode).toBe(200);
    expect(person.body).toContain('PAY-0042');
    const statement = await finance.get(`/payments/people/${ids.ann}/statement/${taxYearOf(today).startYear}`);
    expect(statement.statusCode).toBe(200);
    for (const page of [overdue.body, person.body, statement.body]) {
      for (const health of ['Needs a hearing loop', 'Recovering from a hospital stay', '>Carer<']) expect(page).not.toContain(health);
    }
    // Finance has no link to the register entry (which finance may not open); the lead does.
    expect(person.body).not.toContain(`href="/people/${ids.ann}"`);
    expect((await finance.get(`/people/${ids.ann}`)).statusCode).toBe(404);
    const lead = await signedIn('lead@example.org');
    expect((await lead.get(`/payments/people/${ids.ann}`)).body).toContain(`href="/people/${ids.ann}"`);
    // South's people are not finance's.
    expect((await finance.get(`/payments/people/${ids.sue}`)).statusCode).toBe(404);
    expect((await finance.get(`/payments/overdue?unitId=${org.south.id}`)).statusCode).toBe(404);
  });

  it('shows a person\'s involvement payments this tax year, with a warning near the threshold, and audits the view', async () => {
    const lead = await signedIn('lead@example.org');
    const before = await lead.get(`/payments/people/${ids.bob}`);
    expect(before.body).toContain('data-tax-level="ok"');
    expect(before.body).not.toContain('nhsuk-card--warning');
    // £850 of time paid this tax year: past 80% of the £1,000 threshold.
    const { claim: paidClaim, lines } = await claim(ids.bob, org.northTeam.id, { activity_date: today, description: 'Big project day', status: 'approved' }, [
      { amount_pence: 85_000, kind: 'time', category: 'full_day' },
      { amount_pence: 1_000, kind: 'expense', category: 'parking' },
    ]);
    for (const line of lines) await postPaid(t.db.db, { id: line.id, personId: ids.bob }, { paidOn: today, method: 'bank_transfer', reference: 'BACS-1' }, users.finance);
    await t.db.db.updateTable('claims').set({ paid_at: new Date().toISOString() }).where('id', '=', paidClaim.id).execute();
    const res = await lead.get(`/payments/people/${ids.bob}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Involvement payments this tax year: £850.00. The trust&#39;s threshold is £1,000.00.');
    expect(res.body).toContain('data-tax-level="near"');
    expect(res.body).toContain('nhsuk-card--warning');
    expect(res.body).toContain('Payments could affect benefits or tax');
    // The claims of the year, newest first, the paid one marked paid.
    const claims = tableRows(res.body, 'claims-data');
    expect(claims[0]?.slice(1, 5)).toEqual(['Meeting: Big project day', 'North Community Team', '£860.00', 'Paid']);
    expect(claims.map((r) => r[1])).not.toContain('South forum');
    // A link to this tax year's statement.
    expect(res.body).toContain(`href="/payments/people/${ids.bob}/statement/${taxYearOf(today).startYear}"`);
    const audited = await t.db.db.selectFrom('audit_log').select(['actor_user_id', 'details']).where('action', '=', 'person.payments_viewed').where('entity_id', '=', String(ids.bob)).execute();
    expect(audited.length).toBeGreaterThanOrEqual(2);
    expect(audited.every((a) => a.actor_user_id === users.lead)).toBe(true);
    expect(JSON.parse(audited[0]?.details ?? '{}')).toEqual({ taxYear: taxYearOf(today).startYear });
  });

  describe('the annual statement', () => {
    const year = 2025; // 6 April 2025 to 5 April 2026
    let person: number;

    beforeAll(async () => {
      person = (await insertPerson(t.db, org.northTeam.id, { full_name: 'Stella Statement', user_id: users.otherPartner })).id;
      const pay = async (description: string, activityDate: string, paidOn: string, lines: LineSpec[], method: 'bank_transfer' | 'vouchers' = 'bank_transfer') => {
        const made = await claim(person, org.northTeam.id, { activity_date: activityDate, description, status: 'approved' }, lines);
        return Promise.all(made.lines.map((l) => postPaid(t.db.db, { id: l.id, personId: person }, { paidOn, method, reference: null }, users.finance)));
      };
      // Time and a bus fare paid by bank transfer; time paid in vouchers; time paid then taken back; one paid after the year ended.
      await pay('Spring forum', '2025-05-01', '2025-05-10', [{ amount_pence: 4_000, kind: 'time', category: 'hour', quantity: 120 }, { amount_pence: 450 }]);
      await pay('Summer workshop', '2025-06-20', '2025-07-01', [{ amount_pence: 2_000, kind: 'time', category: 'hour', quantity: 60 }], 'vouchers');
      const [mistake] = await pay('Autumn project day', '2025-08-20', '2025-09-01', [{ amount_pence: 5_000, kind: 'time', category: 'half_day' }]);
      await postReversal(t.db.db, mistake!.id, 'Paid twice by mistake', users.finance);
      await pay('Spring again', '2026-03-30', '2026-04-06', [{ amount_pence: 7_000, kind: 'time', category: 'full_day' }]);
    });

    it('lists each payment with time, vouchers and expenses apart, shows the reversal, and totals that equal the sum of the rows', async () => {
      const lead = await signedIn('lead@example.org');
      const res = await lead.get(`/payments/people/${person}/statement/${year}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Test NHS Trust');
      expect(res.body).toContain('<dd data-statement="name">Stella Statement</dd>');
      expect(res.body).toContain('<dd data-statement="year">6 April 2025 to 5 April 2026</dd>');
      expect(res.body).toContain('Benefits and tax');
      expect(res.body).toContain('/public/payment-reports.css');
      // Date paid, what for, for your time, vouchers, expenses, total.
      const rows = tableRows(res.body, 'statement-data');
      expect(rows).toEqual([
        ['10 May 2025', 'Meeting on 1 May 2025: Spring forum Paid by bank transfer', '£40.00', '', '£4.50', '£44.50'],
        ['1 Jul 2025', 'Meeting on 20 Jun 2025: Summer workshop Paid in vouchers', '', '£20.00', '', '£20.00'],
        ['1 Sept 2025', 'Meeting on 20 Aug 2025: Autumn project day Paid by bank transfer', '£50.00', '', '', '£50.00'],
        ['1 Sept 2025', expect.stringMatching(/^Meeting on 20 Aug 2025: Autumn project day Paid by bank transfer Payment taken back on \d+ \w+ \d{4}: Paid twice by mistake$/), '−£50.00', '', '', '−£50.00'],
      ]);
      const [totals] = tableRows(res.body, 'statement-data', 'tfoot');
      expect(totals).toEqual(['Totals', '£40.00', '£20.00', '£4.50', '£64.50']);
      // Each total is the sum of its column, and the reversed payment cancels.
      for (const column of [2, 3, 4, 5]) {
        expect(rows.reduce((s, r) => s + pounds(r[column] ?? ''), 0), `column ${column}`).toBe(pounds(totals?.[column - 1] ?? ''));
      }
      expect(res.body).toContain('Payments for your time: £60.00 (£40.00 in money and £20.00 in vouchers).');
      expect(res.body).toContain('Expenses paid back, such as travel: £4.50.');
      // The time paid matches the tax-year total the warning uses.
      expect((await taxYearStatus(t.db.db, person, '2025-12-01')).paidPence).toBe(6_000);
      // The next tax year has the payment made on 6 April 2026.
      const next = tableRows((await lead.get(`/payments/people/${person}/statement/${year + 1}`)).body, 'statement-data');
      expect(next.map((r) => r[5])).toEqual(['£70.00']);
      expect(await t.db.db.selectFrom('audit_log').select('id').where('action', '=', 'person.payment_statement_viewed').where('entity_id', '=', String(person)).execute()).toHaveLength(2);
    });

    it('gives a partner their own statement at /my-claims, and nobody else\'s', async () => {
      const own = await signedIn('other-partner@example.org');
      const res = await own.get(`/my-claims/statement/${year}`);
      expect(res.statusCode).toBe(200);
      expect(tableRows(res.body, 'statement-data')).toHaveLength(4);
      expect(res.body).toContain('href="/my-claims"');
      expect(res.body).toContain(`href="/my-claims/statement/${year + 1}"`);
      expect(res.body).not.toContain('/payments/people/');
      const audit = await t.db.db.selectFrom('audit_log').select('details').where('action', '=', 'person.payment_statement_viewed').where('actor_user_id', '=', users.otherPartner).executeTakeFirstOrThrow();
      expect(JSON.parse(audit.details ?? '{}')).toEqual({ taxYear: year, self: true });
      // Ann's partner account sees Ann's (empty) statement, not Stella's.
      const ann = await signedIn('partner@example.org');
      const hers = await ann.get(`/my-claims/statement/${year}`);
      expect(hers.statusCode).toBe(200);
      expect(hers.body).toContain('Ann Ashworth');
      expect(hers.body).not.toContain('Stella');
      expect(hers.body).toContain('Nothing was paid to you from 6 April 2025 to 5 April 2026.');
      // Someone with no register entry has no statement; a year that has not begun is not a page.
      const staff = await signedIn('staff@example.org');
      expect((await staff.get(`/my-claims/statement/${year}`)).statusCode).toBe(404);
      expect((await own.get(`/my-claims/statement/${taxYearOf(today).startYear + 1}`)).statusCode).toBe(404);
      expect((await own.get('/my-claims/statement/abcd')).statusCode).toBe(404);
    });
  });

  describe('promptness', () => {
    // Two past months with known days from activity to payment (target 14 days).
    const m1 = monthsAgo(2);
    const m2 = monthsAgo(1);

    beforeAll(async () => {
      const paidClaim = async (activityDate: string, paidAt: string, personId = ids.bob, unitId = org.northTeam.id) =>
        claim(personId, unitId, { activity_date: activityDate, description: `Paid ${activityDate}`, status: 'approved', paid_at: paidAt });
      // m1: paid on the 20th, 5, 10 and 19 days after: median 10, 2 of 3 within 14 days.
      for (const days of [5, 10, 19]) await paidClaim(daysBefore(`${m1}-20`, days), `${m1}-20T12:00:00.000Z`);
      // m2: paid on the 28th, 3, 7, 14 and 30 days after: median 10.5, 3 of 4 within 14 days.
      for (const days of [3, 7, 14, 30]) await paidClaim(daysBefore(`${m2}-28`, days), `${m2}-28T10:00:00.000Z`);
      // South's payment is not North's.
      await paidClaim(`${m2}-01`, `${m2}-28T10:00:00.000Z`, ids.sue, org.southTeam.id);
    });

    it('works out the median days to pay and the share paid within the target per London month', async () => {
      const north = await t.db.db.selectFrom('org_units').select('path').where('id', '=', org.north.id).executeTakeFirstOrThrow();
      const months = await promptnessByMonth(t.db.db, { prefixes: [north.path], months: [m1, m2], targetDays: 14 });
      expect(months).toEqual([
        { month: m1, paid: 3, withinTarget: 2, medianDays: 10 },
        { month: m2, paid: 4, withinTarget: 3, medianDays: 10.5 },
      ]);
    });

    it('counts a claim paid late on the last evening of a summer month in the next London month', async () => {
      const at = await t.db.db.selectFrom('org_units').select('path').where('id', '=', org.trust.id).executeTakeFirstOrThrow();
      const fresh = await insertPerson(t.db, org.southTeam.id, { full_name: 'Late Evening' });
      // 23:30 UTC on 30 June is 00:30 on 1 July in London: 1 day after the activity, in July.
      await claim(fresh.id, org.southTeam.id, { activity_date: '2024-06-30', description: 'Evening', status: 'approved', paid_at: '2024-06-30T23:30:00.000Z' });
      const months = await promptnessByMonth(t.db.db, { prefixes: [at.path], months: ['2024-06', '2024-07'], targetDays: 0 });
      expect(months).toEqual([
        { month: '2024-06', paid: 0, withinTarget: 0, medianDays: null },
        { month: '2024-07', paid: 1, withinTarget: 0, medianDays: 1 },
      ]);
    });

    it('draws both charts on the dashboard with their data tables, linking months to the claims paid for leads', async () => {
      const lead = await signedIn('lead@example.org');
      const res = await lead.get(`/insights?unitId=${org.north.id}`);
      expect(res.statusCode).toBe(200);
      const days = tableRows(res.body, 'promptness-days-data');
      expect(days).toHaveLength(24);
      // Month paid, claims paid, median days, centre line.
      expect(days.find((r) => r[0] === monthName(m1))?.slice(0, 3)).toEqual([monthName(m1), '3', '10']);
      expect(days.find((r) => r[0] === monthName(m2))?.slice(0, 3)).toEqual([monthName(m2), '4', '10.5']);
      expect(days.find((r) => r[0] === monthName(monthsAgo(5)))?.slice(0, 3)).toEqual([monthName(monthsAgo(5)), '0', '–']);
      const within = tableRows(res.body, 'promptness-within-data');
      expect(within.find((r) => r[0] === monthName(m1))?.slice(0, 4)).toEqual([monthName(m1), '2', '3', '66.7%']);
      expect(within.find((r) => r[0] === monthName(m2))?.slice(0, 4)).toEqual([monthName(m2), '3', '4', '75%']);
      // A run chart and a p chart, a point for each month with claims paid (the test above paid one more this month).
      for (const id of ['insights-days-to-pay', 'insights-paid-within']) {
        const svg = new RegExp(`<svg[^>]*aria-labelledby="${id}-title[\\s\\S]*?</svg>`).exec(res.body)?.[0] ?? '';
        expect(svg.match(/data-point="/g)?.length, id).toBe(3);
      }
      expect(res.body).toContain('Median days from activity to payment, month by month (run chart)');
      expect(res.body).toContain('Claims paid within 14 days of the activity, month by month (p chart)');
      expect(res.body).toContain(`href="/payments/paid?month=${m1}&amp;unitId=${org.north.id}"`);
      // At a glance: claims waiting too long, linking to the overdue list.
      expect(res.body).toContain(`href="/payments/overdue?unitId=${org.north.id}"`);

      // The list behind a month.
      const paid = await lead.get(`/payments/paid?month=${m1}&unitId=${org.north.id}`);
      expect(paid.statusCode).toBe(200);
      expect(paid.body).toContain(`3 claims were paid in ${monthName(m1)}. The median time from the activity to payment was 10 days; 2 of 3 (66.7%) were paid within 14 days.`);
      expect(tableRows(paid.body, 'paid-data').map((r) => [r[4], r[5]])).toEqual([['5', 'Yes'], ['10', 'Yes'], ['19', 'No']]);
    });

    it('shows viewers the counts only: no links to the claims behind them', async () => {
      const viewer = await signedIn('viewer@example.org');
      const res = await viewer.get('/insights');
      expect(res.statusCode).toBe(200);
      // The trust: North and South together.
      expect(tableRows(res.body, 'promptness-days-data').find((r) => r[0] === monthName(m2))?.[1]).toBe('5');
      expect(res.body).not.toContain('/payments/paid');
      expect(res.body).not.toContain('/payments/overdue');
      const figure = res.body.slice(res.body.indexOf('data-figure="overdueClaims"'));
      expect(figure.slice(0, figure.indexOf('</li>'))).toMatch(/class="app-figure">\d+</);
      // Someone who sees the trust's figures but approves claims only in North gets links only for North,
      // where the lists hold every claim counted.
      await createUser(t.db, 'mixed@example.org', [{ unitId: org.trust.id, role: 'viewer' }, { unitId: org.north.id, role: 'lead' }]);
      const mixed = await signedIn('mixed@example.org');
      expect((await mixed.get('/insights')).body).not.toContain('/payments/paid?');
      expect((await mixed.get(`/insights?unitId=${org.north.id}`)).body).toContain(`/payments/paid?month=${m1}&amp;unitId=${org.north.id}`);
    });
  });
});

describe('the overdue list, page by page', { timeout: 60_000 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    await createUser(t.db, 'finance@example.org', [{ unitId: org.trust.id, role: 'finance' }]);
    const person = await insertPerson(t.db, org.northTeam.id, { full_name: 'Patient Payee' });
    const today = londonDate();
    // Two claims a day for a month, all overdue: a page of 50 and then the rest.
    for (let i = 0; i < OVERDUE_PAGE_SIZE + 4; i++) {
      await insertClaim(t.db, person.id, org.northTeam.id, { activity_date: daysBefore(today, 20 + Math.floor(i / 2)), description: `Claim ${String(i).padStart(2, '0')}` });
    }
  });
  afterAll(() => t.close());

  it('pages with a cursor, oldest first, never repeating or missing a claim', async () => {
    const finance = new Browser(t.app);
    await finance.signIn('finance@example.org');
    const first = await finance.get('/payments/overdue');
    expect(first.body).toContain(`${OVERDUE_PAGE_SIZE + 4} claims have waited`);
    const one = tableRows(first.body, 'overdue-data');
    expect(one).toHaveLength(OVERDUE_PAGE_SIZE);
    const next = /href="(\/payments\/overdue\?after=[\d-]+\.\d+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await finance.get(next as string);
    const two = tableRows(second.body, 'overdue-data');
    expect(two).toHaveLength(4);
    expect(second.body).toContain('First page');
    const seen = [...one, ...two].map((r) => r[1]);
    expect(new Set(seen).size).toBe(OVERDUE_PAGE_SIZE + 4);
    const waited = [...one, ...two].map((r) => Number(r[3]));
    expect(waited).toEqual([...waited].sort((a, b) => b - a));
  });
});
