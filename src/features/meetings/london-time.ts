/**
 * Meetings happen at a wall-clock time in the UK; they are stored as UTC instants. This is the one
 * place that turns a London date and time into an instant and back, across GMT and BST.
 */

const TIME_ZONE = 'Europe/London';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The London date (YYYY-MM-DD) and time (HH:MM) of an instant. */
export function londonParts(at: string | Date): { date: string; time: string } {
  const parts = Object.fromEntries(wallClock.formatToParts(typeof at === 'string' ? new Date(at) : at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A real calendar date, YYYY-MM-DD (years 1000–9999)? */
export function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * The UTC instant (ISO) of a wall-clock date and time in London, or null when there is no such
 * time: the hour the clocks go forward in March. In the hour that happens twice in October, the
 * first (BST) one is meant.
 */
export function londonToUtc(date: string, time: string): string | null {
  if (!isRealDate(date) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) return null;
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // London is UTC+1 (BST) or UTC+0 (GMT): try the earlier instant first.
  for (const offsetMinutes of [60, 0]) {
    const candidate = new Date(wall - offsetMinutes * 60_000);
    const back = londonParts(candidate);
    if (back.date === date && back.time === time) return candidate.toISOString();
  }
  return null;
}

/** A time as typed ("9:30", "09.30", "14:00") as HH:MM, or null when it is not a time of day. */
export function parseTime(text: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [h, mi] = [Number(m[1]), Number(m[2])];
  if (h > 23 || mi > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
}

/** The first instant of a London month (YYYY-MM) and the first instant after it. */
export function londonMonthRange(month: string): { start: string; end: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
  // Midnight always exists in London (the clocks change at 01:00 and 02:00).
  return { start: londonToUtc(`${month}-01`, '00:00') as string, end: londonToUtc(`${next}-01`, '00:00') as string };
}

/** A month, YYYY-MM, with a real month number. */
export function isMonth(month: string): boolean {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return Boolean(m && Number(m[1]) >= 1000 && Number(m[2]) >= 1 && Number(m[2]) <= 12);
}

const longDay = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const shortDay = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });

/** "Tuesday 10 June 2025" in London (no comma after the day, as the NHS style guide writes dates). */
export function londonDayText(at: string): string {
  const parts = Object.fromEntries(longDay.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}
/** "10 Jun 2025" in London. */
export const londonShortDay = (at: string): string => shortDay.format(new Date(at));
/** "14:00" in London. */
export const londonTimeText = (at: string): string => londonParts(at).time;
/** "June 2025" for "2025-06". */
export function monthText(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthFormat.format(new Date(Date.UTC(y, m - 1, 1)));
}

/** This month in London, YYYY-MM. */
export const londonMonth = (at: Date = new Date()): string => londonParts(at).date.slice(0, 7);

/** Adds minutes to an instant. */
export const addMinutes = (at: string, minutes: number): string => new Date(Date.parse(at) + minutes * 60_000).toISOString();
