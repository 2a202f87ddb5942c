import type { OrgUnit } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import type { SpcResult } from '../../spc/index.ts';
import { analyseMeasure, chartSvg, formatValue, ruleWords, summarise, type MeasureForChart, type PointForChart } from '../measures/service.ts';
import { indentedName } from '../org/service.ts';
import type { InvolvementShare } from '../projects/service.ts';
import { DEFAULT_PERIOD, PERIODS, type ActivityShown, type CountedProjects, type Dashboard, type MonthHours } from './service.ts';

/**
 * What the dashboard pages show, in words: the filter, the figures and their links, the two charts
 * with their summaries and data tables. Charts are drawn with the measures feature's helpers.
 */

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const whole = new Intl.NumberFormat('en-GB');

/** "2026-11" → "November 2026". */
export const monthText = (month: string): string => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
/** "2026-11" → "Nov 2026" (the chart's time axis). */
const shortMonthText = (month: string): string => shortMonthFormat.format(new Date(`${month}-01T00:00:00Z`));
/** A stored day (YYYY-MM-DD) → "3 Nov 2026". */
const dayText = (d: string): string => dayFormat.format(new Date(`${d}T00:00:00Z`));
/** Minutes as hours to one decimal place, e.g. "81.5". */
export const hoursText = (minutes: number): string =>
  (Math.round(minutes / 6) / 10).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = (n: number): string => (n < 1000 && n > -1000 ? String(n) : whole.format(n));

