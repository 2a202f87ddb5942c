import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import { SpcInputError, type ChartKind, type Improvement, type SpcInputPoint, type SpcOptions, type SpcResult, type SpecialCause } from './types.ts';

/** Property tests: relations that must hold for any data, checked on many random series. */

const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 80 });
const counts = fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 2, maxLength: 80 });
const ratios = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([denominator, share]) => ({
    value: Math.floor(share * denominator),
    denominator,
  })),
  { minLength: 2, maxLength: 80 },
);
const asSeries = (ys: number[]): SpcInputPoint[] => ys.map((value, i) => ({ x: String(i + 1), value }));

/** Any chart with data fit for it, and optional baseline, exclusions and rebasing. */
const anyChart = fc
  .constantFrom<ChartKind>('xmr', 'p', 'c', 'u')
  .chain((chart) =>
    (chart === 'xmr' ? values.map(asSeries) : chart === 'c' ? counts.map(asSeries) : ratios.map((rs) => rs.map((r, i) => ({ x: String(i + 1), ...r })))).chain(
      (input) =>
        fc.record({
          input: fc.constant(input),
          chart: fc.constant(chart),
          screen: fc.boolean(),
          baseline: fc.option(fc.integer({ min: 2, max: input.length }), { nil: undefined }),
          exclude: fc.uniqueArray(fc.integer({ min: 1, max: input.length }), { maxLength: 3 }),
          rebase: fc.uniqueArray(fc.integer({ min: 2, max: input.length }), { maxLength: 2 }),
          target: fc.option(fc.double({ min: -1000, max: 1000, noNaN: true }), { nil: undefined }),
        }),
    ),
  );

/** Analyses, or returns null for a combination the engine rightly refuses (e.g. a one-point XmR segment). */
function tryAnalyse(input: SpcInputPoint[], options: SpcOptions): SpcResult | null {
  try {
    return analyse(input, options);
  } catch (err) {
    if (err instanceof SpcInputError) return null;
    throw err;
  }
}

const close = (a: number | null, b: number | null, scale: number): boolean =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, scale);

