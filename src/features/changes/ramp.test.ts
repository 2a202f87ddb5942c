import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rampOrder, wouldLoop, type RampCycle } from './ramp.ts';

const c = (id: number, previous_id: number | null, start_on: string | null = null): RampCycle => ({ id, previous_id, start_on });

/** Any set of cycles where each may follow an earlier one (as the service allows), in any order. */
const ramps = fc
  .array(fc.record({ follows: fc.option(fc.nat(), { nil: null }), day: fc.option(fc.integer({ min: 1, max: 28 }), { nil: null }) }), { maxLength: 30 })
  .chain((rows) =>
    fc.shuffledSubarray(
      rows.map((r, i) => c(i + 1, r.follows != null && i > 0 ? (r.follows % i) + 1 : null, r.day == null ? null : `2025-03-${String(r.day).padStart(2, '0')}`)),
      { minLength: rows.length, maxLength: rows.length },
    ),
  );

describe('PDSA ramps', () => {
  it('puts each cycle after the one it follows, and tells which number that was', () => {
    const ramp = rampOrder([c(3, 1, '2025-03-20'), c(1, null, '2025-03-01'), c(4, null, '2025-03-05'), c(2, 1, '2025-03-10'), c(5, 2, null)]);
    expect(ramp.map((e) => [e.number, e.cycle.id, e.follows])).toEqual([
      [1, 1, null],
      [2, 2, 1],
      [3, 5, 2],
      [4, 3, 1],
      [5, 4, null],
    ]);
  });

  it('keeps every cycle exactly once, each after the one it follows, whatever order they arrive in', () => {
    fc.assert(
      fc.property(ramps, (cycles) => {
        const ramp = rampOrder(cycles);
        expect(ramp.map((e) => e.cycle.id).sort((a, b) => a - b)).toEqual(cycles.map((x) => x.id).sort((a, b) => a - b));
        const at = new Map(ramp.map((e, i) => [e.cycle.id, i]));
        for (const e of ramp) {
          if (e.cycle.previous_id == null) expect(e.follows).toBeNull();
          else expect(at.get(e.cycle.previous_id) as number).toBeLessThan(at.get(e.cycle.id) as number);
          expect(e.number).toBe((at.get(e.cycle.id) as number) + 1);
        }
      }),
    );
  });

  it('still lists every cycle if the data somehow holds a loop', () => {
    const ramp = rampOrder([c(1, 2), c(2, 1), c(3, 3)]);
    expect(ramp.map((e) => e.cycle.id).sort()).toEqual([1, 2, 3]);
  });

  it('spots a loop before it is made', () => {
    const cycles = [c(1, null), c(2, 1), c(3, 2), c(4, null)];
    expect(wouldLoop(cycles, 1, 3)).toBe(true);
    expect(wouldLoop(cycles, 1, 1)).toBe(true);
    expect(wouldLoop(cycles, 3, 1)).toBe(false);
    expect(wouldLoop(cycles, 4, 3)).toBe(false);
  });
});
