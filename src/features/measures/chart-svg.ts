import { t } from '../../platform/i18n/index.ts';
import type { Assurance, Improvement, SpcPoint, SpcResult, SpecialCause, Variation } from '../../spc/types.ts';

/**
 * Draws an SPC or run chart as accessible SVG, on the server, with no script: role="img" with a
 * <title> and a <desc> (the summary in words), centre line and limits (stepped per point for p
 * and u charts, new ones per rebased segment), target, baseline, excluded points, special causes
 * shown by colour AND shape, PDSA cycles and annotations on the time axis, and the Making Data
 * Count variation and assurance icons with words beside them.
 *
 * Pure: the same input always gives the same string. Every piece of text is escaped here.
 */

export interface ChartCycle {
  /** Short label drawn on the chart, e.g. "PDSA 2". */
  label: string;
  title: string;
  /** YYYY-MM-DD */
  start: string;
  end: string | null;
}

export interface ChartAnnotation {
  /** Short label drawn on the chart, e.g. "A1". */
  label: string;
  date: string;
  text: string;
}

export interface ChartSvgInput {
  /** Prefix for the ids inside the SVG; unique on the page. */
  id: string;
  title: string;
  /** The summary in words: read by screen readers as the chart's description. */
  description: string;
  result: SpcResult;
  improvement: Improvement;
  /** Show values as percentages (p charts plot proportions). */
  percent?: boolean;
  /** On the plotted scale (a proportion for p charts). */
  target?: number | null;
  /** Points at the start of each segment that set the limits. */
  baseline?: number | null;
  /** Label for the value axis, e.g. "days". */
  axisLabel?: string | null;
  cycles?: ChartCycle[];
  annotations?: ChartAnnotation[];
  /** "small" draws a thumbnail for lists: lines and points only. */
  size?: 'full' | 'small';
}

export const COLOURS = {
  text: '#212b32',
  grid: '#d8dde0',
  line: '#425563',
  common: '#768692',
  improvement: '#005eb8',
  concern: '#c35a00',
  neutral: '#330072',
  centre: '#212b32',
  limit: '#4c6272',
  target: '#d5281b',
  baseline: '#e8edee',
  pdsa: '#007f3b',
  annotation: '#7c2855',
} as const;

type Shape = 'circle' | 'triangle' | 'diamond' | 'square';

const SPECIAL_STYLE: Record<SpecialCause | 'none', { colour: string; shape: Shape }> = {
  none: { colour: COLOURS.common, shape: 'circle' },
  improvement: { colour: COLOURS.improvement, shape: 'triangle' },
  concern: { colour: COLOURS.concern, shape: 'diamond' },
  neutral_high: { colour: COLOURS.neutral, shape: 'square' },
  neutral_low: { colour: COLOURS.neutral, shape: 'square' },
};

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/** Axis and label numbers: a few significant figures, percentages for p charts. */
export function formatValue(n: number, percent = false): string {
  if (percent) return `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(n * 100)}%`;
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 || abs === 0 ? 2 : 4;
  return new Intl.NumberFormat('en-GB', { maximumFractionDigits: digits }).format(n);
}

const SHORT_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: '2-digit', timeZone: 'UTC' });

function dayNumber(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null;
}

/** "2024-01-03" → "3 Jan 24"; a label that is not a date is shown as it is. */
export function shortDate(x: string): string {
  const day = dayNumber(x);
  return day === null ? x : SHORT_DATE.format(new Date(day * 86_400_000));
}

