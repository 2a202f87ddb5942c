import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaymentMethod } from '../../platform/db/types.ts';
import type { PaymentEntryRow } from './queries.ts';
import { columnOf, medianOfCounts, statementRows } from './service.ts';

/** A paid ledger entry as the statement reads it (a payment is minus in the ledger). */
const paid = (over: Partial<PaymentEntryRow> & Pick<PaymentEntryRow, 'id' | 'amount_pence'>): PaymentEntryRow => ({
  kind: 'paid',
  paid_on: '2025-05-10',
  method: 'bank_transfer',
  reason: null,
  created_at: '2025-05-10T10:00:00.000Z',
  line_kind: 'time',
  claim_id: 1,
  activity_kind: 'meeting',
  activity_date: '2025-05-01',
  description: 'Forum',
  reversed_method: null,
  ...over,
});

const reversalOf = (e: PaymentEntryRow, id: number): PaymentEntryRow => ({
  ...e,
  id,
  kind: 'reversal',
  amount_pence: -e.amount_pence,
  method: null,
  reversed_method: e.method,
  reason: 'Paid twice',
  created_at: '2025-06-01T09:00:00.000Z',
});

const entry = fc.record({
  amount: fc.integer({ min: 1, max: 500_000 }),
  lineKind: fc.constantFrom('time' as const, 'expense' as const),
  method: fc.constantFrom<PaymentMethod>('bank_transfer', 'vouchers', 'cheque', 'cash'),
  claim: fc.integer({ min: 1, max: 5 }),
  day: fc.integer({ min: 1, max: 28 }),
  reversed: fc.boolean(),
});

describe('the annual statement\'s rows and totals', () => {
  it('puts time, time paid in vouchers and expenses in their own columns', () => {
    expect(columnOf('time', 'bank_transfer')).toBe('time');
    expect(columnOf('time', 'vouchers')).toBe('vouchers');
    expect(columnOf('expense', 'vouchers')).toBe('expenses');
    const { rows, totals } = statementRows([
      paid({ id: 1, amount_pence: -4_000 }),
      paid({ id: 2, amount_pence: -450, line_kind: 'expense' }),
      paid({ id: 3, amount_pence: -2_000, method: 'vouchers', claim_id: 2 }),
    ]);
    expect(rows.map((r) => [r.time, r.vouchers, r.expenses, r.total])).toEqual([
      [4_000, 0, 450, 4_450],
      [0, 2_000, 0, 2_000],
    ]);
    expect(totals).toEqual({ time: 4_000, vouchers: 2_000, expenses: 450, total: 6_450, involvement: 6_000 });
  });

  it('shows a reversed payment as its own row that cancels it', () => {
    const payment = paid({ id: 1, amount_pence: -5_000 });
    const { rows, totals } = statementRows([payment, reversalOf(payment, 2)]);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ reversal: true, reason: 'Paid twice', reversedOn: '2025-06-01', time: -5_000, total: -5_000 });
    expect(totals).toEqual({ time: 0, vouchers: 0, expenses: 0, total: 0, involvement: 0 });
  });

  it('always has totals equal to the sum of its rows, and reversed payments add nothing', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (specs) => {
        const entries: PaymentEntryRow[] = [];
        let id = 1;
        let kept = 0;
        for (const s of specs) {
          const e = paid({ id: id++, amount_pence: -s.amount, line_kind: s.lineKind, method: s.method, claim_id: s.claim, paid_on: `2025-05-${String(s.day).padStart(2, '0')}` });
          entries.push(e);
          if (s.reversed) entries.push(reversalOf(e, id++));
          else kept += s.amount;
        }
        const { rows, totals } = statementRows(entries);
        for (const k of ['time', 'vouchers', 'expenses', 'total'] as const) expect(rows.reduce((sum, r) => sum + r[k], 0)).toBe(totals[k]);
        for (const r of rows) expect(r.time + r.vouchers + r.expenses).toBe(r.total);
        expect(totals.total).toBe(kept);
        expect(totals.involvement).toBe(totals.time + totals.vouchers);
      }),
    );
  });
});

describe('the median of counted values', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(medianOfCounts(new Map())).toBeNull();
    expect(medianOfCounts(new Map([[5, 1], [10, 1], [19, 1]]))).toBe(10);
    expect(medianOfCounts(new Map([[30, 1], [3, 1], [14, 1], [7, 1]]))).toBe(10.5);
    expect(medianOfCounts(new Map([[2, 3], [9, 1]]))).toBe(2);
  });

  it('matches the median of the values written out one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 60 }), (values) => {
        const counts = new Map<number, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        const sorted = [...values].sort((a, b) => a - b);
        const mid = sorted.length / 2;
        const expected = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1]! + sorted[mid]!) / 2;
        expect(medianOfCounts(counts)).toBe(expected);
      }),
    );
  });
});
