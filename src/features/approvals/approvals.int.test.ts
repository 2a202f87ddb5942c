import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { startSmtp } from '../../../test/support/smtp.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { storeFile } from '../../platform/files/index.ts';
import { createMailer, deliverDue } from '../../platform/outbox/index.ts';
import { postPaid } from '../payments/service.ts';
import { approveClaim, insertClaim, type LineSpec } from '../payments/test-support.ts';
import { todayInLondon } from '../people/service.ts';
import { decideClaim, outcomeKey } from './service.ts';
import { contextFor, decisionForm, insertClaimant, ledgerOf, outboxFor, seedApprovals, signedIn } from './test-support.ts';

const BUS: LineSpec = { kind: 'expense', category: 'public_transport', description: 'Bus fare', quantity: 1, amount_pence: 450 };
const PARKING: LineSpec = { kind: 'expense', category: 'parking', description: 'Car park', quantity: 1, amount_pence: 300 };
const TIME: LineSpec = { kind: 'time', category: 'hour', description: 'Forum', quantity: 120, amount_pence: 4000 };

describe('approving claims', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedApprovals>>;
  let carer: number;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedApprovals(t);
    carer = await insertClaimant(t, s.org.northTeam.id, 'Cara Carer');
  });
  afterEach(() => t.close());

  const claimOf = (id: number) => t.db.db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const linesOf = (id: number) => t.db.db.selectFrom('claim_lines').selectAll().where('claim_id', '=', id).orderBy('id').execute();
  const auditOf = (id: number) => t.db.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'claim').where('entity_id', '=', String(id)).where('action', 'like', 'claim.%decided').execute();

  it('approves every line: the claim is approved, each line owed once in the ledger, and the person told how they are paid', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS, TIME]);
    const sha = await storeFile(t.db.db, Buffer.from('%PDF-1.4 bus ticket'));
    const { id: receiptId } = await t.db.db
      .insertInto('claim_receipts')
      .values({ claim_line_id: lines[0]!.id, file_sha256: sha, filename: 'ticket.pdf', content_type: 'application/pdf', size: 2048, uploaded_by: null, created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const lead = await signedIn(t, 'lead@example.org');
    const page = await lead.get(`/approvals/${claim.id}`);
    // The receipt opens through the claims feature's download.
    expect(page.body).toContain(`<a href="/claims/${claim.id}/receipts/${receiptId}">ticket.pdf (2 KB)</a>`);
    expect((await lead.get(`/claims/${claim.id}/receipts/${receiptId}`)).body).toBe('%PDF-1.4 bus ticket');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cara Carer');
    expect(page.body).toContain('Public transport: Bus fare');
    expect(page.body).toContain('2 hours');
    expect(page.body).toContain('£44.50');
    expect(page.body).toContain('Money, at the involvement rate');
    expect(page.body).not.toContain('tax-year limit');

    const res = await lead.post(`/approvals/${claim.id}`, decisionForm(lines));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/approvals');
    const after = await claimOf(claim.id);
    expect(after).toMatchObject({ status: 'approved', total_pence: 4450, decided_by: s.users.lead, second_decided_by: null });
    expect(after.decided_at).not.toBeNull();
    expect((await linesOf(claim.id)).map((l) => [l.status, l.decided_by])).toEqual([['approved', s.users.lead], ['approved', s.users.lead]]);
    expect((await ledgerOf(t, claim.id)).map((e) => [e.claim_line_id, e.kind, e.amount_pence, e.person_id])).toEqual([
      [lines[0]!.id, 'owed', 450, carer],
      [lines[1]!.id, 'owed', 4000, carer],
    ]);
    const [message, ...more] = await outboxFor(t, carer);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ channel: 'email', recipient: 'cara.carer@example.org', idempotency_key: outcomeKey(claim.id, 'approved') });
    expect(message?.subject).toMatch(/^Your claim for a meeting on \d+ \w+ \d{4} is approved$/);
    expect(message?.body_text).toContain('Hello Cara,');
    expect(message?.body_text).toContain('We will pay you £44.50.');
    expect(message?.body_text).toContain('pay it as money');
    expect(message?.body_text).not.toContain('benefits');
    // The lead is told the person heard about it.
    expect((await lead.get('/approvals')).body).toContain('They will get an email about it.');
    const [entry] = await auditOf(claim.id);
    expect(entry?.actor_user_id).toBe(s.users.lead);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ personId: carer, outcome: 'approved', approvedPence: 4450, totalPence: 4450, postedOwed: true, approvedLineIds: lines.map((l) => l.id), rejectedLineIds: [] });
  });

  it('rejects every line with its reason: the claim is rejected, nothing is owed, and the message gives each reason', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS, PARKING]);
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post(`/approvals/${claim.id}`, decisionForm(lines, { [lines[0]!.id]: 'The bus was free that day', [lines[1]!.id]: 'Parking was not agreed' }));
    expect(res.statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'rejected', total_pence: 0, decided_by: s.users.lead });
    expect((await linesOf(claim.id)).map((l) => [l.status, l.reason])).toEqual([['rejected', 'The bus was free that day'], ['rejected', 'Parking was not agreed']]);
    expect(await ledgerOf(t, claim.id)).toEqual([]);
    const [message] = await outboxFor(t, carer);
    expect(message?.idempotency_key).toBe(outcomeKey(claim.id, 'rejected'));
    expect(message?.subject).toContain('was not approved');
    expect(message?.body_text).toContain('- Public transport: Bus fare (£4.50): The bus was free that day');
    expect(message?.body_text).toContain('- Parking: Car park (£3.00): Parking was not agreed');
    expect(message?.body_text).not.toContain('We will pay you');
    const [entry] = await auditOf(claim.id);
    const details = JSON.parse(entry?.details ?? '{}') as Record<string, unknown>;
    expect(details).toMatchObject({ outcome: 'rejected', approvedPence: 0, postedOwed: false });
    // The reasons typed stay on the lines, never in the audit log.
    expect(entry?.details).not.toContain('free that day');
  });

  it('part-approves: the approved lines are owed, the total drops the rejected one, and the message says what was not approved and pays in vouchers', async () => {
    const voucher = await insertClaimant(t, s.org.northTeam.id, 'Vic Voucher', { payment_preference: 'vouchers' });
    const { claim, lines } = await insertClaim(t.db, voucher, s.org.northTeam.id, { preference: 'vouchers' }, [TIME, PARKING]);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get(`/approvals/${claim.id}`)).body).toContain('Vouchers');
    const res = await lead.post(`/approvals/${claim.id}`, decisionForm(lines, { [lines[1]!.id]: 'No receipt' }));
    expect(res.statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'approved', total_pence: 4000 });
    expect((await ledgerOf(t, claim.id)).map((e) => [e.claim_line_id, e.amount_pence])).toEqual([[lines[0]!.id, 4000]]);
    const [message] = await outboxFor(t, voucher);
    expect(message?.idempotency_key).toBe(outcomeKey(claim.id, 'partly_approved'));
    expect(message?.subject).toContain('is partly approved');
    expect(message?.body_text).toContain('We will pay you £40.00.');
    expect(message?.body_text).toContain('We could not approve these parts of it:\n- Parking: Car park (£3.00): No receipt');
    expect(message?.body_text).toContain('in vouchers, as you asked');
  });

  it('asks for a decision on every line and a reason for each rejection, keeping what was typed, and changes nothing', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS, PARKING, TIME]);
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post(`/approvals/${claim.id}`, {
      [`decision-${lines[0]!.id}`]: 'approve',
      [`decision-${lines[1]!.id}`]: 'reject',
      [`reason-${lines[2]!.id}`]: 'Kept words',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('nhsuk-error-summary');
    expect(res.body).toMatch(new RegExp(`<a href="#reason-${lines[1]!.id}">\\s*Give a reason for rejecting line 2\\s*</a>`));
    expect(res.body).toMatch(new RegExp(`<a href="#decision-${lines[2]!.id}">\\s*Choose approve or reject for line 3\\s*</a>`));
    expect(res.body).toMatch(new RegExp(`id="decision-${lines[0]!.id}" name="decision-${lines[0]!.id}" type="radio" value="approve" checked`));
    expect(res.body).toContain('value="Kept words"');
    expect(await claimOf(claim.id)).toMatchObject({ status: 'submitted', decided_by: null });
    expect((await linesOf(claim.id)).every((l) => l.status === 'pending')).toBe(true);
    // A reason longer than the limit is named too, and nothing a user types gives a server error.
    const long = await lead.post(`/approvals/${claim.id}`, { ...decisionForm(lines), [`decision-${lines[0]!.id}`]: 'reject', [`reason-${lines[0]!.id}`]: 'x'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Keep the reason to 500 characters or fewer');
    // A line added after the form was shown: the lead is asked to decide it too.
    await t.db.db.insertInto('claim_lines').values({ claim_id: claim.id, kind: 'expense', category: 'taxi', description: 'Taxi home', quantity: 1, amount_pence: 1200, status: 'pending', created_at: new Date().toISOString() }).execute();
    const changed = await lead.post(`/approvals/${claim.id}`, decisionForm(lines));
    expect(changed.statusCode).toBe(400);
    expect(changed.body).toContain('Choose approve or reject for line 4');
    expect(changed.body).toContain('Taxi: Taxi home');
    const nul = await lead.post(`/approvals/${claim.id}`, { ...decisionForm(lines), [`decision-${lines[0]!.id}`]: 'reject', [`reason-${lines[0]!.id}`]: 'bad\u0000reason' });
    expect(nul.statusCode).toBe(400);
    expect(nul.body).toContain('Remove the unusual character');
    const odd = await lead.post(`/approvals/${claim.id}`, { [`decision-${lines[0]!.id}`]: 'maybe', 'decision-999999': 'approve' });
    expect(odd.statusCode).toBe(400);
    expect(await ledgerOf(t, claim.id)).toEqual([]);
    // A claim sent with no lines has nothing to decide.
    const bare = (await insertClaim(t.db, carer, s.org.northTeam.id, {}, [])).claim;
    const none = await lead.post(`/approvals/${bare.id}`, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('There are no lines on this claim to decide');
    expect((await claimOf(bare.id)).status).toBe('submitted');
  });

  it('sends a claim over the second-approval amount to a budget holder, posting and telling nothing until they approve it', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [{ ...TIME, amount_pence: 9000 }, { ...BUS, amount_pence: 1500 }, PARKING]);
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post(`/approvals/${claim.id}`, decisionForm(lines, { [lines[2]!.id]: 'Not agreed' }));
    expect(res.statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'second_approval', total_pence: 10500, decided_by: s.users.lead, second_decided_by: null });
    expect(await ledgerOf(t, claim.id)).toEqual([]);
    expect(await outboxFor(t, carer)).toEqual([]);
    expect((await lead.get('/approvals')).body).toContain('needs a second approval from a budget holder');
    // It has left the lead's queue, and the lead cannot open it any more.
    expect((await lead.get('/approvals')).body).not.toContain(`href="/approvals/${claim.id}"`);
    expect((await lead.get(`/approvals/${claim.id}`)).statusCode).toBe(404);

    const budget = await signedIn(t, 'budget@example.org');
    const queue = await budget.get('/approvals');
    expect(queue.body).toContain(`href="/approvals/${claim.id}"`);
    expect(queue.body).toContain('Second approval of £105.00');
    const review = await budget.get(`/approvals/${claim.id}`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Second approval: claim from');
    expect(review.body).toContain('Lee Lead');
    expect(review.body).toContain('Reason: Not agreed');
    const empty = await budget.post(`/approvals/${claim.id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choose whether you approve this claim');
    const done = await budget.post(`/approvals/${claim.id}`, { decision: 'approve' });
    expect(done.statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'approved', total_pence: 10500, decided_by: s.users.lead, second_decided_by: s.users.budget });
    expect((await ledgerOf(t, claim.id)).map((e) => [e.claim_line_id, e.amount_pence, e.created_by])).toEqual([
      [lines[0]!.id, 9000, s.users.budget],
      [lines[1]!.id, 1500, s.users.budget],
    ]);
    const [message] = await outboxFor(t, carer);
    expect(message?.idempotency_key).toBe(outcomeKey(claim.id, 'partly_approved'));
    expect(message?.body_text).toContain('We will pay you £105.00.');
    expect(message?.body_text).toContain('Not agreed');
    const decided = await t.db.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(claim.id)).where('action', 'like', 'claim.%decided').orderBy('id').execute();
    expect(decided.map((a) => a.action)).toEqual(['claim.decided', 'claim.second_decided']);
  });

  it('never lets one person give both approvals, and a budget holder who rejects says why', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [{ ...TIME, amount_pence: 12000 }]);
    const admin = await signedIn(t, 'admin@example.org');
    expect((await admin.post(`/approvals/${claim.id}`, decisionForm(lines))).statusCode).toBe(303);
    expect((await claimOf(claim.id)).status).toBe('second_approval');
    // The admin may give second approvals, but not to a claim they approved first.
    expect((await admin.get('/approvals')).body).not.toContain(`href="/approvals/${claim.id}"`);
    expect((await admin.get(`/approvals/${claim.id}`)).statusCode).toBe(404);
    expect((await admin.post(`/approvals/${claim.id}`, { decision: 'approve' })).statusCode).toBe(404);
    await expect(decideClaim(await contextFor(t, s.users.admin), claim.id, { decision: 'approve' })).rejects.toThrow('Page not found');
    expect(await ledgerOf(t, claim.id)).toEqual([]);

    const budget = await signedIn(t, 'budget@example.org');
    const noReason = await budget.post(`/approvals/${claim.id}`, { decision: 'reject' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Give a reason for rejecting the claim');
    expect(noReason.body).toMatch(/id="decision-2" name="decision" type="radio" value="reject" checked/);
    expect((await budget.post(`/approvals/${claim.id}`, { decision: 'reject', reason: 'Over this year’s budget' })).statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'rejected', total_pence: 0, second_decided_by: s.users.budget });
    expect((await linesOf(claim.id)).map((l) => [l.status, l.reason, l.decided_by])).toEqual([['rejected', 'Over this year’s budget', s.users.budget]]);
    expect(await ledgerOf(t, claim.id)).toEqual([]);
    const [message] = await outboxFor(t, carer);
    expect(message?.idempotency_key).toBe(outcomeKey(claim.id, 'rejected'));
    expect(message?.body_text).toContain('This is why:\n- Time, paid by the hour: Forum (£120.00): Over this year’s budget');
  });

  it('never lets a lead review a claim for their own register entry; another lead may', async () => {
    const own = await insertClaimant(t, s.org.northTeam.id, 'Lee Lead', { user_id: s.users.lead });
    const { claim, lines } = await insertClaim(t.db, own, s.org.northTeam.id, {}, [BUS]);
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/approvals')).body).not.toContain(`href="/approvals/${claim.id}"`);
    expect((await lead.get(`/approvals/${claim.id}`)).statusCode).toBe(404);
    expect((await lead.post(`/approvals/${claim.id}`, decisionForm(lines))).statusCode).toBe(404);
    expect((await claimOf(claim.id)).status).toBe('submitted');
    const other = await signedIn(t, 'lead2@example.org');
    expect((await other.get('/approvals')).body).toContain(`href="/approvals/${claim.id}"`);
    expect((await other.post(`/approvals/${claim.id}`, decisionForm(lines))).statusCode).toBe(303);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'approved', decided_by: s.users.otherLead });
  });

  it('keeps claims outside the lead’s units, drafts and decided claims out of reach', async () => {
    const south = await insertClaimant(t, s.org.southTeam.id, 'Sol Southern');
    const southClaim = (await insertClaim(t.db, south, s.org.southTeam.id, {}, [BUS])).claim;
    const draft = (await insertClaim(t.db, carer, s.org.northTeam.id, { status: 'draft', submitted_at: null }, [BUS])).claim;
    const decided = (await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS])).claim;
    await approveClaim(t.db, decided.id);
    const lead = await signedIn(t, 'lead@example.org');
    for (const id of [southClaim.id, draft.id, decided.id, 999_999, 0]) expect((await lead.get(`/approvals/${id}`)).statusCode).toBe(404);
    expect((await lead.get('/approvals/not-a-number')).statusCode).toBe(404);
    const queue = (await lead.get('/approvals')).body;
    for (const id of [southClaim.id, draft.id, decided.id]) expect(queue).not.toContain(`href="/approvals/${id}"`);
    const southLead = await signedIn(t, 'south-lead@example.org');
    expect((await southLead.get('/approvals')).body).toContain(`href="/approvals/${southClaim.id}"`);
    expect((await southLead.get(`/approvals/${southClaim.id}`)).statusCode).toBe(200);
  });

  it('posts owed entries once when two leads decide the same claim at the same moment', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS, TIME]);
    const [a, b] = [await contextFor(t, s.users.lead), await contextFor(t, s.users.otherLead)];
    const both = () => [decideClaim(a, claim.id, decisionForm(lines)), decideClaim(b, claim.id, decisionForm(lines))];
    let results: PromiseSettledResult<unknown>[];
    if (t.db.dialect === 'postgres') {
      // Hold the claim row while both decisions start, so each has read the claim as still waiting
      // and both reach its lock together; then let them go.
      let running: Promise<PromiseSettledResult<unknown>[]> | undefined;
      await t.db.db.transaction().execute(async (trx) => {
        await trx.selectFrom('claims').select('id').where('id', '=', claim.id).forUpdate().execute();
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        const holder = rows[0]!.pid;
        running = Promise.allSettled(both());
        // Waiting for the holder, or for the one already waiting for it (row locks queue up).
        const blocked = async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from pg_stat_activity a where ${holder} = any(pg_blocking_pids(a.pid))
                or exists (select 1 from unnest(pg_blocking_pids(a.pid)) as w(pid) where ${holder} = any(pg_blocking_pids(w.pid)))`.execute(t.db.db)
            ).rows[0]?.n,
          );
        for (let i = 0; i < 400 && (await blocked()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
        const waiting = await blocked();
        expect(waiting).toBe(2);
      });
      results = await (running as Promise<PromiseSettledResult<unknown>[]>);
    } else {
      // SQLite takes one write transaction at a time; the second finds the claim decided.
      results = await Promise.allSettled(both());
    }
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    if (t.db.dialect === 'postgres') {
      // Both had read the claim as waiting: the lock is what turned the second away.
      expect(lost[0]?.reason).toBeInstanceOf(ValidationError);
      expect((lost[0]?.reason as ValidationError).fields[0]?.message).toBe('errors.approvals.alreadyDecided');
    } else {
      expect((lost[0]?.reason as { status?: number }).status).toBeOneOf([400, 404]);
    }
    expect((await ledgerOf(t, claim.id)).map((e) => e.claim_line_id).sort()).toEqual(lines.map((l) => l.id).sort());
    expect(await outboxFor(t, carer)).toHaveLength(1);
    expect(await auditOf(claim.id)).toHaveLength(1);
  });

  it('tells the lead who decides second that the claim was decided already, and changes nothing', async () => {
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS]);
    const lead = await signedIn(t, 'lead@example.org');
    const other = await signedIn(t, 'lead2@example.org');
    // Both have the form open; the other lead saves first, by rejecting.
    await lead.get(`/approvals/${claim.id}`);
    expect((await other.post(`/approvals/${claim.id}`, decisionForm(lines, { [lines[0]!.id]: 'Duplicate claim' }))).statusCode).toBe(303);
    const late = await lead.post(`/approvals/${claim.id}`, decisionForm(lines));
    expect([404, 409]).toContain(late.statusCode);
    expect(await claimOf(claim.id)).toMatchObject({ status: 'rejected', decided_by: s.users.otherLead });
    expect(await ledgerOf(t, claim.id)).toEqual([]);
  });

  it('warns the lead in plain words when approving takes the person near or over the tax-year threshold, and says so in the message', async () => {
    // £850 of involvement payments already paid this tax year; the threshold is £1,000, warning from 80%.
    const earlier = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [{ ...TIME, amount_pence: 85_000 }]);
    await approveClaim(t.db, earlier.claim.id);
    await postPaid(t.db.db, { id: earlier.lines[0]!.id, personId: carer }, { paidOn: todayInLondon(), method: 'bank_transfer', reference: 'BACS1' }, null);
    const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [{ ...TIME, amount_pence: 6000 }, BUS]);
    const lead = await signedIn(t, 'lead@example.org');
    const page = await lead.get(`/approvals/${claim.id}`);
    expect(page.body).toContain('nhsuk-card--warning');
    expect(page.body).toContain('Near the tax-year limit');
    // Time counts; the bus fare is an expense, not income.
    expect(page.body).toContain('will come to £910.00. That is close to £1,000.00');
    expect(page.body).toContain('can affect benefits and tax');
    expect((await lead.post(`/approvals/${claim.id}`, decisionForm(lines))).statusCode).toBe(303);
    const [message] = await outboxFor(t, carer);
    expect(message?.body_text).toContain('your involvement payments this tax year will come to £910.00. This is close to £1,000.00. Payments like these can affect benefits and tax. Please talk to your involvement lead');
    const [entry] = await auditOf(claim.id);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ taxLevel: 'near' });

    // Over the threshold (now £900): said as "more than".
    await t.db.db.updateTable('payment_settings').set({ tax_year_threshold_pence: 90_000 }).execute();
    const big = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [{ ...TIME, amount_pence: 9000 }]);
    const overPage = (await lead.get(`/approvals/${big.claim.id}`)).body;
    expect(overPage).toContain('Over the tax-year limit');
    expect(overPage).toContain('will come to £940.00. That is more than £900.00');
    await lead.post(`/approvals/${big.claim.id}`, decisionForm(big.lines));
    const over = (await outboxFor(t, carer)).find((m) => m.idempotency_key === outcomeKey(big.claim.id, 'approved'));
    expect(over?.body_text).toContain('will come to £940.00. This is more than £900.00. Payments like these can affect benefits and tax. Please talk to your involvement lead soon.');
  });

  it('sends no message to someone who has not agreed to be contacted, and tells the lead', async () => {
    const quiet = await insertClaimant(t, s.org.northTeam.id, 'Quin Quiet', {}, { consent: false });
    const { claim, lines } = await insertClaim(t.db, quiet, s.org.northTeam.id, {}, [BUS]);
    const lead = await signedIn(t, 'lead@example.org');
    await lead.post(`/approvals/${claim.id}`, decisionForm(lines));
    expect((await claimOf(claim.id)).status).toBe('approved');
    expect(await outboxFor(t, quiet)).toEqual([]);
    expect((await lead.get('/approvals')).body).toContain('No message was sent');
  });

  it('writes the outcome for the person’s channel and format: a short text, or easy read', async () => {
    const texter = await insertClaimant(t, s.org.northTeam.id, 'Tex Texter', { preferred_channel: 'sms', phone: '07700 900111' });
    const easy = await insertClaimant(t, s.org.northTeam.id, 'Eve Easy', { format: 'easy_read', preferred_channel: 'post', address: '1 High Street', postcode: 'E1 1AA' });
    const lead = await signedIn(t, 'lead@example.org');
    for (const [person, told] of [[texter, 'A text message telling them about it is waiting in Messages to send.'], [easy, 'A letter telling them about it is waiting']] as const) {
      const { claim, lines } = await insertClaim(t.db, person, s.org.northTeam.id, {}, [BUS]);
      await lead.post(`/approvals/${claim.id}`, decisionForm(lines));
      expect((await lead.get('/approvals')).body).toContain(told);
    }
    const [sms] = await outboxFor(t, texter);
    expect(sms).toMatchObject({ channel: 'sms', recipient: '07700 900111' });
    expect(sms?.body_text).toMatch(/^Your claim for a meeting on .* is approved\. We will pay you £4\.50\.$/);
    const [letter] = await outboxFor(t, easy);
    expect(letter).toMatchObject({ channel: 'post', format: 'easy_read', subject: 'Your claim is approved' });
    expect(letter?.body_text).toContain('We said yes.\nWe will pay you £4.50.');
  });

  it('delivers the outcome to the person’s inbox through a real SMTP server', async () => {
    const smtp = await startSmtp();
    try {
      const { claim, lines } = await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS]);
      await decideClaim(await contextFor(t, s.users.lead), claim.id, decisionForm(lines, { [lines[0]!.id]: 'Ticket was for another day' }));
      const report = await deliverDue(t.db.db, t.db.dialect, createMailer({ smtpUrl: smtp.url, dataDir: t.database.dataDir }), 'Alongside <no-reply@example.org>');
      expect(report).toEqual({ sent: 1, failed: 0 });
      const [mail] = await smtp.parsed();
      expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toBe('cara.carer@example.org');
      expect(mail?.subject).toContain('was not approved');
      expect(mail?.text).toContain('Ticket was for another day');
      expect(mail?.messageId).toBe(`<${outcomeKey(claim.id, 'rejected')}@alongside>`);
    } finally {
      await smtp.close();
    }
  });
});

