import type { OrgUnit } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { analyse, SpcInputError, type ChartKind, type Improvement, type SpcPoint, type SpcResult } from '../../spc/index.ts';
import { chartSvg, formatValue, ruleWords } from '../measures/service.ts';
import { indentedName } from '../org/service.ts';
import { percent, type MeasureMonth, type StoryMeasures } from './service.ts';

/**
 * What the measures page shows, in words: for each measure a heading, what the latest month says,
 * one sentence on what the chart says (the SPC engine's signals, in plain English), the SVG (drawn
 * by the measures feature's renderer) and the data table beside it.
 */

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const whole = new Intl.NumberFormat('en-GB');
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** "2026-11" → "November 2026". */
export const monthText = (month: string): string => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
/** "2026-11" → "Nov 2026" (the chart's time axis). */
const shortMonthText = (month: string): string => shortMonthFormat.format(new Date(`${month}-01T00:00:00Z`));
const count = (n: number): string => whole.format(n);
/** The table's and the CSV's percentage: rounded once (service.percent), shown with a % sign. */
export const percentText = (numerator: number, denominator: number): string => {
  const p = percent(numerator, denominator);
  return p === null ? t('charts.table.none') : `${oneDecimal.format(p)}%`;
};

export const MEASURE_KEYS = ['received', 'within7', 'within28', 'median', 'shared', 'changes'] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

interface Spec {
  key: MeasureKey;
  chart: ChartKind;
  improvement: Improvement;
  percent: boolean;
  /** Is the month on the chart? (A proportion needs a denominator; a median needs answers.) */
  charted: (m: MeasureMonth) => boolean;
  /** The plotted value (counts and days) or the numerator (p charts). */
  value: (m: MeasureMonth) => number;
  denominator?: (m: MeasureMonth) => number;
  /** The table's figure columns for a month, after the month. */
  cells: (m: MeasureMonth) => string[];
  /** The sentence on the latest month on the chart. */
  latest: (m: MeasureMonth) => string;
}

const dash = (): string => t('charts.table.none');

const SPECS: Spec[] = [
  {
    key: 'received',
    chart: 'xmr',
    improvement: 'neutral',
    percent: false,
    charted: () => true,
    value: (m) => m.received,
    cells: (m) => [count(m.received)],
    latest: (m) => t('storyMeasures.received.latest', { count: m.received, formatted: count(m.received), month: monthText(m.month) }),
  },
  ...([7, 28] as const).map(
    (days): Spec => ({
      key: days === 7 ? 'within7' : 'within28',
      chart: 'p',
      improvement: 'increase',
      percent: true,
      charted: (m) => (days === 7 ? m.due7 : m.due28) > 0,
      value: (m) => (days === 7 ? m.within7 : m.within28),
      denominator: (m) => (days === 7 ? m.due7 : m.due28),
      cells: (m) => {
        const [within, due] = days === 7 ? [m.within7, m.due7] : [m.within28, m.due28];
        return [count(within), count(due), percentText(within, due)];
      },
      latest: (m) => {
        const [within, due] = days === 7 ? [m.within7, m.due7] : [m.within28, m.due28];
        return t('storyMeasures.within.latest', { count: due, within: count(within), due: count(due), percent: percentText(within, due), days, month: monthText(m.month) });
      },
    }),
  ),
  {
    key: 'median',
    chart: 'xmr',
    improvement: 'decrease',
    percent: false,
    charted: (m) => m.medianDays !== null,
    value: (m) => m.medianDays ?? 0,
    cells: (m) => [count(m.answered), count(m.waiting), m.medianDays === null ? dash() : oneDecimal.format(m.medianDays)],
    latest: (m) => t('storyMeasures.median.latest', { count: m.answered, answered: count(m.answered), median: oneDecimal.format(m.medianDays ?? 0), waiting: m.waiting, month: monthText(m.month) }),
  },
  {
    key: 'shared',
    chart: 'p',
    improvement: 'increase',
    percent: true,
    charted: (m) => m.published > 0,
    value: (m) => m.shared,
    denominator: (m) => m.published,
    cells: (m) => [count(m.shared), count(m.published), percentText(m.shared, m.published)],
    latest: (m) => t('storyMeasures.shared.latest', { count: m.published, shared: count(m.shared), published: count(m.published), percent: percentText(m.shared, m.published), month: monthText(m.month) }),
  },
  {
    key: 'changes',
    chart: 'c',
    improvement: 'increase',
    percent: false,
    charted: () => true,
    value: (m) => m.changesMade,
    cells: (m) => [count(m.changesMade)],
    latest: (m) => t('storyMeasures.changes.latest', { count: m.changesMade, formatted: count(m.changesMade), month: monthText(m.month) }),
  },
];

