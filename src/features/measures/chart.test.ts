import { describe, expect, it } from 'vitest';
import { analyse } from '../../spc/index.ts';
import { spcRequest, type MeasureForChart, type PointForChart } from './chart.ts';

const measure = (baseline: number | null): MeasureForChart => ({
  id: 1, name: 'Falls', chart: 'xmr', direction: 'decrease', target: null, baseline_points: baseline, screen_moving_ranges: 1, unit_label: null,
});
const points = (n: number): PointForChart[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, period: `2026-${String(i + 1).padStart(2, '0')}-01`, value: 10 + (i % 3), denominator: null, excluded: 0, rebase: 0, note: null }));

describe('turning a measure into an SPC request', () => {
  it('passes the baseline once there are enough points for it', () => {
    expect(spcRequest(measure(6), points(10)).options.baseline).toBe(6);
  });

  it('draws from every point while the baseline is still being collected', () => {
    const { input, options } = spcRequest(measure(12), points(5));
    expect(options.baseline).toBeUndefined();
    expect(() => analyse(input, options)).not.toThrow();
  });
});
