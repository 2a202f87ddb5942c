import type { ChartType, Direction } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { analyse, SpcInputError, type Rule, type SpcInputPoint, type SpcOptions, type SpcPoint, type SpcResult } from '../../spc/index.ts';
import { chartSvg, formatValue, type ChartAnnotation, type ChartCycle } from './chart-svg.ts';
import { needsCount, needsDenominator } from './points.ts';

/**
 * From a measure and its data to what a page shows: the SPC analysis, the chart, the summary in
 * words and the data table. Pure apart from the words (the catalogue).
 */

export interface MeasureForChart {
  id: number;
  name: string;
  chart: ChartType;
  direction: Direction;
  target: number | null;
  baseline_points: number | null;
  screen_moving_ranges: number | boolean;
  unit_label: string | null;
}

export interface PointForChart {
  id: number;
  period: string;
  value: number;
  denominator: number | null;
  excluded: number | boolean;
  rebase: number | boolean;
  note: string | null;
}

export interface CycleForChart {
  title: string;
  changeIdeaTitle: string;
  startOn: string | null;
  endOn: string | null;
}

export interface AnnotationForChart {
  id: number;
  on_date: string;
  text: string;
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "2024-01-03" → "3 Jan 2024". */
export function displayDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? LONG_DATE.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) : iso;
}

/** The target on the plotted scale: p charts plot proportions, and their target is given in percent. */
export function plottedTarget(measure: Pick<MeasureForChart, 'chart' | 'target'>): number | null {
  if (measure.target === null || measure.target === undefined) return null;
  return measure.chart === 'p' ? measure.target / 100 : measure.target;
}

/** The engine's input and options for a measure: points in date order, flags as 1-based numbers. */
export function spcRequest(measure: MeasureForChart, points: PointForChart[]): { input: SpcInputPoint[]; options: SpcOptions } {
  const input = points.map((p) => ({ x: p.period, value: p.value, ...(needsDenominator(measure.chart) && p.denominator !== null ? { denominator: p.denominator } : {}) }));
  const exclude = points.flatMap((p, i) => (p.excluded ? [i + 1] : []));
  const rebase = points.flatMap((p, i) => (p.rebase && i > 0 ? [i + 1] : []));
  const target = plottedTarget(measure);
  const options: SpcOptions = {
    chart: measure.chart,
    improvement: measure.direction,
    // A baseline longer than the data so far simply is not complete yet: use every point until it is.
    ...(measure.baseline_points && measure.baseline_points >= 2 && measure.baseline_points <= points.length ? { baseline: measure.baseline_points } : {}),
    ...(exclude.length ? { exclude } : {}),
    ...(rebase.length ? { rebase } : {}),
    ...(target !== null ? { target } : {}),
    screen: Boolean(measure.screen_moving_ranges),
  };
  return { input, options };
}

/** Why a chart cannot be drawn from these points, in words; null when it can. */
export function chartProblem(measure: MeasureForChart, points: PointForChart[]): string | null {
  if (points.length < 2) return t('charts.problems.tooFew');
  const dates = (list: PointForChart[]) => list.slice(0, 5).map((p) => displayDate(p.period)).join(', ') + (list.length > 5 ? ` …` : '');
  if (needsDenominator(measure.chart)) {
    const missing = points.filter((p) => p.denominator === null || !(p.denominator > 0));
    if (missing.length) return t('charts.problems.denominatorsMissing', { count: missing.length, dates: dates(missing) });
  }
  if (needsCount(measure.chart)) {
    const negative = points.filter((p) => p.value < 0);
    if (negative.length) return t('charts.problems.negative', { count: negative.length, dates: dates(negative) });
  }
  if (measure.chart === 'p') {
    const above = points.filter((p) => p.denominator !== null && p.value > p.denominator);
    if (above.length) return t('charts.problems.numeratorAbove', { count: above.length, dates: dates(above) });
  }
  return null;
}

