import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { Person } from '../../platform/db/types.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { lineBalance, postOwed } from '../payments/service.ts';
import { approveClaim, insertClaim } from '../payments/test-support.ts';
import { londonDate } from '../projects/service.ts';
import { createExport, exportCsv, payLines, payableList, reverseEntry } from './service.ts';

type Step =
  | { op: 'approve'; amounts: number[] }
  | { op: 'export' }
  | { op: 'pay'; pick: number }
  | { op: 'reversePaid'; pick: number }
  | { op: 'reverseOwed'; pick: number }
  | { op: 'oweAgain'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('approve' as const), amounts: fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('export' as const) }),
  fc.record({ op: fc.constant('pay' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('reversePaid' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('reverseOwed' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('oweAgain' as const), pick: fc.nat() }),
);

/**
 * Whatever happens — claims approved, exports made, lines paid, payments and owed amounts
 * reversed, lines owed again, in any order — no line goes to finance in two exports, and every line still owed has
 * gone in one once an export is made.
 */
describe('finance exports, over any sequence of approvals, exports, payments and reversals', { timeout: 240_000 }, () => {
  let t: TestApp;
  let ctx: ServiceContext;
  let person: Person;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    const admin = await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    ctx = { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, admin), ip: null };
    person = await insertPerson(t.db, org.northTeam.id, { full_name: 'Pat Property', payee_reference: 'SUP-1' });
  });
  afterAll(() => t.close());

  const standing = async (kind: 'owed' | 'paid') => {
    const rows = await t.db.db
      .selectFrom('ledger_entries as e')
      .select(['e.id', 'e.claim_line_id'])
      .where('e.kind', '=', kind)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_id', '=', 'e.id'))))
      .orderBy('e.id')
      .execute();
    return rows;
  };

  async function run(s: Step): Promise<void> {
    if (s.op === 'approve') {
      const { claim } = await insertClaim(t.db, person.id, person.unit_id, {}, s.amounts.map((amount_pence) => ({ amount_pence })));
      await approveClaim(t.db, claim.id);
    } else if (s.op === 'export') {
      await createExport(ctx);
    } else if (s.op === 'pay') {
      const lines = (await payableList(ctx, { exported: 'all' })).lines;
      const line = lines[s.pick % Math.max(lines.length, 1)];
      if (line) await payLines(ctx, { line: String(line.line_id), paidOn: londonDate(), method: 'bank_transfer' });
    } else if (s.op === 'reversePaid') {
      const paid = await standing('paid');
      const entry = paid[s.pick % Math.max(paid.length, 1)];
      if (entry) await reverseEntry(ctx, entry.id, { reason: 'Bounced' });
    } else if (s.op === 'oweAgain') {
      // A line whose owed amount was reversed is approved again (a new owed entry for the same line).
      const owedLines = new Set((await standing('owed')).map((e) => e.claim_line_id));
      const lines = (await t.db.db.selectFrom('claim_lines').select(['id', 'amount_pence']).where('status', '=', 'approved').orderBy('id').execute()).filter((l) => !owedLines.has(l.id));
      const line = lines[s.pick % Math.max(lines.length, 1)];
      if (line) await postOwed(t.db.db, { id: line.id, amountPence: line.amount_pence, personId: person.id }, null);
    } else {
      const paidLines = new Set((await standing('paid')).map((e) => e.claim_line_id));
      const owed = (await standing('owed')).filter((e) => !paidLines.has(e.claim_line_id));
      const entry = owed[s.pick % Math.max(owed.length, 1)];
      if (entry) await reverseEntry(ctx, entry.id, { reason: 'Approved in error' });
    }
  }

  /** What every generated sequence must satisfy, checked after a final export. */
  async function expectEachOwedLineExportedOnce(): Promise<void> {
    await createExport(ctx);
    // Every line in every export's CSV, as finance receives it.
    const exports = await t.db.db.selectFrom('finance_exports').selectAll().orderBy('id').execute();
    const exportedLines: number[] = [];
    for (const e of exports) {
      const { body } = await exportCsv(ctx, e.id);
      const rows = parseCsv(body.toString('utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(rows.length).toBe(e.line_count);
      expect(rows.reduce((sum, r) => sum + Number(r['Amount (pence)']), 0)).toBe(e.total_pence);
      exportedLines.push(...rows.map((r) => Number(r.Line)));
    }
    expect(exportedLines.length).toBe(new Set(exportedLines).size);

    // Every line still owed has gone to finance.
    const lines = await t.db.db.selectFrom('claim_lines').select('id').where('status', '=', 'approved').execute();
    for (const l of lines) {
      if ((await lineBalance(t.db.db, l.id)) > 0) expect(exportedLines, `line ${l.id} is owed but was never exported`).toContain(l.id);
    }
  }

  // The sequence a CI seed once found: one line's owed amount reversed, the other paid (so the
  // claim is paid in full), then the first line owed again — it must still reach finance.
  it('exports a line owed again on a claim that had been paid in full', async () => {
    await run({ op: 'approve', amounts: [1_000, 2_000] });
    await run({ op: 'reverseOwed', pick: 0 });
    await run({ op: 'pay', pick: 0 });
    await run({ op: 'oweAgain', pick: 0 });
    await expectEachOwedLineExportedOnce();
  });

  it('never exports a line twice and loses none', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        for (const s of steps) await run(s);
        await expectEachOwedLineExportedOnce();
      }),
      { numRuns: 20 },
    );
  });
});