/** A link within the dashboard's pages, keeping the unit filter. */
function withUnit(path: string, params: Record<string, string>, unit: OrgUnit | undefined): string {
  const search = new URLSearchParams(params);
  if (unit) search.set('unitId', String(unit.id));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function unitItems(units: OrgUnit[], selected: OrgUnit | undefined) {
  return [{ value: '', text: t('insights.filter.allUnits') }, ...units.map((u) => ({ value: String(u.id), text: indentedName(u), selected: u.id === selected?.id }))];
}

/** The measure the p chart draws: the share of open projects with input; up is better. */
function shareMeasure(): MeasureForChart {
  return { id: 0, name: t('insights.share.measureName'), chart: 'p', direction: 'increase', target: null, baseline_points: null, screen_moving_ranges: false, unit_label: null };
}

function attendanceMeasure(): MeasureForChart {
  return { id: 0, name: t('insights.attendance.measureName'), chart: 'run', direction: 'increase', target: null, baseline_points: null, screen_moving_ranges: false, unit_label: t('insights.attendance.axis') };
}

/** "In November 2026, 8 of 10 open projects (80%) had service-user or carer input." */
export function shareSentence(s: InvolvementShare, key: 'sentence' | 'startSentence' = 'sentence'): string {
  if (s.total === 0) return t('insights.share.noneOpen', { month: monthText(s.month) });
  return t(`insights.share.${key}`, { month: monthText(s.month), withInput: count(s.withInput), total: count(s.total), percent: formatValue(s.withInput / s.total, true) });
}

/** A data table cell (views/_data-table.njk): text, a link when href is given, hidden words for screen readers. */
export interface Cell {
  text: string;
  href?: string;
  hidden?: string;
  numeric?: boolean;
  classes?: string;
}
export interface Table {
  head: { text: string; numeric?: boolean }[];
  rows: Cell[][];
}
const num = (text: string, more: Partial<Cell> = {}): Cell => ({ text, numeric: true, ...more });

/** The p chart of projects with input, its summary in words and its data table (a row a month, each linking to its projects). */
export function shareChart(share: InvolvementShare[], unit: OrgUnit | undefined) {
  const measure = shareMeasure();
  const title = t('insights.share.chartTitle');
  // A month with no open projects has no proportion: it is in the table but not on the chart.
  const charted = share.filter((s) => s.total > 0);
  const points: PointForChart[] = charted.map((s, i) => ({ id: i, period: shortMonthText(s.month), value: s.withInput, denominator: s.total, excluded: false, rebase: false, note: null }));
  const analysis = charted.length >= 2 ? analyseMeasure(measure, points) : ({ ok: false, problem: t('insights.share.tooFew') } as const);
  const result: SpcResult | null = analysis.ok ? analysis.result : null;
  const latest = share[share.length - 1];
  const firstCharted = charted[0];
  const summary: string[] = [];
  if (latest) summary.push(shareSentence(latest));
  if (firstCharted && latest && firstCharted.month !== latest.month) summary.push(shareSentence(firstCharted, 'startSentence'));
  if (result) {
    // The engine's words on variation and runs; its last sentence names the latest point by its
    // label, which the sentences above already say in full, so the centre line is given on its own.
    summary.push(...summarise(measure, result).slice(0, -1));
    const last = result.points[result.points.length - 1];
    if (last) summary.push(t('insights.share.centre', { centre: formatValue(last.centre, true) }));
  }
  const spcByMonth = new Map(charted.map((s, i) => [s.month, result?.points[i]]));
  const dash = t('charts.table.none');
  const table: Table = {
    head: [
      { text: t('insights.share.columns.month') },
      { text: t('insights.share.columns.withInput'), numeric: true },
      { text: t('insights.share.columns.total'), numeric: true },
      { text: t('insights.share.columns.percent'), numeric: true },
      { text: t('charts.table.centre'), numeric: true },
      { text: t('charts.table.lower'), numeric: true },
      { text: t('charts.table.upper'), numeric: true },
      { text: t('charts.table.specialCause') },
    ],
    rows: share.map((s) => {
      const p = spcByMonth.get(s.month);
      const special = p?.special_cause ?? null;
      return [
        { text: monthText(s.month), href: withUnit('/insights/projects', { month: s.month }, unit), hidden: t('insights.share.monthLinkHidden') },
        num(count(s.withInput)),
        num(count(s.total)),
        num(s.total ? formatValue(s.withInput / s.total, true) : dash),
        num(p ? formatValue(p.centre, true) : dash),
        num(p && p.lower !== null ? formatValue(p.lower, true) : dash),
        num(p && p.upper !== null ? formatValue(p.upper, true) : dash),
        special ? { text: `${t(`charts.specialCause.${special}`)} (${ruleWords(p?.rules ?? [])})`, classes: 'app-special' } : { text: p ? t('charts.specialCause.none') : dash },
      ];
    }),
  };
  const svg = result
    ? chartSvg({ id: 'insights-share', title, description: summary.join(' '), result, improvement: 'increase', percent: true, target: null, baseline: null, axisLabel: null, size: 'full' })
    : null;
  return { title, svg, problem: analysis.ok ? null : analysis.problem, summary, table };
}

/** The run chart of service users and carers present at each meeting, its summary and its data table. */
export function attendanceChart(d: Pick<Dashboard, 'meetings' | 'period'>) {
  const measure = attendanceMeasure();
  const title = t('insights.attendance.chartTitle');
  const points: PointForChart[] = d.meetings.map((m, i) => ({
    id: i,
    period: m.day,
    value: m.service_users + m.carers,
    denominator: null,
    excluded: false,
    rebase: false,
    note: null,
  }));
  const analysis = points.length >= 2 ? analyseMeasure(measure, points) : ({ ok: false, problem: t('insights.attendance.tooFew') } as const);
  const totals = d.meetings.reduce(
    (a, m) => ({ staff: a.staff + m.staff, serviceUsers: a.serviceUsers + m.service_users, carers: a.carers + m.carers, other: a.other + m.other }),
    { staff: 0, serviceUsers: 0, carers: 0, other: 0 },
  );
  const present = totals.staff + totals.serviceUsers + totals.carers + totals.other;
  const summary: string[] = [];
  if (d.meetings.length === 0) summary.push(t('insights.attendance.noMeetings', { count: d.period }));
  else {
    summary.push(t('insights.attendance.meetingsSentence', { count: d.meetings.length, months: d.period, formatted: count(d.meetings.length) }));
    summary.push(
      present === 0
        ? t('insights.attendance.nobodyRecorded')
        : t('insights.attendance.presentSentence', {
            present: count(present),
            lived: count(totals.serviceUsers + totals.carers),
            serviceUsers: count(totals.serviceUsers),
            carers: count(totals.carers),
            percent: formatValue((totals.serviceUsers + totals.carers) / present, true),
            staff: count(totals.staff),
            other: count(totals.other),
          }),
    );
  }
  if (analysis.ok) summary.push(...summarise(measure, analysis.result));
  const table: Table = {
    head: [
      { text: t('insights.attendance.columns.date') },
      { text: t('insights.attendance.columns.meeting') },
      { text: t('insights.attendance.columns.staff'), numeric: true },
      { text: t('insights.attendance.columns.serviceUsers'), numeric: true },
      { text: t('insights.attendance.columns.carers'), numeric: true },
      { text: t('insights.attendance.columns.other'), numeric: true },
      { text: t('insights.attendance.columns.lived'), numeric: true },
    ],
    rows: d.meetings.map((m, i) => [
      { text: dayText(points[i]!.period) },
      { text: m.title ? t('insights.attendance.meetingName', { series: m.series_name, title: m.title }) : m.series_name, href: `/meetings/${m.id}` },
      num(count(m.staff)),
      num(count(m.service_users)),
      num(count(m.carers)),
      num(count(m.other)),
      num(count(m.service_users + m.carers)),
    ]),
  };
  const svg = analysis.ok
    ? chartSvg({ id: 'insights-attendance', title, description: summary.join(' '), result: analysis.result, improvement: 'increase', percent: false, target: null, baseline: null, axisLabel: measure.unit_label, size: 'full' })
    : null;
  return { title, svg, problem: analysis.ok ? null : analysis.problem, summary, table, totals: { ...totals, present } };
}

/** The median days from activity to payment, month by month: a run chart; fewer days is better. */
function daysToPayMeasure(): MeasureForChart {
  return { id: 0, name: t('insights.promptness.days.measureName'), chart: 'run', direction: 'decrease', target: null, baseline_points: null, screen_moving_ranges: false, unit_label: t('insights.promptness.days.axis') };
}

/** The share of claims paid within the target days, month by month: a p chart; up is better. */
function withinTargetMeasure(): MeasureForChart {
  return { id: 0, name: t('insights.promptness.within.measureName'), chart: 'p', direction: 'increase', target: null, baseline_points: null, screen_moving_ranges: false, unit_label: null };
}

const daysText = (n: number): string => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(n);

/**
 * Promptness of payment (issue 8): the median days from activity to payment (run chart) and the
 * share paid within the trust's target days (p chart), by the London month claims were paid, each
 * with its summary and data table. A month's figures link to the claims paid in it for those who
 * may open them (claims:manage or finance:pay); others see the counts only.
 */
export function promptnessCharts(d: Pick<Dashboard, 'promptness' | 'unit' | 'paymentLinks'>) {
  const { months, targetDays } = d.promptness;
  const charted = months.filter((m) => m.paid > 0);
  const dash = t('charts.table.none');
  const monthCell = (month: string): Cell =>
    d.paymentLinks ? { text: monthText(month), href: withUnit('/payments/paid', { month }, d.unit), hidden: t('insights.promptness.monthLinkHidden') } : { text: monthText(month) };
  const latest = charted[charted.length - 1];
  const tooFew = t('insights.promptness.tooFew');

  // 1. Median days to pay: a run chart.
  const daysMeasure = daysToPayMeasure();
  const daysPoints: PointForChart[] = charted.map((m, i) => ({ id: i, period: shortMonthText(m.month), value: m.medianDays ?? 0, denominator: null, excluded: false, rebase: false, note: null }));
  const daysAnalysis = charted.length >= 2 ? analyseMeasure(daysMeasure, daysPoints) : ({ ok: false, problem: tooFew } as const);
  const daysSummary: string[] = [];
  if (!latest) daysSummary.push(t('insights.promptness.nonePaid', { count: months.length }));
  else daysSummary.push(t('insights.promptness.days.sentence', { month: monthText(latest.month), count: latest.paid, median: daysText(latest.medianDays ?? 0) }));
  if (daysAnalysis.ok) {
    daysSummary.push(...summarise(daysMeasure, daysAnalysis.result).slice(0, -1));
    const last = daysAnalysis.result.points[daysAnalysis.result.points.length - 1];
    if (last) daysSummary.push(t('insights.promptness.days.centre', { centre: daysText(last.centre) }));
  }
  const daysByMonth = new Map(charted.map((m, i) => [m.month, daysAnalysis.ok ? daysAnalysis.result.points[i] : undefined]));
  const daysTable: Table = {
    head: [
      { text: t('insights.promptness.columns.month') },
      { text: t('insights.promptness.columns.paid'), numeric: true },
      { text: t('insights.promptness.columns.median'), numeric: true },
      { text: t('charts.table.centre'), numeric: true },
    ],
    rows: months.map((m) => {
      const p = daysByMonth.get(m.month);
      return [monthCell(m.month), num(count(m.paid)), num(m.medianDays === null ? dash : daysText(m.medianDays)), num(p ? daysText(p.centre) : dash)];
    }),
  };
  const daysTitle = t('insights.promptness.days.chartTitle');
  const daysSvg = daysAnalysis.ok
    ? chartSvg({ id: 'insights-days-to-pay', title: daysTitle, description: daysSummary.join(' '), result: daysAnalysis.result, improvement: 'decrease', percent: false, target: null, baseline: null, axisLabel: daysMeasure.unit_label, size: 'full' })
    : null;

  // 2. Paid within the target days: a p chart.
  const withinMeasure = withinTargetMeasure();
  const withinPoints: PointForChart[] = charted.map((m, i) => ({ id: i, period: shortMonthText(m.month), value: m.withinTarget, denominator: m.paid, excluded: false, rebase: false, note: null }));
  const withinAnalysis = charted.length >= 2 ? analyseMeasure(withinMeasure, withinPoints) : ({ ok: false, problem: tooFew } as const);
  const withinSummary: string[] = [];
  if (!latest) withinSummary.push(t('insights.promptness.nonePaid', { count: months.length }));
  else withinSummary.push(t('insights.promptness.within.sentence', { month: monthText(latest.month), within: count(latest.withinTarget), paid: count(latest.paid), percent: formatValue(latest.withinTarget / latest.paid, true), days: targetDays }));
  if (withinAnalysis.ok) {
    withinSummary.push(...summarise(withinMeasure, withinAnalysis.result).slice(0, -1));
    const last = withinAnalysis.result.points[withinAnalysis.result.points.length - 1];
    if (last) withinSummary.push(t('insights.promptness.within.centre', { centre: formatValue(last.centre, true) }));
  }
  const withinByMonth = new Map(charted.map((m, i) => [m.month, withinAnalysis.ok ? withinAnalysis.result.points[i] : undefined]));
  const withinTable: Table = {
    head: [
      { text: t('insights.promptness.columns.month') },
      { text: t('insights.promptness.columns.within', { count: targetDays }), numeric: true },
      { text: t('insights.promptness.columns.paid'), numeric: true },
      { text: t('insights.promptness.columns.percent'), numeric: true },
      { text: t('charts.table.centre'), numeric: true },
      { text: t('charts.table.lower'), numeric: true },
      { text: t('charts.table.upper'), numeric: true },
      { text: t('charts.table.specialCause') },
    ],
    rows: months.map((m) => {
      const p = withinByMonth.get(m.month);
      const special = p?.special_cause ?? null;
      return [
        monthCell(m.month),
        num(count(m.withinTarget)),
        num(count(m.paid)),
        num(m.paid ? formatValue(m.withinTarget / m.paid, true) : dash),
        num(p ? formatValue(p.centre, true) : dash),
        num(p && p.lower !== null ? formatValue(p.lower, true) : dash),
        num(p && p.upper !== null ? formatValue(p.upper, true) : dash),
        special ? { text: `${t(`charts.specialCause.${special}`)} (${ruleWords(p?.rules ?? [])})`, classes: 'app-special' } : { text: p ? t('charts.specialCause.none') : dash },
      ];
    }),
  };
  const withinTitle = t('insights.promptness.within.chartTitle', { count: targetDays });
  const withinSvg = withinAnalysis.ok
    ? chartSvg({ id: 'insights-paid-within', title: withinTitle, description: withinSummary.join(' '), result: withinAnalysis.result, improvement: 'increase', percent: true, target: null, baseline: null, axisLabel: null, size: 'full' })
    : null;

  return {
    targetDays,
    days: { title: daysTitle, svg: daysSvg, problem: daysAnalysis.ok ? null : daysAnalysis.problem, summary: daysSummary, table: daysTable },
    within: { title: withinTitle, svg: withinSvg, problem: withinAnalysis.ok ? null : withinAnalysis.problem, summary: withinSummary, table: withinTable },
  };
}

/** The story measures at a glance, each linking to their SPC charts for the same unit and months. */
function storyFigures(d: Dashboard) {
  const st = d.stories;
  if (!st) return [];
  const href = `/feedback/measures?${new URLSearchParams({ unit: String(st.unit.id), from: st.from, to: st.to }).toString()}`;
  return [
    { key: 'storiesReceived', value: count(st.received), label: t('insights.figures.storiesReceived', { count: d.period, unit: st.unit.name }), href },
    { key: 'storiesAnswered', value: st.due28 ? formatValue(st.within28 / st.due28, true) : t('charts.table.none'), label: t('insights.figures.storiesAnswered', { unit: st.unit.name }), href },
    { key: 'storyChanges', value: count(st.changesMade), label: t('insights.figures.storyChanges', { count: d.period, unit: st.unit.name }), href },
  ];
}

/** Everything the dashboard page shows. */
export function dashboardView(d: Dashboard) {
  const share = shareChart(d.share, d.unit);
  const attendance = attendanceChart(d);
  const promptness = promptnessCharts(d);
  const totalMinutes = [...d.minutesByMonth.values()].reduce((a, m) => a + m.minutes, 0);
  const latest = d.share[d.share.length - 1];
  return {
    pageTitle: t('insights.title'),
    scopeText: d.unit ? t('insights.forUnit', { unit: d.unit.name }) : t('insights.forAll'),
    periodText: t('insights.periodText', { count: d.period, from: monthText(d.months[0] as string), to: monthText(d.months[d.months.length - 1] as string) }),
    unitItems: unitItems(d.units, d.unit),
    monthItems: PERIODS.map((p) => ({ value: String(p), text: t('insights.filter.monthsOption', { count: p }), selected: p === d.period })),
    filtered: Boolean(d.unit) || d.period !== DEFAULT_PERIOD,
    figures: [
      {
        key: 'share',
        value: latest && latest.total ? formatValue(latest.withInput / latest.total, true) : t('charts.table.none'),
        label: t('insights.figures.share', { month: latest ? monthText(latest.month) : '' }),
        href: latest ? withUnit('/insights/projects', { month: latest.month }, d.unit) : null,
      },
      { key: 'openActions', value: count(d.actions.open), label: t('insights.figures.openActions'), href: withUnit('/meetings/actions', { show: 'open' }, d.unit) },
      { key: 'overdueActions', value: count(d.actions.overdue), label: t('insights.figures.overdueActions'), href: withUnit('/meetings/actions', { show: 'overdue' }, d.unit) },
      { key: 'meetingsHeld', value: count(d.meetings.length), label: t('insights.figures.meetingsHeld', { count: d.period }), href: '#attendance-data' },
      { key: 'peopleActive', value: count(d.peopleActive), label: t('insights.figures.peopleActive'), href: d.registerHref },
      { key: 'hours', value: hoursText(totalMinutes), label: t('insights.figures.hours', { count: d.period }), href: '#monthly' },
      {
        key: 'overdueClaims',
        value: count(d.promptness.overdue),
        label: t('insights.figures.overdueClaims', { count: d.promptness.targetDays }),
        href: d.paymentLinks ? withUnit('/payments/overdue', {}, d.unit) : null,
      },
      ...storyFigures(d),
    ],
    share,
    attendance,
    promptness,
    monthly: {
      head: [{ text: t('insights.monthly.columns.month') }, { text: t('insights.monthly.columns.meetings'), numeric: true }, { text: t('insights.monthly.columns.hours'), numeric: true }],
      rows: d.months.map((month) => [
        { text: monthText(month) },
        num(count(d.meetingsByMonth.get(month) ?? 0), { href: withUnit('/meetings', { month }, d.unit), hidden: t('insights.monthly.meetingsHidden', { month: monthText(month) }) }),
        num(hoursText(d.minutesByMonth.get(month)?.minutes ?? 0), { href: withUnit('/insights/hours', { month }, d.unit), hidden: t('insights.monthly.hoursHidden', { month: monthText(month) }) }),
      ]),
    } satisfies Table,
    clearHref: '/insights',
  };
}

/** The projects a month counts. */
export function projectsView(p: CountedProjects, isFirstPage: boolean) {
  const month = monthText(p.month);
  return {
    pageTitle: t('insights.projects.title', { month }),
    month,
    scopeText: p.unit ? t('insights.forUnit', { unit: p.unit.name }) : t('insights.forAll'),
    sentence: shareSentence(p.share),
    rows: p.projects.map((r) => ({
      href: `/projects/${r.id}`,
      title: r.title,
      unit: r.unit_name,
      stage: t(`stages.${r.stage_at}.name`),
      level: t(`involvement.${r.level_at}.name`),
      partner: t(r.has_partner ? 'common.yes' : 'common.no'),
      withInput: t(r.withInput ? 'insights.projects.withInput' : 'insights.projects.withoutInput'),
      counted: r.withInput,
    })),
    nextHref: p.nextAfter ? withUnit('/insights/projects', { month: p.share.month, after: String(p.nextAfter) }, p.unit) : null,
    firstHref: isFirstPage ? null : withUnit('/insights/projects', { month: p.share.month }, p.unit),
    dashboardHref: withUnit('/insights', {}, p.unit),
  };
}

function forWhat(a: ActivityShown): string {
  return a.project_title ?? a.group_name ?? a.opportunity_title ?? t('charts.table.none');
}

/** The activities behind a month's hours. */
export function hoursView(h: MonthHours, isFirstPage: boolean) {
  const month = monthText(h.month);
  return {
    pageTitle: t('insights.hours.title', { month }),
    month,
    scopeText: h.unit ? t('insights.forUnit', { unit: h.unit.name }) : t('insights.forAll'),
    sentence: h.count === 0 ? t('insights.hours.none', { month }) : t('insights.hours.sentence', { count: h.count, formatted: count(h.count), hours: hoursText(h.minutes), month }),
    rows: h.activities.map((a) => ({
      date: dayText(a.on_date),
      name: a.name,
      href: a.href,
      kind: t(`people.activityKinds.${a.kind}`),
      hours: hoursText(a.minutes),
      forWhat: forWhat(a),
    })),
    nextHref: h.next ? withUnit('/insights/hours', { month: h.month, before: h.next }, h.unit) : null,
    firstHref: isFirstPage ? null : withUnit('/insights/hours', { month: h.month }, h.unit),
    dashboardHref: withUnit('/insights', {}, h.unit),
  };
}