describe('SPC properties', () => {
  it('XmR: adding k to every value moves the centre and limits by k', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -100_000, max: 100_000 }), fc.boolean(), (ys, k, screen) => {
        const a = analyse(asSeries(ys), { chart: 'xmr', screen });
        const b = analyse(asSeries(ys.map((v) => v + k)), { chart: 'xmr', screen });
        const scale = Math.abs(k) + 1000;
        a.points.forEach((p, i) => {
          const q = b.points[i] as (typeof b.points)[number];
          expect(close(q.centre, p.centre + k, scale)).toBe(true);
          expect(close(q.upper, (p.upper as number) + k, scale)).toBe(true);
          expect(close(q.lower, (p.lower as number) + k, scale)).toBe(true);
        });
      }),
    );
  });

  it('XmR and run charts: multiplying every value by c > 0 multiplies the centre and limits by c', () => {
    fc.assert(
      fc.property(values, fc.double({ min: 0.001, max: 1000, noNaN: true }), fc.constantFrom<ChartKind>('xmr', 'run'), (ys, c, chart) => {
        const a = analyse(asSeries(ys), { chart });
        const b = analyse(asSeries(ys.map((v) => v * c)), { chart });
        const scale = 1000 * c;
        a.points.forEach((p, i) => {
          const q = b.points[i] as (typeof b.points)[number];
          expect(close(q.centre, p.centre * c, scale)).toBe(true);
          expect(close(q.upper, p.upper === null ? null : p.upper * c, scale)).toBe(true);
          expect(close(q.lower, p.lower === null ? null : p.lower * c, scale)).toBe(true);
        });
      }),
    );
  });

  it('reversing the improvement direction swaps improvement and concern, and pass and fail', () => {
    const swap: Record<string, string | null> = { improvement: 'concern', concern: 'improvement' };
    const swapAssurance: Record<string, string> = { consistent_pass: 'consistent_fail', consistent_fail: 'consistent_pass', inconsistent: 'inconsistent' };
    const swapVariation: Record<string, string> = {
      common_cause: 'common_cause',
      special_cause_improvement: 'special_cause_concern',
      special_cause_concern: 'special_cause_improvement',
    };
    fc.assert(
      fc.property(anyChart, ({ input, ...options }) => {
        const up = tryAnalyse(input, { ...options, improvement: 'increase' });
        fc.pre(up !== null);
        const down = analyse(input, { ...options, improvement: 'decrease' });
        const neutral = analyse(input, { ...options, improvement: 'neutral' });
        up?.points.forEach((p, i) => {
          expect(down.points[i]?.rules).toEqual(p.rules);
          expect(down.points[i]?.special_cause).toBe(p.special_cause === null ? null : swap[p.special_cause]);
          const high = p.special_cause === 'improvement' ? 'neutral_high' : p.special_cause === 'concern' ? 'neutral_low' : null;
          expect(neutral.points[i]?.special_cause).toBe(high);
        });
        expect(down.variation).toBe(swapVariation[up?.variation as string]);
        expect(down.assurance).toBe(up?.assurance === null ? null : swapAssurance[up?.assurance as string]);
      }),
    );
  });

  it('a point is never both improvement and concern: one label, from the direction\'s own words, exactly when a rule fired', () => {
    const words: Record<Improvement, SpecialCause[]> = {
      increase: ['improvement', 'concern'],
      decrease: ['improvement', 'concern'],
      neutral: ['neutral_high', 'neutral_low'],
    };
    fc.assert(
      fc.property(anyChart, fc.constantFrom<Improvement>('increase', 'decrease', 'neutral'), ({ input, ...options }, improvement) => {
        const result = tryAnalyse(input, { ...options, improvement });
        fc.pre(result !== null);
        for (const p of result?.points ?? []) {
          expect(p.rules.length > 0).toBe(p.special_cause !== null);
          if (p.special_cause !== null) expect(words[improvement]).toContain(p.special_cause);
          expect(new Set(p.rules).size).toBe(p.rules.length);
        }
      }),
    );
  });

  it('p chart limits always lie within [0, 1] and around the centre', () => {
    fc.assert(
      fc.property(ratios, fc.option(fc.integer({ min: 2, max: 80 }), { nil: undefined }), (rows, baseline) => {
        const input = rows.map((r, i) => ({ x: String(i), ...r }));
        const result = analyse(input, { chart: 'p', baseline: baseline === undefined ? undefined : Math.min(baseline, rows.length) });
        for (const p of result.points) {
          expect(p.y >= 0 && p.y <= 1).toBe(true);
          expect(p.lower as number).toBeGreaterThanOrEqual(0);
          expect(p.upper as number).toBeLessThanOrEqual(1);
          expect(p.lower as number).toBeLessThanOrEqual(p.centre);
          expect(p.upper as number).toBeGreaterThanOrEqual(p.centre);
        }
      }),
    );
  });

  it('runs analysis reads the same backwards: useful points, longest run and crossings do not depend on the order', () => {
    fc.assert(
      fc.property(fc.oneof(values, counts), fc.constantFrom<ChartKind>('run', 'c'), (ys, chart) => {
        fc.pre(chart === 'run' || ys.every((v) => v >= 0));
        const forwards = analyse(asSeries(ys), { chart }).runs;
        const backwards = analyse(asSeries([...ys].reverse()), { chart }).runs;
        expect(backwards).toEqual(forwards);
      }),
    );
  });

  it('the runs signal is exactly "longest run too long or too few crossings"', () => {
    fc.assert(
      fc.property(values, (ys) => {
        const r = analyse(asSeries(ys), { chart: 'run' }).runs;
        expect(r.signal).toBe(r.useful > 0 && (r.longest_run > r.longest_run_max || r.crossings < r.crossings_min));
        expect(r.crossings).toBeLessThanOrEqual(Math.max(r.useful - 1, 0));
        expect(r.longest_run).toBeLessThanOrEqual(r.useful);
      }),
    );
  });
});
