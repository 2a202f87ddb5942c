/**
 * The lines drawn on a chart, one entry per point. Limits vary point by point on p and u charts, so
 * every chart keeps them per point. `nearUpper`/`nearLower` mark the "close to the limits" band
 * (two thirds of the way from the centre to each limit) used by the two-of-three rule.
 * Run charts have no limits: their upper, lower and band entries are NaN.
 */
export interface Lines {
  centre: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  nearUpper: Float64Array;
  nearLower: Float64Array;
}

export function emptyLines(n: number): Lines {
  return {
    centre: new Float64Array(n),
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    nearUpper: new Float64Array(n),
    nearLower: new Float64Array(n),
  };
}

/** Sets the same lines on every point of [start, end). */
export function fillLines(lines: Lines, start: number, end: number, centre: number, upper: number, lower: number, nearUpper: number, nearLower: number): void {
  lines.centre.fill(centre, start, end);
  lines.upper.fill(upper, start, end);
  lines.lower.fill(lower, start, end);
  lines.nearUpper.fill(nearUpper, start, end);
  lines.nearLower.fill(nearLower, start, end);
}