/** The table's column headings after "Month", by measure. */
function figureHeadings(key: MeasureKey): string[] {
  switch (key) {
    case 'received':
      return [t('storyMeasures.received.column')];
    case 'within7':
    case 'within28':
      return [t('storyMeasures.within.columns.within', { days: key === 'within7' ? 7 : 28 }), t('storyMeasures.within.columns.due'), t('storyMeasures.columns.percent')];
    case 'median':
      return [t('storyMeasures.median.columns.answered'), t('storyMeasures.median.columns.waiting'), t('storyMeasures.median.columns.median')];
    case 'shared':
      return [t('storyMeasures.shared.columns.shared'), t('storyMeasures.shared.columns.published'), t('storyMeasures.columns.percent')];
    case 'changes':
      return [t('storyMeasures.changes.column')];
  }
}

/** Where a run of points with this rule (and the same kind of special cause) ending at `end` starts. */
function runStart(points: SpcPoint[], end: number, rule: 'shift' | 'trend'): number {
  const cause = points[end]?.special_cause;
  let start = end;
  while (start > 0 && points[start - 1]?.rules.includes(rule) && points[start - 1]?.special_cause === cause) start--;
  return start;
}

/**
 * What the chart says, in one plain sentence: the latest signal from the SPC rules (a run on one
 * side of the centre line, a run going up or down, a month beyond a limit, two of three close to
 * one) and what it means, or that the months vary around their centre line with no signal.
 */
export function signalSentence(result: SpcResult, months: string[], pct: boolean): string {
  const points = result.points;
  const lastIndex = points.length - 1;
  let i = lastIndex;
  while (i >= 0 && points[i]?.special_cause === null) i--;
  const lastPoint = points[lastIndex] as SpcPoint;
  if (i < 0) {
    return t(result.chart === 'run' ? 'storyMeasures.signal.noneRun' : 'storyMeasures.signal.none', {
      from: monthText(months[0] as string),
      to: monthText(months[lastIndex] as string),
      centre: formatValue(lastPoint.centre, pct),
    });
  }
  const p = points[i] as SpcPoint;
  const meaning = t(`storyMeasures.signal.meaning.${p.special_cause}`);
  const upper = p.y > p.centre;
  const month = (k: number): string => monthText(months[k] as string);
  if (p.rules.includes('shift') || p.rules.includes('trend')) {
    const rule = p.rules.includes('shift') ? 'shift' : 'trend';
    const start = runStart(points, i, rule);
    const direction = rule === 'shift' ? (upper ? 'Above' : 'Below') : (p.y > (points[start] as SpcPoint).y ? 'Up' : 'Down');
    const ongoing = i === lastIndex;
    return t(`storyMeasures.signal.${rule}${direction}${ongoing ? 'Since' : 'FromTo'}`, { count: i - start + 1, from: month(start), to: month(i), meaning });
  }
  if (p.rules.includes('outside_limits')) return t(`storyMeasures.signal.outside${upper ? 'Above' : 'Below'}`, { month: month(i), meaning });
  return t(`storyMeasures.signal.near${upper ? 'Above' : 'Below'}`, { month: month(i), meaning });
}

export interface ChartBlock {
  key: MeasureKey;
  heading: string;
  intro: string;
  /** The latest month on the chart, in words; null when no month is. */
  latest: string | null;
  /** What the chart says (or why there is no chart). */
  signal: string;
  svg: string | null;
  caption: string;
  head: { text: string; format?: 'numeric' }[];
  rows: { text: string; format?: 'numeric'; classes?: string }[][];
}

