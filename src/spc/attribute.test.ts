import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';

const ratioSeries = (rows: Array<[number, number]>) => rows.map(([value, denominator], i) => ({ x: `w${i + 1}`, value, denominator }));
const countSeries = (values: number[]) => values.map((value, i) => ({ x: `m${i + 1}`, value }));

describe('p chart', () => {
  // 35 of 350 → p = 0.1; σᵢ = √(0.1 × 0.9 / nᵢ) = 0.3 / √nᵢ.
  const rows: Array<[number, number]> = [[5, 50], [10, 100], [8, 80], [12, 120]];

  it('plots proportions around the pooled proportion, with limits that vary with the denominator', () => {
    const { points } = analyse(ratioSeries(rows), { chart: 'p' });
    expect(points.map((p) => p.y)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(points.every((p) => Math.abs(p.centre - 0.1) < 1e-15)).toBe(true);
    const expected = [
      [0.227279, 0], // n = 50: 0.1 ± 0.127279, lower clipped at 0
      [0.19, 0.01], // n = 100: 0.1 ± 0.09
      [0.200623, 0], // n = 80: 0.1 ± 0.100623, lower clipped
      [0.182158, 0.017842], // n = 120: 0.1 ± 0.082158
    ];
    points.forEach((p, i) => {
      expect(p.upper).toBeCloseTo(expected[i]?.[0] as number, 6);
      expect(p.lower).toBeCloseTo(expected[i]?.[1] as number, 6);
    });
  });

  it('clips the upper limit at 1', () => {
    // p = 29/30; σ = √(29/30 × 1/30 / 10) ≈ 0.0568, so centre + 3σ ≈ 1.137 → 1.
    const { points } = analyse(ratioSeries([[9, 10], [10, 10], [10, 10]]), { chart: 'p' });
    expect(points.map((p) => p.upper)).toEqual([1, 1, 1]);
    expect(points[0]?.lower).toBeCloseTo(29 / 30 - 3 * Math.sqrt(((29 / 30) * (1 / 30)) / 10), 12);
  });

  it('flags a week far above the pooled proportion, judged against its own limits', () => {
    const weeks: Array<[number, number]> = [[10, 100], [12, 100], [9, 100], [11, 100], [10, 100], [30, 100], [11, 100]];
    const { points } = analyse(ratioSeries(weeks), { chart: 'p', improvement: 'decrease' });
    expect(points[5]?.rules).toEqual(['outside_limits']);
    expect(points[5]?.special_cause).toBe('concern');
    expect(points.filter((p) => p.rules.length > 0)).toHaveLength(1);
  });

  it('"close to the limits" is beyond 2σ of each point: p = 0.5, n = 100, σ = 0.05', () => {
    const base: Array<[number, number]> = [[50, 100], [50, 100], [50, 100], [50, 100]];
    const tail = (rows: Array<[number, number]>) => analyse(ratioSeries([...base, ...rows]), { chart: 'p', baseline: 4 }).points.slice(4).map((p) => p.rules);
    expect(tail([[61, 100], [51, 100], [61, 100]])).toEqual([['two_of_three'], [], ['two_of_three']]);
    expect(tail([[59, 100], [51, 100], [59, 100]])).toEqual([[], [], []]);
    expect(tail([[39, 100], [49, 100], [39, 100]])).toEqual([['two_of_three'], [], ['two_of_three']]);
  });

  it('a small week with the same count is not a signal when its limits are wide', () => {
    // Week 4 has 3 of 10 (0.3): σ = √(0.1 × 0.9 / 10) ≈ 0.095, upper ≈ 0.385.
    const weeks: Array<[number, number]> = [[10, 100], [10, 100], [10, 100], [3, 10], [10, 100]];
    const { points } = analyse(ratioSeries(weeks), { chart: 'p' });
    expect(points[3]?.y).toBe(0.3);
    expect(points[3]?.rules).toEqual([]);
  });
});

describe('c chart', () => {
  it('centre is the mean count, limits ± 3√c with the lower one clipped at 0', () => {
    // Σ 24 over 8 months → 3; 3 ± 3√3 = 8.196 and −2.196 → 0.
    const { points } = analyse(countSeries([2, 4, 3, 5, 1, 3, 4, 2]), { chart: 'c' });
    expect(points[0]?.centre).toBe(3);
    expect(points[0]?.upper).toBeCloseTo(8.196152, 6);
    expect(points[0]?.lower).toBe(0);
  });

  it('an unclipped lower limit when the counts are large', () => {
    const { points } = analyse(countSeries([100, 100, 100, 100]), { chart: 'c' });
    expect(points[0]?.upper).toBe(130);
    expect(points[0]?.lower).toBe(70);
  });

  it('a month of 9 incidents is above the limit of 8.196', () => {
    const { points } = analyse(countSeries([2, 4, 3, 5, 1, 3, 4, 2, 9]), { chart: 'c', baseline: 8, improvement: 'decrease' });
    expect(points[8]?.special_cause).toBe('concern');
  });
});

describe('u chart', () => {
  // 200 events over 70 units of exposure → u = 20/7 ≈ 2.857; σᵢ = √(u / nᵢ).
  const rows: Array<[number, number]> = [[30, 10], [50, 20], [40, 15], [80, 25]];

  it('plots rates around the pooled rate with per-point limits', () => {
    const { points } = analyse(ratioSeries(rows), { chart: 'u' });
    expect(points.map((p) => p.y)).toEqual([3, 2.5, 40 / 15, 3.2]);
    expect(points[0]?.centre).toBeCloseTo(20 / 7, 14);
    const expected = [
      [4.460710, 1.253575],
      [3.991036, 1.723249],
      [4.166450, 1.547836],
      [3.871328, 1.842958],
    ];
    points.forEach((p, i) => {
      expect(p.upper).toBeCloseTo(expected[i]?.[0] as number, 6);
      expect(p.lower).toBeCloseTo(expected[i]?.[1] as number, 6);
    });
  });

  it('clips the lower limit at 0 for small exposures', () => {
    const { points } = analyse(ratioSeries([[3, 1.5], [6, 2], [2, 1], [9, 2.5]]), { chart: 'u' });
    expect(points.map((p) => p.lower)).toEqual([0, 0, 0, 0]);
  });
});
