import { fillLines, type Lines } from './lines.ts';
import { mean } from './stats.ts';

/** 3 / d2 for moving ranges of two points (d2 = 1.128): the XmR limits sit 2.66 mean moving ranges from the centre. */
export const XMR_LIMIT = 2.66;
/** The "close to the limits" band, two thirds of the way out, written as NHSRplotthedots writes it. */
export const XMR_NEAR = 2 * (XMR_LIMIT / 3);
/** Moving ranges this many times the mean moving range or more are screened out (D4 for n = 2). */
export const MR_SCREEN = 3.267;

export interface XmrLimits {
  centre: number;
  meanMovingRange: number;
}

/**
 * Centre and mean moving range from a segment's baseline values (excluded points already taken
 * out, so a moving range bridges an excluded point as qicharts2's does). Screening drops moving
 * ranges ≥ 3.267 × the mean and recomputes the mean once, so one wild jump does not widen the limits.
 */
export function xmrLimits(base: ArrayLike<number>, screen: boolean): XmrLimits {
  const centre = mean(base);
  const ranges = new Float64Array(base.length - 1);
  for (let i = 1; i < base.length; i++) ranges[i - 1] = Math.abs((base[i] as number) - (base[i - 1] as number));
  let meanMovingRange = mean(ranges);
  // With every range 0 the cut-off is 0 and would screen out everything: nothing to screen then.
  if (screen && meanMovingRange > 0) {
    const cutOff = MR_SCREEN * meanMovingRange;
    let sum = 0;
    let kept = 0;
    for (const r of ranges) {
      if (r < cutOff) {
        sum += r;
        kept++;
      }
    }
    meanMovingRange = sum / kept;
  }
  return { centre, meanMovingRange };
}

export function fillXmr(lines: Lines, start: number, end: number, base: ArrayLike<number>, screen: boolean): void {
  const { centre, meanMovingRange: mr } = xmrLimits(base, screen);
  fillLines(lines, start, end, centre, centre + XMR_LIMIT * mr, centre - XMR_LIMIT * mr, centre + XMR_NEAR * mr, centre - XMR_NEAR * mr);
}
