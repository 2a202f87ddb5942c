import { parse as parseCsv } from 'csv-parse/sync';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { Person } from '../../platform/db/types.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { lineBalance } from '../payments/service.ts';
import { approveClaim, insertClaim, type LineSpec } from '../payments/test-support.ts';
import { londonDate } from '../projects/service.ts';
import { createExport, payLines, payableList } from './service.ts';

const daysAgo = (n: number): string => londonDate(new Date(Date.now() - n * 86_400_000));

describe('finance: payable lines, payments, exports, reversals and payee references', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let users: Record<'admin' | 'finance' | 'lead', number>;
  let ann: Person;
  let bob: Person;
  let south: Person;
  let fin: Browser;

  const ctxFor = async (userId: number): Promise<ServiceContext> => ({ db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null });
  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    await b.get('/');
    return b;
  };

  /** An approved claim: its lines are approved and owed (one pending-then-rejected line may ride along). */
  async function approved(person: Person, lines: LineSpec[], over: Parameters<typeof insertClaim>[3] = {}) {
    const made = await insertClaim(t.db, person.id, person.unit_id, over, lines);
    await approveClaim(t.db, made.claim.id);
    return made;
  }

  /** Posts a form with a repeated field (several ticked boxes), as a browser does. */
  async function postForm(b: Browser, url: string, fields: [string, string][]): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams([['_csrf', b.csrf], ...fields]).toString();
    const res = await t.app.inject({ method: 'POST', url, payload: body, headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    // Keep the cookies (the flash) and the page's token for the next post, as Browser.post does.
    for (const c of res.cookies as { name: string; value: string }[]) b.setCookie(c.name, c.value);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m?.[1]) b.csrf = m[1];
    return res;
  }

  const payableIds = async (userId = users.finance): Promise<number[]> => (await payableList(await ctxFor(userId), { exported: 'all' })).lines.map((l) => l.line_id);
  const paidAt = async (claimId: number) => (await t.db.db.selectFrom('claims').select('paid_at').where('id', '=', claimId).executeTakeFirstOrThrow()).paid_at;
  const entries = async (lineId: number) => t.db.db.selectFrom('ledger_entries').selectAll().where('claim_line_id', '=', lineId).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users = {
      admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin'),
      finance: await createUser(t.db, 'finance@example.org', [{ unitId: org.northTeam.id, role: 'finance' }], 'Fin Finance'),
      lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lena Lead'),
    };
    ann = await insertPerson(t.db, org.northTeam.id, {
      full_name: 'Ann Archer', relationship: 'both', access_needs_other: 'Hearing loop please', notes: 'Private diagnosis note', payee_reference: 'SUP-0042',
    });
    await t.db.db.insertInto('consents').values({ person_id: ann.id, kind: 'contact', given: 1, method: 'written', note: 'Consent note secret', recorded_at: nowIso(), recorded_by: null }).execute();
    bob = await insertPerson(t.db, org.northTeam.id, { full_name: 'Bob Baker' });
    south = await insertPerson(t.db, org.southTeam.id, { full_name: 'Sam South', payee_reference: 'SUP-9' });
    await t.db.db.insertInto('cost_centres').values({ unit_id: org.north.id, code: 'CC-NORTH', updated_at: nowIso() }).execute();
    fin = await signedIn('finance@example.org');
  });
  afterAll(() => t.close());

  it('lets a finance user reach /finance and refuses a lead without finance:pay', async () => {
    expect((await fin.get('/finance')).statusCode).toBe(200);
    const lead = await signedIn('lead@example.org');
    expect((await lead.get('/finance')).statusCode).toBe(403);
    expect((await lead.get('/finance/exports')).statusCode).toBe(403);
  });

  it('lists only approved lines of approved claims with money owed, in the finance user’s units', async () => {
    const good = await approved(ann, [{ amount_pence: 450 }, { amount_pence: 1200, status: 'rejected' }], { activity_date: daysAgo(20) });
    const unapproved = await insertClaim(t.db, ann.id, ann.unit_id, {}, [{ amount_pence: 300 }]);
    const paid = await approved(bob, [{ amount_pence: 700 }]);
    const outside = await approved(south, [{ amount_pence: 999 }]);
    const cx = await ctxFor(users.finance);
    await payLines(cx, { line: String(paid.lines[0]!.id), paidOn: londonDate(), method: 'bank_transfer' });

    const ids = await payableIds();
    expect(ids).toContain(good.lines[0]!.id);
    expect(ids).not.toContain(good.lines[1]!.id); // rejected
    expect(ids).not.toContain(unapproved.lines[0]!.id);
    expect(ids).not.toContain(paid.lines[0]!.id);
    expect(ids).not.toContain(outside.lines[0]!.id);
    // The admin (the whole trust) sees the South line too.
    expect(await payableIds(users.admin)).toContain(outside.lines[0]!.id);

    const html = (await fin.get('/finance')).body;
    expect(html).toContain(`value="${good.lines[0]!.id}"`);
    expect(html).not.toContain(`value="${unapproved.lines[0]!.id}"`);
    // 20 days is past the 14-day target: said in words, with the cost centre inherited from North borough.
    expect(html).toContain('20 days ago');
    expect(html).toContain('Overdue');
    expect(html).toContain('CC-NORTH');
    expect(html).toContain('SUP-0042');
    // Bob has no payee reference: tagged, with a link to add one.
    await approved(bob, [{ amount_pence: 100 }], { preference: 'vouchers' });
    const again = (await fin.get('/finance')).body;
    expect(again).toContain('No payee reference');
    expect(again).toContain(`/finance/payees/${bob.id}`);
    expect(again).toContain('Vouchers');
    // Outside the finance user's units: 404, not 403.
    expect((await fin.get(`/finance/lines/${outside.lines[0]!.id}`)).statusCode).toBe(404);
    expect((await fin.get(`/finance/payees/${south.id}`)).statusCode).toBe(404);
  });

  it('pays two lines in a batch, sets paid_at only when every approved line is paid, and refuses paying twice', async () => {
    const two = await approved(ann, [{ amount_pence: 450 }, { amount_pence: 1250 }, { amount_pence: 80, status: 'rejected' }]);
    const other = await approved(bob, [{ amount_pence: 330 }]);
    const [a, b] = two.lines as [(typeof two.lines)[0], (typeof two.lines)[0]];

    // Paying one line leaves the claim unpaid.
    let res = await postForm(fin, '/finance/pay', [['line', String(a.id)], ['paidOn', londonDate()], ['method', 'bank_transfer']]);
    expect(res.statusCode).toBe(303);
    expect(await paidAt(two.claim.id)).toBeNull();

    // A batch with the line already paid is refused whole, naming the line, with the form kept.
    const page = await fin.get(`/finance/pay?line=${a.id}&line=${b.id}&line=${other.lines[0]!.id}`);
    expect(page.statusCode).toBe(200);
    res = await postForm(fin, '/finance/pay', [['line', String(a.id)], ['line', String(b.id)], ['line', String(other.lines[0]!.id)], ['paidOn', londonDate()], ['method', 'cheque'], ['reference', 'REM-77'], ['batch', 'December run']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Nothing is owed on line ${a.id} (Ann Archer, claim ${two.claim.id})`);
    expect(res.body).toContain('value="REM-77"');
    expect(res.body).toContain('value="December run"');
    expect(await lineBalance(t.db.db, b.id)).toBe(1250);
    expect(await lineBalance(t.db.db, other.lines[0]!.id)).toBe(330);

    // Without it, the batch goes through: each line paid all it owed, with the method, reference and batch.
    res = await postForm(fin, '/finance/pay', [['line', String(b.id)], ['line', String(other.lines[0]!.id)], ['paidOn', londonDate()], ['method', 'cheque'], ['reference', 'REM-77'], ['batch', 'December run']]);
    expect(res.statusCode).toBe(303);
    expect(await lineBalance(t.db.db, b.id)).toBe(0);
    expect(await lineBalance(t.db.db, other.lines[0]!.id)).toBe(0);
    const paid = (await entries(b.id)).find((e) => e.kind === 'paid');
    expect(paid).toMatchObject({ amount_pence: -1250, method: 'cheque', reference: 'REM-77', batch: 'December run', paid_on: londonDate(), created_by: users.finance });
    expect(await paidAt(two.claim.id)).not.toBeNull();
    expect(await paidAt(other.claim.id)).not.toBeNull();
    expect(await payableIds()).not.toContain(b.id);

    // Paying the same line again, on its own page, is refused.
    res = await postForm(fin, `/finance/lines/${b.id}/pay`, [['paidOn', londonDate()], ['method', 'cash']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Nothing is owed on line ${b.id}`);
    expect((await entries(b.id)).filter((e) => e.kind === 'paid')).toHaveLength(1);
  });

  it('checks the payment form: a date in the future, no method, no lines', async () => {
    const c = await approved(ann, [{ amount_pence: 200 }]);
    const tomorrow = londonDate(new Date(Date.now() + 2 * 86_400_000));
    let res = await postForm(fin, '/finance/pay', [['line', String(c.lines[0]!.id)], ['paidOn', tomorrow], ['reference', 'kept']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose how it was paid');
    res = await postForm(fin, '/finance/pay', [['line', String(c.lines[0]!.id)], ['paidOn', tomorrow], ['method', 'cash']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The date paid cannot be in the future');
    res = await postForm(fin, '/finance/pay', [['paidOn', londonDate()], ['method', 'cash']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose at least one line to pay');
    expect(await lineBalance(t.db.db, c.lines[0]!.id)).toBe(200);
  });

  it('reverses a payment so the line is owed again, exactly, and clears paid_at; an owed entry only after its payment', async () => {
    const c = await approved(ann, [{ amount_pence: 1234 }]);
    const line = c.lines[0]!;
    await postForm(fin, `/finance/lines/${line.id}/pay`, [['paidOn', londonDate()], ['method', 'bank_transfer'], ['reference', 'BT-1']]);
    expect(await lineBalance(t.db.db, line.id)).toBe(0);
    expect(await paidAt(c.claim.id)).not.toBeNull();
    const [owed, paid] = (await entries(line.id)).map((e) => ({ id: e.id })) as [{ id: number }, { id: number }];

    // What is owed cannot be reversed while the payment stands.
    let res = await postForm(fin, `/finance/entries/${owed.id}/reverse`, [['reason', 'Approved in error']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Reverse the payment first');

    res = await postForm(fin, `/finance/entries/${paid.id}/reverse`, []);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Say why you are reversing this entry');

    res = await postForm(fin, `/finance/entries/${paid.id}/reverse`, [['reason', 'Payment bounced']]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/finance/lines/${line.id}`);
    expect(await lineBalance(t.db.db, line.id)).toBe(1234);
    expect(await paidAt(c.claim.id)).toBeNull();
    expect(await payableIds()).toContain(line.id);
    // The paid entry is untouched; a reversal cancels it.
    expect((await entries(line.id)).map((e) => [e.kind, e.amount_pence])).toEqual([['owed', 1234], ['paid', -1234], ['reversal', 1234]]);
    // Reversing it twice is refused.
    res = await postForm(fin, `/finance/entries/${paid.id}/reverse`, [['reason', 'Again']]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('already been reversed');

    // The line's history: each entry, signed amount, who, when, the reason.
    const history = (await fin.get(`/finance/lines/${line.id}`)).body;
    expect(history).toContain('Payment bounced');
    expect(history).toContain('−£12.34');
    expect(history).toContain('Fin Finance');
    expect(history).toContain(`Reverses entry ${paid.id}`);

    // Paid again, then reversed again: paid_at set and cleared each time.
    await postForm(fin, `/finance/lines/${line.id}/pay`, [['paidOn', londonDate()], ['method', 'bank_transfer']]);
    expect(await paidAt(c.claim.id)).not.toBeNull();
    const repaid = (await entries(line.id)).filter((e) => e.kind === 'paid').at(-1)!;
    await postForm(fin, `/finance/entries/${repaid.id}/reverse`, [['reason', 'Wrong person']]);
    expect(await paidAt(c.claim.id)).toBeNull();
    // Now what is owed can be reversed: nothing is owed and the line is no longer payable.
    res = await postForm(fin, `/finance/entries/${owed.id}/reverse`, [['reason', 'Approved in error']]);
    expect(res.statusCode).toBe(303);
    expect(await lineBalance(t.db.db, line.id)).toBe(0);
    expect(await payableIds()).not.toContain(line.id);
    expect(await paidAt(c.claim.id)).toBeNull();
  });

  it('exports every owed line once, as CSV with payee reference and cost centre, guarded against formulas', async () => {
    // Everything so far goes into one export first.
    const admin = await ctxFor(users.admin);
    await createExport(admin);
    const evil = await insertPerson(t.db, org.northTeam.id, { full_name: '+Evil Name', payee_reference: '=cmd|x', relationship: 'carer', notes: 'Private diagnosis note' });
    const c = await approved(evil, [{ amount_pence: 450, description: '=HYPERLINK("http://x")' }, { amount_pence: 1999, kind: 'time', category: 'half_day', quantity: 1, description: '@sum' }], { activity_kind: 'workshop', activity_date: daysAgo(3), preference: 'vouchers' });

    let res = await postForm(fin, '/finance/exports', []);
    expect(res.statusCode).toBe(303);
    const made = await t.db.db.selectFrom('finance_exports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(made).toMatchObject({ line_count: 2, total_pence: 2449, created_by: users.finance });
    const list = (await fin.get('/finance/exports')).body;
    expect(list).toContain(`/finance/exports/${made.id}.csv`);
    expect(list).toContain('£24.49');

    const csv = await fin.get(`/finance/exports/${made.id}.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="finance-export-${made.id}.csv"`);
    const rows = parseCsv(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      Export: String(made.id), Claim: String(c.claim.id), Line: String(c.lines[0]!.id), 'Payee reference': "'=cmd|x", 'Payee name': "'+Evil Name",
      'Activity date': daysAgo(3), Activity: 'Workshop', 'Line kind': 'Expense', Category: 'Public transport', Description: `'=HYPERLINK("http://x")`,
      'Amount (£)': '4.50', 'Amount (pence)': '450', 'Paid as': 'Vouchers', 'Cost centre': 'CC-NORTH',
    });
    expect(rows[1]).toMatchObject({ Line: String(c.lines[1]!.id), 'Line kind': 'Time', Category: 'Half day', Description: "'@sum", 'Amount (£)': '19.99', 'Amount (pence)': '1999' });
    expect(csv.body).not.toContain('Private diagnosis note');
    expect(csv.body).not.toContain('Carer');

    // Nothing new: said so, and no empty export kept.
    const before = (await t.db.db.selectFrom('finance_exports').select('id').execute()).length;
    res = await postForm(fin, '/finance/exports', []);
    expect(res.statusCode).toBe(303);
    expect((await fin.get('/finance/exports')).body).toContain('There are no new lines to export');
    expect((await t.db.db.selectFrom('finance_exports').select('id').execute()).length).toBe(before);

    // The list knows it was exported; the filter finds it.
    const exported = (await fin.get('/finance?exported=exported')).body;
    expect(exported).toContain(`value="${c.lines[0]!.id}"`);
    expect((await fin.get('/finance?exported=not_exported')).body).not.toContain(`value="${c.lines[0]!.id}"`);

    // Audited with ids and counts only.
    const rowsAudit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'finance.exported').where('entity_id', '=', String(made.id)).execute();
    expect(rowsAudit).toHaveLength(1);
    expect(JSON.parse(rowsAudit[0]!.details ?? '{}')).toEqual({ lines: 2 });
  });

  it('shares out the entries between two exports started at the same moment: none in both, none lost', async () => {
    // On PostgreSQL, two connection pools, as two app instances would have. SQLite is for one
    // instance: its one connection runs transactions one after the other.
    const second = t.db.dialect === 'postgres' ? t.database.open() : t.db;
    const a = await ctxFor(users.admin);
    const f = { ...(await ctxFor(users.finance)), db: second.db };
    await createExport(a);
    for (let round = 0; round < 4; round++) {
      const made: number[] = [];
      for (let i = 0; i < 12; i++) {
        const c = await approved(i % 2 ? ann : bob, [{ amount_pence: 100 + i }, { amount_pence: 200 + i }]);
        made.push(...c.lines.map((l) => l.id));
      }
      const results = await Promise.all([createExport(a), createExport(f)]);
      const got = await Promise.all(
        results.map(async (r) =>
          r
            ? (await t.db.db.selectFrom('finance_export_items as fi').innerJoin('ledger_entries as e', 'e.id', 'fi.entry_id').select('e.claim_line_id').where('fi.export_id', '=', r.id).execute()).map((x) => x.claim_line_id)
            : [],
        ),
      );
      const [first, second] = got as [number[], number[]];
      expect(first.filter((id) => second.includes(id))).toEqual([]);
      expect([...first, ...second].sort((x, y) => x - y)).toEqual([...made].sort((x, y) => x - y));
      // Each export's count and total are of exactly the rows it got.
      for (const [i, r] of results.entries()) if (r) expect(r.lines).toBe(got[i]!.length);
    }
    if (second !== t.db) await second.close();
  });

  it('sets and checks payee references, audited without the value', async () => {
    expect((await fin.get(`/finance/payees/${bob.id}`)).statusCode).toBe(200);
    for (const bad of ['12345678', '12-34-56', 'Acct 12345678', '12 34 56 12345678', 'GB29NWBK60161331926819', 'x'.repeat(41)]) {
      const res = await postForm(fin, `/finance/payees/${bob.id}`, [['payeeReference', bad]]);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain(bad.length > 40 ? '40 characters or fewer' : 'looks like a bank account number or sort code');
    }
    let res = await postForm(fin, `/finance/payees/${bob.id}`, [['payeeReference', '  SUP 1234  ']]);
    expect(res.statusCode).toBe(303);
    const saved = await t.db.db.selectFrom('people').select('payee_reference').where('id', '=', bob.id).executeTakeFirstOrThrow();
    expect(saved.payee_reference).toBe('SUP 1234');
    const row = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'finance.payee_reference_changed').where('entity_id', '=', String(bob.id)).executeTakeFirstOrThrow();
    expect(row.details).not.toContain('SUP 1234');
    res = await postForm(fin, `/finance/payees/${bob.id}`, [['payeeReference', '']]);
    expect(res.statusCode).toBe(303);
    expect((await t.db.db.selectFrom('people').select('payee_reference').where('id', '=', bob.id).executeTakeFirstOrThrow()).payee_reference).toBeNull();
  });

  it('shows finance no health details on any page', async () => {
    const c = await approved(ann, [{ amount_pence: 500 }]);
    const line = c.lines[0]!;
    const [owed] = await entries(line.id);
    const pages = [
      '/finance', `/finance/pay?line=${line.id}`, `/finance/lines/${line.id}`, `/finance/lines/${line.id}/pay`, `/finance/entries/${owed!.id}/reverse`,
      `/finance/payees/${ann.id}`, '/finance/exports',
    ];
    for (const url of pages) {
      const res = await fin.get(url);
      expect(res.statusCode, url).toBe(200);
      if (url !== '/finance/exports') expect(res.body, url).toContain('Ann Archer');
      for (const secret of ['Hearing loop please', 'Private diagnosis note', 'Consent note secret', 'Service user and carer', 'person@example.org']) {
        expect(res.body, `${url} shows ${secret}`).not.toContain(secret);
      }
    }
  });
});