/** A "nice" step (1, 2 or 5 × 10ⁿ) for about `count` ticks between min and max. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let k = 0; lo + k * step <= hi + step / 2; k++) ticks.push(Number((lo + k * step).toFixed(decimals)));
  return ticks;
}

function marker(shape: Shape, x: number, y: number, size: number, colour: string, hollow: boolean, extra = ''): string {
  const paint = hollow ? `fill="#ffffff" stroke="${colour}" stroke-width="2"` : `fill="${colour}" stroke="#ffffff" stroke-width="1"`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(size)}" ${paint}${extra}/>`;
    case 'square':
      return `<rect x="${r1(x - size)}" y="${r1(y - size)}" width="${r1(size * 2)}" height="${r1(size * 2)}" ${paint}${extra}/>`;
    case 'diamond': {
      const d = size * 1.4;
      return `<polygon points="${r1(x)},${r1(y - d)} ${r1(x + d)},${r1(y)} ${r1(x)},${r1(y + d)} ${r1(x - d)},${r1(y)}" ${paint}${extra}/>`;
    }
    case 'triangle': {
      const d = size * 1.4;
      return `<polygon points="${r1(x)},${r1(y - d)} ${r1(x + d)},${r1(y + d * 0.8)} ${r1(x - d)},${r1(y + d * 0.8)}" ${paint}${extra}/>`;
    }
  }
}

/** Segments of consecutive points (a new one at each rebase). */
function segments(points: SpcPoint[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  points.forEach((p, i) => {
    const last = out[out.length - 1];
    if (last && (points[i - 1] as SpcPoint).segment === p.segment) last.end = i;
    else out.push({ start: i, end: i });
  });
  return out;
}

/** A stepped line through each point's value over its slot: flat where the value is constant. */
function stepPath(points: SpcPoint[], seg: { start: number; end: number }, value: (p: SpcPoint) => number | null, x: (i: number) => number, y: (v: number) => number, half: number): string {
  let d = '';
  for (let i = seg.start; i <= seg.end; i++) {
    const v = value(points[i] as SpcPoint);
    if (v === null || !Number.isFinite(v)) {
      d += ' ';
      continue;
    }
    const yy = r1(y(v));
    d += d === '' || d.endsWith(' ') ? `M${r1(x(i) - half)},${yy}` : `V${yy}`;
    d += `H${r1(x(i) + half)}`;
  }
  return d.trim();
}

/** The Making Data Count icon letter for the last point's variation. */
function variationLetter(variation: Variation, last: SpcPoint | undefined, improvement: Improvement): string | null {
  if (variation === 'common_cause' || !last) return null;
  if (last.special_cause === 'neutral_high') return 'H';
  if (last.special_cause === 'neutral_low') return 'L';
  const good = variation === 'special_cause_improvement';
  const higherIsBetter = improvement !== 'decrease';
  return good === higherIsBetter ? 'H' : 'L';
}

const VARIATION_COLOUR: Record<Variation, string> = {
  common_cause: COLOURS.common,
  special_cause_improvement: COLOURS.improvement,
  special_cause_concern: COLOURS.concern,
  special_cause_neutral: COLOURS.neutral,
};

const ASSURANCE_STYLE: Record<Assurance, { colour: string; letter: string }> = {
  consistent_pass: { colour: COLOURS.improvement, letter: 'P' },
  consistent_fail: { colour: COLOURS.concern, letter: 'F' },
  inconsistent: { colour: COLOURS.common, letter: '?' },
};

/** Words beside the variation icon. */
export function variationIconText(variation: Variation, letter: string | null): string {
  const key = letter ? `charts.icons.variation.${variation}_${letter === 'H' ? 'high' : 'low'}` : `charts.icons.variation.${variation}`;
  return t(key);
}

function icons(input: ChartSvgInput, x0: number, y0: number): string {
  const { result } = input;
  const last = result.points[result.points.length - 1];
  const letter = variationLetter(result.variation, last, input.improvement);
  const out: string[] = [];
  const vColour = VARIATION_COLOUR[result.variation];
  out.push(`<g class="app-chart__icon" data-icon="variation-${result.variation}${letter ? `-${letter}` : ''}">`);
  out.push(`<circle cx="${x0}" cy="${y0}" r="18" fill="${vColour}"/>`);
  out.push(
    letter
      ? `<text x="${x0}" y="${y0 + 6}" text-anchor="middle" font-size="17" font-weight="bold" fill="#ffffff">${letter}</text>`
      : `<path d="M${x0 - 11},${y0} q5.5,-8 11,0 t11,0" fill="none" stroke="#ffffff" stroke-width="3"/>`,
  );
  out.push(`<text x="${x0 + 26}" y="${y0 + 5}" font-size="13" fill="${COLOURS.text}">${escapeXml(variationIconText(result.variation, letter))}</text>`);
  out.push('</g>');
  if (result.assurance) {
    const a = ASSURANCE_STYLE[result.assurance];
    const ax = x0 + 340;
    out.push(`<g class="app-chart__icon" data-icon="assurance-${result.assurance}">`);
    out.push(`<circle cx="${ax}" cy="${y0}" r="18" fill="${a.colour}"/>`);
    out.push(`<text x="${ax}" y="${y0 + 6}" text-anchor="middle" font-size="17" font-weight="bold" fill="#ffffff">${a.letter}</text>`);
    out.push(`<text x="${ax + 26}" y="${y0 + 5}" font-size="13" fill="${COLOURS.text}">${escapeXml(t(`charts.icons.assurance.${result.assurance}`))}</text>`);
    out.push('</g>');
  }
  return out.join('');
}

/** Moves labels apart vertically so none overlaps the one before it. */
function spreadLabels<T extends { y: number }>(labels: T[], gap: number): T[] {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as T;
    const cur = sorted[i] as T;
    if (cur.y - prev.y < gap) cur.y = prev.y + gap;
  }
  return sorted;
}

