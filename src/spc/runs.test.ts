import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import type { RunsAnalysis } from './types.ts';

const runsOf = (values: number[], options: { exclude?: number[]; rebase?: number[]; baseline?: number } = {}): RunsAnalysis =>
  analyse(
    values.map((value, i) => ({ x: String(i + 1), value })),
    { chart: 'run', ...options },
  ).runs;

describe('Anhøj runs analysis', () => {
  it('counts useful points, the longest run and crossings around the median', () => {
    // Median of 1..10 with 5.5 in the middle: below/above pattern − − + + − + − + + − … worked by hand.
    const values = [1, 2, 9, 8, 3, 7, 4, 10, 6, 5];
    // sides: − − + + − + − + + −  → runs: 2,2,1,1,1,2,1 → 7 runs, 6 crossings, longest 2.
    expect(runsOf(values)).toEqual({ useful: 10, longest_run: 2, longest_run_max: 6, crossings: 6, crossings_min: 2, signal: false });
  });

  it('points on the centre are not useful and do not break a run', () => {
    // Median 5; the two 5s are ignored, so 4,4,4 | 6,6,6,6 form runs of 3 and 4.
    const r = runsOf([4, 4, 5, 4, 6, 5, 6, 6, 6]);
    expect(r.useful).toBe(7);
    expect(r.longest_run).toBe(4);
    expect(r.crossings).toBe(1);
  });

  it('signals a run longer than round(log2(n)) + 3', () => {
    // 24 points, median 10.5: 12 low alternating values then 12 high ones → longest run 12 > 8.
    const low = [1, 3, 2, 4, 1, 3, 2, 4, 1, 3, 2, 4];
    const r = runsOf([...low, ...low.map((v) => v + 16)]);
    expect(r.useful).toBe(24);
    expect(r.longest_run).toBe(12);
    expect(r.longest_run_max).toBe(8);
    expect(r.signal).toBe(true);
  });

  it('a run exactly at the limit is no signal; one more is', () => {
    // 10 useful points: limit round(log2 10) + 3 = 6. The median of a 2-point baseline (9, 1) is 5.
    const r6 = runsOf([9, 1, 1, 1, 1, 1, 1, 9, 1, 9], { baseline: 2 });
    expect(r6).toEqual({ useful: 10, longest_run: 6, longest_run_max: 6, crossings: 4, crossings_min: 2, signal: false });
    const r7 = runsOf([9, 1, 1, 1, 1, 1, 1, 1, 9, 1], { baseline: 2 });
    expect(r7).toEqual({ useful: 10, longest_run: 7, longest_run_max: 6, crossings: 3, crossings_min: 2, signal: true });
  });

  it('signals too few crossings even when no run is too long', () => {
    // 24 points in blocks of 4 alternately below and above the median: 5 crossings < 8, longest run 4.
    const low = [1, 2, 3, 4];
    const high = [11, 12, 13, 14];
    const r = runsOf([...low, ...high, ...low, ...high, ...low, ...high]);
    expect(r).toEqual({ useful: 24, longest_run: 4, longest_run_max: 8, crossings: 5, crossings_min: 8, signal: true });
  });

  it('excluded points are left out of the centre and of the analysis', () => {
    const values = [1, 2, 9, 8, 3, 7, 4, 10, 6, 5];
    expect(runsOf(values).useful).toBe(10);
    // Without 9 and 3 the median is 5.5 and 8 points remain.
    expect(runsOf(values, { exclude: [3, 5] })).toMatchObject({ useful: 8, longest_run: 2, crossings: 4 }); // − − + + − + + −
  });

  it('describes the latest segment after a rebase', () => {
    const r = runsOf([1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22, 23], { rebase: [9] });
    // Segment 2 is 20..23 around its own median 21.5: − − + +.
    expect(r).toMatchObject({ useful: 4, longest_run: 2, crossings: 1 });
  });

  it('runs on control charts use their centre line, the mean', () => {
    // XmR: mean of 1,1,1,1,1,1,1,1,1,10 is 1.9, so nine points sit below and one above.
    const r = analyse([1, 1, 1, 1, 1, 1, 1, 1, 1, 10].map((value, i) => ({ x: String(i), value })), { chart: 'xmr' }).runs;
    expect(r).toMatchObject({ useful: 10, longest_run: 9, crossings: 1, signal: true });
  });

  it('no useful points at all is no signal', () => {
    expect(runsOf([3, 3, 3])).toEqual({ useful: 0, longest_run: 0, longest_run_max: 0, crossings: 0, crossings_min: 0, signal: false });
  });
});
