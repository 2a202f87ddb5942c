import { describe, expect, it } from 'vitest';
import type { SpcPoint, SpcResult } from '../../spc/types.ts';
import { chartSvg, escapeXml, formatValue, niceTicks, shortDate, type ChartSvgInput } from './chart-svg.ts';

/** A hand-made analysis, so these tests do not depend on the engine's arithmetic. */
function result(overrides: Partial<SpcResult> = {}, points?: Partial<SpcPoint>[]): SpcResult {
  const base: SpcPoint[] = Array.from({ length: 12 }, (_, i) => ({
    x: `2024-01-${String(i + 1).padStart(2, '0')}`,
    y: 10 + (i % 3),
    centre: 11,
    upper: 14,
    lower: 8,
    special_cause: null,
    rules: [],
    excluded: false,
    segment: 0,
  }));
  return {
    chart: 'xmr',
    points: points ? points.map((p, i) => ({ ...(base[i % base.length] as SpcPoint), ...p })) : base,
    runs: { useful: 12, longest_run: 3, longest_run_max: 7, crossings: 6, crossings_min: 3, signal: false },
    variation: 'common_cause',
    assurance: null,
    ...overrides,
  };
}

const input = (overrides: Partial<ChartSvgInput> = {}): ChartSvgInput => ({
  id: 'm1',
  title: 'Days waited: XmR chart',
  description: 'The last point shows common cause variation: no sign of a change.',
  result: result(),
  improvement: 'decrease',
  ...overrides,
});

const count = (svg: string, re: RegExp): number => svg.match(re)?.length ?? 0;

