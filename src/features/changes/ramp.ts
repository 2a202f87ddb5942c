/**
 * PDSA ramps: each cycle may follow on from an earlier one (previous_id), so a change idea's cycles
 * form chains ("ramps"), sometimes branching when two tests follow the same cycle. Pure functions.
 */

export interface RampCycle {
  id: number;
  previous_id: number | null;
  start_on: string | null;
}

export interface RampEntry<C extends RampCycle> {
  cycle: C;
  /** 1, 2, 3… in ramp order. */
  number: number;
  /** The number of the cycle this one follows, if any. */
  follows: number | null;
}

const byStart = (a: RampCycle, b: RampCycle): number => (a.start_on ?? '9999-12-31').localeCompare(b.start_on ?? '9999-12-31') || a.id - b.id;

/**
 * Puts cycles in ramp order: a cycle always comes after the one it follows; cycles that start a
 * ramp, and cycles that follow the same one, go by start date (undated last), then by id.
 */
export function rampOrder<C extends RampCycle>(cycles: readonly C[]): RampEntry<C>[] {
  const ids = new Set(cycles.map((c) => c.id));
  const children = new Map<number, C[]>();
  const roots: C[] = [];
  for (const c of cycles) {
    if (c.previous_id != null && c.previous_id !== c.id && ids.has(c.previous_id)) {
      const list = children.get(c.previous_id) ?? [];
      list.push(c);
      children.set(c.previous_id, list);
    } else roots.push(c);
  }
  const out: RampEntry<C>[] = [];
  const numberOf = new Map<number, number>();
  const visit = (c: C, follows: number | null): void => {
    if (numberOf.has(c.id)) return;
    const number = out.length + 1;
    numberOf.set(c.id, number);
    out.push({ cycle: c, number, follows });
    for (const child of (children.get(c.id) ?? []).sort(byStart)) visit(child, number);
  };
  for (const root of roots.sort(byStart)) visit(root, null);
  // A loop (which the service never writes) would leave cycles unreached: list them rather than lose them.
  for (const c of [...cycles].sort(byStart)) visit(c, c.previous_id == null ? null : (numberOf.get(c.previous_id) ?? null));
  return out;
}

/** Would making `cycleId` follow `previousId` create a loop? Walks back from previousId. */
export function wouldLoop(cycles: readonly RampCycle[], cycleId: number, previousId: number): boolean {
  const byId = new Map(cycles.map((c) => [c.id, c]));
  const seen = new Set<number>();
  let at: number | null = previousId;
  while (at != null && !seen.has(at)) {
    if (at === cycleId) return true;
    seen.add(at);
    at = byId.get(at)?.previous_id ?? null;
  }
  return false;
}
