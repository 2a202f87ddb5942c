import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/types.ts';
import { paymentSettings, timePaidBetween } from './queries.ts';
import { taxYearOf, type TaxYear } from './tax-year.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type TaxLevel = 'ok' | 'near' | 'over';

export interface TaxYearStatus {
  year: TaxYear;
  paidPence: number;
  thresholdPence: number;
  level: TaxLevel;
}

/** Where a total stands against the trust's threshold: near from warn_at_percent of it, over past it. */
export function taxLevel(paidPence: number, thresholdPence: number, warnAtPercent: number): TaxLevel {
  if (paidPence > thresholdPence) return 'over';
  return paidPence * 100 >= thresholdPence * warnAtPercent ? 'near' : 'ok';
}

/**
 * A person's involvement payments so far in the tax year that holds `day`, and whether the lead and
 * the person should be warned (payments can affect benefits and tax). `extraPence` adds an amount
 * not yet paid — a claim being approved — to see where it would take them.
 */
export async function taxYearStatus(db: Db, personId: number, day: string, extraPence = 0): Promise<TaxYearStatus> {
  const year = taxYearOf(day);
  const [settings, paid] = await Promise.all([paymentSettings(db), timePaidBetween(db, personId, year.start, year.end)]);
  const paidPence = paid + extraPence;
  return { year, paidPence, thresholdPence: settings.tax_year_threshold_pence, level: taxLevel(paidPence, settings.tax_year_threshold_pence, settings.warn_at_percent) };
}
