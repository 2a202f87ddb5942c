/**
 * The SPC engine's public shapes (pure: no I/O). The JSON field names match the `alongside spc`
 * command's output, so the same objects are printed by the CLI and drawn by the chart renderer.
 */
export type ChartKind = 'run' | 'xmr' | 'p' | 'c' | 'u';
export type Improvement = 'increase' | 'decrease' | 'neutral';
export type SpecialCause = 'improvement' | 'concern' | 'neutral_high' | 'neutral_low';
export type Rule = 'outside_limits' | 'trend' | 'two_of_three' | 'shift';
export type Variation = 'common_cause' | 'special_cause_improvement' | 'special_cause_concern' | 'special_cause_neutral';
export type Assurance = 'consistent_pass' | 'consistent_fail' | 'inconsistent';

export interface SpcInputPoint {
  /** A date (YYYY-MM-DD) or a label. */
  x: string;
  /** The value (run, xmr, c) or the numerator (p, u). */
  value: number;
  /** Required for p and u charts. */
  denominator?: number;
}

export interface SpcOptions {
  chart: ChartKind;
  improvement?: Improvement; // default 'neutral'
  /** Freeze the limits after the first N points of each segment. */
  baseline?: number;
  /** 1-based point numbers kept on the chart but not used for limits. */
  exclude?: number[];
  /** 1-based point numbers where a new segment (new limits) starts. */
  rebase?: number[];
  target?: number;
  /** Screen moving ranges (XmR); default true. */
  screen?: boolean;
}

export interface SpcPoint {
  x: string;
  /** The plotted value: a proportion for p charts, a rate for u charts. */
  y: number;
  centre: number;
  upper: number | null;
  lower: number | null;
  special_cause: SpecialCause | null;
  rules: Rule[];
  excluded: boolean;
  /** Which rebase segment (0-based) the point belongs to. */
  segment: number;
}

export interface RunsAnalysis {
  useful: number;
  longest_run: number;
  longest_run_max: number;
  crossings: number;
  crossings_min: number;
  signal: boolean;
}

export interface SpcResult {
  chart: ChartKind;
  points: SpcPoint[];
  runs: RunsAnalysis;
  /** Describes the last point. */
  variation: Variation;
  assurance: Assurance | null;
}

/** Thrown for input the engine cannot chart; the message names the row (1-based) where it can. */
export class SpcInputError extends Error {}