export function chartSvg(input: ChartSvgInput): string {
  return input.size === 'small' ? smallChart(input) : fullChart(input);
}

function yDomain(input: ChartSvgInput): [number, number] {
  const values: number[] = [];
  for (const p of input.result.points) {
    values.push(p.y);
    values.push(p.centre);
    if (p.upper !== null) values.push(p.upper);
    if (p.lower !== null) values.push(p.lower);
  }
  if (input.target !== null && input.target !== undefined) values.push(input.target);
  const finite = values.filter(Number.isFinite);
  return [Math.min(...finite), Math.max(...finite)];
}

function svgOpen(input: ChartSvgInput, width: number, height: number, extraClass = ''): string {
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart${extraClass}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId} ${descId}" font-family="Frutiger W01, Arial, sans-serif">` +
    `<title id="${titleId}">${escapeXml(input.title)}</title><desc id="${descId}">${escapeXml(input.description)}</desc>`
  );
}

function pointMarkers(input: ChartSvgInput, x: (i: number) => number, y: (v: number) => number, size: number): string {
  return input.result.points
    .map((p, i) => {
      const style = SPECIAL_STYLE[p.special_cause ?? 'none'];
      const kind = `${p.special_cause ?? 'common'}${p.excluded ? ' excluded' : ''}`;
      return marker(style.shape, x(i), y(p.y), size, style.colour, p.excluded, ` data-point="${i + 1}" data-kind="${kind}"`);
    })
    .join('');
}

function smallChart(input: ChartSvgInput): string {
  const W = 320;
  const H = 120;
  const pad = { left: 8, right: 8, top: 10, bottom: 10 };
  const { points } = input.result;
  const n = points.length;
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const step = plotW / Math.max(n, 1);
  const x = (i: number): number => pad.left + (i + 0.5) * step;
  const [lo, hi] = yDomain(input);
  const span = hi - lo || 1;
  const y = (v: number): number => pad.top + plotH - ((v - lo + span * 0.05) / (span * 1.1)) * plotH;
  const out: string[] = [svgOpen(input, W, H, ' app-chart--small')];
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  for (const seg of segments(points)) {
    out.push(`<path d="${stepPath(points, seg, (p) => p.centre, x, y, step / 2)}" fill="none" stroke="${COLOURS.centre}" stroke-width="1.5"/>`);
    for (const limit of [(p: SpcPoint) => p.upper, (p: SpcPoint) => p.lower]) {
      const d = stepPath(points, seg, limit, x, y, step / 2);
      if (d) out.push(`<path d="${d}" fill="none" stroke="${COLOURS.limit}" stroke-width="1" stroke-dasharray="4 3"/>`);
    }
  }
  if (input.target !== null && input.target !== undefined) {
    out.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${r1(y(input.target))}" y2="${r1(y(input.target))}" stroke="${COLOURS.target}" stroke-width="1.5" stroke-dasharray="6 3"/>`);
  }
  out.push(`<polyline points="${points.map((p, i) => `${r1(x(i))},${r1(y(p.y))}`).join(' ')}" fill="none" stroke="${COLOURS.line}" stroke-width="1"/>`);
  out.push(pointMarkers(input, x, y, n > 60 ? 2 : 3));
  out.push('</svg>');
  return out.join('');
}

interface Legend {
  draw: (x: number, y: number) => string;
  text: string;
}

