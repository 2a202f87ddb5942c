import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { balanceOf, lineBalance, postOwed, postPaid, postReversal } from './service.ts';
import { insertClaim } from './test-support.ts';

/**
 * The append-only ledger on the real database: whatever owed, paid and reversal entries are posted
 * against a line, in any order, its balance is the sum of its entries, a reversal puts the balance
 * back exactly, and the database itself refuses to change or delete an entry.
 */

type Op = { kind: 'owed'; amount: number } | { kind: 'paid' } | { kind: 'reverse'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('owed' as const), amount: fc.integer({ min: 1, max: 5_000_000 }) }),
  fc.record({ kind: fc.constant('paid' as const) }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }),
);

interface ModelEntry {
  id: number;
  kind: 'owed' | 'paid' | 'reversal';
  amount: number;
  reverses: number | null;
}

describe('the ledger', { timeout: 120_000 }, () => {
  let t: TestApp;
  let personId = 0;
  let unitId = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    unitId = org.northTeam.id;
    personId = (await insertPerson(t.db, unitId)).id;
  });
  afterAll(() => t.close());

  const newLine = async (): Promise<number> => (await insertClaim(t.db, personId, unitId, {}, [{ amount_pence: 1000 }])).lines[0]!.id;
  /** The balance as the database adds it up, independently of balanceOf. */
  const sqlSum = async (lineId: number): Promise<number> => {
    const row = await t.db.db.selectFrom('ledger_entries').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_pence'), eb.val(0)).as('s')).where('claim_line_id', '=', lineId).executeTakeFirstOrThrow();
    return Number(row.s);
  };
  const refused = async (work: Promise<unknown>): Promise<boolean> =>
    work.then(
      () => false,
      (err: unknown) => {
        if (err instanceof ValidationError) return true;
        throw err;
      },
    );

  it('keeps every line’s balance equal to the sum of its entries, accepting and refusing exactly as the rules say', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const lineId = await newLine();
        const line = { id: lineId, personId };
        const model: ModelEntry[] = [];
        const balance = () => model.reduce((s, e) => s + e.amount, 0);
        const reversed = (id: number) => model.some((e) => e.reverses === id);
        for (const o of ops) {
          if (o.kind === 'owed') {
            const mayOwe = !model.some((e) => e.kind === 'owed' && !reversed(e.id));
            const work = postOwed(t.db.db, { ...line, amountPence: o.amount }, null);
            if (mayOwe) model.push({ id: (await work).id, kind: 'owed', amount: o.amount, reverses: null });
            else expect(await refused(work)).toBe(true);
          } else if (o.kind === 'paid') {
            const owed = balance();
            const work = postPaid(t.db.db, line, { paidOn: '2026-11-30', method: 'bank_transfer', reference: 'BACS-1' }, null);
            if (owed > 0) {
              const e = await work;
              expect(e.amount_pence).toBe(-owed);
              model.push({ id: e.id, kind: 'paid', amount: -owed, reverses: null });
            } else expect(await refused(work)).toBe(true);
          } else {
            if (model.length === 0) continue;
            const target = model[o.pick % model.length]!;
            const work = postReversal(t.db.db, target.id, 'Correction', null);
            if (target.kind !== 'reversal' && !reversed(target.id)) {
              const before = balance();
              const e = await work;
              expect([e.amount_pence, e.reverses_id]).toEqual([-target.amount, target.id]);
              model.push({ id: e.id, kind: 'reversal', amount: -target.amount, reverses: target.id });
              // Undoing one entry moves the balance by exactly that entry, back the other way.
              expect(await lineBalance(t.db.db, lineId)).toBe(before - target.amount);
            } else expect(await refused(work)).toBe(true);
          }
          const entries = await t.db.db.selectFrom('ledger_entries').selectAll().where('claim_line_id', '=', lineId).execute();
          expect(entries.map((e) => e.id).sort((a, b) => a - b)).toEqual(model.map((e) => e.id));
          expect(await lineBalance(t.db.db, lineId)).toBe(balance());
          expect(await sqlSum(lineId)).toBe(balance());
          expect(balanceOf(entries)).toBe(balance());
        }
      }),
      { numRuns: 40 },
    );
  });

  it('brings a balance back exactly to what it was before the reversed entry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 8 }), fc.integer({ min: 1, max: 5_000_000 }), fc.boolean(), async (ops, amount, payFirst) => {
        const lineId = await newLine();
        const line = { id: lineId, personId };
        // Any history first (refusals ignored), then one owed or paid entry, then its reversal.
        for (const o of ops) {
          const entries = await t.db.db.selectFrom('ledger_entries').select(['id']).where('claim_line_id', '=', lineId).orderBy('id').execute();
          const work =
            o.kind === 'owed' ? postOwed(t.db.db, { ...line, amountPence: o.amount }, null)
            : o.kind === 'paid' ? postPaid(t.db.db, line, { paidOn: '2026-11-30', method: 'vouchers', reference: null }, null)
            : entries.length > 0 ? postReversal(t.db.db, entries[o.pick % entries.length]!.id, 'Correction', null)
            : Promise.resolve();
          await refused(work);
        }
        let before = await lineBalance(t.db.db, lineId);
        if (before <= 0 || !payFirst) {
          // Make sure something is owed (reversing any standing owed entry first).
          const standing = await t.db.db.selectFrom('ledger_entries as e').select('e.id').where('e.claim_line_id', '=', lineId).where('e.kind', '=', 'owed')
            .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_id', '=', 'e.id')))).execute();
          for (const s of standing) await postReversal(t.db.db, s.id, 'Correction', null);
          before = await lineBalance(t.db.db, lineId);
        }
        const entry = payFirst && before > 0
          ? await postPaid(t.db.db, line, { paidOn: '2026-11-30', method: 'cheque', reference: 'CHQ 1' }, null)
          : await postOwed(t.db.db, { ...line, amountPence: amount }, null);
        expect(await lineBalance(t.db.db, lineId)).not.toBe(before);
        await postReversal(t.db.db, entry.id, 'Paid to the wrong person', null);
        expect(await lineBalance(t.db.db, lineId)).toBe(before);
        expect(await sqlSum(lineId)).toBe(before);
      }),
      { numRuns: 40 },
    );
  });

  it('is append-only: the database refuses to change or delete an entry', async () => {
    const lineId = await newLine();
    const owed = await postOwed(t.db.db, { id: lineId, personId, amountPence: 1234 }, null);
    const paid = await postPaid(t.db.db, { id: lineId, personId }, { paidOn: '2026-11-30', method: 'bank_transfer', reference: 'REF' }, null);
    for (const entry of [owed, paid]) {
      await expect(t.db.db.updateTable('ledger_entries').set({ amount_pence: 1 }).where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
      await expect(t.db.db.updateTable('ledger_entries').set({ reason: 'tidy up' }).where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
      await expect(t.db.db.deleteFrom('ledger_entries').where('id', '=', entry.id).execute()).rejects.toThrow(/append-only/);
    }
    await expect(sql`delete from ledger_entries`.execute(t.db.db)).rejects.toThrow(/append-only/);
    const after = await t.db.db.selectFrom('ledger_entries').selectAll().where('claim_line_id', '=', lineId).orderBy('id').execute();
    expect(after).toEqual([owed, paid]);
    expect(await lineBalance(t.db.db, lineId)).toBe(0);
    // A reversal is the only way to put it right, and only once.
    await postReversal(t.db.db, paid.id, 'Wrong amount', null);
    expect(await lineBalance(t.db.db, lineId)).toBe(1234);
    await expect(postReversal(t.db.db, paid.id, 'Again', null)).rejects.toBeInstanceOf(ValidationError);
  });
});
