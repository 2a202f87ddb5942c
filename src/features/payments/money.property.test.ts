import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExpenseRate, TimeRate } from '../../platform/db/types.ts';
import { formatPence, parsePounds, penceAsPounds } from './money.ts';
import { priceExpense, priceTime } from './pricing.ts';
import { EXPENSE_LIMIT_MAX, PER_MILE_MAX, TIME_RATE_MAX } from './schemas.ts';
import { taxLevel } from './tax-status.ts';
import { taxYearOf } from './tax-year.ts';

/** Round half up of a × b / c, worked out exactly in big integers, to check the pence arithmetic against. */
const exactRound = (a: number, b: number, c: number): number => Number((BigInt(a) * BigInt(b) * 2n + BigInt(c)) / (2n * BigInt(c)));

const pence = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const timeRate = (amount: number): TimeRate => ({ id: 1, activity_kind: 'meeting', basis: 'hour', amount_pence: amount, effective_from: '2020-01-01', created_by: null, created_at: '' });
const expenseRate = (over: Partial<ExpenseRate>): ExpenseRate => ({ id: 1, category: 'mileage', limit_pence: null, pence_per_mile: null, needs_approval: 0, effective_from: '2020-01-01', created_by: null, created_at: '', ...over });

describe('money as integer pence', () => {
  it('reads back exactly what it shows: penceAsPounds and formatPence round-trip through parsePounds', () => {
    fc.assert(
      fc.property(pence, (p) => {
        expect(parsePounds(penceAsPounds(p))).toBe(p);
        expect(parsePounds(formatPence(p))).toBe(p);
        expect(formatPence(p)).toMatch(/^£\d{1,3}(,\d{3})*\.\d\d$/);
        expect(penceAsPounds(p)).toMatch(/^\d+\.\d\d$/);
      }),
    );
  });

  it('shows a negative amount as the positive one with a minus sign', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (p) => {
        expect(formatPence(-p)).toBe(`−${formatPence(p)}`);
      }),
    );
  });

  it('parses pounds and pence on the digits, never through floating point (0.29 is 29p)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 99 }), fc.boolean(), fc.boolean(), (pounds, p, twoDigits, symbol) => {
        const decimals = twoDigits ? String(p).padStart(2, '0') : String(Math.floor(p / 10));
        const typed = `${symbol ? '£' : ''}${pounds}.${decimals}`;
        const exact = pounds * 100n + BigInt(twoDigits ? p : Math.floor(p / 10) * 10);
        // Amounts too big to hold exactly are refused rather than rounded.
        expect(parsePounds(typed)).toBe(exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : null);
      }),
    );
    expect(parsePounds('0.29')).toBe(29);
    expect(parsePounds('1.005')).toBeNull();
    expect(parsePounds(' £1,234.5 ')).toBe(123_450);
  });

  it('answers a non-negative whole number of pence or nothing, whatever is typed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[£\d.,\s-]{0,12}$/)), (s) => {
        const p = parsePounds(s);
        if (p !== null) {
          expect(Number.isSafeInteger(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('refuses anything that is not an amount of money', () => {
    const money = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 99 })).map(([p, d]) => `${p}.${String(d).padStart(2, '0')}`);
    const notMoney = fc.oneof(
      money.map((m) => `-${m}`), // negative
      money.map((m) => `${m}5`), // three decimal places
      money.chain((m) => fc.constantFrom('a', 'p', '$', '%', '+', '/').map((c) => `${m}${c}`)),
      money.map((m) => `${m}e2`),
      fc.integer({ min: 1000, max: 999_999 }).map((n) => `${String(n).slice(0, -3)},${String(n).slice(-3, -1)}`), // a comma not before three digits
      fc.integer({ min: 0, max: 1000 }).map((n) => `${n}.`),
      fc.constantFrom('', ' ', '.', '£', '.5', 'NaN', 'Infinity', '1 000', '£-1', '0x10', '1,2345', '١٢'),
    );
    fc.assert(
      fc.property(notMoney, (s) => {
        expect(parsePounds(s)).toBeNull();
      }),
    );
  });
});

