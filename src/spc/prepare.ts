import { SpcInputError, type ChartKind, type Improvement, type SpcInputPoint, type SpcOptions } from './types.ts';

/** The input checked and laid out for the calculations: plain arrays indexed by point (0-based). */
export interface Prepared {
  chart: ChartKind;
  improvement: Improvement;
  n: number;
  /** The plotted value: the value, or numerator ÷ denominator on p and u charts. */
  y: Float64Array;
  numerator: Float64Array;
  /** Only on p and u charts. */
  denominator: Float64Array | null;
  excluded: Uint8Array;
  /** Segment boundaries: segment s is [starts[s], starts[s + 1]). The last entry is n. */
  starts: number[];
  baseline: number | null;
  target: number | null;
  screen: boolean;
}

const CHARTS: readonly ChartKind[] = ['run', 'xmr', 'p', 'c', 'u'];
const IMPROVEMENTS: readonly Improvement[] = ['increase', 'decrease', 'neutral'];

const fail = (message: string): never => {
  throw new SpcInputError(message);
};

/** Checks everything the calculations rely on; every message names the 1-based row where there is one. */
export function prepare(input: readonly SpcInputPoint[], options: SpcOptions): Prepared {
  const { chart } = options;
  if (!CHARTS.includes(chart)) fail(`chart must be one of ${CHARTS.join(', ')}`);
  const improvement = options.improvement ?? 'neutral';
  if (!IMPROVEMENTS.includes(improvement)) fail(`improvement must be one of ${IMPROVEMENTS.join(', ')}`);

  const n = input.length;
  if (n < 2) fail(`at least 2 points are needed to draw a chart, got ${n}`);

  const ratio = chart === 'p' || chart === 'u';
  const counts = ratio || chart === 'c';
  const valueName = ratio ? 'numerator' : 'value';
  const y = new Float64Array(n);
  const numerator = new Float64Array(n);
  const denominator = ratio ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    const point = input[i] as SpcInputPoint;
    const row = i + 1;
    const value = point.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`row ${row}: ${valueName} must be a finite number, got ${String(value)}`);
    if (counts && value < 0) fail(`row ${row}: ${valueName} is a count and cannot be negative, got ${value}`);
    numerator[i] = value;
    if (denominator) {
      const d = point.denominator;
      if (d === undefined || d === null) fail(`row ${row}: denominator is missing`);
      if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) fail(`row ${row}: denominator must be a number above 0, got ${String(d)}`);
      const den = d as number;
      if (chart === 'p' && value > den) fail(`row ${row}: numerator (${value}) is more than the denominator (${den})`);
      denominator[i] = den;
      y[i] = value / den;
    } else {
      y[i] = value;
    }
  }

  const excluded = new Uint8Array(n);
  for (const p of options.exclude ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > n) fail(`exclude: row ${p} is not on the chart (rows are 1 to ${n})`);
    excluded[p - 1] = 1;
  }

  // A rebase at row 1 would start the chart over where it already starts: almost certainly an off-by-one.
  const rebase = new Set<number>();
  for (const p of options.rebase ?? []) {
    if (!Number.isInteger(p) || p < 2 || p > n) fail(`rebase: row ${p} cannot start a new segment (rows 2 to ${n} can)`);
    rebase.add(p - 1);
  }
  const starts = [0, ...[...rebase].sort((a, b) => a - b), n];

  const baseline = options.baseline ?? null;
  if (baseline !== null && (!Number.isInteger(baseline) || baseline < 2 || baseline > n)) {
    fail(`baseline: ${baseline} is out of range; it must be a whole number of points from 2 to ${n}`);
  }

  const target = options.target ?? null;
  if (target !== null && (typeof target !== 'number' || !Number.isFinite(target))) fail(`target must be a finite number, got ${String(target)}`);

  return { chart, improvement, n, y, numerator, denominator, excluded, starts, baseline, target, screen: options.screen ?? true };
}
