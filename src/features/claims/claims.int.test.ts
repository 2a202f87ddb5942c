import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type Browser, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { addSeriesMember, insertMeeting, insertSeries, uploadPaper } from '../meetings/test-support.ts';
import { addWalkIn, saveAttendance } from '../minutes/service.ts';
import { addDays, insertRegisterPerson, invite } from '../minutes/test-support.ts';
import { postPaid, taxYearOf } from '../payments/service.ts';
import { approveClaim, insertExpenseRate, insertTimeRate } from '../payments/test-support.ts';
import { exportPerson, erasePerson } from '../people/service.ts';
import { londonDate } from '../projects/service.ts';
import { draftClaimsForMeeting, minutesBetween } from './service.ts';
import { claimIdFrom, ctxFor, JPEG, PDF, PNG, seedClaims, signedIn } from './test-support.ts';

const today = () => londonDate();
const daysAgo = (n: number) => addDays(today(), -n);

describe('claims', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedClaims>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedClaims(t);
    await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', amount_pence: 2000, effective_from: '2020-01-01' });
    await insertTimeRate(t.db, { activity_kind: 'workshop', basis: 'half_day', amount_pence: 4500, effective_from: '2020-01-01' });
    await insertExpenseRate(t.db, { category: 'public_transport', limit_pence: null });
    await insertExpenseRate(t.db, { category: 'mileage', pence_per_mile: 45 });
    await insertExpenseRate(t.db, { category: 'taxi', limit_pence: 3000, needs_approval: 1 });
  });
  afterEach(() => t.close());

  const claimRow = (id: number) => t.db.db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const linesOf = (id: number) => t.db.db.selectFrom('claim_lines').selectAll().where('claim_id', '=', id).orderBy('id').execute();

  async function newClaim(b: Browser, base: '/claims' | '/my-claims', form: Record<string, string>): Promise<number> {
    const res = await b.post(base, { activityKind: 'meeting', activityDate: daysAgo(3), description: 'QI forum at Trust HQ', ...form });
    expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
    return claimIdFrom(res.headers.location);
  }

  it('lets a lead find a person in their units and claim on their behalf, with time and costs priced and totalled', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const south = await insertRegisterPerson(t.db, s.org.southTeam.id, 'Pat Southern');
    const search = await lead.get('/claims/new?q=pat');
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('Make a claim for Pat Partner');
    expect(search.body).not.toContain('Pat Southern'); // not in the lead's units
    expect((await lead.get(`/claims/new?person=${south}`)).statusCode).toBe(404);

    const form = await lead.get(`/claims/new?person=${s.partnerPerson}`);
    expect(form.body).toContain('New claim for Pat Partner');
    // A bad form keeps what was typed and explains.
    const bad = await lead.post('/claims', { personId: String(s.partnerPerson), activityKind: 'meeting', activityDate: addDays(today(), 1), description: 'Forum next week' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The date cannot be in the future');
    expect(bad.body).toContain('Forum next week');

    const id = await newClaim(lead, '/claims', { personId: String(s.partnerPerson) });
    const claim = await claimRow(id);
    expect(claim).toMatchObject({ person_id: s.partnerPerson, unit_id: s.org.northTeam.id, status: 'draft', preference: 'involvement_rate', total_pence: 0, created_by: s.users.lead });

    expect((await lead.post(`/claims/${id}/time`, { basis: 'hour', hours: '1', minutes: '30' })).statusCode).toBe(303);
    expect((await lead.post(`/claims/${id}/expenses`, { category: 'public_transport', amount: '£4.50', expenseDescription: 'Bus there and back' })).statusCode).toBe(303);
    expect((await lead.post(`/claims/${id}/expenses`, { category: 'mileage', miles: '12.5' })).statusCode).toBe(303);
    const lines = await linesOf(id);
    expect(lines.map((l) => [l.kind, l.category, l.quantity, l.amount_pence])).toEqual([['time', 'hour', 90, 3000], ['expense', 'public_transport', 1, 450], ['expense', 'mileage', 125, 563]]);
    expect((await claimRow(id)).total_pence).toBe(3000 + 450 + 563);

    const page = await lead.get(`/claims/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('1 hour 30 minutes');
    expect(page.body).toContain('12.5 miles');
    expect(page.body).toContain('£40.13');

    // Removing a line takes it off the total.
    expect((await lead.post(`/claims/${id}/lines/${lines[2]?.id}/delete`, {})).statusCode).toBe(303);
    expect((await claimRow(id)).total_pence).toBe(3450);

    // The list: newest activity first, filtered by status and name, with how many match.
    const older = await newClaim(lead, '/claims', { personId: String(s.partner2Person), activityDate: daysAgo(20), description: 'Older' });
    const list = await lead.get('/claims');
    expect(list.body).toContain('2 claims');
    expect(list.body.indexOf(`/claims/${id}"`)).toBeLessThan(list.body.indexOf(`/claims/${older}"`));
    const byName = await lead.get('/claims?q=kit');
    expect(byName.body).toContain('1 claim');
    expect(byName.body).toContain(`/claims/${older}"`);
    expect(byName.body).not.toContain(`/claims/${id}"`);
    expect((await lead.get('/claims?status=submitted')).body).toContain('0 claims');
    expect((await lead.get(`/claims?unitId=${s.org.southTeam.id}`)).body).toContain('0 claims');
    // Nonsense filters are dropped, never a server error.
    expect((await lead.get('/claims?status=bogus&unitId=x&after=nope')).statusCode).toBe(200);

    // The South lead does not see North claims at all.
    const southLead = await signedIn(t, 'south-lead@example.org');
    expect((await southLead.get(`/claims/${id}`)).statusCode).toBe(404);
    expect((await southLead.get('/claims')).body).toContain('0 claims');

    const actions = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'claim').where('entity_id', '=', String(id)).execute();
    expect(new Set(actions.map((a) => a.action))).toEqual(new Set(['claim.created', 'claim.line_added', 'claim.line_removed', 'claim.viewed']));
  });

  it('lets a partner claim for themselves, submit, and see what they have been paid, but never another partner’s claim', async () => {
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/my-claims/new')).statusCode).toBe(200);
    const id = await newClaim(partner, '/my-claims', {});
    expect((await claimRow(id)).person_id).toBe(s.partnerPerson);
    expect((await partner.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '3.20' })).statusCode).toBe(303);
    expect((await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '2' })).statusCode).toBe(303);
    expect((await partner.post(`/my-claims/${id}/submit`, {})).statusCode).toBe(303);
    expect(await claimRow(id)).toMatchObject({ status: 'submitted', total_pence: 4320 });
    expect((await claimRow(id)).submitted_at).not.toBeNull();
    // Submitted but not yet decided: a forgotten cost can still be added.
    expect((await partner.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '1' })).statusCode).toBe(303);
    expect((await claimRow(id)).total_pence).toBe(4420);

    // Once approved and paid, nothing changes and the person sees what was paid.
    await approveClaim(t.db, id, s.users.lead);
    const refused = await partner.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '1' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('This claim cannot be changed now');
    const [first] = await linesOf(id);
    await postPaid(t.db.db, { id: first!.id, personId: s.partnerPerson }, { paidOn: today(), method: 'bank_transfer', reference: 'BACS 1' }, s.users.finance);
    const mine = await partner.get('/my-claims');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('£44.20'); // the claim's total
    expect(mine.body).toContain('£3.20'); // paid so far
    const detail = await partner.get(`/my-claims/${id}`);
    expect(detail.body).toContain('Still to pay: £40.00');

    // Other partners, staff without the permission and the URL for leads: 404 (or 403 for a list they may not use).
    const other = await signedIn(t, 'partner2@example.org');
    expect((await other.get(`/my-claims/${id}`)).statusCode).toBe(404);
    expect((await other.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '1' })).statusCode).toBe(404);
    expect((await other.get('/my-claims')).body).not.toContain(`/my-claims/${id}"`);
    expect((await partner.get(`/claims/${id}`)).statusCode).toBe(404);
    expect((await partner.get('/claims')).statusCode).toBe(403);
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get(`/claims/${id}`)).statusCode).toBe(404);
    // The lead cannot open it as if it were their own.
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/my-claims/${id}`)).statusCode).toBe(404);
  });

  it('shows budget holders a claim waiting for them with a link to review it, and finance nothing here', async () => {
    const partner = await signedIn(t, 'partner@example.org');
    const id = await newClaim(partner, '/my-claims', {});
    await partner.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '3' });
    const budget = await signedIn(t, 'budget@example.org');
    const draft = await budget.get(`/claims/${id}`);
    expect(draft.statusCode).toBe(200);
    expect(draft.body).not.toContain('Review this claim');
    expect(draft.body).not.toContain('Add a cost'); // reading only
    expect((await budget.post(`/claims/${id}/expenses`, { category: 'public_transport', amount: '1' })).statusCode).toBe(403);
    await partner.post(`/my-claims/${id}/submit`, {});
    expect((await budget.get(`/claims/${id}`)).body).toContain(`href="/approvals/${id}"`);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/claims/${id}`)).body).toContain('Review this claim');
    const finance = await signedIn(t, 'finance@example.org');
    expect((await finance.get(`/claims/${id}`)).statusCode).toBe(404);
  });

  it('applies the payment preference: no payment means no claim, expenses only means no time, vouchers says so', async () => {
    const partner = await signedIn(t, 'partner@example.org');
    await t.db.db.updateTable('people').set({ payment_preference: 'none' }).where('id', '=', s.partnerPerson).execute();
    const blocked = await partner.get('/my-claims/new');
    expect(blocked.body).toContain('You asked not to be paid, so you cannot make a claim');
    expect(blocked.body).not.toContain('Make the claim');
    const refused = await partner.post('/my-claims', { activityKind: 'meeting', activityDate: daysAgo(1), description: 'Forum' });
    expect(refused.statusCode).toBe(400);
    expect(await t.db.db.selectFrom('claims').select('id').execute()).toEqual([]);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/claims/new?person=${s.partnerPerson}`)).body).toContain('no claim can be made for them');

    await t.db.db.updateTable('people').set({ payment_preference: 'expenses_only' }).where('id', '=', s.partnerPerson).execute();
    const id = await newClaim(partner, '/my-claims', {});
    expect((await claimRow(id)).preference).toBe('expenses_only');
    const page = await partner.get(`/my-claims/${id}`);
    expect(page.body).not.toContain('Add time');
    const time = await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '1' });
    expect(time.statusCode).toBe(400);
    expect(time.body).toContain('the person is paid expenses only');
    expect(await linesOf(id)).toEqual([]);
    // The preference on the claim is what it was when the claim was made.
    await t.db.db.updateTable('people').set({ payment_preference: 'vouchers' }).where('id', '=', s.partnerPerson).execute();
    expect((await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '1' })).statusCode).toBe(400);

    const vouchers = await newClaim(partner, '/my-claims', { description: 'Second forum' });
    expect((await partner.get(`/my-claims/${vouchers}`)).body).toContain('Time is paid in vouchers');
    expect((await partner.post(`/my-claims/${vouchers}/time`, { basis: 'hour', hours: '1' })).statusCode).toBe(303);
  });

  it('prices at the rate in force on the activity date, so a claim made after a rate change keeps the old rate', async () => {
    const changed = daysAgo(10);
    await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', amount_pence: 2500, effective_from: changed });
    await insertExpenseRate(t.db, { category: 'mileage', pence_per_mile: 50, effective_from: changed });
    const lead = await signedIn(t, 'lead@example.org');
    const before = await newClaim(lead, '/claims', { personId: String(s.partnerPerson), activityDate: daysAgo(11) });
    const after = await newClaim(lead, '/claims', { personId: String(s.partnerPerson), activityDate: changed });
    for (const id of [before, after]) {
      await lead.post(`/claims/${id}/time`, { basis: 'hour', hours: '1' });
      await lead.post(`/claims/${id}/expenses`, { category: 'mileage', miles: '10' });
    }
    expect((await linesOf(before)).map((l) => l.amount_pence)).toEqual([2000, 450]);
    expect((await linesOf(after)).map((l) => l.amount_pence)).toEqual([2500, 500]);
    // Half days for a workshop, at their own rate.
    const workshop = await newClaim(lead, '/claims', { personId: String(s.partnerPerson), activityKind: 'workshop' });
    await lead.post(`/claims/${workshop}/time`, { basis: 'half_day', days: '2' });
    expect((await claimRow(workshop)).total_pence).toBe(9000);
  });

  it('refuses a cost over its limit naming the limit, and one with no rate, keeping what was typed', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const id = await newClaim(lead, '/claims', { personId: String(s.partnerPerson) });
    const over = await lead.post(`/claims/${id}/expenses`, { category: 'taxi', amount: '35', expenseDescription: 'Taxi home' });
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('The most that can be claimed for Taxi is £30.00');
    expect(over.body).toContain('value="Taxi home"');
    expect((await lead.post(`/claims/${id}/expenses`, { category: 'taxi', amount: '30' })).statusCode).toBe(303);
    const noRate = await lead.post(`/claims/${id}/expenses`, { category: 'parking', amount: '2' });
    expect(noRate.statusCode).toBe(400);
    expect(noRate.body).toContain('There is no rate for Parking');
    const noTimeRate = await lead.post(`/claims/${id}/time`, { basis: 'full_day', days: '1' });
    expect(noTimeRate.statusCode).toBe(400);
    expect(noTimeRate.body).toContain('There is no rate for');
    const badExpenses: Record<string, string>[] = [{ category: 'public_transport' }, { category: 'public_transport', amount: '4.567' }, { category: 'mileage' }, { category: 'mileage', miles: '1.25' }, { category: 'bogus', amount: '1' }];
    for (const form of badExpenses) {
      expect((await lead.post(`/claims/${id}/expenses`, form)).statusCode).toBe(400);
    }
    const badTimes: Record<string, string>[] = [{ basis: 'hour' }, { basis: 'hour', hours: '25' }, { basis: 'hour', minutes: '60' }, { basis: 'half_day' }, { basis: 'week', hours: '1' }];
    for (const form of badTimes) {
      expect((await lead.post(`/claims/${id}/time`, form)).statusCode).toBe(400);
    }
    expect((await claimRow(id)).total_pence).toBe(3000);
    expect((await lead.post(`/claims/${id}/submit`, {})).statusCode).toBe(303);
    const empty = await newClaim(lead, '/claims', { personId: String(s.partnerPerson) });
    const refused = await lead.post(`/claims/${empty}/submit`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Add time or a cost before you send the claim');
  });

  it('takes receipts that really are photos or PDFs of at most 5 MB, and serves them only to those who see the claim', async () => {
    const partner = await signedIn(t, 'partner@example.org');
    const id = await newClaim(partner, '/my-claims', {});
    await partner.post(`/my-claims/${id}/expenses`, { category: 'public_transport', amount: '4' });
    await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '1' });
    const [expense, time] = await linesOf(id);
    const url = `/my-claims/${id}/lines/${expense!.id}/receipts`;
    const up = (name: string, content: Buffer, type?: string) => uploadPaper(t, partner, url, name, content, type);

    expect((await up('bus ticket.png', PNG, 'image/png')).statusCode).toBe(303);
    // The type comes from the bytes, not the name: a PDF called .jpg is kept as a PDF.
    expect((await up('scan.jpg', PDF)).statusCode).toBe(303);
    expect((await up('photo.jpeg', JPEG)).statusCode).toBe(303);
    const wrong = await up('receipt.png', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The receipt must be a photo (JPEG or PNG) or a PDF');
    const big = await up('big.pdf', Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]));
    expect(big.statusCode).toBe(400);
    expect(big.body).toContain('The receipt must be 5 MB or smaller');
    expect((await up('empty.pdf', Buffer.alloc(0))).statusCode).toBe(400);
    const onTime = await uploadPaper(t, partner, `/my-claims/${id}/lines/${time!.id}/receipts`, 'x.png', PNG);
    expect(onTime.statusCode).toBe(400);
    expect(onTime.body).toContain('Receipts go with costs, not time');
    // Without the CSRF token nothing is read.
    const noToken = await t.app.inject({ method: 'POST', url, payload: PNG, headers: { cookie: partner.cookieHeader(), 'content-type': 'multipart/form-data; boundary=x' } });
    expect(noToken.statusCode).toBe(403);

    const receipts = await t.db.db.selectFrom('claim_receipts').selectAll().orderBy('id').execute();
    expect(receipts.map((r) => [r.filename, r.content_type])).toEqual([['bus ticket.png', 'image/png'], ['scan.pdf', 'application/pdf'], ['photo.jpg', 'image/jpeg']]);
    const download = await partner.get(`/my-claims/${id}/receipts/${receipts[0]!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="bus ticket.png"; filename*=UTF-8''bus%20ticket.png`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.rawPayload, PNG)).toBe(0);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/claims/${id}/receipts/${receipts[0]!.id}`)).statusCode).toBe(200);
    const other = await signedIn(t, 'partner2@example.org');
    expect((await other.get(`/my-claims/${id}/receipts/${receipts[0]!.id}`)).statusCode).toBe(404);
    expect((await uploadPaper(t, other, url, 'x.png', PNG)).statusCode).toBe(404);
    const southLead = await signedIn(t, 'south-lead@example.org');
    expect((await southLead.get(`/claims/${id}/receipts/${receipts[0]!.id}`)).statusCode).toBe(404);

    expect((await partner.post(`/my-claims/${id}/receipts/${receipts[1]!.id}/delete`, {})).statusCode).toBe(303);
    expect(await t.db.db.selectFrom('claim_receipts').select('id').execute()).toHaveLength(2);
  });

  it('says so kindly when a partner has no register entry', async () => {
    await t.db.db.updateTable('people').set({ user_id: null }).where('id', '=', s.partnerPerson).execute();
    const partner = await signedIn(t, 'partner@example.org');
    const list = await partner.get('/my-claims');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('We cannot find you in the involvement register yet');
    expect((await partner.get('/my-claims/new')).body).toContain('We cannot find you in the involvement register yet');
    expect((await partner.post('/my-claims', { activityKind: 'meeting', activityDate: daysAgo(1), description: 'x' })).statusCode).toBe(404);
  });

  it('warns the person and the lead, in plain words, as time payments near the tax-year threshold', async () => {
    await t.db.db.updateTable('payment_settings').set({ tax_year_threshold_pence: 10_000, warn_at_percent: 80 }).execute();
    const partner = await signedIn(t, 'partner@example.org');
    const id = await newClaim(partner, '/my-claims', {});
    await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '3' });
    expect((await partner.get(`/my-claims/${id}`)).body).not.toContain('Payments, benefits and tax');
    await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '1', minutes: '30' });
    const near = await partner.get(`/my-claims/${id}`);
    expect(near.body).toContain('Payments, benefits and tax');
    expect(near.body).toContain('This is close to £100.00');
    expect(near.body).toContain('can affect benefits');
    await partner.post(`/my-claims/${id}/time`, { basis: 'hour', hours: '2' });
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/claims/${id}`)).body).toContain('Pat Partner has been paid £130.00 for their time this tax year');
    // Paid time counts on the person's own list.
    await approveClaim(t.db, id, s.users.lead);
    for (const line of await linesOf(id)) await postPaid(t.db.db, { id: line.id, personId: s.partnerPerson }, { paidOn: today(), method: 'vouchers', reference: null }, s.users.finance);
    const mine = await partner.get('/my-claims');
    expect(mine.body).toContain('You have been paid £130.00 for your time between');
    expect(mine.body).toContain('This is more than £100.00');
    expect(mine.body).toContain(`href="/my-claims/statement/${taxYearOf(today()).startYear}"`);
  });

  it('puts claims in the subject-access export, and erasure keeps the money records without saying who it was', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const id = await newClaim(lead, '/claims', { personId: String(s.partnerPerson), description: 'Pat’s forum visit' });
    await lead.post(`/claims/${id}/expenses`, { category: 'public_transport', amount: '4', expenseDescription: 'Bus from Pat’s home' });
    const [line] = await linesOf(id);
    await uploadPaper(t, lead, `/claims/${id}/lines/${line!.id}/receipts`, 'pat-ticket.png', PNG);
    await approveClaim(t.db, id, s.users.lead);
    const ctx = await ctxFor(t, s.users.lead);
    const doc = await exportPerson(ctx, s.partnerPerson);
    expect(doc.claims.claims.map((c) => [c.id, c.description, c.total_pence])).toEqual([[id, 'Pat’s forum visit', 400]]);
    expect(doc.claims.lines.map((l) => [l.claim_id, l.amount_pence, l.description])).toEqual([[id, 400, 'Bus from Pat’s home']]);
    expect(doc.claims.receipts.map((r) => r.filename)).toEqual(['pat-ticket.png']);
    expect(doc.claims.ledger.map((e) => [e.kind, e.amount_pence])).toEqual([['owed', 400]]);

    await t.db.db.updateTable('people').set({ payee_reference: 'SUP-1234' }).where('id', '=', s.partnerPerson).execute();
    await erasePerson(ctx, s.partnerPerson, { confirm: 'yes' });
    // The finance system's payee number says who they were too.
    expect((await t.db.db.selectFrom('people').select('payee_reference').where('id', '=', s.partnerPerson).executeTakeFirstOrThrow()).payee_reference).toBeNull();
    const claim = await claimRow(id);
    expect(claim).toMatchObject({ person_id: s.partnerPerson, description: '', total_pence: 400, status: 'approved' });
    expect((await linesOf(id)).map((l) => [l.amount_pence, l.description])).toEqual([[400, null]]);
    expect(await t.db.db.selectFrom('claim_receipts').select('id').execute()).toEqual([]);
    expect(await t.db.db.selectFrom('ledger_entries').select(['kind', 'amount_pence']).where('person_id', '=', s.partnerPerson).execute()).toEqual([{ kind: 'owed', amount_pence: 400 }]);
    const page = await lead.get(`/claims/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Person whose details were removed');
    expect(page.body).not.toContain('Pat Partner');
  });

  describe('draft claims from attendance', () => {
    /** A two-hour North team forum held a week ago with people of each payment preference. */
    async function forum() {
      const unit = s.org.northTeam.id;
      const series = await insertSeries(t.db, unit, { name: 'North QI Forum' });
      const startsAt = `${daysAgo(7)}T13:00:00.000Z`;
      const meeting = await insertMeeting(t.db, series.id, { starts_at: startsAt, ends_at: `${daysAgo(7)}T15:30:00.000Z` });
      const paid = await insertRegisterPerson(t.db, unit, 'Ann Paid');
      const expenses = await insertRegisterPerson(t.db, unit, 'Bea Expenses', { payment_preference: 'expenses_only' });
      const none = await insertRegisterPerson(t.db, unit, 'Cy None', { payment_preference: 'none' });
      const absent = await insertRegisterPerson(t.db, unit, 'Di Absent');
      for (const p of [paid, expenses, none, absent]) await addSeriesMember(t.db, series.id, { personId: p });
      // The partner is invited through their account; their claim goes to their register entry.
      await invite(t.db, meeting.id, { userId: s.users.partner }, 'in_person');
      await addSeriesMember(t.db, series.id, { userId: s.users.staff });
      return { series, meeting, paid, expenses, none, absent };
    }

    const attendanceForm = (f: Awaited<ReturnType<typeof forum>>) => ({
      [`status-p${f.paid}`]: 'present', [`role-p${f.paid}`]: 'service_user',
      [`status-p${f.expenses}`]: 'present', [`role-p${f.expenses}`]: 'service_user',
      [`status-p${f.none}`]: 'present', [`role-p${f.none}`]: 'service_user',
      [`status-p${f.absent}`]: 'absent', [`role-p${f.absent}`]: 'service_user',
      [`status-p${s.partnerPerson}`]: 'present', [`role-p${s.partnerPerson}`]: 'service_user',
      [`status-u${s.users.staff}`]: 'present', [`role-u${s.users.staff}`]: 'staff',
    });

    const claimsFor = (meetingId: number) =>
      t.db.db.selectFrom('claims').selectAll().where('meeting_id', '=', meetingId).orderBy('person_id').execute();

    it('makes one draft per person present who wants payment, with the meeting time at the rate of that day, and never twice', async () => {
      const f = await forum();
      const ctx = await ctxFor(t, s.users.lead);
      await saveAttendance(ctx, f.meeting.id, attendanceForm(f));
      const drafts = await claimsFor(f.meeting.id);
      expect(drafts.map((c) => c.person_id).sort((a, b) => a - b)).toEqual([s.partnerPerson, f.paid, f.expenses].sort((a, b) => a - b));
      for (const c of drafts) {
        expect(c).toMatchObject({ status: 'draft', activity_kind: 'meeting', activity_date: daysAgo(7), unit_id: s.org.northTeam.id, description: 'North QI Forum', created_by: s.users.lead });
        expect(c.attendance_id).not.toBeNull();
      }
      const paidClaim = drafts.find((c) => c.person_id === f.paid)!;
      expect(await linesOf(paidClaim.id)).toMatchObject([{ kind: 'time', category: 'hour', quantity: 150, amount_pence: 5000, status: 'pending' }]);
      expect(paidClaim.total_pence).toBe(5000);
      const expensesClaim = drafts.find((c) => c.person_id === f.expenses)!;
      expect(expensesClaim.preference).toBe('expenses_only');
      expect(await linesOf(expensesClaim.id)).toEqual([]);

      // Saving again, or the same rule run again, makes no second draft.
      await saveAttendance(ctx, f.meeting.id, attendanceForm(f));
      expect(await t.db.db.transaction().execute((trx) => draftClaimsForMeeting(trx, f.meeting.id, s.users.lead))).toBe(0);
      expect(await claimsFor(f.meeting.id)).toHaveLength(3);

      // The partner finds theirs in My claims, adds their fare and sends it.
      const partner = await signedIn(t, 'partner@example.org');
      const mine = drafts.find((c) => c.person_id === s.partnerPerson)!;
      expect((await partner.get('/my-claims')).body).toContain(`/my-claims/${mine.id}"`);
      expect((await partner.post(`/my-claims/${mine.id}/expenses`, { category: 'public_transport', amount: '2.50' })).statusCode).toBe(303);
      expect((await partner.post(`/my-claims/${mine.id}/submit`, {})).statusCode).toBe(303);
      expect(await claimRow(mine.id)).toMatchObject({ status: 'submitted', total_pence: 5250 });
      // A claim of their own for the same meeting is refused: there is one already.
      const again = await partner.post('/my-claims', { activityKind: 'meeting', activityDate: daysAgo(7), description: 'Forum', meetingId: String(f.meeting.id) });
      expect(again.statusCode).toBe(400);
      expect(again.body).toContain('There is already a claim for this meeting');
    });

    it('lets a draft be withdrawn: attendance saved again does not draft it again, and the person may claim afresh', async () => {
      const f = await forum();
      const ctx = await ctxFor(t, s.users.lead);
      await saveAttendance(ctx, f.meeting.id, attendanceForm(f));
      const mine = (await claimsFor(f.meeting.id)).find((c) => c.person_id === s.partnerPerson)!;
      const partner = await signedIn(t, 'partner@example.org');
      expect((await partner.get(`/my-claims/${mine.id}`)).body).toContain('Withdraw this claim');
      expect((await partner.post(`/my-claims/${mine.id}/withdraw`, {})).statusCode).toBe(303);
      expect(await claimRow(mine.id)).toMatchObject({ status: 'withdrawn' });
      expect((await partner.get(`/my-claims/${mine.id}`)).body).not.toContain('Withdraw this claim');
      // Withdrawn is final: it cannot be sent, and attendance saved again makes no new draft.
      expect((await partner.post(`/my-claims/${mine.id}/submit`, {})).statusCode).toBe(400);
      expect((await partner.post(`/my-claims/${mine.id}/withdraw`, {})).statusCode).toBe(400);
      await saveAttendance(ctx, f.meeting.id, attendanceForm(f));
      expect(await claimsFor(f.meeting.id)).toHaveLength(3);
      const fresh = await partner.post('/my-claims', { activityKind: 'meeting', activityDate: daysAgo(7), description: 'Forum', meetingId: String(f.meeting.id) });
      expect(fresh.statusCode).toBe(303);
      // A decided claim cannot be withdrawn.
      const paidClaim = (await claimsFor(f.meeting.id)).find((c) => c.person_id === f.paid)!;
      const lead = await signedIn(t, 'lead@example.org');
      expect((await lead.post(`/claims/${paidClaim.id}/submit`, {})).statusCode).toBe(303);
      await approveClaim(t.db, paidClaim.id, s.users.lead);
      expect((await lead.post(`/claims/${paidClaim.id}/withdraw`, {})).statusCode).toBe(400);
      expect(await claimRow(paidClaim.id)).toMatchObject({ status: 'approved' });
    });

    it('makes a draft for someone from the register added as a walk-in, and none without a meeting rate', async () => {
      const f = await forum();
      const ctx = await ctxFor(t, s.users.lead);
      await t.db.db.deleteFrom('time_rates').where('activity_kind', '=', 'meeting').execute();
      const walker = await insertRegisterPerson(t.db, s.org.northTeam.id, 'Wes Walker');
      await addWalkIn(ctx, f.meeting.id, { personId: String(walker), walkInRole: 'carer' });
      const [draft] = await claimsFor(f.meeting.id);
      expect(draft).toMatchObject({ person_id: walker, status: 'draft', total_pence: 0 });
      expect(await linesOf(draft!.id)).toEqual([]);
      // A walk-in by name only has no register entry, so no claim.
      await addWalkIn(ctx, f.meeting.id, { walkInName: 'Someone Passing', walkInRole: 'other' });
      expect(await claimsFor(f.meeting.id)).toHaveLength(1);
    });

    it('makes one draft per attendance row even when attendance is recorded twice at the same moment', async () => {
      const f = await forum();
      const at = nowIso();
      await t.db.db.insertInto('attendance').values({ meeting_id: f.meeting.id, person_id: f.paid, role: 'service_user', status: 'present', recorded_by: s.users.lead, recorded_at: at }).execute();
      const run = () => t.db.db.transaction().execute((trx) => draftClaimsForMeeting(trx, f.meeting.id, s.users.lead));
      const made = await Promise.all([run(), run(), run()]);
      expect(made.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await claimsFor(f.meeting.id)).toHaveLength(1);
    });

    it('measures a meeting in whole minutes', () => {
      expect(minutesBetween('2026-01-01T13:00:00.000Z', '2026-01-01T15:30:00.000Z')).toBe(150);
      expect(minutesBetween('2026-01-01T13:00:00.000Z', '2026-01-01T12:00:00.000Z')).toBe(0);
    });
  });
});
