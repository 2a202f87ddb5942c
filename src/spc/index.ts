/**
 * The SPC engine: pure statistics for run, XmR, p, c and u charts (no I/O, nothing outside src/spc).
 * Making Data Count practice as NHSRplotthedots implements it for the limits and special-cause
 * rules; Anhøj's runs analysis as qicharts2 implements it. Where those sources leave a choice:
 *
 * - Excluded points are plotted and flagged when outside the limits, but left out of the limits,
 *   of the sequence rules (trend, two of three, shift: they are passed over, neither breaking nor
 *   joining a run) and of runs analysis (as qicharts2 does); XmR moving ranges bridge them.
 * - `baseline` N freezes the limits after the first N points of each rebase segment.
 * - The one `runs` result describes the latest segment (against its centre line), like `variation`.
 * - On p, c and u charts "close to the limits" means beyond centre ± 2σ, the same two thirds of the
 *   way to the unclipped limits as on XmR charts.
 * - A point in two trends (a peak or trough where a rise meets a fall) takes the earlier trend's label.
 * - Run charts have no special-cause rules, so their `variation` is always common_cause and their
 *   `assurance` null; runs analysis is their signal.
 */
export * from './types.ts';
export { analyse } from './analyse.ts';
