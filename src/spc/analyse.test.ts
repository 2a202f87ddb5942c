import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import { SpcInputError, type SpcInputPoint, type SpcOptions } from './types.ts';

const series = (values: number[]): SpcInputPoint[] => values.map((value, i) => ({ x: `p${i + 1}`, value }));
const limitsOf = (points: Array<{ centre: number; upper: number | null; lower: number | null }>) =>
  points.map((p) => [p.centre, p.upper, p.lower]);

describe('analyse: the result', () => {
  it('keeps each point\'s label and order, and numbers segments from 0', () => {
    const result = analyse(series([3, 4, 5, 6]), { chart: 'xmr' });
    expect(result.chart).toBe('xmr');
    expect(result.points.map((p) => [p.x, p.y, p.excluded, p.segment])).toEqual([
      ['p1', 3, false, 0],
      ['p2', 4, false, 0],
      ['p3', 5, false, 0],
      ['p4', 6, false, 0],
    ]);
  });
});

describe('baseline: limits frozen after the first N points', () => {
  const first = [10, 12, 11, 13, 12, 14];
  it('later points do not move the limits', () => {
    const frozen = analyse(series([...first, 40, 41, 42, 43]), { chart: 'xmr', baseline: 6 });
    const alone = analyse(series(first), { chart: 'xmr' });
    expect(new Set(limitsOf(frozen.points).map(String))).toEqual(new Set([String(limitsOf(alone.points)[0])]));
    expect(frozen.points.slice(6).every((p) => p.rules.includes('outside_limits'))).toBe(true);
  });
  it('without a baseline the later points pull the centre to the mean of all ten', () => {
    const unfrozen = analyse(series([...first, 40, 41, 42, 43]), { chart: 'xmr' });
    expect(unfrozen.points[0]?.centre).toBeCloseTo(23.8, 12);
    expect(analyse(series([...first, 40, 41, 42, 43]), { chart: 'xmr', baseline: 6 }).points[9]?.centre).toBe(12);
  });
  it('applies to a p chart\'s pooled proportion too', () => {
    const rows = [[10, 100], [12, 100], [50, 100], [60, 100]].map(([value, denominator], i) => ({ x: String(i), value: value as number, denominator }));
    expect(analyse(rows, { chart: 'p', baseline: 2 }).points[0]?.centre).toBeCloseTo(0.11, 15);
    expect(analyse(rows, { chart: 'p' }).points[0]?.centre).toBeCloseTo(0.33, 15);
  });
});

describe('exclusions: kept on the chart, left out of the limits', () => {
  const values = [10, 12, 11, 13, 50, 12, 14, 13, 12, 11];
  it('limits are those of the series without the point (moving ranges bridge the gap)', () => {
    const excluded = analyse(series(values), { chart: 'xmr', exclude: [5] });
    const removed = analyse(series(values.filter((_, i) => i !== 4)), { chart: 'xmr' });
    expect(excluded.points[0]?.centre).toBe(removed.points[0]?.centre);
    expect(excluded.points[0]?.upper).toBeCloseTo(removed.points[0]?.upper as number, 12);
    expect(excluded.points).toHaveLength(10);
  });
  it('the excluded point is marked, and still flagged when it lies outside the limits', () => {
    const { points } = analyse(series(values), { chart: 'xmr', exclude: [5], improvement: 'decrease' });
    expect(points[4]).toMatchObject({ y: 50, excluded: true, rules: ['outside_limits'], special_cause: 'concern' });
    expect(points.filter((p) => p.excluded)).toHaveLength(1);
  });
  it('sequence rules pass over an excluded point: it neither breaks nor joins a shift', () => {
    const base = [14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10];
    const tail = [13, 12.5, 13, 5, 12.5, 13, 12.5, 13];
    const { points } = analyse(series([...base, ...tail]), { chart: 'xmr', baseline: 12, exclude: [16] });
    expect(points.slice(12).map((p) => p.rules)).toEqual([['shift'], ['shift'], ['shift'], [], ['shift'], ['shift'], ['shift'], ['shift']]);
    // Not excluded, the point below the centre breaks the run into 3 and 4.
    const plain = analyse(series([...base, ...tail]), { chart: 'xmr', baseline: 12 });
    expect(plain.points.every((p) => p.rules.length === 0)).toBe(true);
  });
  it('an excluded point is not used for a run chart\'s median', () => {
    const { points } = analyse(series([1, 2, 3, 100, 100]), { chart: 'run', exclude: [4, 5] });
    expect(points[0]?.centre).toBe(2);
  });
});

