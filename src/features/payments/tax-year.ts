/** The UK tax year runs from 6 April to 5 April. Dates are YYYY-MM-DD (London). */
export interface TaxYear {
  /** The year it starts in: 2026 for 6 April 2026 to 5 April 2027. */
  startYear: number;
  start: string;
  end: string;
}

export function taxYear(startYear: number): TaxYear {
  return { startYear, start: `${startYear}-04-06`, end: `${startYear + 1}-04-05` };
}

export function taxYearOf(day: string): TaxYear {
  const year = Number(day.slice(0, 4));
  return taxYear(day.slice(5) >= '04-06' ? year : year - 1);
}