describe('the approvals queue and who may use it', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedApprovals>>;
  let carer: number;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedApprovals(t);
    carer = await insertClaimant(t, s.org.northTeam.id, 'Cara Carer');
  });
  afterEach(() => t.close());

  it('lists claims oldest activity first with the days each has waited and what it needs, a page at a time', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 27; i++) {
      const day = `2026-10-${String(30 - i).padStart(2, '0')}`;
      const { claim } = await insertClaim(t.db, carer, s.org.northTeam.id, { activity_date: day, submitted_at: new Date(Date.now() - (i + 1) * 86_400_000 - 60_000).toISOString() }, [BUS, TIME]);
      ids.push(claim.id);
    }
    // Oldest activity first: the last inserted (3 October) leads.
    const expected = [...ids].reverse();
    const lead = await signedIn(t, 'lead@example.org');
    const first = await lead.get('/approvals');
    expect(first.statusCode).toBe(200);
    const shown = (body: string) => [...body.matchAll(/href="\/approvals\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown(first.body)).toEqual(expected.slice(0, 25));
    expect(first.body).toContain('27 days');
    expect(first.body).toContain('Decide 2 lines');
    expect(first.body).toContain('1 expense without a receipt');
    const next = /href="(\/approvals\?after=[^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    const second = await lead.get(next ?? '');
    expect(shown(second.body)).toEqual(expected.slice(25));
    expect(second.body).toContain('Back to the oldest');
    // A cursor that is not one shows the first page.
    expect(shown((await lead.get('/approvals?after=nonsense')).body)).toEqual(expected.slice(0, 25));
  });

  it('shows a budget holder only the claims waiting for a second approval, and keeps finance out', async () => {
    const submitted = (await insertClaim(t.db, carer, s.org.northTeam.id, {}, [BUS])).claim;
    const waiting = (await insertClaim(t.db, carer, s.org.northTeam.id, { status: 'second_approval', decided_by: s.users.lead, decided_at: new Date().toISOString() }, [{ ...TIME, amount_pence: 20_000, status: 'approved' }])).claim;
    const budget = await signedIn(t, 'budget@example.org');
    const queue = await budget.get('/approvals');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Waiting for a second approval');
    expect(queue.body).not.toContain('Waiting for your approval');
    expect(queue.body).toContain(`href="/approvals/${waiting.id}"`);
    expect(queue.body).not.toContain(`href="/approvals/${submitted.id}"`);
    expect((await budget.get(`/approvals/${submitted.id}`)).statusCode).toBe(404);
    expect((await budget.post(`/approvals/${submitted.id}`, { decision: 'approve' })).statusCode).toBe(404);
    expect((await budget.get(`/approvals/${waiting.id}`)).statusCode).toBe(200);

    const lead = await signedIn(t, 'lead@example.org');
    const leadQueue = await lead.get('/approvals');
    expect(leadQueue.body).toContain('Waiting for your approval');
    expect(leadQueue.body).not.toContain('Waiting for a second approval');
    expect((await lead.get(`/approvals/${waiting.id}`)).statusCode).toBe(404);

    const finance = await signedIn(t, 'finance@example.org');
    expect((await finance.get('/approvals')).statusCode).toBe(403);
    expect((await finance.get(`/approvals/${submitted.id}`)).statusCode).toBe(404);
    expect((await finance.get(`/approvals/${waiting.id}`)).statusCode).toBe(404);
    expect((await finance.post(`/approvals/${waiting.id}`, { decision: 'approve' })).statusCode).toBe(404);
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get('/approvals')).statusCode).toBe(403);
    expect((await claimOf(waiting.id)).status).toBe('second_approval');
  });

  const claimOf = (id: number) => t.db.db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
});
