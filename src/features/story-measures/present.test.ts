import { describe, expect, it } from 'vitest';
import { analyse } from '../../spc/index.ts';
import { monthsBetween } from './service.ts';
import { signalSentence } from './present.ts';

/** What a chart says, in one plain sentence, from the SPC engine's signals. */
describe('the sentence on what a chart says', () => {
  const months = monthsBetween('2024-01', '2025-08'); // 20 months

  it('names a run above the centre line still going, and what it means for the measure', () => {
    // 12 ordinary months, then 8 months well up: a shift (and a month outside the limits) at the end.
    const values = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9];
    const points = values.map((value, i) => ({ x: months[i] as string, value }));
    expect(signalSentence(analyse(points, { chart: 'xmr', improvement: 'increase' }), months, false)).toBe(
      'A run of 8 months above the centre line since January 2025: a sign of improvement.',
    );
    expect(signalSentence(analyse(points, { chart: 'xmr', improvement: 'decrease' }), months, false)).toBe(
      'A run of 8 months above the centre line since January 2025: a sign of a concern.',
    );
  });

  it('says when a run ended, and names a single month beyond a limit', () => {
    // Eight low months, then months either side of the centre line: the run (with the first 3) ended in September.
    const run = [2, 2, 2, 2, 2, 2, 2, 2, 3, 7, 3, 7, 3, 7, 3, 7, 3, 7, 3, 7].map((value, i) => ({ x: months[i] as string, value }));
    expect(signalSentence(analyse(run, { chart: 'xmr', improvement: 'neutral' }), months, false)).toBe(
      'A run of 9 months below the centre line from January 2024 to September 2024: lower than usual, neither better nor worse.',
    );
    const spike = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 30].map((value, i) => ({ x: months[i] as string, value }));
    expect(signalSentence(analyse(spike, { chart: 'xmr', improvement: 'increase' }), months, false)).toBe('August 2025 was above the upper limit: a sign of improvement.');
  });

  it('says there is no sign of change, with the centre line, when no rule fires', () => {
    const p = [3, 4, 3, 5, 4, 3].map((value, i) => ({ x: months[i] as string, value, denominator: 10 }));
    expect(signalSentence(analyse(p, { chart: 'p', improvement: 'increase' }), months.slice(0, 6), true)).toBe(
      'No sign of change: from January 2024 to June 2024 the months vary around the centre line of 36.7%.',
    );
  });
});
