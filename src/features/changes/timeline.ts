/**
 * Layout of the project timeline chart: one row per PDSA cycle, grouped by change idea, with a bar
 * from its start to its end date. Pure; the tables on the page carry the same information.
 */

export interface TimelineCycle {
  id: number;
  title: string;
  start_on: string | null;
  end_on: string | null;
}

export interface TimelineGroup {
  ideaTitle: string;
  cycles: TimelineCycle[];
}

export interface TimelineRow {
  kind: 'idea' | 'cycle';
  y: number;
  label: string;
  /** A bar when the cycle has a start and an end; a dot at the start when it has not ended. */
  bar?: { x: number; w: number };
  dot?: { cx: number };
}

export interface TimelineLayout {
  width: number;
  height: number;
  chartX: number;
  chartW: number;
  top: number;
  bottom: number;
  ticks: { x: number; label: string }[];
  rows: TimelineRow[];
}

const LABEL_W = 250;
const CHART_W = 620;
const PAD = 12;
const ROW_H = 24;
const TOP = 36;
const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const toTime = (day: string): number => Date.parse(`${day}T00:00:00Z`);

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Null when no cycle has a date: there is nothing to draw. */
export function layoutTimeline(groups: readonly TimelineGroup[], monthNames: readonly string[] = MONTHS): TimelineLayout | null {
  const days = groups.flatMap((g) => g.cycles.flatMap((c) => [c.start_on, c.end_on])).filter((d): d is string => d != null);
  if (days.length === 0) return null;
  const times = days.map(toTime);
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  const from = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
  const to = Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1);
  const chartX = PAD + LABEL_W;
  const scale = (t: number): number => chartX + ((t - from) / (to - from)) * CHART_W;

  const monthCount = (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  const step = monthCount <= 12 ? 1 : monthCount <= 24 ? 2 : monthCount <= 48 ? 3 : 6;
  const ticks: TimelineLayout['ticks'] = [];
  for (let m = 0; m < monthCount; m += step) {
    const d = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + m, 1));
    ticks.push({ x: Math.round(scale(d.getTime())), label: `${monthNames[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}` });
  }

  const rows: TimelineRow[] = [];
  let y = TOP;
  for (const g of groups) {
    rows.push({ kind: 'idea', y, label: clip(g.ideaTitle, 36) });
    y += ROW_H;
    for (const c of g.cycles) {
      const row: TimelineRow = { kind: 'cycle', y, label: clip(c.title, 34) };
      if (c.start_on) {
        const x1 = scale(toTime(c.start_on));
        if (c.end_on && c.end_on >= c.start_on) {
          // A cycle that starts and ends on one day still shows as a short bar.
          const x2 = scale(toTime(c.end_on) + DAY);
          row.bar = { x: Math.round(x1), w: Math.max(3, Math.round(x2 - x1)) };
        } else row.dot = { cx: Math.round(x1) };
      } else if (c.end_on) row.dot = { cx: Math.round(scale(toTime(c.end_on))) };
      rows.push(row);
      y += ROW_H;
    }
  }
  return { width: chartX + CHART_W + PAD, height: y + PAD, chartX, chartW: CHART_W, top: TOP - 8, bottom: y, ticks, rows };
}
