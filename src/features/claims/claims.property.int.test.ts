import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { penceAsPounds } from '../payments/service.ts';
import { insertExpenseRate, insertTimeRate } from '../payments/test-support.ts';
import { addExpenseLine, addTimeLine, createClaim, removeLine } from './service.ts';
import { ctxFor, seedClaims } from './test-support.ts';

type Op =
  | { op: 'time'; hours: number; minutes: number }
  | { op: 'expense'; category: 'public_transport' | 'taxi'; pence: number }
  | { op: 'mileage'; tenths: number }
  | { op: 'remove'; pick: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('time' as const), hours: fc.integer({ min: 0, max: 5 }), minutes: fc.integer({ min: 0, max: 59 }) }),
    // Taxis over £30 are refused: a refused line must leave the total alone.
    fc.record({ op: fc.constant('expense' as const), category: fc.constantFrom('public_transport' as const, 'taxi' as const), pence: fc.integer({ min: 1, max: 6000 }) }),
    fc.record({ op: fc.constant('mileage' as const), tenths: fc.integer({ min: 1, max: 2000 }) }),
    fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  ),
  { maxLength: 12 },
);

/** A claim's total is the sum of its lines that are not rejected, whatever is added and removed, in any order. */
describe('a claim total always equals the sum of its lines', () => {
  let t: TestApp;
  let ctx: ServiceContext;
  let person = 0;
  beforeAll(async () => {
    t = await createTestApp();
    const s = await seedClaims(t);
    person = s.partnerPerson;
    ctx = await ctxFor(t, s.users.lead);
    await insertTimeRate(t.db, { activity_kind: 'meeting', basis: 'hour', amount_pence: 1737 });
    await insertExpenseRate(t.db, { category: 'public_transport' });
    await insertExpenseRate(t.db, { category: 'taxi', limit_pence: 3000 });
    await insertExpenseRate(t.db, { category: 'mileage', pence_per_mile: 45 });
  });
  afterAll(() => t.close());

  it('after any sequence of adding and removing lines', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (sequence) => {
        const claimId = await createClaim(ctx, 'staff', { personId: String(person), activityKind: 'meeting', activityDate: '2026-06-01', description: 'Forum' });
        for (const o of sequence) {
          try {
            if (o.op === 'time') await addTimeLine(ctx, claimId, 'staff', { basis: 'hour', hours: String(o.hours), minutes: String(o.minutes) });
            else if (o.op === 'expense') await addExpenseLine(ctx, claimId, 'staff', { category: o.category, amount: penceAsPounds(o.pence) });
            else if (o.op === 'mileage') await addExpenseLine(ctx, claimId, 'staff', { category: 'mileage', miles: `${Math.floor(o.tenths / 10)}.${o.tenths % 10}` });
            else {
              const lines = await t.db.db.selectFrom('claim_lines').select('id').where('claim_id', '=', claimId).orderBy('id').execute();
              if (lines.length) await removeLine(ctx, claimId, lines[o.pick % lines.length]!.id, 'staff');
            }
          } catch (err) {
            // Zero time and taxis over the limit are refused with a reason; anything else is a bug.
            if (!(err instanceof ValidationError)) throw err;
          }
          const [claim, lines] = await Promise.all([
            t.db.db.selectFrom('claims').select('total_pence').where('id', '=', claimId).executeTakeFirstOrThrow(),
            t.db.db.selectFrom('claim_lines').select(['amount_pence', 'status']).where('claim_id', '=', claimId).execute(),
          ]);
          expect(claim.total_pence).toBe(lines.filter((l) => l.status !== 'rejected').reduce((sum, l) => sum + l.amount_pence, 0));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('when lines are added to the same claim at the same moment', { timeout: 120_000 }, async () => {
    const claimId = await createClaim(ctx, 'staff', { personId: String(person), activityKind: 'meeting', activityDate: '2026-06-01', description: 'Forum' });
    await Promise.all(Array.from({ length: 8 }, (_, i) => addExpenseLine(ctx, claimId, 'staff', { category: 'public_transport', amount: `${i + 1}.00` })));
    const claim = await t.db.db.selectFrom('claims').select('total_pence').where('id', '=', claimId).executeTakeFirstOrThrow();
    expect(claim.total_pence).toBe(3600);
  });
});