export type Analysis = { ok: true; result: SpcResult } | { ok: false; problem: string };

/** Runs the SPC engine, or says in words why the chart cannot be drawn. */
export function analyseMeasure(measure: MeasureForChart, points: PointForChart[]): Analysis {
  const problem = chartProblem(measure, points);
  if (problem) return { ok: false, problem };
  const { input, options } = spcRequest(measure, points);
  try {
    return { ok: true, result: analyse(input, options) };
  } catch (err) {
    if (err instanceof SpcInputError) return { ok: false, problem: t('charts.problems.engine', { reason: err.message }) };
    throw err;
  }
}

/** The summary in words: what the last point shows, the target, special causes and runs. */
export function summarise(measure: MeasureForChart, result: SpcResult): string[] {
  const percent = measure.chart === 'p';
  const sentences: string[] = [];
  const last = result.points[result.points.length - 1] as SpcPoint | undefined;
  let variation: string = result.variation;
  if (result.variation === 'special_cause_neutral') variation += last?.special_cause === 'neutral_low' ? '_low' : '_high';
  sentences.push(t(`charts.summary.variation.${variation}`));
  if (result.assurance) sentences.push(t(`charts.summary.assurance.${result.assurance}`));
  else if (measure.target !== null) sentences.push(t(measure.chart === 'run' ? 'charts.summary.noAssuranceRun' : measure.direction === 'neutral' ? 'charts.summary.noAssuranceNeutral' : 'charts.summary.noAssurance'));
  const special = result.points.filter((p) => p.special_cause !== null).length;
  sentences.push(special ? t('charts.summary.specialPoints', { count: special }) : t('charts.summary.noSpecialPoints'));
  sentences.push(
    result.runs.signal
      ? t('charts.summary.runsSignal', { longest: result.runs.longest_run, max: result.runs.longest_run_max, crossings: result.runs.crossings, min: result.runs.crossings_min })
      : t('charts.summary.runsNoSignal'),
  );
  if (last) {
    sentences.push(
      t(result.chart === 'run' ? 'charts.summary.latestRun' : 'charts.summary.latest', {
        value: formatValue(last.y, percent),
        date: displayDate(last.x),
        centre: formatValue(last.centre, percent),
      }),
    );
  }
  return sentences;
}

export interface TableRow {
  id: number;
  date: string;
  value: string;
  centre: string;
  lower: string;
  upper: string;
  specialCause: string;
  /** True when the point shows special cause variation (for styling the row). */
  special: boolean;
  notes: string[];
}

export function ruleWords(rules: Rule[]): string {
  return rules.map((r) => t(`charts.rules.${r}`)).join('; ');
}

/** The data table beside the chart: every point in words. Without a result, values only. */
export function tableRows(measure: MeasureForChart, points: PointForChart[], result: SpcResult | null): TableRow[] {
  const percent = measure.chart === 'p';
  const dash = t('charts.table.none');
  let segmentStart = 0;
  return points.map((p, i) => {
    const spc = result?.points[i];
    if (i === 0 || p.rebase) segmentStart = i;
    const notes: string[] = [];
    if (measure.baseline_points && i - segmentStart < measure.baseline_points) notes.push(t('charts.table.baseline'));
    if (p.excluded) notes.push(t('charts.table.excluded'));
    if (p.rebase && i > 0) notes.push(t('charts.table.rebased'));
    if (p.note) notes.push(p.note);
    let value = formatValue(p.value);
    if (needsDenominator(measure.chart) && p.denominator) {
      const y = p.value / p.denominator;
      value = t(measure.chart === 'p' ? 'charts.table.proportion' : 'charts.table.rate', { value: formatValue(p.value), denominator: formatValue(p.denominator), result: formatValue(y, percent) });
    }
    const special = spc?.special_cause ?? null;
    return {
      id: p.id,
      date: displayDate(p.period),
      value,
      centre: spc ? formatValue(spc.centre, percent) : dash,
      lower: spc && spc.lower !== null ? formatValue(spc.lower, percent) : dash,
      upper: spc && spc.upper !== null ? formatValue(spc.upper, percent) : dash,
      specialCause: special ? `${t(`charts.specialCause.${special}`)} (${ruleWords(spc?.rules ?? [])})` : spc ? t('charts.specialCause.none') : dash,
      special: special !== null,
      notes,
    };
  });
}

