import { describe, expect, it } from 'vitest';
import { anhoejLimits } from './runs.ts';
import { binomialQuantile05, mean, median } from './stats.ts';

describe('mean and median', () => {
  it('mean of a known series', () => {
    expect(mean([10, 12, 11, 13, 12, 14, 13, 12, 11, 12])).toBe(12);
  });
  it('median of odd and even counts, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([-2, 10])).toBe(4);
  });
});

describe('binomialQuantile05 (R: qbinom(0.05, n, 0.5))', () => {
  it('small cases worked by hand', () => {
    // n = 0: P(X ≤ 0) = 1. n = 4: P(X ≤ 0) = 1/16 = 0.0625 ≥ 0.05. n = 5: P(X ≤ 0) = 1/32 < 0.05, P(X ≤ 1) = 6/32.
    expect(binomialQuantile05(0)).toBe(0);
    expect(binomialQuantile05(4)).toBe(0);
    expect(binomialQuantile05(5)).toBe(1);
    // n = 9: P(X ≤ 1) = 10/512 ≈ 0.0195, P(X ≤ 2) = 46/512 ≈ 0.0898.
    expect(binomialQuantile05(9)).toBe(2);
  });

  it('agrees with an independent floating-point CDF for n up to 400', () => {
    for (let n = 0; n <= 400; n++) {
      // log C(n, i) summed in doubles: accurate to far better than the gaps between CDF steps here.
      let logC = 0;
      let cdf = 0;
      let k = n;
      for (let i = 0; i <= n; i++) {
        if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
        cdf += Math.exp(logC - n * Math.LN2);
        if (cdf >= 0.05) {
          k = i;
          break;
        }
      }
      expect(binomialQuantile05(n), `n = ${n}`).toBe(k);
    }
  });

  it('refuses nonsense', () => {
    expect(() => binomialQuantile05(-1)).toThrow(RangeError);
    expect(() => binomialQuantile05(2.5)).toThrow(RangeError);
  });
});

describe('Anhøj limits (qicharts2 runs analysis)', () => {
  // n useful points → [longest run max, crossings min]; R's round(log2(n)) + 3 and qbinom(0.05, n − 1, 0.5),
  // checked against SciPy's binom.ppf. Anhøj & Olesen's table gives n = 24 → 8 and 8.
  const TABLE: Record<number, [number, number]> = {
    10: [6, 2], 11: [6, 2], 12: [7, 3], 13: [7, 3], 14: [7, 4], 15: [7, 4], 16: [7, 4], 17: [7, 5], 18: [7, 5],
    19: [7, 6], 20: [7, 6], 21: [7, 6], 22: [7, 7], 23: [8, 7], 24: [8, 8], 25: [8, 8], 26: [8, 8], 27: [8, 9],
    28: [8, 9], 29: [8, 10], 30: [8, 10], 31: [8, 11], 32: [8, 11], 33: [8, 11], 34: [8, 12], 35: [8, 12],
    36: [8, 13], 37: [8, 13], 38: [8, 14], 39: [8, 14], 40: [8, 14], 50: [9, 19], 60: [9, 23], 80: [9, 32],
    100: [10, 41], 200: [11, 88],
  };
  it.each(Object.entries(TABLE))('n = %s', (n, [longest, crossings]) => {
    expect(anhoejLimits(Number(n))).toEqual({ longest_run_max: longest, crossings_min: crossings });
  });
});