describe('pricing a line at its rate', () => {
  it('pays time per hour as rate × minutes ÷ 60 rounded half up, and days as rate × days, in whole pence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: TIME_RATE_MAX }), fc.integer({ min: 1, max: 7 * 24 * 60 }), (rate, minutes) => {
        const priced = priceTime('hour', minutes, timeRate(rate));
        expect(priced).toEqual({ amountPence: exactRound(rate, minutes, 60) });
        const amount = (priced as { amountPence: number }).amountPence;
        expect(Number.isInteger(amount)).toBe(true);
        // Never more than half a penny from the exact amount.
        expect(Math.abs(amount * 60 - rate * minutes)).toBeLessThanOrEqual(30);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom('half_day' as const, 'full_day' as const), fc.integer({ min: 1, max: TIME_RATE_MAX }), fc.integer({ min: 1, max: 365 }), (basis, rate, days) => {
        expect(priceTime(basis, days, timeRate(rate))).toEqual({ amountPence: rate * days });
      }),
    );
    expect(priceTime('hour', 90, undefined)).toEqual({ problem: 'noRate' });
    expect(priceTime('hour', 1, timeRate(30))).toEqual({ amountPence: 1 }); // 0.5p rounds up
  });

  it('pays mileage as the rate per mile × miles rounded half up (quantity in tenths of a mile), within the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: PER_MILE_MAX }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.option(fc.integer({ min: 1, max: EXPENSE_LIMIT_MAX }), { nil: null }),
        (perMile, tenths, limit) => {
          const exact = exactRound(perMile, tenths, 10);
          const priced = priceExpense('mileage', tenths, null, expenseRate({ pence_per_mile: perMile, limit_pence: limit }));
          if (limit !== null && exact > limit) expect(priced).toEqual({ problem: 'overLimit', limitPence: limit });
          else expect(priced).toEqual({ amountPence: exact });
        },
      ),
    );
    // 45p a mile: 0.5 miles is 22.5p, paid as 23p; 12.3 miles is £5.535, paid as £5.54.
    expect(priceExpense('mileage', 5, null, expenseRate({ pence_per_mile: 45 }))).toEqual({ amountPence: 23 });
    expect(priceExpense('mileage', 123, null, expenseRate({ pence_per_mile: 45 }))).toEqual({ amountPence: 554 });
    expect(priceExpense('mileage', 10, null, undefined)).toEqual({ problem: 'noRate' });
    expect(priceExpense('mileage', 10, null, expenseRate({ pence_per_mile: null }))).toEqual({ problem: 'noRate' });
  });

  it('pays any other expense as the receipt, refusing an amount over the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: EXPENSE_LIMIT_MAX * 2 }), fc.option(fc.integer({ min: 1, max: EXPENSE_LIMIT_MAX }), { nil: null }), (receipt, limit) => {
        const priced = priceExpense('parking', 1, receipt, expenseRate({ category: 'parking', limit_pence: limit }));
        expect(priced).toEqual(limit !== null && receipt > limit ? { problem: 'overLimit', limitPence: limit } : { amountPence: receipt });
      }),
    );
  });
});

describe('the tax year', () => {
  const isoDay = fc.date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('holds every day: from 6 April to the next 5 April', () => {
    fc.assert(
      fc.property(isoDay, (d) => {
        const year = taxYearOf(d);
        expect(year.start <= d && d <= year.end).toBe(true);
        expect(year.start).toBe(`${year.startYear}-04-06`);
        expect(year.end).toBe(`${year.startYear + 1}-04-05`);
      }),
    );
  });

  it('turns over between 5 and 6 April', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2199 }), (y) => {
        expect(taxYearOf(`${y}-04-05`).startYear).toBe(y - 1);
        expect(taxYearOf(`${y}-04-06`).startYear).toBe(y);
        expect(taxYearOf(`${y}-01-01`).startYear).toBe(y - 1);
        expect(taxYearOf(`${y}-12-31`).startYear).toBe(y);
      }),
    );
  });

  it('warns as a total nears the threshold, from the warning percentage, and says when it is over', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 100 }), (paid, threshold, warnAt) => {
        const level = taxLevel(paid, threshold, warnAt);
        if (paid > threshold) expect(level).toBe('over');
        else expect(level).toBe(paid * 100 >= threshold * warnAt ? 'near' : 'ok');
        // A bigger total is never a lower level.
        const order = { ok: 0, near: 1, over: 2 };
        expect(order[taxLevel(paid + 1, threshold, warnAt)]).toBeGreaterThanOrEqual(order[level]);
      }),
    );
    expect(taxLevel(79_999, 100_000, 80)).toBe('ok');
    expect(taxLevel(80_000, 100_000, 80)).toBe('near');
    expect(taxLevel(100_000, 100_000, 80)).toBe('near');
    expect(taxLevel(100_001, 100_000, 80)).toBe('over');
  });
});
