import { describe, expect, it } from 'vitest';
import { daysBetween, effortOf, median } from './service.ts';

describe('recruitment lead time and effort', () => {
  it('counts whole days across month ends and clock changes', () => {
    expect(daysBetween('2025-03-01', '2025-03-31')).toBe(30);
    expect(daysBetween('2025-03-29', '2025-04-01')).toBe(3);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 2, 4, 30])).toBe(7);
  });

  it('works out stage counts, days to each member, the median and hours per member', () => {
    const e = effortOf(
      { starts_on: '2025-01-01', target_size: 8 },
      [
        { id: 1, person_id: 11, stage: 'member', member_on: '2025-03-02' },
        { id: 2, person_id: 12, stage: 'induction', member_on: null },
        { id: 3, person_id: 13, stage: 'member', member_on: '2025-01-31' },
        { id: 4, person_id: 14, stage: 'enquiry', member_on: null },
        { id: 5, person_id: 15, stage: 'member', member_on: '2025-02-10' },
      ],
      [{ minutes: 90 }, { minutes: 240 }, { minutes: 45 }],
    );
    expect(e.stageCounts).toEqual({ enquiry: 1, conversation: 0, application: 0, induction: 1, member: 3 });
    expect(e.leadTimes).toEqual([
      { candidateId: 3, personId: 13, days: 30 },
      { candidateId: 5, personId: 15, days: 40 },
      { candidateId: 1, personId: 11, days: 60 },
    ]);
    expect(e.medianDays).toBe(40);
    expect(e.totalMinutes).toBe(375);
    expect(e.totalHours).toBe(6.3);
    expect(e.hoursPerMember).toBe(2.1);
    expect(e.recruited).toBe(3);
    expect(e.target).toBe(8);
  });

  it('has no per-member figures before anyone is recruited', () => {
    const e = effortOf({ starts_on: '2025-01-01', target_size: 5 }, [{ id: 1, person_id: 2, stage: 'conversation', member_on: null }], []);
    expect(e.medianDays).toBeNull();
    expect(e.hoursPerMember).toBeNull();
    expect(e.totalHours).toBe(0);
  });
});
