import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import type { Improvement, SpcPoint } from './types.ts';

/**
 * Each case is a frozen baseline of 12 alternating points (mean 12, every moving range 4, so limits
 * 12 ± 10.64 = 1.36 and 22.64, "close" band beyond 12 ± 7.09) followed by the pattern under test.
 * Alternating points make no trend, shift or two-of-three of their own.
 */
const ENDS_LOW = [14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10];
const ENDS_HIGH = [10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14];

function chart(tail: number[], { base = ENDS_LOW, improvement = 'increase' as Improvement } = {}) {
  const values = [...base, ...tail];
  const result = analyse(
    values.map((value, i) => ({ x: String(i + 1), value })),
    { chart: 'xmr', baseline: base.length, improvement },
  );
  return { result, tail: result.points.slice(base.length), base: result.points.slice(0, base.length) };
}
const rulesOf = (points: SpcPoint[]) => points.map((p) => p.rules);
const causes = (points: SpcPoint[]) => points.map((p) => p.special_cause);

describe('the frozen baseline used by these cases', () => {
  it('has the limits worked out by hand and no signal of its own', () => {
    const { base, tail } = chart([12]);
    expect(tail[0]?.centre).toBe(12);
    expect(tail[0]?.upper).toBeCloseTo(22.64, 10);
    expect(tail[0]?.lower).toBeCloseTo(1.36, 10);
    expect(base.every((p) => p.rules.length === 0)).toBe(true);
  });
});

describe('rule 1: a point outside the limits', () => {
  it('above the upper limit is improvement when more is better', () => {
    const { tail, result } = chart([23]);
    expect(tail[0]?.rules).toEqual(['outside_limits']);
    expect(tail[0]?.special_cause).toBe('improvement');
    expect(result.variation).toBe('special_cause_improvement');
  });
  it('below the lower limit is concern when more is better', () => {
    const { tail } = chart([1]);
    expect(tail[0]?.rules).toEqual(['outside_limits']);
    expect(tail[0]?.special_cause).toBe('concern');
  });
  it('a point exactly on a limit is not outside it', () => {
    const { tail: probe } = chart([12]);
    const upper = probe[0]?.upper as number;
    const lower = probe[0]?.lower as number;
    const { tail } = chart([upper, 12, lower]);
    expect(rulesOf(tail)).toEqual([[], [], []]);
  });
});

describe('rule 2: a trend of 7 points', () => {
  it('6 rising steps in a row flag all 7 points', () => {
    const { tail } = chart([11, 11.5, 12, 12.5, 13, 13.5, 14], { base: ENDS_HIGH });
    expect(rulesOf(tail)).toEqual(Array(7).fill(['trend']));
    expect(causes(tail)).toEqual(Array(7).fill('improvement'));
  });
  it('6 points (5 steps) are not a trend', () => {
    const { tail } = chart([11, 11.5, 12, 12.5, 13, 13.5, 11], { base: ENDS_HIGH });
    expect(tail.every((p) => p.rules.length === 0)).toBe(true);
  });
  it('a tie breaks it', () => {
    const { tail } = chart([11, 11.5, 12, 12, 12.5, 13, 13.5, 14], { base: ENDS_HIGH });
    expect(tail.every((p) => p.rules.length === 0)).toBe(true);
  });
  it('longer trends flag every point in them', () => {
    const { tail } = chart([10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14], { base: ENDS_HIGH });
    expect(tail.filter((p) => p.rules.includes('trend'))).toHaveLength(8);
  });
  it('falling is concern when more is better, improvement when less is better', () => {
    const falling = [13.5, 13, 12.5, 12, 11.5, 11, 10.5];
    expect(causes(chart(falling).tail)).toEqual(Array(7).fill('concern'));
    expect(causes(chart(falling, { improvement: 'decrease' }).tail)).toEqual(Array(7).fill('improvement'));
    expect(causes(chart(falling, { improvement: 'neutral' }).tail)).toEqual(Array(7).fill('neutral_low'));
  });
});

