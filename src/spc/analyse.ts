import { fillC, fillP, fillU, pooledCentre } from './attribute.ts';
import { emptyLines, fillLines, type Lines } from './lines.ts';
import { prepare, type Prepared } from './prepare.ts';
import { emptyMarks, markSegment, ruleNames } from './rules.ts';
import { runsAnalysis } from './runs.ts';
import { mean, median } from './stats.ts';
import {
  SpcInputError,
  type Assurance,
  type RunsAnalysis,
  type SpcInputPoint,
  type SpcOptions,
  type SpcPoint,
  type SpcResult,
  type SpecialCause,
  type Variation,
} from './types.ts';
import { fillXmr } from './xmr.ts';

/**
 * Analyses one measure: centre line and limits per rebase segment (from each segment's baseline,
 * leaving out excluded points), the special-cause rules per segment, Anhøj runs analysis, and the
 * variation and assurance of the latest point. Throws SpcInputError for input it cannot chart.
 */
export function analyse(input: readonly SpcInputPoint[], options: SpcOptions): SpcResult {
  const prepared = prepare(input, options);
  const { chart, n, y, excluded, starts } = prepared;
  const lines = emptyLines(n);
  const marks = emptyMarks(n);
  const segmentOf = new Int32Array(n);
  let runs: RunsAnalysis | undefined;

  for (let s = 0; s + 1 < starts.length; s++) {
    const start = starts[s] as number;
    const end = starts[s + 1] as number;
    segmentOf.fill(s, start, end);
    const included: number[] = [];
    for (let i = start; i < end; i++) if (excluded[i] === 0) included.push(i);
    const baselineEnd = prepared.baseline === null ? end : Math.min(end, start + prepared.baseline);
    const base = included.filter((i) => i < baselineEnd);
    setLines(prepared, lines, start, end, base);
    if (chart !== 'run') markSegment(y, lines, start, end, included, marks);
    // One runs analysis for the chart: the latest segment's, the one its current state belongs to.
    if (end === n) runs = runsAnalysis(y, lines.centre, included);
  }

  const hasLimits = chart !== 'run';
  const points: SpcPoint[] = new Array<SpcPoint>(n);
  for (let i = 0; i < n; i++) {
    points[i] = {
      x: (input[i] as SpcInputPoint).x,
      y: y[i] as number,
      centre: lines.centre[i] as number,
      upper: hasLimits ? (lines.upper[i] as number) : null,
      lower: hasLimits ? (lines.lower[i] as number) : null,
      special_cause: specialCause(marks.side[i] as number, prepared),
      rules: ruleNames(marks.rules[i] as number),
      excluded: excluded[i] === 1,
      segment: segmentOf[i] as number,
    };
  }

  const last = points[n - 1] as SpcPoint;
  return {
    chart,
    points,
    runs: runs as RunsAnalysis,
    variation: variationOf(last.special_cause),
    assurance: assuranceOf(prepared, last),
  };
}

function setLines(prepared: Prepared, lines: Lines, start: number, end: number, base: number[]): void {
  const { chart, y, numerator, denominator } = prepared;
  const needed = chart === 'xmr' ? 2 : 1;
  if (base.length < needed) {
    const what = prepared.baseline === null ? 'points' : 'baseline points';
    throw new SpcInputError(
      `row ${start + 1}: the segment starting here needs at least ${needed} ${what} that are not excluded to set its ${chart === 'run' ? 'centre line' : 'limits'}`,
    );
  }
  const values = base.map((i) => y[i] as number);
  switch (chart) {
    case 'run':
      fillLines(lines, start, end, median(values), NaN, NaN, NaN, NaN);
      return;
    case 'xmr':
      fillXmr(lines, start, end, values, prepared.screen);
      return;
    case 'c':
      fillC(lines, start, end, mean(values));
      return;
    case 'p':
      fillP(lines, start, end, pooledCentre(numerator, denominator as Float64Array, base), denominator as Float64Array);
      return;
    case 'u':
      fillU(lines, start, end, pooledCentre(numerator, denominator as Float64Array, base), denominator as Float64Array);
      return;
  }
}

/** "Above"/"rising" is good news when more is better, bad news when less is better. */
function specialCause(side: number, { improvement }: Prepared): SpecialCause | null {
  if (side === 0) return null;
  if (improvement === 'neutral') return side > 0 ? 'neutral_high' : 'neutral_low';
  return (side > 0) === (improvement === 'increase') ? 'improvement' : 'concern';
}

function variationOf(cause: SpecialCause | null): Variation {
  switch (cause) {
    case null:
      return 'common_cause';
    case 'improvement':
      return 'special_cause_improvement';
    case 'concern':
      return 'special_cause_concern';
    default:
      return 'special_cause_neutral';
  }
}

/**
 * Can the process as it runs now (the latest segment's limits, at the latest point on p and u
 * charts where limits vary) be relied on to meet the target? Needs a target, a direction and limits.
 */
function assuranceOf({ target, improvement }: Prepared, last: SpcPoint): Assurance | null {
  if (target === null || improvement === 'neutral' || last.upper === null || last.lower === null) return null;
  const higherIsBetter = improvement === 'increase';
  if (target > last.upper) return higherIsBetter ? 'consistent_fail' : 'consistent_pass';
  if (target < last.lower) return higherIsBetter ? 'consistent_pass' : 'consistent_fail';
  return 'inconsistent';
}
