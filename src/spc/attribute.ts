import { fillLines, type Lines } from './lines.ts';

/**
 * Attribute charts (p, c, u): the spread comes from the distribution (binomial or Poisson), not
 * from moving ranges, so limits are centre ± 3σ and the "close to the limits" band is centre ± 2σ
 * (two thirds of the way out, as on XmR charts). Counts cannot go below 0 nor proportions above 1,
 * so those limits are clipped; the band is not, so a clipped side simply has no band to fall into.
 */

/** Σ numerators ÷ Σ denominators over the baseline points: a pooled proportion or rate. */
export function pooledCentre(numerator: Float64Array, denominator: Float64Array, base: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (const i of base) {
    num += numerator[i] as number;
    den += denominator[i] as number;
  }
  return num / den;
}

/** p chart: σᵢ = √(p(1 − p) / nᵢ), limits clipped to [0, 1]. */
export function fillP(lines: Lines, start: number, end: number, centre: number, denominator: Float64Array): void {
  const variance = centre * (1 - centre);
  for (let i = start; i < end; i++) {
    const sigma = Math.sqrt(variance / (denominator[i] as number));
    setPoint(lines, i, centre, sigma, 1);
  }
}

/** u chart: σᵢ = √(u / nᵢ), lower limit clipped at 0. */
export function fillU(lines: Lines, start: number, end: number, centre: number, denominator: Float64Array): void {
  for (let i = start; i < end; i++) {
    const sigma = Math.sqrt(centre / (denominator[i] as number));
    setPoint(lines, i, centre, sigma, Infinity);
  }
}

/** c chart: σ = √c, the same for every point; lower limit clipped at 0. */
export function fillC(lines: Lines, start: number, end: number, centre: number): void {
  const sigma = Math.sqrt(centre);
  fillLines(lines, start, end, centre, centre + 3 * sigma, Math.max(0, centre - 3 * sigma), centre + 2 * sigma, centre - 2 * sigma);
}

function setPoint(lines: Lines, i: number, centre: number, sigma: number, ceiling: number): void {
  lines.centre[i] = centre;
  lines.upper[i] = Math.min(ceiling, centre + 3 * sigma);
  lines.lower[i] = Math.max(0, centre - 3 * sigma);
  lines.nearUpper[i] = centre + 2 * sigma;
  lines.nearLower[i] = centre - 2 * sigma;
}