describe('rule 3: two of three close to the limits', () => {
  it('flags only the close points when 3 in a row are on one side', () => {
    const { tail } = chart([20, 13, 20]);
    expect(rulesOf(tail)).toEqual([['two_of_three'], [], ['two_of_three']]);
    expect(causes(tail)).toEqual(['improvement', null, 'improvement']);
  });
  it('works below the centre too', () => {
    const { tail } = chart([4, 11, 4]);
    expect(causes(tail)).toEqual(['concern', null, 'concern']);
  });
  it('not when the third point is on the other side', () => {
    expect(rulesOf(chart([20, 11, 20]).tail)).toEqual([[], [], []]);
  });
  it('not when a point sits on the centre', () => {
    expect(rulesOf(chart([20, 12, 20]).tail)).toEqual([[], [], []]);
  });
  it('"close" starts two thirds of the way to the limit: 18 is inside the band (12 + 7.09), 19.2 beyond it', () => {
    expect(rulesOf(chart([18, 13, 18]).tail)).toEqual([[], [], []]);
    expect(rulesOf(chart([19.2, 13, 19.2]).tail)).toEqual([['two_of_three'], [], ['two_of_three']]);
  });
  it('on attribute charts the band is 2σ: c chart with centre 100, σ 10', () => {
    const counts = [100, 100, 100, 100];
    const c = (tail: number[]) =>
      analyse([...counts, ...tail].map((value, i) => ({ x: String(i), value })), { chart: 'c', baseline: 4 }).points.slice(4).map((p) => p.rules);
    expect(c([121, 101, 121])).toEqual([['two_of_three'], [], ['two_of_three']]);
    expect(c([119, 101, 119])).toEqual([[], [], []]);
  });
  it('not for one close point in three', () => {
    expect(rulesOf(chart([20, 13, 13]).tail)).toEqual([[], [], []]);
  });
  it('a point outside the limits is not "close" to them', () => {
    expect(rulesOf(chart([25, 13, 20]).tail)).toEqual([['outside_limits'], [], []]);
  });
});

describe('rule 4: a shift of 7 points on one side', () => {
  const above7 = [13, 12.5, 13, 12.5, 13, 12.5, 13];
  it('7 points above the centre are all flagged', () => {
    const { tail } = chart(above7);
    expect(rulesOf(tail)).toEqual(Array(7).fill(['shift']));
    expect(causes(tail)).toEqual(Array(7).fill('improvement'));
  });
  it('6 are not', () => {
    expect(chart([...above7.slice(0, 6), 11]).tail.every((p) => p.rules.length === 0)).toBe(true);
  });
  it('a point on the centre breaks it', () => {
    expect(chart([13, 12.5, 13, 12, 12.5, 13, 12.5, 13]).tail.every((p) => p.rules.length === 0)).toBe(true);
  });
  it('below the centre, with less is better, is improvement', () => {
    const { tail } = chart([11, 11.5, 11, 11.5, 11, 11.5, 11], { base: ENDS_HIGH, improvement: 'decrease' });
    expect(causes(tail)).toEqual(Array(7).fill('improvement'));
  });
});

describe('labelling when a point takes part in several rules', () => {
  // 30 is outside (above) and starts a falling trend of 7: the first rule to match (outside) labels it.
  const tailValues = [30, 19, 17, 15, 13, 11, 9];

  it('lists every rule; the first in order sets the label', () => {
    const { tail, result } = chart(tailValues);
    expect(tail[0]?.rules).toEqual(['outside_limits', 'trend']);
    expect(causes(tail)).toEqual(['improvement', 'concern', 'concern', 'concern', 'concern', 'concern', 'concern']);
    expect(result.variation).toBe('special_cause_concern');
  });

  it('flipping the direction flips every label and the variation', () => {
    const { tail, result } = chart(tailValues, { improvement: 'decrease' });
    expect(causes(tail)).toEqual(['concern', 'improvement', 'improvement', 'improvement', 'improvement', 'improvement', 'improvement']);
    expect(result.variation).toBe('special_cause_improvement');
  });

  it('neutral direction says high or low instead', () => {
    const { tail, result } = chart(tailValues, { improvement: 'neutral' });
    expect(causes(tail)).toEqual(['neutral_high', 'neutral_low', 'neutral_low', 'neutral_low', 'neutral_low', 'neutral_low', 'neutral_low']);
    expect(result.variation).toBe('special_cause_neutral');
  });

  it('a peak where a rising trend meets a falling one takes the earlier (rising) trend\'s label', () => {
    const { tail } = chart([5, 7, 9, 11, 13, 15, 17, 15, 13, 11, 9, 7, 5], { base: ENDS_HIGH });
    expect(tail.every((p) => p.rules.length === 1 && p.rules[0] === 'trend')).toBe(true);
    expect(causes(tail)).toEqual([...Array(7).fill('improvement'), ...Array(6).fill('concern')]);
  });

  it('a shift and two of three together', () => {
    const { tail } = chart([20, 13, 20, 13, 13, 13, 13]);
    expect(rulesOf(tail)).toEqual([['two_of_three', 'shift'], ['shift'], ['two_of_three', 'shift'], ['shift'], ['shift'], ['shift'], ['shift']]);
  });
});

describe('run charts', () => {
  it('have no limits and no special-cause rules, even for a wild point', () => {
    const result = analyse(
      [5, 5, 6, 4, 5, 100, 5].map((value, i) => ({ x: String(i), value })),
      { chart: 'run', improvement: 'increase', target: 3 },
    );
    expect(result.points.every((p) => p.upper === null && p.lower === null && p.rules.length === 0 && p.special_cause === null)).toBe(true);
    expect(result.points[0]?.centre).toBe(5); // the median
    expect(result.variation).toBe('common_cause');
    expect(result.assurance).toBeNull();
  });
});
