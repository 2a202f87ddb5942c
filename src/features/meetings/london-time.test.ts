import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMonth, isRealDate, londonMonthRange, londonParts, londonToUtc, parseTime } from './london-time.ts';

describe('London wall-clock time and UTC', () => {
  it('stores a summer (BST) meeting an hour earlier in UTC and a winter (GMT) one at the same hour', () => {
    expect(londonToUtc('2025-06-10', '14:00')).toBe('2025-06-10T13:00:00.000Z');
    expect(londonToUtc('2025-12-10', '14:00')).toBe('2025-12-10T14:00:00.000Z');
    expect(londonParts('2025-06-10T13:00:00.000Z')).toEqual({ date: '2025-06-10', time: '14:00' });
    expect(londonParts('2025-12-10T14:00:00.000Z')).toEqual({ date: '2025-12-10', time: '14:00' });
  });

  it('knows the clocks change on the last Sunday of March and of October', () => {
    // 30 March 2025: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
    expect(londonToUtc('2025-03-30', '00:30')).toBe('2025-03-30T00:30:00.000Z');
    expect(londonToUtc('2025-03-30', '01:30')).toBeNull();
    expect(londonToUtc('2025-03-30', '02:00')).toBe('2025-03-30T01:00:00.000Z');
    // 26 October 2025: 02:00 BST goes back to 01:00 GMT, so 01:30 happens twice; the first is meant.
    expect(londonToUtc('2025-10-26', '01:30')).toBe('2025-10-26T00:30:00.000Z');
    expect(londonToUtc('2025-10-26', '02:30')).toBe('2025-10-26T02:30:00.000Z');
  });

  it('turns every London time back into the same wall-clock time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const at = new Date(Math.floor(d.getTime() / 60_000) * 60_000);
        const { date, time } = londonParts(at);
        const back = londonToUtc(date, time);
        expect(back).not.toBeNull();
        // The same instant, or (in the repeated October hour) the hour before it.
        expect([0, 3_600_000]).toContain(at.getTime() - Date.parse(back as string));
      }),
    );
  });

  it('reads times as people type them and refuses what is not a time', () => {
    expect(parseTime('9:30')).toBe('09:30');
    expect(parseTime('14.05')).toBe('14:05');
    expect(parseTime('23:59')).toBe('23:59');
    for (const bad of ['24:00', '12:60', '2pm', '', '1230', '12:3']) expect(parseTime(bad)).toBeNull();
    expect(londonToUtc('2025-02-30', '10:00')).toBeNull();
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2025-02-29')).toBe(false);
  });

  it('gives a London month as UTC instants, in summer and in winter', () => {
    expect(londonMonthRange('2025-06')).toEqual({ start: '2025-05-31T23:00:00.000Z', end: '2025-06-30T23:00:00.000Z' });
    expect(londonMonthRange('2025-12')).toEqual({ start: '2025-12-01T00:00:00.000Z', end: '2026-01-01T00:00:00.000Z' });
    expect(londonMonthRange('2025-03')).toEqual({ start: '2025-03-01T00:00:00.000Z', end: '2025-03-31T23:00:00.000Z' });
    expect(isMonth('2025-13')).toBe(false);
    expect(isMonth('2025-01')).toBe(true);
  });
});
