import { z } from 'zod';

/**
 * The measures page's address: which unit, and the first and last month (YYYY-MM, London months).
 * A month that is not a real month is a 400 naming the field; the unit is checked by the service
 * (not a record id, or outside the user's units: 404).
 */

/** The most months one page shows (five years): the month buckets are one CASE branch each. */
export const MAX_MONTHS = 60;
/** Months shown when none are asked for, ending this month. */
export const DEFAULT_MONTHS = 24;

/** A month from 2000 to 2099: earlier years are not data this service holds. */
export const monthPattern = /^20\d{2}-(0[1-9]|1[0-2])$/;
const month = z.string({ error: 'errors.storyMeasures.monthInvalid' }).regex(monthPattern, 'errors.storyMeasures.monthInvalid').optional();

export const measuresQuery = z.object({
  /** Kept as typed: the service answers 404 for anything that is not a unit the user may see. */
  unit: z.string().max(20).optional().catch(undefined),
  from: month,
  to: month,
});
export type MeasuresQuery = z.infer<typeof measuresQuery>;