describe('chart SVG', () => {
  it('is an image named by its title and described by its summary', () => {
    const svg = chartSvg(input());
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('aria-labelledby="m1-title m1-desc"');
    expect(svg).toContain('<title id="m1-title">Days waited: XmR chart</title>');
    expect(svg).toContain('<desc id="m1-desc">The last point shows common cause variation: no sign of a change.</desc>');
    expect(svg).toMatch(/viewBox="0 0 760 \d+"/);
    // No inline styles: the page's CSP forbids them.
    expect(svg).not.toContain('style=');
  });

  it('escapes every piece of text it is given', () => {
    const svg = chartSvg(
      input({
        title: 'Falls <script>alert(1)</script>',
        description: 'A & B "quoted"',
        cycles: [{ label: 'PDSA <1>', title: 'x', start: '2024-01-03', end: null }],
        annotations: [{ label: 'A"1', date: '2024-01-05', text: '<b>' }],
      }),
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('Falls &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('A &amp; B &quot;quoted&quot;');
    expect(svg).toContain('PDSA &lt;1&gt;');
    expect(svg).toContain('data-annotation="A&quot;1"');
    expect(escapeXml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('draws one marker per point, and special causes by shape as well as colour', () => {
    const points: Partial<SpcPoint>[] = Array.from({ length: 12 }, () => ({}));
    points[3] = { special_cause: 'improvement', rules: ['outside_limits'], y: 7 };
    points[7] = { special_cause: 'concern', rules: ['outside_limits'], y: 15 };
    points[9] = { special_cause: 'neutral_high', rules: ['shift'] };
    const svg = chartSvg(input({ result: result({}, points) }));
    expect(count(svg, /data-point="/g)).toBe(12);
    // Improvement is a blue triangle, concern an orange diamond, neutral a purple square, the rest grey circles.
    expect(svg).toMatch(/<polygon points="[^"]+" fill="#005eb8"[^>]*data-point="4" data-kind="improvement"/);
    expect(svg).toMatch(/<polygon points="[^"]+" fill="#c35a00"[^>]*data-point="8" data-kind="concern"/);
    expect(svg).toMatch(/<rect [^>]*fill="#330072"[^>]*data-point="10" data-kind="neutral_high"/);
    expect(svg).toMatch(/<circle [^>]*fill="#768692"[^>]*data-point="1" data-kind="common"/);
    // The two diamond/triangle polygons have different numbers of corners.
    const improvement = /<polygon points="([^"]+)"[^>]*data-kind="improvement"/.exec(svg)?.[1] ?? '';
    const concern = /<polygon points="([^"]+)"[^>]*data-kind="concern"/.exec(svg)?.[1] ?? '';
    expect(improvement.split(' ')).toHaveLength(3);
    expect(concern.split(' ')).toHaveLength(4);
    // The legend explains each shape that appears.
    for (const word of ['Improvement', 'Concern', 'Unusual (neutral)', 'Data point']) expect(svg).toContain(`>${word}</text>`);
  });

  it('draws an excluded point hollow', () => {
    const points: Partial<SpcPoint>[] = Array.from({ length: 12 }, () => ({}));
    points[5] = { excluded: true };
    const svg = chartSvg(input({ result: result({}, points) }));
    expect(svg).toMatch(/<circle [^>]*fill="#ffffff" stroke="#768692"[^>]*data-point="6" data-kind="common excluded"/);
    expect(svg).toContain('>Left out of limits</text>');
  });

  it('draws the centre line and limits per segment, stepped when each point has its own limits', () => {
    const points: Partial<SpcPoint>[] = Array.from({ length: 12 }, (_, i) => ({ segment: i < 6 ? 0 : 1, centre: i < 6 ? 11 : 20, upper: i < 6 ? 14 : 23 + (i % 2), lower: i < 6 ? 8 : 17 }));
    const svg = chartSvg(input({ result: result({}, points) }));
    expect(count(svg, /class="app-chart__centre"/g)).toBe(2);
    expect(count(svg, /app-chart__limit--upper/g)).toBe(2);
    expect(count(svg, /app-chart__limit--lower/g)).toBe(2);
    expect(count(svg, /class="app-chart__rebase"/g)).toBe(1);
    expect(svg).toContain('>Rebased</text>');
    // The second segment's upper limit changes from point to point: its path has vertical steps.
    const upper = [...svg.matchAll(/app-chart__limit--upper" d="([^"]+)"/g)].map((m) => m[1] ?? '');
    const rises = (d: string) => new Set([...d.matchAll(/V([\d.]+)/g)].map((m) => m[1])).size;
    expect(rises(upper[0] as string)).toBe(1);
    expect(rises(upper[1] as string)).toBe(2);
  });

  it('has no limits on a run chart', () => {
    const points: Partial<SpcPoint>[] = Array.from({ length: 12 }, () => ({ upper: null, lower: null }));
    const svg = chartSvg(input({ result: result({ chart: 'run' }, points) }));
    expect(svg).not.toContain('app-chart__limit');
    expect(svg).toContain('>Median</text>');
    expect(svg).toMatch(/>Median 11<\/text>/);
  });

  it('marks the target, the baseline and the Making Data Count icons with words', () => {
    const svg = chartSvg(input({ target: 9, baseline: 4, result: result({ variation: 'special_cause_improvement', assurance: 'inconsistent' }, Array.from({ length: 12 }, (_, i) => (i === 11 ? { special_cause: 'improvement', y: 7 } : {}))) }));
    expect(svg).toContain('class="app-chart__target"');
    expect(svg).toContain('>Target 9</text>');
    expect(count(svg, /class="app-chart__baseline"/g)).toBe(1);
    expect(svg).toContain('>Baseline</text>');
    // Lower is better here, so improvement on the last point is the "L" icon.
    expect(svg).toContain('data-icon="variation-special_cause_improvement-L"');
    expect(svg).toContain('>Variation: improvement, lower values</text>');
    expect(svg).toContain('data-icon="assurance-inconsistent"');
    expect(svg).toContain('>Assurance: hit and miss</text>');
  });

  it('marks PDSA cycles and annotations on the time axis, where their dates fall', () => {
    const svg = chartSvg(
      input({
        cycles: [
          { label: 'PDSA 1', title: 'Text reminders', start: '2024-01-03', end: '2024-01-06' },
          { label: 'PDSA 2', title: 'Phone calls', start: '2024-01-04', end: null },
          { label: 'PDSA 3', title: 'Too late', start: '2025-06-01', end: null },
        ],
        annotations: [{ label: 'A1', date: '2024-01-08', text: 'New booking system' }],
      }),
    );
    expect(count(svg, /class="app-chart__pdsa"/g)).toBe(2);
    expect(svg).toContain('data-pdsa="PDSA 1"');
    expect(svg).toContain('data-pdsa="PDSA 2"');
    expect(svg).not.toContain('PDSA 3');
    // Overlapping cycles go in separate lanes.
    const bars = [...svg.matchAll(/data-pdsa="[^"]+">.*?<rect x="([\d.]+)" y="([\d.]+)"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(bars).toHaveLength(2);
    expect(bars[0]?.y).not.toBe(bars[1]?.y);
    // The cycle starting on the 3rd of January sits on the 3rd point.
    const third = /<circle cx="([\d.]+)"[^>]*data-point="3"/.exec(svg)?.[1];
    expect(bars[0]?.x).toBe(Number(third));
    expect(svg).toContain('data-annotation="A1"');
    expect(svg).toContain('>PDSA cycle</text>');
    expect(svg).toContain('>Note</text>');
  });

  it('shows p chart values as percentages', () => {
    const points: Partial<SpcPoint>[] = Array.from({ length: 12 }, () => ({ y: 0.4, centre: 0.45, upper: 0.7, lower: 0.2 }));
    const svg = chartSvg(input({ percent: true, target: 0.8, result: result({ chart: 'p' }, points) }));
    expect(svg).toContain('>Centre 45%</text>');
    expect(svg).toContain('>Target 80%</text>');
    expect(svg).toContain('>Percentage</text>');
  });

  it('draws a small chart for lists: still an image with a title and description', () => {
    const svg = chartSvg(input({ size: 'small', target: 9 }));
    expect(svg).toContain('class="app-chart app-chart--small"');
    expect(svg).toContain('<title id="m1-title">');
    expect(count(svg, /data-point="/g)).toBe(12);
    expect(svg).not.toContain('data-icon');
  });

  it('formats numbers, dates and axis ticks sensibly', () => {
    expect(formatValue(1.94444)).toBe('1.94');
    expect(formatValue(1234.5)).toBe('1,235');
    expect(formatValue(0.012345)).toBe('0.0123');
    expect(formatValue(0.456, true)).toBe('45.6%');
    expect(shortDate('2024-03-05')).toBe('5 Mar 24');
    expect(shortDate('Week 3')).toBe('Week 3');
    expect(niceTicks(3, 17)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0.12, 0.47)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
  });
});