function chartBlock(spec: Spec, months: MeasureMonth[]): ChartBlock {
  const charted = months.filter(spec.charted);
  const heading = t(`storyMeasures.${spec.key}.heading`);
  let result: SpcResult | null = null;
  if (charted.length >= 2) {
    try {
      result = analyse(
        charted.map((m) => ({ x: shortMonthText(m.month), value: spec.value(m), ...(spec.denominator ? { denominator: spec.denominator(m) } : {}) })),
        { chart: spec.chart, improvement: spec.improvement },
      );
    } catch (err) {
      if (!(err instanceof SpcInputError)) throw err;
    }
  }
  const latestMonth = charted[charted.length - 1];
  const latest = latestMonth ? spec.latest(latestMonth) : null;
  const signal = result ? signalSentence(result, charted.map((m) => m.month), spec.percent) : t(`storyMeasures.${spec.key}.tooFew`);
  const chartName = t(`storyMeasures.chartKinds.${spec.chart}`);
  const title = t('storyMeasures.chartTitle', { name: heading, chart: chartName });
  const svg = result
    ? chartSvg({ id: `story-measures-${spec.key}`, title, description: [latest, signal].filter(Boolean).join(' '), result, improvement: spec.improvement, percent: spec.percent, target: null, baseline: null, axisLabel: spec.key === 'median' ? t('storyMeasures.median.axis') : null, size: 'full' })
    : null;
  const byMonth = new Map(charted.map((m, k) => [m.month, result?.points[k]]));
  const num = (text: string) => ({ text, format: 'numeric' as const });
  return {
    key: spec.key,
    heading,
    intro: t(`storyMeasures.${spec.key}.intro`),
    latest,
    signal,
    svg,
    caption: t(`storyMeasures.${spec.key}.caption`),
    head: [{ text: t('storyMeasures.columns.month') }, ...figureHeadings(spec.key).map((text) => ({ text, format: 'numeric' as const })), { text: t('charts.table.specialCause') }],
    rows: months.map((m) => {
      const p = byMonth.get(m.month);
      const special = p?.special_cause ?? null;
      const signalCell = special ? { text: `${t(`charts.specialCause.${special}`)} (${ruleWords(p?.rules ?? [])})`, classes: 'app-special' } : { text: p ? t('charts.specialCause.none') : dash() };
      return [{ text: monthText(m.month) }, ...spec.cells(m).map(num), signalCell];
    }),
  };
}

/** The address of the page (or its CSV) for a unit and months. */
export function measuresHref(path: '/feedback/measures' | '/feedback/measures.csv', unitId: number, from: string, to: string): string {
  return `${path}?${new URLSearchParams({ unit: String(unitId), from, to }).toString()}`;
}

/** Everything the measures page shows. */
export function measuresView(m: StoryMeasures) {
  return {
    pageTitle: t('storyMeasures.title'),
    scopeText: t('storyMeasures.scope', { unit: m.unit.name, from: monthText(m.from), to: monthText(m.to) }),
    unitItems: unitItems(m.units, m.unit.id),
    values: { unit: String(m.unit.id), from: m.from, to: m.to },
    csvHref: measuresHref('/feedback/measures.csv', m.unit.id, m.from, m.to),
    charts: SPECS.map((spec) => chartBlock(spec, m.months)),
  };
}

export function unitItems(units: OrgUnit[], selected: number | undefined) {
  return units.map((u) => ({ value: String(u.id), text: indentedName(u), selected: u.id === selected }));
}

/** The page answering 400: the form with what was typed and the errors, no figures. */
export function badInputView(units: OrgUnit[], values: Record<string, unknown>) {
  const unit = typeof values.unit === 'string' ? Number(values.unit) : undefined;
  return { pageTitle: t('storyMeasures.title'), scopeText: null, unitItems: unitItems(units, unit), values, csvHref: null, charts: [] };
}