function fullChart(input: ChartSvgInput): string {
  const { points } = input.result;
  const n = points.length;
  const W = 760;
  const left = 72;
  const right = 112;
  const iconBand = 56;
  const markerBand = (input.annotations?.length ?? 0) > 0 || segments(points).length > 1 ? 22 : 8;
  const plotTop = iconBand + markerBand;
  const plotH = 260;
  const plotBottom = plotTop + plotH;
  const plotW = W - left - right;
  const step = plotW / Math.max(n, 1);
  const half = step / 2;
  const x = (i: number): number => left + (i + 0.5) * step;

  const [dMin, dMax] = yDomain(input);
  const ticks = niceTicks(dMin, dMax, 5);
  const lo = ticks[0] as number;
  const hi = ticks[ticks.length - 1] as number;
  const y = (v: number): number => plotBottom - ((v - lo) / (hi - lo || 1)) * plotH;

  // Where a date falls on the time axis: between the points either side of it.
  const days = points.map((p) => dayNumber(p.x));
  const xForDate = (date: string): number | null => {
    const d = dayNumber(date);
    if (d === null || days.some((v) => v === null) || n === 0) return null;
    const first = days[0] as number;
    const last = days[n - 1] as number;
    if (d < first - 0.5 || d > last + 0.5) return null;
    if (d <= first) return x(0);
    if (d >= last) return x(n - 1);
    const i = days.findIndex((v, k) => (v as number) <= d && d < (days[k + 1] as number));
    const a = days[i] as number;
    const b = days[i + 1] as number;
    return x(i) + ((d - a) / (b - a)) * step;
  };

  // PDSA cycles in lanes below the axis, so bars and labels never sit on top of each other.
  const cycleBars: { x1: number; x2: number; lane: number; cycle: ChartCycle }[] = [];
  const laneEnds: number[] = [];
  for (const cycle of input.cycles ?? []) {
    const x1 = xForDate(cycle.start);
    if (x1 === null) continue;
    const x2 = Math.max(x1 + 4, (cycle.end ? xForDate(cycle.end) : null) ?? x1 + 4);
    const labelEnd = Math.max(x2, x1 + 8 + cycle.label.length * 7);
    let lane = laneEnds.findIndex((end) => end + 6 < x1);
    if (lane === -1) lane = laneEnds.length < 4 ? laneEnds.length : laneEnds.length - 1;
    laneEnds[lane] = Math.max(laneEnds[lane] ?? 0, labelEnd);
    cycleBars.push({ x1, x2, lane, cycle });
  }
  const lanes = laneEnds.length;
  const axisLabelsY = plotBottom + 18;
  const pdsaTop = plotBottom + 34;
  const legendTop = pdsaTop + lanes * 20 + (lanes ? 14 : 4);

  // The legend: only what this chart shows.
  const size = n > 60 ? 3 : 4.5;
  const legend: Legend[] = [];
  const kinds = new Set(points.map((p) => p.special_cause ?? 'none'));
  legend.push({ draw: (lx, ly) => marker('circle', lx, ly, 4.5, COLOURS.common, false), text: t('charts.legend.common') });
  if (kinds.has('improvement')) legend.push({ draw: (lx, ly) => marker('triangle', lx, ly, 4.5, COLOURS.improvement, false), text: t('charts.legend.improvement') });
  if (kinds.has('concern')) legend.push({ draw: (lx, ly) => marker('diamond', lx, ly, 4.5, COLOURS.concern, false), text: t('charts.legend.concern') });
  if (kinds.has('neutral_high') || kinds.has('neutral_low')) legend.push({ draw: (lx, ly) => marker('square', lx, ly, 4.5, COLOURS.neutral, false), text: t('charts.legend.neutral') });
  if (points.some((p) => p.excluded)) legend.push({ draw: (lx, ly) => marker('circle', lx, ly, 4.5, COLOURS.common, true), text: t('charts.legend.excluded') });
  legend.push({ draw: (lx, ly) => `<line x1="${lx - 10}" x2="${lx + 10}" y1="${ly}" y2="${ly}" stroke="${COLOURS.centre}" stroke-width="2"/>`, text: t(input.result.chart === 'run' ? 'charts.legend.median' : 'charts.legend.centre') });
  if (points.some((p) => p.upper !== null)) legend.push({ draw: (lx, ly) => `<line x1="${lx - 10}" x2="${lx + 10}" y1="${ly}" y2="${ly}" stroke="${COLOURS.limit}" stroke-width="1.5" stroke-dasharray="4 3"/>`, text: t('charts.legend.limits') });
  if (input.target !== null && input.target !== undefined) legend.push({ draw: (lx, ly) => `<line x1="${lx - 10}" x2="${lx + 10}" y1="${ly}" y2="${ly}" stroke="${COLOURS.target}" stroke-width="2" stroke-dasharray="6 3"/>`, text: t('charts.legend.target') });
  if (input.baseline) legend.push({ draw: (lx, ly) => `<rect x="${lx - 10}" y="${ly - 6}" width="20" height="12" fill="${COLOURS.baseline}" stroke="${COLOURS.limit}" stroke-width="0.5"/>`, text: t('charts.legend.baseline') });
  if (cycleBars.length) legend.push({ draw: (lx, ly) => `<rect x="${lx - 10}" y="${ly - 4}" width="20" height="8" fill="${COLOURS.pdsa}"/>`, text: t('charts.legend.pdsa') });
  if ((input.annotations?.length ?? 0) > 0) legend.push({ draw: (lx, ly) => `<circle cx="${lx}" cy="${ly}" r="6" fill="${COLOURS.annotation}"/>`, text: t('charts.legend.annotation') });
  const perRow = 4;
  const legendRows = Math.ceil(legend.length / perRow);
  const H = legendTop + legendRows * 22 + 8;

  const out: string[] = [svgOpen(input, W, H)];
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(icons(input, left + 18, 28));

  // Baseline periods: the first points of each segment, which set its limits.
  const segs = segments(points);
  if (input.baseline && input.baseline > 0) {
    for (const seg of segs) {
      const end = Math.min(seg.end, seg.start + input.baseline - 1);
      const bx = x(seg.start) - half;
      out.push(`<rect class="app-chart__baseline" x="${r1(bx)}" y="${plotTop}" width="${r1(x(end) + half - bx)}" height="${plotH}" fill="${COLOURS.baseline}"/>`);
      out.push(`<text x="${r1(bx + 4)}" y="${plotTop + 14}" font-size="11" fill="${COLOURS.text}">${escapeXml(t('charts.baselineLabel'))}</text>`);
    }
  }

  // Value axis with gridlines.
  for (const tick of ticks) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${r1(y(tick))}" y2="${r1(y(tick))}" stroke="${COLOURS.grid}" stroke-width="1"/>`);
    out.push(`<text x="${left - 8}" y="${r1(y(tick) + 4)}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeXml(formatValue(tick, input.percent))}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${plotTop}" y2="${plotBottom}" stroke="${COLOURS.line}" stroke-width="1"/>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${plotBottom}" y2="${plotBottom}" stroke="${COLOURS.line}" stroke-width="1"/>`);
  const axisLabel = input.percent ? t('charts.axis.percent') : (input.axisLabel ?? '');
  if (axisLabel) {
    const cy = plotTop + plotH / 2;
    out.push(`<text x="16" y="${r1(cy)}" transform="rotate(-90 16 ${r1(cy)})" text-anchor="middle" font-size="12" fill="${COLOURS.text}">${escapeXml(axisLabel)}</text>`);
  }

  // Time axis: about eight dates, always the last.
  const every = Math.max(1, Math.ceil(n / 8));
  points.forEach((p, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    if (i !== n - 1 && i !== 0 && n - 1 - i < every) return;
    out.push(`<line x1="${r1(x(i))}" x2="${r1(x(i))}" y1="${plotBottom}" y2="${plotBottom + 5}" stroke="${COLOURS.line}"/>`);
    out.push(`<text x="${r1(x(i))}" y="${axisLabelsY}" text-anchor="middle" font-size="11" fill="${COLOURS.text}">${escapeXml(shortDate(p.x))}</text>`);
  });

  // Rebasing: a line where each new segment starts.
  for (const seg of segs.slice(1)) {
    const rx = r1(x(seg.start) - half);
    out.push(`<line class="app-chart__rebase" x1="${rx}" x2="${rx}" y1="${plotTop - 14}" y2="${plotBottom}" stroke="${COLOURS.text}" stroke-width="1" stroke-dasharray="2 2"/>`);
    out.push(`<text x="${rx}" y="${plotTop - 4}" text-anchor="middle" font-size="10" fill="${COLOURS.text}">${escapeXml(t('charts.rebasedLabel'))}</text>`);
  }

  // Centre line and limits, per segment.
  for (const seg of segs) {
    out.push(`<path class="app-chart__centre" d="${stepPath(points, seg, (p) => p.centre, x, y, half)}" fill="none" stroke="${COLOURS.centre}" stroke-width="2"/>`);
    for (const [name, limit] of [['upper', (p: SpcPoint) => p.upper], ['lower', (p: SpcPoint) => p.lower]] as const) {
      const d = stepPath(points, seg, limit, x, y, half);
      if (d) out.push(`<path class="app-chart__limit app-chart__limit--${name}" d="${d}" fill="none" stroke="${COLOURS.limit}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    }
  }

  // Target.
  const endLabels: { y: number; text: string; colour: string }[] = [];
  if (input.target !== null && input.target !== undefined) {
    const ty = r1(y(input.target));
    out.push(`<line class="app-chart__target" x1="${left}" x2="${left + plotW}" y1="${ty}" y2="${ty}" stroke="${COLOURS.target}" stroke-width="2" stroke-dasharray="6 3"/>`);
    endLabels.push({ y: y(input.target), text: t('charts.lineLabels.target', { value: formatValue(input.target, input.percent) }), colour: COLOURS.target });
  }
  const last = points[n - 1];
  if (last) {
    endLabels.push({ y: y(last.centre), text: t(input.result.chart === 'run' ? 'charts.lineLabels.median' : 'charts.lineLabels.centre', { value: formatValue(last.centre, input.percent) }), colour: COLOURS.centre });
    if (last.upper !== null) endLabels.push({ y: y(last.upper), text: t('charts.lineLabels.upper', { value: formatValue(last.upper, input.percent) }), colour: COLOURS.limit });
    if (last.lower !== null) endLabels.push({ y: y(last.lower), text: t('charts.lineLabels.lower', { value: formatValue(last.lower, input.percent) }), colour: COLOURS.limit });
  }
  for (const label of spreadLabels(endLabels, 13)) {
    out.push(`<text x="${left + plotW + 6}" y="${r1(label.y + 4)}" font-size="11" fill="${label.colour}">${escapeXml(label.text)}</text>`);
  }

  // Annotations: a numbered mark above the plot and a dotted line down to the axis.
  for (const a of input.annotations ?? []) {
    const ax = xForDate(a.date);
    if (ax === null) continue;
    out.push(`<g class="app-chart__annotation" data-annotation="${escapeXml(a.label)}">`);
    out.push(`<line x1="${r1(ax)}" x2="${r1(ax)}" y1="${plotTop - 4}" y2="${plotBottom}" stroke="${COLOURS.annotation}" stroke-width="1" stroke-dasharray="1 3"/>`);
    out.push(`<circle cx="${r1(ax)}" cy="${plotTop - 12}" r="9" fill="${COLOURS.annotation}"/>`);
    out.push(`<text x="${r1(ax)}" y="${plotTop - 8}" text-anchor="middle" font-size="10" font-weight="bold" fill="#ffffff">${escapeXml(a.label)}</text>`);
    out.push('</g>');
  }

  // The data: a line and a marker per point, shaped and coloured by what it shows.
  out.push(`<polyline points="${points.map((p, i) => `${r1(x(i))},${r1(y(p.y))}`).join(' ')}" fill="none" stroke="${COLOURS.line}" stroke-width="1.5"/>`);
  out.push(pointMarkers(input, x, y, size));

  // PDSA cycles on the time axis: a bar from start to end with its label, and a line up the plot.
  for (const bar of cycleBars) {
    const by = pdsaTop + bar.lane * 20;
    out.push(`<g class="app-chart__pdsa" data-pdsa="${escapeXml(bar.cycle.label)}">`);
    out.push(`<line x1="${r1(bar.x1)}" x2="${r1(bar.x1)}" y1="${plotTop}" y2="${plotBottom}" stroke="${COLOURS.pdsa}" stroke-width="1" stroke-dasharray="3 3"/>`);
    out.push(`<rect x="${r1(bar.x1)}" y="${by}" width="${r1(bar.x2 - bar.x1)}" height="8" fill="${COLOURS.pdsa}"/>`);
    out.push(`<text x="${r1(bar.x1)}" y="${by + 19}" font-size="11" fill="${COLOURS.pdsa}">${escapeXml(bar.cycle.label)}</text>`);
    out.push('</g>');
  }

  // Legend.
  legend.forEach((item, k) => {
    const lx = left + (k % perRow) * 160 + 10;
    const ly = legendTop + Math.floor(k / perRow) * 22 + 8;
    out.push(item.draw(lx, ly));
    out.push(`<text x="${lx + 16}" y="${ly + 4}" font-size="11" fill="${COLOURS.text}">${escapeXml(item.text)}</text>`);
  });

  out.push('</svg>');
  return out.join('');
}