export interface ChartView {
  /** The SVG, or null when the chart cannot be drawn (then `problem` says why). */
  svg: string | null;
  problem: string | null;
  title: string;
  summary: string[];
  cycles: { label: string; text: string; onChart: boolean }[];
  annotations: { id: number; label: string; date: string; text: string; onChart: boolean }[];
  rows: TableRow[];
  result: SpcResult | null;
}

/** Everything the measure page (size "full") or a list of measures (size "small") shows for one chart. */
export function chartView(
  measure: MeasureForChart,
  points: PointForChart[],
  options: { id: string; size?: 'full' | 'small'; cycles?: CycleForChart[]; annotations?: AnnotationForChart[] },
): ChartView {
  const analysis = analyseMeasure(measure, points);
  const title = t('charts.title', { name: measure.name, chart: t(`measures.chartTypes.${measure.chart}.name`) });
  const first = points[0]?.period;
  const last = points[points.length - 1]?.period;
  const inRange = (date: string | null | undefined, end?: string | null): boolean =>
    Boolean(date && first && last && (end ?? date) >= first && date <= last);

  const cycles = (options.cycles ?? [])
    .filter((c) => c.startOn)
    .map((c, i) => {
      const label = t('charts.pdsaLabel', { n: i + 1 });
      const when = c.endOn ? t('charts.dateRange', { from: displayDate(c.startOn as string), to: displayDate(c.endOn) }) : t('charts.dateFrom', { from: displayDate(c.startOn as string) });
      const onChart = inRange(c.startOn, c.endOn);
      return {
        label,
        onChart,
        text: t(onChart ? 'charts.cycleText' : 'charts.cycleTextOffChart', { label, title: c.title, idea: c.changeIdeaTitle, when }),
        chart: { label, title: c.title, start: c.startOn as string, end: c.endOn } satisfies ChartCycle,
      };
    });
  const annotations = (options.annotations ?? []).map((a, i) => {
    const label = t('charts.annotationLabel', { n: i + 1 });
    return { id: a.id, label, date: displayDate(a.on_date), text: a.text, onChart: inRange(a.on_date), chart: { label, date: a.on_date, text: a.text } satisfies ChartAnnotation };
  });

  if (!analysis.ok) {
    return {
      svg: null,
      problem: analysis.problem,
      title,
      summary: [],
      cycles: cycles.map(({ chart: _c, ...c }) => c),
      annotations: annotations.map(({ chart: _c, ...a }) => a),
      rows: tableRows(measure, points, null),
      result: null,
    };
  }
  const summary = summarise(measure, analysis.result);
  const svg = chartSvg({
    id: options.id,
    title,
    description: summary.join(' '),
    result: analysis.result,
    improvement: measure.direction,
    percent: measure.chart === 'p',
    target: plottedTarget(measure),
    baseline: measure.baseline_points,
    axisLabel: measure.unit_label,
    cycles: cycles.filter((c) => c.onChart).map((c) => c.chart),
    annotations: annotations.filter((a) => a.onChart).map((a) => a.chart),
    size: options.size ?? 'full',
  });
  return {
    svg,
    problem: null,
    title,
    summary,
    cycles: cycles.map(({ chart: _c, ...c }) => c),
    annotations: annotations.map(({ chart: _c, ...a }) => a),
    rows: tableRows(measure, points, analysis.result),
    result: analysis.result,
  };
}