describe('rebasing: a new segment with its own limits', () => {
  const before = [10, 12, 11, 13, 12, 14];
  const after = [30, 31, 29, 32, 30, 31];
  it('each segment\'s lines are those of the segment on its own', () => {
    const result = analyse(series([...before, ...after]), { chart: 'xmr', rebase: [7] });
    const one = analyse(series(before), { chart: 'xmr' });
    const two = analyse(series(after), { chart: 'xmr' });
    expect(limitsOf(result.points)).toEqual([...limitsOf(one.points), ...limitsOf(two.points)]);
    expect(result.points.map((p) => p.segment)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });
  it('rules do not run across a rebase', () => {
    // Seven rising points straddle row 10.
    const values = [0, 20, 0, 20, 0, 20, 1, 2, 3, 4, 5, 6, 7, 0, 20, 0, 20];
    const plain = analyse(series(values), { chart: 'xmr' });
    expect(plain.points.slice(6, 13).every((p) => p.rules.includes('trend'))).toBe(true);
    const rebased = analyse(series(values), { chart: 'xmr', rebase: [10] });
    expect(rebased.points.some((p) => p.rules.includes('trend'))).toBe(false);
  });
  it('baseline counts from the start of each segment', () => {
    const result = analyse(series([...before, 99, ...after, 99]), { chart: 'xmr', rebase: [8], baseline: 6 });
    expect(result.points[6]?.rules).toContain('outside_limits');
    expect(result.points[13]?.rules).toContain('outside_limits');
    expect(result.points[13]?.centre).toBeCloseTo(30.5, 12);
  });
  it('a rebase point given twice or out of order is the same rebase', () => {
    const a = analyse(series([...before, ...after]), { chart: 'c', rebase: [7] });
    const b = analyse(series([...before, ...after]), { chart: 'c', rebase: [7, 7] });
    expect(limitsOf(b.points)).toEqual(limitsOf(a.points));
  });
});

describe('variation and assurance', () => {
  const stable = [14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10]; // 12 ± 10.64 → 1.36 to 22.64
  const assurance = (options: Partial<SpcOptions>) => analyse(series(stable), { chart: 'xmr', ...options }).assurance;

  it('target above the upper limit: the process will fail it (more is better) or always meet it (less is better)', () => {
    expect(assurance({ improvement: 'increase', target: 25 })).toBe('consistent_fail');
    expect(assurance({ improvement: 'decrease', target: 25 })).toBe('consistent_pass');
  });
  it('target below the lower limit: the reverse', () => {
    expect(assurance({ improvement: 'increase', target: 1 })).toBe('consistent_pass');
    expect(assurance({ improvement: 'decrease', target: 1 })).toBe('consistent_fail');
  });
  it('target between the limits: hit and miss', () => {
    expect(assurance({ improvement: 'increase', target: 20 })).toBe('inconsistent');
    expect(assurance({ improvement: 'decrease', target: 2 })).toBe('inconsistent');
  });
  it('no assurance without a target or with a neutral direction', () => {
    expect(assurance({ improvement: 'increase' })).toBeNull();
    expect(assurance({ improvement: 'neutral', target: 25 })).toBeNull();
    expect(assurance({ target: 25 })).toBeNull();
  });
  it('uses the latest segment\'s limits', () => {
    const values = [...stable, 100, 104, 100, 104];
    expect(analyse(series(values), { chart: 'xmr', improvement: 'increase', target: 25, rebase: [13] }).assurance).toBe('consistent_pass');
  });
  it('uses the latest point\'s own limits on a p chart', () => {
    // p = 0.1. Last week n = 1000: upper ≈ 0.128; earlier n = 10: upper ≈ 0.385.
    const rows = [[1, 10], [1, 10], [1, 10], [100, 1000]].map(([value, denominator], i) => ({ x: String(i), value: value as number, denominator }));
    expect(analyse(rows, { chart: 'p', improvement: 'decrease', target: 0.2 }).assurance).toBe('consistent_pass');
  });
  it('variation describes the latest point only', () => {
    expect(analyse(series([...stable, 30]), { chart: 'xmr', baseline: 12, improvement: 'increase' }).variation).toBe('special_cause_improvement');
    expect(analyse(series([...stable, 30, 12]), { chart: 'xmr', baseline: 12, improvement: 'increase' }).variation).toBe('common_cause');
  });
});

describe('input the engine refuses, with the row named', () => {
  const refuse = (input: SpcInputPoint[], options: SpcOptions) => () => analyse(input, options);
  const counts = (rows: Array<[number, number | undefined]>) => rows.map(([value, denominator], i) => ({ x: String(i), value, denominator }));

  it.each([
    ['a value that is not a finite number', series([1, Number.NaN, 3]), { chart: 'xmr' }, 'row 2: value must be a finite number, got NaN'],
    ['an infinite value', series([1, 2, Infinity]), { chart: 'run' }, 'row 3: value must be a finite number'],
    ['a negative count', series([1, -2, 3]), { chart: 'c' }, 'row 2: value is a count and cannot be negative'],
    ['a negative numerator', counts([[1, 10], [-1, 10]]), { chart: 'u' }, 'row 2: numerator is a count and cannot be negative'],
    ['a missing denominator', counts([[1, 10], [1, undefined]]), { chart: 'p' }, 'row 2: denominator is missing'],
    ['a zero denominator', counts([[0, 0], [1, 10]]), { chart: 'p' }, 'row 1: denominator must be a number above 0, got 0'],
    ['a negative denominator', counts([[1, 10], [1, 10], [1, -5]]), { chart: 'u' }, 'row 3: denominator must be a number above 0, got -5'],
    ['a numerator above its denominator', counts([[1, 10], [11, 10]]), { chart: 'p' }, 'row 2: numerator (11) is more than the denominator (10)'],
    ['a single point', series([1]), { chart: 'xmr' }, 'at least 2 points are needed to draw a chart, got 1'],
    ['no points', [], { chart: 'run' }, 'at least 2 points are needed to draw a chart, got 0'],
    ['an exclusion past the end', series([1, 2, 3]), { chart: 'xmr', exclude: [4] }, 'exclude: row 4 is not on the chart (rows are 1 to 3)'],
    ['an exclusion of row 0', series([1, 2, 3]), { chart: 'xmr', exclude: [0] }, 'exclude: row 0 is not on the chart'],
    ['a rebase at row 1', series([1, 2, 3]), { chart: 'xmr', rebase: [1] }, 'rebase: row 1 cannot start a new segment (rows 2 to 3 can)'],
    ['a rebase past the end', series([1, 2, 3]), { chart: 'xmr', rebase: [4] }, 'rebase: row 4 cannot start a new segment'],
    ['a baseline of 1', series([1, 2, 3]), { chart: 'xmr', baseline: 1 }, 'baseline: 1 is out of range; it must be a whole number of points from 2 to 3'],
    ['a baseline longer than the series', series([1, 2, 3]), { chart: 'xmr', baseline: 4 }, 'baseline: 4 is out of range'],
    ['a fractional baseline', series([1, 2, 3]), { chart: 'xmr', baseline: 2.5 }, 'baseline: 2.5 is out of range'],
    ['a segment of one point on an XmR chart', series([1, 2, 3]), { chart: 'xmr', rebase: [3] }, 'row 3: the segment starting here needs at least 2 points that are not excluded to set its limits'],
    ['a baseline left with one point after exclusions', series([1, 2, 3, 4]), { chart: 'xmr', baseline: 2, exclude: [2] }, 'row 1: the segment starting here needs at least 2 baseline points'],
    ['a segment with every point excluded', series([1, 2, 3, 4]), { chart: 'c', rebase: [3], exclude: [3, 4] }, 'row 3: the segment starting here needs at least 1 points'],
    ['an unknown chart', series([1, 2]), { chart: 'x' as never }, 'chart must be one of run, xmr, p, c, u'],
    ['an unknown direction', series([1, 2]), { chart: 'xmr', improvement: 'up' as never }, 'improvement must be one of increase, decrease, neutral'],
    ['a target that is not a number', series([1, 2]), { chart: 'xmr', target: Number.NaN }, 'target must be a finite number'],
  ] as Array<[string, SpcInputPoint[], SpcOptions, string]>)('%s', (_what, input, options, message) => {
    expect(refuse(input, options)).toThrow(SpcInputError);
    expect(refuse(input, options)).toThrow(message);
  });

  it('a single-point segment is fine where one point sets the centre (c chart)', () => {
    expect(analyse(series([1, 2, 3]), { chart: 'c', rebase: [3] }).points[2]?.centre).toBe(3);
  });

  it('messages are one line', () => {
    try {
      analyse(series([1, Number.NaN]), { chart: 'xmr' });
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
      return;
    }
    expect.unreachable();
  });
});
