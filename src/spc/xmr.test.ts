import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import type { SpcInputPoint } from './types.ts';
import { xmrLimits } from './xmr.ts';

const series = (values: number[]): SpcInputPoint[] => values.map((value, i) => ({ x: `2024-01-${String(i + 1).padStart(2, '0')}`, value }));

describe('XmR limits', () => {
  // Worked by hand: Σ = 120 over 10 points → mean 12; moving ranges 2,1,2,1,2,1,1,1,1 → Σ 12 over 9 → 4/3.
  const values = [10, 12, 11, 13, 12, 14, 13, 12, 11, 12];

  it('centre is the mean, limits are ± 2.66 mean moving ranges', () => {
    expect(xmrLimits(values, true)).toEqual({ centre: 12, meanMovingRange: 4 / 3 });
    const point = analyse(series(values), { chart: 'xmr' }).points[0];
    expect(point?.centre).toBe(12);
    expect(point?.upper).toBeCloseTo(15.546667, 6); // 12 + 2.66 × 4/3
    expect(point?.lower).toBeCloseTo(8.453333, 6);
  });

  it('every point gets the same lines and no special cause in a stable process', () => {
    const result = analyse(series(values), { chart: 'xmr', improvement: 'increase' });
    expect(new Set(result.points.map((p) => `${p.centre}/${p.upper}/${p.lower}`)).size).toBe(1);
    expect(result.points.every((p) => p.special_cause === null && p.rules.length === 0)).toBe(true);
    expect(result.variation).toBe('common_cause');
  });

  describe('moving-range screening', () => {
    // One wild point (30) makes two big moving ranges. Mean of 10 points = 13.6; ranges 2,1,2,1,18,17,1,1,1 → 44/9.
    const wild = [10, 12, 11, 13, 12, 30, 13, 12, 11, 12];

    it('drops ranges ≥ 3.267 × the mean range and recomputes once (on by default)', () => {
      // 3.267 × 44/9 ≈ 15.97: 18 and 17 go; 2,1,2,1,1,1,1 → 9/7.
      const { centre, meanMovingRange } = xmrLimits(wild, true);
      expect(centre).toBeCloseTo(13.6, 12);
      expect(meanMovingRange).toBeCloseTo(9 / 7, 12);
      const point = analyse(series(wild), { chart: 'xmr' }).points[0];
      expect(point?.upper).toBeCloseTo(13.6 + 2.66 * (9 / 7), 10);
      expect(point?.lower).toBeCloseTo(13.6 - 2.66 * (9 / 7), 10);
    });

    it('can be turned off, as the Excel tools do', () => {
      expect(xmrLimits(wild, false).meanMovingRange).toBeCloseTo(44 / 9, 12);
      const point = analyse(series(wild), { chart: 'xmr', screen: false }).points[0];
      expect(point?.upper).toBeCloseTo(13.6 + 2.66 * (44 / 9), 10);
    });

    it('screened limits stay tight: the first point (10) is below them, but inside the unscreened ones', () => {
      // Screened lower limit 13.6 − 2.66 × 9/7 ≈ 10.18; unscreened 13.6 − 2.66 × 44/9 ≈ 0.60.
      expect(analyse(series(wild), { chart: 'xmr' }).points[0]?.rules).toEqual(['outside_limits']);
      expect(analyse(series(wild), { chart: 'xmr', screen: false }).points[0]?.rules).toEqual([]);
    });

    it('a range just under the cut-off is kept', () => {
      // Ranges 1,1,1,3: mean 1.5, cut-off 4.9005, nothing is screened.
      expect(xmrLimits([0, 1, 0, 1, 4], true).meanMovingRange).toBe(1.5);
    });

    it('a flat series (every range 0) is not screened into nothing', () => {
      const limits = xmrLimits([5, 5, 5, 5], true);
      expect(limits).toEqual({ centre: 5, meanMovingRange: 0 });
    });
  });
});
