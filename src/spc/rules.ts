import type { Lines } from './lines.ts';
import type { Rule } from './types.ts';

/**
 * Making Data Count's special-cause rules, as NHSRplotthedots applies them, for one rebase segment.
 * Rules are bits so a point can take part in several; `side` keeps the direction (+1 above/rising,
 * −1 below/falling) of the first rule that matched, in the order below, which labels the point.
 */
export const OUTSIDE_LIMITS = 1;
export const TREND = 2;
export const TWO_OF_THREE = 4;
export const SHIFT = 8;

/** Points in a trend: 7 points, that is 6 steps in a row all rising or all falling. */
export const TREND_POINTS = 7;
/** Points in a shift: 7 or more in a row on one side of the centre. */
export const SHIFT_POINTS = 7;

const RULE_NAMES: ReadonlyArray<readonly [number, Rule]> = [
  [OUTSIDE_LIMITS, 'outside_limits'],
  [TREND, 'trend'],
  [TWO_OF_THREE, 'two_of_three'],
  [SHIFT, 'shift'],
];

export function ruleNames(mask: number): Rule[] {
  const names: Rule[] = [];
  for (const [bit, name] of RULE_NAMES) if (mask & bit) names.push(name);
  return names;
}

export interface RuleMarks {
  rules: Uint8Array;
  side: Int8Array;
}

export function emptyMarks(n: number): RuleMarks {
  return { rules: new Uint8Array(n), side: new Int8Array(n) };
}

function mark(marks: RuleMarks, i: number, rule: number, side: number): void {
  marks.rules[i] = (marks.rules[i] as number) | rule;
  if (marks.side[i] === 0) marks.side[i] = side;
}

/**
 * Marks the points of segment [start, end). `included` lists the segment's points that are not
 * excluded, in order: an excluded point is still flagged when it lies outside the limits (it is on
 * the chart for all to see) but the sequence rules pass over it, as runs analysis does.
 * Rules run in label order so that the first one to match a point sets its side.
 */
export function markSegment(y: Float64Array, lines: Lines, start: number, end: number, included: readonly number[], marks: RuleMarks): void {
  const { centre, upper, lower, nearUpper, nearLower } = lines;
  const m = included.length;
  const at = (p: number): number => included[p] as number;

  for (let i = start; i < end; i++) {
    const v = y[i] as number;
    if (v > (upper[i] as number)) mark(marks, i, OUTSIDE_LIMITS, 1);
    else if (v < (lower[i] as number)) mark(marks, i, OUTSIDE_LIMITS, -1);
  }

  // Trend: a tie (a step of 0) ends a run of steps.
  const markTrend = (from: number, to: number, direction: number): void => {
    if (direction === 0 || to - from + 1 < TREND_POINTS) return;
    for (let p = from; p <= to; p++) mark(marks, at(p), TREND, direction);
  };
  let direction = 0;
  let from = 0;
  for (let p = 1; p < m; p++) {
    const step = Math.sign((y[at(p)] as number) - (y[at(p - 1)] as number));
    if (step !== direction) {
      markTrend(from, p - 1, direction);
      direction = step;
      from = p - 1;
    }
  }
  markTrend(from, m - 1, direction);

  // Two of three: of 3 points in a row all on one side, 2 or more are close to the limits (beyond
  // two thirds of the way out, but not outside). Only the close ones are flagged.
  const sideOf = (i: number): number => Math.sign((y[i] as number) - (centre[i] as number));
  const isClose = (i: number): boolean =>
    ((marks.rules[i] as number) & OUTSIDE_LIMITS) === 0 && ((y[i] as number) > (nearUpper[i] as number) || (y[i] as number) < (nearLower[i] as number));
  for (let p = 0; p + 2 < m; p++) {
    const a = at(p);
    const b = at(p + 1);
    const c = at(p + 2);
    const side = sideOf(a);
    if (side === 0 || sideOf(b) !== side || sideOf(c) !== side) continue;
    const closeA = isClose(a);
    const closeB = isClose(b);
    const closeC = isClose(c);
    if (Number(closeA) + Number(closeB) + Number(closeC) < 2) continue;
    if (closeA) mark(marks, a, TWO_OF_THREE, side);
    if (closeB) mark(marks, b, TWO_OF_THREE, side);
    if (closeC) mark(marks, c, TWO_OF_THREE, side);
  }

  // Shift: a point exactly on the centre belongs to neither side, so it ends the run.
  const markShift = (first: number, last: number, side: number): void => {
    if (side === 0 || last - first + 1 < SHIFT_POINTS) return;
    for (let p = first; p <= last; p++) mark(marks, at(p), SHIFT, side);
  };
  let side = 0;
  let first = 0;
  for (let p = 0; p < m; p++) {
    const s = sideOf(at(p));
    if (s !== side) {
      markShift(first, p - 1, side);
      side = s;
      first = p;
    }
  }
  markShift(first, m - 1, side);
}
