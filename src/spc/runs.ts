import { binomialQuantile05 } from './stats.ts';
import type { RunsAnalysis } from './types.ts';

/**
 * Anhøj's runs analysis (as in qicharts2): is the series random around its centre line?
 * A signal when the longest run on one side is too long or the line crosses the centre too seldom.
 */

/** The limits for `useful` points: longest run ≤ round(log2(n)) + 3; crossings ≥ qbinom(0.05, n − 1, 0.5). */
export function anhoejLimits(useful: number): { longest_run_max: number; crossings_min: number } {
  if (useful === 0) return { longest_run_max: 0, crossings_min: 0 };
  // log2(n) is never exactly x.5 for a whole n, so R's round-half-to-even and Math.round agree.
  return { longest_run_max: Math.round(Math.log2(useful)) + 3, crossings_min: binomialQuantile05(useful - 1) };
}

/**
 * Runs analysis of the points `included` (in order) against their own centre line. Points exactly
 * on the centre are not useful: they neither extend nor break a run.
 */
export function runsAnalysis(y: Float64Array, centre: Float64Array, included: readonly number[]): RunsAnalysis {
  let useful = 0;
  let runs = 0;
  let longest = 0;
  let current = 0;
  let side = 0;
  for (const i of included) {
    const s = Math.sign((y[i] as number) - (centre[i] as number));
    if (s === 0) continue;
    useful++;
    if (s === side) {
      current++;
    } else {
      runs++;
      side = s;
      current = 1;
    }
    if (current > longest) longest = current;
  }
  const crossings = Math.max(runs - 1, 0);
  const { longest_run_max, crossings_min } = anhoejLimits(useful);
  const signal = useful > 0 && (longest > longest_run_max || crossings < crossings_min);
  return { useful, longest_run: longest, longest_run_max, crossings, crossings_min, signal };
}
